import { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { FixedWindowCounter } from '@orderline/gateway/domain';
import { Clock, PLATFORM_CLOCK, problem, sendProblem, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';
import { idempotencyMiddleware } from './idempotency.middleware';

/** Headers for a JSON API: no sniffing, no framing, no referrer, HTTPS only. */
function securityHeaders(request: Request, response: Response, next: NextFunction): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  // The API answers JSON only; the OpenAPI UI under /docs needs its own scripts and styles.
  if (!request.path.startsWith('/docs')) response.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  next();
}

function ipRateLimit(counter: FixedWindowCounter, clock: Clock) {
  return (request: Request, response: Response, next: NextFunction) => {
    const decision = counter.take(request.socket.remoteAddress ?? 'unknown', clock.now().getTime());
    if (decision.allowed) return next();
    sendProblem(response, problem(429, 'RATE_LIMITED', `too many requests from this address; retry in ${decision.retryAfterSeconds} s`, { retryAfterSeconds: decision.retryAfterSeconds }));
  };
}

/** Everything the public door adds to a plain service app: headers, CORS, limits, idempotency, docs. */
export function configureGatewayHttp(app: INestApplication): void {
  const config = app.get<GatewayConfig>(SERVICE_CONFIG);
  const clock = app.get<Clock>(PLATFORM_CLOCK);
  const origins = config.CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean);
  app.enableCors({
    origin: origins.includes('*') ? true : origins,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-correlation-id', 'x-request-id'],
    exposedHeaders: ['x-correlation-id', 'retry-after', 'idempotent-replayed'],
    maxAge: 600,
  });
  app.use(securityHeaders);
  app.use(ipRateLimit(new FixedWindowCounter({ limit: config.RATE_LIMIT_IP_PER_MINUTE, windowMs: 60_000 }), clock));
  app.use(idempotencyMiddleware({ dataSource: app.get(DataSource), jwt: app.get(JwtService), clock, ttlHours: config.IDEMPOTENCY_TTL_HOURS, leaseSeconds: config.IDEMPOTENCY_LEASE_SECONDS }));
  mountApiDocs(app);
}

const PROBLEMS: Record<string, string> = {
  '400': 'VALIDATION_FAILED (with errors[] per field; also NUL/control characters, lone surrogates, strings over 4000 characters in any field), BODY_TOO_DEEP (nesting over 32), MALFORMED_JSON, INVALID_IDEMPOTENCY_KEY',
  '401': 'UNAUTHENTICATED, INVALID_TOKEN, INVALID_CREDENTIALS',
  '403': 'FORBIDDEN (wrong role), PERMISSION_REQUIRED (sub-account without the grant), ACCOUNT_DISABLED, MAIN_ACCOUNT_REQUIRED, SMS_VERIFICATION_REQUIRED',
  '404': 'NOT_FOUND (also for another merchant\'s or buyer\'s ids)',
  '409': 'a business rule refused the change: ORDER_ALREADY_SHIPPED, INVALID_ORDER_TRANSITION, USERNAME_TAKEN, PERMISSION_GRANT_REFUSED, CLOCK_CANNOT_GO_BACK, …',
  '413': 'PAYLOAD_TOO_LARGE (body over 1 MB, an array over 1000 elements, or over 20000 values)',
  '415': 'UNSUPPORTED_MEDIA_TYPE (send application/json)',
  '422': 'IDEMPOTENCY_KEY_REUSED, INVALID_PAYMENT_TERMS, UNKNOWN_MERCHANT, SKU_NOT_FOUND, SKU_DELISTED, OUT_OF_STOCK, COUPON_ALREADY_USED, COUPON_EXHAUSTED, VERIFICATION_CODE_WRONG, …',
  '429': 'RATE_LIMITED, TOO_MANY_LOGIN_ATTEMPTS, OTHER_CONTACTS_DAILY_LIMIT, VIRTUAL_NUMBER_LIMIT_REACHED (Retry-After header)',
  '500': 'INTERNAL_ERROR (never for a client mistake)',
};

/** Every operation documents the problem+json answers it can give, with their codes. */
function addProblemResponses(document: ReturnType<typeof SwaggerModule.createDocument>): void {
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas['Problem'] = {
    type: 'object',
    description: 'RFC 9457 problem details with a stable machine code',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: { type: 'string', example: 'https://orderline.dev/problems/validation-failed' },
      title: { type: 'string', example: 'Bad Request' },
      status: { type: 'integer', example: 400 },
      detail: { type: 'string', example: '1 field(s) failed validation' },
      code: { type: 'string', example: 'VALIDATION_FAILED' },
      errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string', example: 'items.0.unitPrice' }, message: { type: 'string', example: 'unitPrice must be an integer number' } } } },
    },
  };
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem) as Array<{ responses?: Record<string, unknown>; security?: unknown[] }>) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      operation.responses ??= {};
      for (const [status, codes] of Object.entries(PROBLEMS)) {
        if (status === '401' && !operation.security) continue;
        operation.responses[status] ??= { description: codes, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
      }
    }
  }
}

/** OpenAPI document at /docs-json (and /docs/openapi.json), UI at /docs. */
export function mountApiDocs(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Orderline API')
      .setDescription(
        'Orders and consumer credit for marketplace merchants. Money is integer fen. Errors are application/problem+json with a stable `code` ' +
          '(and `errors[]` per field for validation). State-changing requests accept an `Idempotency-Key` header. Limits answer 429 with Retry-After.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  addProblemResponses(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  app.getHttpAdapter().get('/docs/openapi.json', (_request: Request, response: Response) => response.json(document));
}
