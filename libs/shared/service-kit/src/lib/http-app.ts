import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import express, { NextFunction, Request, Response } from 'express';
import { collectProcessMetrics, httpMetricsMiddleware } from '@orderline/shared/metrics';
import { runWithEventContext } from '@orderline/shared/messaging';
import { accessLog } from './access-log';
import { CORRELATION_HEADER, CORRELATION_ID_PATTERN, INTERNAL_TOKEN_HEADER } from './headers';
import { BaseServiceConfig, ConfigError, loadConfig } from './config';
import { JsonLogger } from './json-logger';
import { metricsEndpoint, MetricsEndpointPolicy } from './metrics-endpoint';
import { createValidationPipe, overloadProblem, problem, problemErrorMiddleware, ProblemFilter, sendProblem, setOverloadRetryAfterSeconds } from './problem';
import { requestGuard } from './request-guard';

/** A request whose JSON body arrived: `rawBody` holds the bytes as sent. */
export type RawBodyRequest = Request & { rawBody?: Buffer };

export interface HttpAppOptions {
  logger: JsonLogger;
  globalPrefix?: string;
  /** Exclude from the global prefix (e.g. `health`). */
  prefixExclude?: string[];
  bodyLimit?: string;
  /** When set, every request except /health must carry it in x-internal-token. */
  internalToken?: string;
  /** Requests served at once; more are shed with 503 + Retry-After (default DEFAULT_MAX_IN_FLIGHT_REQUESTS). */
  maxInFlightRequests?: number;
  /** Label of this app's HTTP series, and who may read `GET /metrics` here (none: not served). */
  metrics?: { service: string; endpoint?: MetricsEndpointPolicy };
}

export const DEFAULT_MAX_IN_FLIGHT_REQUESTS = 256;

/**
 * Sheds load before the database does (issue 13 item 2): past `limit` requests in progress a
 * new one is answered 503 with Retry-After at once, so the pool's queue stays short and the
 * requests it does accept finish. /health is never shed (orchestrators must see the process).
 */
export function inFlightLimit(limit: number) {
  let inFlight = 0;
  return (request: Request, response: Response, next: NextFunction): void => {
    if (request.path.startsWith('/health')) return next();
    if (inFlight >= limit) return sendProblem(response, overloadProblem(`the service is serving ${limit} requests already; try again shortly`, 'OVERLOADED'));
    inFlight++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight--;
    };
    response.once('finish', release);
    response.once('close', release);
    next();
  };
}

/**
 * Correlation id from the caller (`x-correlation-id`, or `x-request-id`) or a new one; echoed
 * in the response, printed on every log line, and carried by the events the request causes.
 */
function correlationMiddleware(request: Request, response: Response, next: NextFunction): void {
  const given = request.header(CORRELATION_HEADER) ?? request.header('x-request-id');
  const correlationId = given && CORRELATION_ID_PATTERN.test(given) ? given : randomUUID();
  response.setHeader(CORRELATION_HEADER, correlationId);
  runWithEventContext({ correlationId, causationId: null }, () => next());
}

/** A request with a body must send JSON: anything else is 415, not a confusing validation error. */
function requireJsonBodies(request: Request, response: Response, next: NextFunction): void {
  const hasBody = Number(request.header('content-length') ?? 0) > 0 || request.header('transfer-encoding') !== undefined;
  if (hasBody && !request.is('application/json') && !request.is('application/*+json')) {
    return sendProblem(response, problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the request body as application/json'));
  }
  next();
}

export async function createHttpApp(module: Type<unknown> | DynamicModule, options: HttpAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, { logger: options.logger, bodyParser: false, abortOnError: false });
  app.disable('x-powered-by');
  // Scrapes are answered first and not counted: they are the observer, not the traffic.
  if (options.metrics?.endpoint) app.use(metricsEndpoint(options.metrics.endpoint));
  if (options.metrics) app.use(httpMetricsMiddleware(options.metrics.service));
  app.use(correlationMiddleware);
  // Before every refusal below, so shed, unauthenticated and malformed requests are logged too.
  app.use(accessLog(options.logger, { trustPrincipalHeader: options.internalToken !== undefined }));
  app.use(inFlightLimit(options.maxInFlightRequests ?? DEFAULT_MAX_IN_FLIGHT_REQUESTS));
  if (options.internalToken) {
    const token = options.internalToken;
    app.use((request: Request, response: Response, next: NextFunction) => {
      if (request.path.startsWith('/health') || request.header(INTERNAL_TOKEN_HEADER) === token) return next();
      sendProblem(response, problem(401, 'UNAUTHENTICATED', 'internal endpoint: missing or wrong service token'));
    });
  }
  app.use(requireJsonBodies);
  // The raw bytes are kept for signature checks (the gateway verifies carriers' HMAC over them).
  app.use(express.json({ limit: options.bodyLimit ?? '1mb', strict: true, verify: (request, _response, raw) => ((request as RawBodyRequest).rawBody = raw) }));
  app.use(problemErrorMiddleware(options.logger));
  // Depth, size and free-text rules before any route, pipe or class-transformer runs.
  app.use(requestGuard());
  if (options.globalPrefix) app.setGlobalPrefix(options.globalPrefix, { exclude: options.prefixExclude ?? [] });
  app.useGlobalFilters(new ProblemFilter(options.logger));
  app.useGlobalPipes(createValidationPipe());
  return app;
}

export interface RunServiceOptions<C extends BaseServiceConfig> {
  serviceName: string;
  configClass: new () => C;
  module: (config: C, logger: JsonLogger) => Type<unknown> | DynamicModule;
  globalPrefix?: string;
  /** The gateway: the public door, so no service token is asked of its callers. */
  public?: boolean;
  configure?: (app: INestApplication, config: C) => void | Promise<void>;
}

/** main.ts of every standalone service: validate config, build, listen, stop on SIGTERM. */
export async function runService<C extends BaseServiceConfig>(options: RunServiceOptions<C>): Promise<INestApplication | undefined> {
  const bootLogger = new JsonLogger(options.serviceName);
  let config: C;
  try {
    config = loadConfig(options.configClass, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      bootLogger.emit('error', error.message, 'config');
      process.exitCode = 1;
      return undefined;
    }
    throw error;
  }
  const logger = new JsonLogger(options.serviceName, config.LOG_LEVEL);
  setOverloadRetryAfterSeconds(config.OVERLOAD_RETRY_AFTER_SECONDS);
  collectProcessMetrics(options.serviceName);
  try {
    const app = await createHttpApp(options.module(config, logger), {
      logger,
      globalPrefix: options.globalPrefix,
      internalToken: options.public ? undefined : config.INTERNAL_API_TOKEN,
      maxInFlightRequests: config.MAX_IN_FLIGHT_REQUESTS,
      // The services' ports are internal; the public gateway serves metrics only with a token.
      metrics: { service: options.serviceName, endpoint: { token: config.METRICS_TOKEN, open: !options.public } },
    });
    app.enableShutdownHooks();
    await options.configure?.(app, config);
    await app.listen(config.PORT, '0.0.0.0');
    logger.emit('info', `listening on port ${config.PORT}`, 'runtime');
    return app;
  } catch (error) {
    logger.emit('error', 'start-up failed', 'runtime', { error: String((error as Error)?.stack ?? error) });
    process.exit(1);
  }
}
