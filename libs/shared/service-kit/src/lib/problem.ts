import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { TransformerPackage } from '@nestjs/common/interfaces/external/transformer-package.interface';
import { ClassTransformOptions, classToPlain, plainToInstance } from 'class-transformer';
import type { ValidatorOptions } from 'class-validator';
import { instantiatePayload, memoizeValidationMetadata, passesValidation } from '@orderline/shared/contracts';
import { MoneyError } from '@orderline/shared/money';
import { JsonLogger } from './json-logger';

/** RFC 9457 problem details with our stable machine `code` (architecture.md "REST"). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: Array<{ field: string; message: string }>;
  [extension: string]: unknown;
}

/**
 * A refusal the caller can act on: a broken business rule, a missing resource, a conflict.
 * Thrown by use cases; rendered as problem+json with its code, never as a 500.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('NOT_FOUND', 404, `${what} was not found`);
  }
}

/** A complete problem received from another service, passed on unchanged. */
export class ForwardedProblem extends Error {
  constructor(readonly problem: ProblemDetails) {
    super(problem.detail);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

const DEFAULT_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

export function problem(status: number, code: string, detail: string, extensions: Record<string, unknown> = {}): ProblemDetails {
  return {
    ...extensions,
    type: `https://orderline.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
  };
}

function flatten(errors: ValidationError[], prefix = ''): Array<{ field: string; message: string }> {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

export class ValidationProblem extends DomainError {
  constructor(readonly errors: Array<{ field: string; message: string }>) {
    super('VALIDATION_FAILED', 400, `${errors.length} field(s) failed validation`, { errors });
  }
}

/**
 * Nest's pipe with a validity check in front of class-validator (validity-check.ts): a valid body
 * is answered without class-validator's error tree; anything else, and any call with options the
 * check does not answer for, is class-validator's, so the 400s and their messages are unchanged.
 */
class CheckedValidationPipe extends ValidationPipe {
  protected override validate(object: object, options?: ValidatorOptions): ReturnType<ValidationPipe['validate']> {
    const refusesUnknownFields = options?.whitelist === true && options.forbidNonWhitelisted === true;
    const plainOptions = !options?.groups?.length && !options?.always && !options?.skipMissingProperties && !options?.skipNullProperties && !options?.skipUndefinedProperties;
    if (refusesUnknownFields && plainOptions && passesValidation(object, { forbidNonWhitelisted: true })) return [];
    return super.validate(object, options);
  }
}

/**
 * class-transformer as the pipe uses it: a body (an object of plain data) becomes its class through
 * `instantiatePayload`, which gives the instance `plainToInstance` gives without its per-key
 * decorator lookups (payload-instances.ts; ~2 % of the gateway's CPU per order, issue 19); a
 * call with options and a class it does not cover go to class-transformer itself. Nest keeps the
 * transformer of the pipe constructed last in its module, so a ValidationPipe built later (Nest's
 * ParseArrayPipe builds one) puts class-transformer back: slower, never different.
 */
export const PIPE_TRANSFORMER: TransformerPackage = {
  plainToInstance: <T>(type: Type<T>, plain: unknown, options?: ClassTransformOptions): T | T[] =>
    options === undefined && plain !== null && typeof plain === 'object' ? (instantiatePayload(type as new () => object, plain) as T) : plainToInstance(type, plain, options),
  classToPlain: (object, options) => classToPlain(object, options),
};

/** class-validator on every body and query; unknown fields are refused, not ignored. */
export function createValidationPipe(): ValidationPipe {
  memoizeValidationMetadata();
  return new CheckedValidationPipe({
    transformerPackage: PIPE_TRANSFORMER,
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => new ValidationProblem(flatten(errors)),
  });
}

/** Seconds an overload answer asks the caller to wait; set from OVERLOAD_RETRY_AFTER_SECONDS at start. */
let overloadRetryAfterSeconds = 1;
export function setOverloadRetryAfterSeconds(seconds: number): void {
  overloadRetryAfterSeconds = seconds;
}
export function overloadRetryAfter(): number {
  return overloadRetryAfterSeconds;
}

/** 503 + Retry-After: the request changed nothing and may be sent again (issue 13 item 2). */
export function overloadProblem(detail: string, code = 'SERVICE_UNAVAILABLE'): ProblemDetails {
  return problem(503, code, detail, { retryAfterSeconds: overloadRetryAfterSeconds });
}

// SQLSTATEs that say "busy or briefly unreachable", not "wrong": the transaction was rolled back.
const TRANSIENT_SQLSTATES: Record<string, string> = {
  '57014': 'a database statement took longer than its timeout', // query_canceled (statement_timeout)
  '57P03': 'the database is starting up or shutting down', // cannot_connect_now
  '40001': 'the database could not serialise concurrent changes', // serialization_failure
  '40P01': 'the database broke a deadlock between concurrent changes', // deadlock_detected
  '55P03': 'a database lock was not granted in time', // lock_not_available
};

/**
 * Pool exhaustion, statement timeouts and a briefly unreachable database are load, not bugs:
 * they answer 503 with Retry-After instead of 500 (pg-pool and pg raise plain Errors for the
 * first; TypeORM's QueryFailedError carries the driver's SQLSTATE in `code`).
 */
function overloadDetail(error: unknown): string | undefined {
  const failure = error as { message?: unknown; code?: unknown; driverError?: { code?: unknown } } | undefined;
  if (!failure || typeof failure !== 'object') return undefined;
  const message = typeof failure.message === 'string' ? failure.message : '';
  if (message.includes('timeout exceeded when trying to connect') || message.includes('Connection terminated due to connection timeout')) {
    return 'every database connection of this service is busy';
  }
  if (message.includes('Connection terminated unexpectedly')) return 'the database connection was lost';
  const code = String(failure.code ?? failure.driverError?.code ?? '');
  if (TRANSIENT_SQLSTATES[code]) return TRANSIENT_SQLSTATES[code];
  // 53xxx insufficient_resources (too many connections, out of memory or disk), 08xxx connection exceptions.
  if (/^(53|08)[0-9A-Z]{3}$/.test(code)) return 'the database is out of resources or unreachable';
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT') return 'the database is unreachable';
  return undefined;
}

export function toProblem(error: unknown): ProblemDetails {
  if (error instanceof ForwardedProblem) return error.problem;
  if (error instanceof DomainError) return problem(error.status, error.code, error.detail, error.extensions);
  // A computed total or balance would pass MAX_FEN: the request asks for more money than the
  // platform handles, which is the caller's to fix (the state change it asked for is rolled back).
  if (error instanceof MoneyError) return problem(422, 'AMOUNT_OUT_OF_RANGE', error.message);
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? error.message);
    return problem(status, DEFAULT_CODES[status] ?? 'HTTP_ERROR', Array.isArray(message) ? message.join('; ') : String(message));
  }
  // body-parser's own errors carry a `type` and a `status`.
  const bodyError = error as { type?: string; status?: number };
  if (bodyError?.type === 'entity.parse.failed') return problem(400, 'MALFORMED_JSON', 'the request body is not valid JSON');
  if (bodyError?.type === 'entity.too.large') return problem(413, 'PAYLOAD_TOO_LARGE', 'the request body is larger than the limit');
  if (bodyError?.type === 'encoding.unsupported' || bodyError?.type === 'charset.unsupported') return problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding');
  if (typeof bodyError?.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
    return problem(bodyError.status, DEFAULT_CODES[bodyError.status] ?? 'BAD_REQUEST', String((error as Error).message));
  }
  const overloaded = overloadDetail(error);
  if (overloaded) return overloadProblem(`${overloaded}; nothing was changed, try again shortly`);
  return problem(500, 'INTERNAL_ERROR', 'an unexpected error occurred; it has been logged');
}

export function sendProblem(response: Response, body: ProblemDetails): void {
  // Limits say when to come back (RFC 9110 Retry-After) as well as in the body.
  if (typeof body.retryAfterSeconds === 'number') response.setHeader('Retry-After', String(body.retryAfterSeconds));
  response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = toProblem(error);
    // An overload answer is expected under load: a warning, not a stack trace per shed request.
    if (body.status === 503) this.logger.emit('warn', 'request answered 503', 'http', { error: String((error as Error)?.message ?? error), code: body.code });
    else if (body.status >= 500) {
      this.logger.emit('error', 'request failed', 'http', { error: String((error as Error)?.stack ?? error), code: body.code });
    }
    sendProblem(response, body);
  }
}

/** Express error middleware for errors raised before Nest routes the request (body parsing). */
export function problemErrorMiddleware(logger: JsonLogger) {
  return (error: unknown, _request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) return next(error);
    const body = toProblem(error);
    if (body.status >= 500) logger.emit('error', 'request failed', 'http', { error: String(error) });
    sendProblem(response, body);
  };
}

export const HTTP = HttpStatus;
