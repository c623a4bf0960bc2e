import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { JsonLogger, loadConfig } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';
import { GATEWAY_PREFIX, GatewayModule } from '../gateway.module';

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
function addProblemResponses(document: OpenAPIObject): void {
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

/**
 * The gateway's OpenAPI document: one implementation, served at /docs-json and written to
 * docs/api/openapi.json by tools/api/write-openapi.mjs. It depends on the routes only, never
 * on configuration, so the served and the written document are the same.
 */
export function buildGatewayOpenApiDocument(app: INestApplication): OpenAPIObject {
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
  return document;
}

/** Placeholder settings: a preview app reads its routes and never connects anywhere. */
const OFFLINE_ENV = {
  PORT: '0',
  DATABASE_URL: 'postgres://offline@localhost:5432/gateway',
  KAFKA_BROKERS: 'localhost:9092',
  JWT_SECRET: 'offline-document-only-secret',
  BOOTSTRAP_OPERATOR: 'operator:offline-document-only',
  ORDER_SERVICE_URL: 'http://localhost',
  CREDIT_BILLING_SERVICE_URL: 'http://localhost',
  LOGISTICS_SERVICE_URL: 'http://localhost',
  AFTER_SALES_SERVICE_URL: 'http://localhost',
  EXPORT_SERVICE_URL: 'http://localhost',
};

/**
 * The document without a running gateway: Nest's preview mode resolves the module graph and
 * the routes but instantiates no provider, so no database, bus or port is touched.
 */
export async function buildGatewayOpenApiDocumentOffline(): Promise<OpenAPIObject> {
  const config = loadConfig(GatewayConfig, OFFLINE_ENV);
  const logger = new JsonLogger('gateway', 'error');
  const app = await NestFactory.create(GatewayModule.register({ config, logger }), { preview: true, logger: false, abortOnError: false });
  app.setGlobalPrefix(GATEWAY_PREFIX);
  try {
    return buildGatewayOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
