import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { CORRELATION_HEADER } from './headers';
import { JsonLogger, LogLevelName } from './json-logger';
import { decodePrincipal, Principal, PRINCIPAL_HEADER } from './principal';

/** What an access line may say of a request: never its body, headers, query or path values. */
export interface AccessLogFields {
  correlationId: string;
  method: string;
  route: string;
  status: number;
  latencyMs: number;
  bytes?: number;
  principal?: { accountId: string; role: Principal['role'] };
  /** The connection closed before the response was finished (the status is then what had been set). */
  aborted?: true;
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
 * One access line per request (issue 16 item 3, docs/observability.md "Logs"), written into the
 * service's JsonLogger when the response has finished or its connection closed first, so the line
 * keeps the project's shape and passes the same redaction. Written here rather than by pino-http
 * (ADR 0022): the same listeners and levels for ~80 µs less CPU per served request (issue 19).
 * `trustPrincipalHeader`: a service behind the gateway names the caller the gateway vouched for;
 * the gateway itself reads the principal its auth guard set, never a header a client sent.
 */
export function accessLog(logger: JsonLogger, options: { trustPrincipalHeader: boolean }): RequestHandler {
  return (request, response, next) => {
    const startedAt = Date.now();
    let written = false;
    // The first of 'finish' (the last byte handed to the socket), 'close' (the connection went
    // first: the line says `aborted`) and 'error' writes the line; the others find it written.
    const write = (finished: boolean, error?: unknown): void => {
      if (written) return;
      written = true;
      const latencyMs = Date.now() - startedAt;
      const status = response.statusCode;
      const route = loggedRoute(request);
      const req = request as Request & { principal?: Principal };
      const principal = req.principal ?? (options.trustPrincipalHeader ? decodePrincipal(request.header(PRINCIPAL_HEADER)) : undefined);
      const length = response.hasHeader('content-length') ? Number(response.getHeader('content-length')) : NaN;
      // Probes every few seconds would drown the requests; a 503 (shed, a service down) is expected under load.
      const level: LogLevelName = isHealthProbe(request) ? 'debug' : error !== undefined || status === 500 ? 'error' : status >= 500 ? 'warn' : 'info';
      const fields: AccessLogFields = {
        correlationId: String(response.getHeader(CORRELATION_HEADER) ?? request.headers[CORRELATION_HEADER] ?? ''),
        method: request.method,
        route,
        status,
        latencyMs,
        ...(Number.isFinite(length) ? { bytes: length } : {}),
        ...(principal ? { principal: { accountId: principal.accountId, role: principal.role } } : {}),
        ...(finished ? {} : { aborted: true }),
      };
      logger.emit(level, `${request.method} ${route} ${status} ${latencyMs}ms`, 'access', fields as unknown as Record<string, unknown>);
    };
    response.on('finish', () => write(true));
    response.on('close', () => write(false));
    response.on('error', (error: Error) => write(false, error));
    next();
  };
}
