import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { OperationObject, ResponsesObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENT_METHODS, IDEMPOTENT_REPLAYED_HEADER } from './idempotency.middleware';
import { CORRELATION_HEADER, CORRELATION_ID_PATTERN, JsonLogger, loadConfig } from '@orderline/shared/service-kit';
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
  '502': 'BAD_GATEWAY (a service answered something the gateway cannot pass on)',
  '503': 'OVERLOADED, SERVICE_UNAVAILABLE, DATABASE_BUSY: nothing changed; send it again after Retry-After seconds',
};

/** Problems that tell the caller when to come back. */
const WITH_RETRY_AFTER = new Set(['429', '503']);

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
  document.components.headers = {
    ...document.components.headers,
    RetryAfter: { description: 'seconds to wait before sending the request again (RFC 9110)', schema: { type: 'integer', minimum: 1 } },
  };
  for (const [, operation] of operationsOf(document)) {
    for (const [status, codes] of Object.entries(PROBLEMS)) {
      operation.responses[status] ??= {
        description: codes,
        ...(WITH_RETRY_AFTER.has(status) ? { headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } } : {}),
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
  }
}

type Operation = OperationObject & { responses: ResponsesObject };

/** Every operation of the document with its HTTP method. */
function* operationsOf(document: OpenAPIObject): Generator<[string, Operation]> {
  for (const pathItem of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = pathItem[method];
      if (operation) yield [method.toUpperCase(), operation as Operation];
    }
  }
}

/** The tags of the controllers, each with what it groups. */
const TAGS: Array<[string, string]> = [
  ['auth & accounts', 'Sign-in, merchants and their sub-accounts, buyers, carriers'],
  ['buyer orders', 'Placing, paying, cancelling and confirming orders (domain.md §1)'],
  ['merchant orders', "The merchant's order list and operations: pauses, fees, consignee, remarks, late shipping, negotiated cancellation (domain.md §1)"],
  ['merchant catalog', 'SKUs, freight rule and coupons that price every order (domain.md §1.1a)'],
  ['merchant contact', 'Reaching the consumer: SMS verification, other contacts, virtual numbers (domain.md §6)'],
  ['logistics', 'Shipping, tracking, carrier webhooks, receipt timers (domain.md §2)'],
  ['after-sales', 'Returns, refunds and exchanges, and their settlement (domain.md §3)'],
  ['credit', 'Credit lines, loans, statements, repayments and products (domain.md §4)'],
  ['export', 'The export center (domain.md §5)'],
  ['operations', 'Health and the operators\' outbox tools'],
  ['test clock', 'Moving the platform clock in tests and demos (TEST_CLOCK=1 only)'],
];

/** The header that makes a state-changing request safe to retry (idempotency.middleware.ts). */
function addIdempotencyKey(document: OpenAPIObject): void {
  document.components ??= {};
  document.components.parameters = {
    ...document.components.parameters,
    IdempotencyKey: {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description:
        'Makes the request safe to retry: the first answer for this account and key is stored for IDEMPOTENCY_TTL_HOURS and replayed ' +
        '(with `Idempotent-Replayed: true`); the same key with another request is 422 IDEMPOTENCY_KEY_REUSED.',
      schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
    },
  };
  for (const [method, operation] of operationsOf(document)) {
    // The middleware remembers the requests of signed-in callers that change state.
    if (!IDEMPOTENT_METHODS.includes(method) || operation.security?.length === 0) continue;
    operation.parameters = [...(operation.parameters ?? []), { $ref: '#/components/parameters/IdempotencyKey' }];
  }
}

/**
 * The headers every answer carries: `x-correlation-id` on all of them (the correlation
 * middleware, http-app.ts), `Idempotent-Replayed: true` on a stored answer replayed for an
 * Idempotency-Key (idempotency.middleware.ts), which never replays a 5xx. Runs after the
 * problem responses are added, so they carry the headers too.
 */
function addResponseHeaders(document: OpenAPIObject): void {
  document.components ??= {};
  document.components.headers = {
    ...document.components.headers,
    CorrelationId: {
      description: 'the caller\'s `x-correlation-id` (or `x-request-id`) when it is 1-128 letters, digits or `_.:-`, else a new UUID; printed on every log line and carried by the events the request causes',
      schema: { type: 'string', pattern: CORRELATION_ID_PATTERN.source },
    },
    IdempotentReplayed: {
      description: 'present (`true`) when this is the stored answer to an earlier request with the same Idempotency-Key: the request did not run again',
      schema: { type: 'string', enum: ['true'] },
    },
  };
  for (const [, operation] of operationsOf(document)) {
    const idempotent = (operation.parameters ?? []).some((parameter) => '$ref' in parameter && parameter.$ref === '#/components/parameters/IdempotencyKey');
    for (const [status, response] of Object.entries(operation.responses)) {
      if (!response || '$ref' in response) continue;
      response.headers = {
        ...response.headers,
        [CORRELATION_HEADER]: { $ref: '#/components/headers/CorrelationId' },
        ...(idempotent && !status.startsWith('5') ? { [IDEMPOTENT_REPLAYED_HEADER]: { $ref: '#/components/headers/IdempotentReplayed' } } : {}),
      };
    }
  }
}

/** Public operations say so (`security: []`); every other one carries the bearer token. */
function declarePublicOperations(document: OpenAPIObject): void {
  for (const [, operation] of operationsOf(document)) operation.security ??= [];
}

/**
 * OpenAPI 3.1 for nullable values: a 3.0 `nullable: true` beside an enum or an `allOf` of a
 * component does not admit null to a validator, so null becomes a type of its own.
 */
function toOpenApi31(document: OpenAPIObject): void {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const schema = node as Record<string, any>;
    if (schema['nullable'] === true) {
      delete schema['nullable'];
      if (Array.isArray(schema['allOf']) && schema['allOf'].length === 1) {
        schema['anyOf'] = [schema['allOf'][0], { type: 'null' }];
        delete schema['allOf'];
        delete schema['type'];
      } else if (typeof schema['type'] === 'string') {
        schema['type'] = [schema['type'], 'null'];
        if (Array.isArray(schema['enum'])) schema['enum'] = [...schema['enum'], null];
      }
    }
    Object.values(schema).forEach(visit);
  };
  visit(document.paths);
  visit(document.components);
  (document as { openapi: string }).openapi = '3.1.0';
}

/**
 * The gateway's OpenAPI document: one implementation, served at /docs-json and written to
 * docs/api/openapi.json by tools/api/write-openapi.mjs. It depends on the routes only, never
 * on configuration, so the served and the written document are the same.
 */
export function buildGatewayOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Orderline API')
    .setDescription(
      'Orders and consumer credit for marketplace merchants. Money is integer fen. Errors are application/problem+json with a stable `code` ' +
        '(and `errors[]` per field for validation). State-changing requests accept an `Idempotency-Key` header. Limits answer 429 with Retry-After.',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'the gateway that serves this document')
    .addBearerAuth();
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const config = builder.build();
  // DocumentBuilder.setContact needs an e-mail address; the project publishes none.
  config.info.contact = { name: 'Orderline maintainers' };
  const document = SwaggerModule.createDocument(app, config);
  declarePublicOperations(document);
  addProblemResponses(document);
  addIdempotencyKey(document);
  addResponseHeaders(document);
  toOpenApi31(document);
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
