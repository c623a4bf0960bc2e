import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { JsonLogger, LogLevelName } from './json-logger';
import { decodePrincipal, Principal, PRINCIPAL_HEADER } from './principal';

const PINO_LEVELS: Record<number, LogLevelName> = { 20: 'debug', 30: 'info', 40: 'warn', 50: 'error' };

/** What an access line may say of a request: never its body, headers, query or path values. */
export interface AccessLogFields {
  correlationId: string;
  method: string;
  route: string;
  status: number;
  latencyMs: number;
  bytes?: number;
  principal?: { accountId: string; role: Principal['role'] };
}

/**
 * The route template (`/api/v1/orders/:id`) when a route matched, so no path value reaches the
 * log. A request refused before routing (401, 415, 503, 404) shows its path with every segment
 * that is not a plain word (letters and hyphens, a version digit) replaced by `*`: ids, phone numbers
 * and names never appear.
 */
export function loggedRoute(request: Pick<Request, 'route' | 'baseUrl' | 'originalUrl'>): string {
  const template = request.route?.path;
  if (typeof template === 'string') return (request.baseUrl ?? '') + template;
  const path = (request.originalUrl ?? '').split('?')[0];
  return path
    .split('/')
    .map((segment) => (segment === '' || /^[a-z][a-z-]{0,30}\d?$/.test(segment) ? segment : '*'))
    .join('/');
}

function isHealthProbe(request: IncomingMessage): boolean {
  return /^(\/api\/v1)?\/health(\/|$|\?)/.test(request.url ?? '');
}

/**
 * One access line per request (issue 16 item 3, docs/observability.md "Logs"), written through
 * pino-http — timing, the finish/close/abort cases, the level by outcome — into the service's
 * JsonLogger, so the line keeps the project's shape and passes the same redaction.
 * `trustPrincipalHeader`: a service behind the gateway names the caller the gateway vouched for;
 * the gateway itself reads the principal its auth guard set, never a header a client sent.
 */
export function accessLog(logger: JsonLogger, options: { trustPrincipalHeader: boolean }): RequestHandler {
  // pino's log call is handed straight to the JsonLogger (its `logMethod` hook): the fields are
  // written once, never through pino's JSON and back. With the request serialiser below that is
  // ~50 µs less CPU per served request (issue 19; tools/bench/README.md, `http-hop.cjs`).
  const toJsonLogger = (args: unknown[], _method: unknown, level: number): void => {
    const [fields, message] = args as [Record<string, unknown>, string];
    logger.emit(PINO_LEVELS[level] ?? 'info', message, 'access', fields);
  };
  const fields = (request: IncomingMessage, response: ServerResponse, latencyMs: number): AccessLogFields => {
    const req = request as Request & { principal?: Principal; id?: string };
    const principal = req.principal ?? (options.trustPrincipalHeader ? decodePrincipal(req.header(PRINCIPAL_HEADER)) : undefined);
    const length = Number(response.getHeader('content-length'));
    return {
      correlationId: String(req.id),
      method: req.method,
      route: loggedRoute(req),
      status: response.statusCode,
      latencyMs,
      ...(Number.isFinite(length) && response.hasHeader('content-length') ? { bytes: length } : {}),
      ...(principal ? { principal: { accountId: principal.accountId, role: principal.role } } : {}),
    };
  };
  const message = (request: IncomingMessage, response: ServerResponse, latencyMs: number) => `${request.method} ${loggedRoute(request as Request)} ${response.statusCode} ${latencyMs}ms`;
  return pinoHttp({
    logger: pino({ level: 'debug', base: null, timestamp: false, hooks: { logMethod: toJsonLogger } }),
    // pino-http binds every request to a child logger under `req`, which its serialiser copies
    // (headers included) and pino stringifies on each request, although the quiet loggers below
    // never write it: here it copies nothing. What a line holds is `fields` below, and it passes
    // the JsonLogger's redaction like every other line.
    wrapSerializers: false,
    serializers: { req: () => undefined },
    // The correlation id chosen by the correlation middleware (echoed in x-correlation-id).
    genReqId: (request, response) => String(response.getHeader('x-correlation-id') ?? request.headers['x-correlation-id'] ?? ''),
    quietReqLogger: true,
    quietResLogger: true,
    // Probes every few seconds would drown the requests; a 503 (shed, a service down) is expected under load.
    customLogLevel: (request, response, error) => (isHealthProbe(request) ? 'debug' : error || response.statusCode === 500 ? 'error' : response.statusCode >= 500 ? 'warn' : 'info'),
    customSuccessObject: (request, response, value: { responseTime: number }) => fields(request, response, value.responseTime),
    customErrorObject: (request, response, _error, value: { responseTime: number }) => fields(request, response, value.responseTime),
    customSuccessMessage: (request, response, latencyMs) => message(request, response, latencyMs),
    // pino-http passes the response time as a fourth argument its types leave out.
    customErrorMessage: ((request: IncomingMessage, response: ServerResponse, _error: Error, latencyMs: number) => message(request, response, latencyMs)) as (request: IncomingMessage, response: ServerResponse, error: Error) => string,
  }) as unknown as RequestHandler;
}
