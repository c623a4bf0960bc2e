import { describeMismatch, orderlineResponseSchemaCheck, ResponseSchemaCheck, type OpenApiDocument } from './response-schema-check';

const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
const document: OpenApiDocument = {
  openapi: '3.0.0',
  paths: {
    '/api/v1/orders/{id}': {
      get: {
        operationId: 'getOrder',
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } },
          '4XX': { content: problem },
        },
      },
    },
    '/api/v1/orders/summary': { get: { operationId: 'orderSummary', responses: { '200': { content: { 'application/json': { schema: { type: 'object', required: ['count'], properties: { count: { type: 'integer' } } } } } } } } },
    '/api/v1/orders/{id}/label': { get: { operationId: 'orderLabel', responses: { '200': { content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } }, '204': { description: 'none' } } } },
    '/api/v1/orders/{id}/note': { get: { operationId: 'orderNote', responses: { '200': { content: { 'application/json': {} } } } } },
  },
  components: {
    schemas: {
      Order: {
        type: 'object',
        required: ['id', 'payable', 'status'],
        additionalProperties: false,
        properties: { id: { type: 'string', format: 'uuid' }, payable: { type: 'integer' }, status: { type: 'string', enum: ['UNPAID', 'PAID'] }, note: { type: 'string', nullable: true } },
      },
      Problem: { type: 'object', required: ['status', 'code'], properties: { status: { type: 'integer' }, code: { type: 'string' } } },
    },
  },
};

const ID = '3f1c9a52-8a44-4d43-9a57-2b3a0f0f7e11';
const check = new ResponseSchemaCheck(document);
const json = (value: unknown) => JSON.stringify(value);

describe('ResponseSchemaCheck', () => {
  it('accepts an answer that matches its operation, status and content type', () => {
    expect(check.check('GET', `/api/v1/orders/${ID}`, 200, 'application/json; charset=utf-8', json({ id: ID, payable: 100, status: 'PAID', note: null }))).toEqual([]);
    expect(check.check('GET', `/api/v1/orders/${ID}`, 404, 'application/problem+json', json({ status: 404, code: 'NOT_FOUND' }))).toEqual([]);
    expect(check.check('GET', `/api/v1/orders/${ID}/label`, 200, 'application/pdf', '(not read)')).toEqual([]);
    expect(check.check('GET', `/api/v1/orders/${ID}/label`, 204, null, '')).toEqual([]);
  });

  it('names the operation, the JSON pointer and the value of each mismatch', () => {
    const [mismatch, ...rest] = check.check('GET', `/api/v1/orders/${ID}`, 200, 'application/json', json({ id: ID, payable: 12.5, status: 'PAID' }));
    expect(rest).toEqual([]);
    expect(mismatch).toMatchObject({ operation: 'getOrder', path: '/api/v1/orders/{id}', pointer: '/payable', value: 12.5 });
    expect(describeMismatch(mismatch)).toBe('getOrder (GET /api/v1/orders/{id} → 200 application/json): body/payable must be integer; value: 12.5');
    expect(check.check('GET', `/api/v1/orders/${ID}`, 200, 'application/json', json({ id: 'not-a-uuid', payable: 1, status: 'LOST', extra: true })).map((m) => `${m.pointer} ${m.problem}`)).toEqual([
      ' has a property the schema does not declare: "extra"',
      '/id must match format "uuid"',
      '/status must be equal to one of the allowed values: ["UNPAID","PAID"]',
    ]);
  });

  it('matches a literal segment before a path parameter', () => {
    expect(check.check('GET', '/api/v1/orders/summary', 200, 'application/json', json({ count: 3 }))).toEqual([]);
    expect(check.check('GET', '/api/v1/orders/summary', 200, 'application/json', json({ count: '3' }))[0]).toMatchObject({ operation: 'orderSummary', pointer: '/count' });
  });

  it('refuses undeclared statuses, content types, unschematised JSON and unknown operations', () => {
    expect(check.check('GET', '/api/v1/orders/summary', 503, 'application/problem+json', json({ status: 503, code: 'OVERLOADED' }))[0].problem).toMatch(/status 503, which the operation does not declare/);
    expect(check.check('GET', `/api/v1/orders/${ID}/label`, 200, 'text/html', '(not read)')[0].problem).toMatch(/content type text\/html, not one of application\/pdf/);
    expect(check.check('GET', `/api/v1/orders/${ID}/label`, 204, 'application/json', '{}')[0].problem).toMatch(/declares none/);
    expect(check.check('GET', `/api/v1/orders/${ID}/note`, 200, 'application/json', '{}')[0].problem).toMatch(/declares no schema/);
    expect(check.check('DELETE', `/api/v1/orders/${ID}`, 200, 'application/json', '{}')[0].problem).toMatch(/operation the document does not declare/);
    expect(check.check('GET', '/api/v1/nowhere', 404, 'application/problem+json', json({ status: 404, code: 'NOT_FOUND' }))).toEqual([]);
    expect(check.check('GET', '/api/v1/nowhere', 404, 'application/problem+json', json({ status: '404' }))).toHaveLength(2);
  });

  it('compiles every response schema of the committed document', () => {
    const committed = orderlineResponseSchemaCheck();
    expect(committed.compileAll()).toBeGreaterThan(100);
  });
});
