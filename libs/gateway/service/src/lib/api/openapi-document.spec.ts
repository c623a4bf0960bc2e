import { OpenAPIObject } from '@nestjs/swagger';
import { MAX_FEN } from '@orderline/shared/money';
import { PAUSE_REASONS } from '@orderline/shared/platform-rules';
import { buildGatewayOpenApiDocumentOffline } from './openapi-document';

type AnyObject = Record<string, any>;

/**
 * What Redocly's rules do not check but clients rely on (docs/api.md): every answer typed,
 * the idempotency header where the middleware honours it, money as bounded integers, code
 * lists from the code's arrays, and nulls a validator accepts.
 */
describe('the gateway OpenAPI document', () => {
  let document: OpenAPIObject;
  const operations: Array<{ method: string; path: string; operation: AnyObject }> = [];

  beforeAll(async () => {
    document = await buildGatewayOpenApiDocumentOffline();
    for (const [path, item] of Object.entries(document.paths)) for (const [method, operation] of Object.entries(item as AnyObject)) operations.push({ method, path, operation });
  }, 60_000);

  it('is OpenAPI 3.1 with a unique operationId and a summary on every operation', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(operations.length).toBeGreaterThanOrEqual(96);
    const ids = operations.map(({ operation }) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => /Controller_/.test(id))).toEqual([]);
    expect(operations.filter(({ operation }) => !operation.summary).map(({ operation }) => operation.operationId)).toEqual([]);
  });

  it('gives every success answer a schema (JSON) or a file type, and every problem the Problem schema', () => {
    const untyped = operations.flatMap(({ operation }) =>
      Object.entries(operation.responses as AnyObject)
        .filter(([status, response]) => {
          const content = response.content ?? {};
          if (status.startsWith('2')) return !Object.values(content).some((media: any) => media.schema);
          return content['application/problem+json']?.schema?.$ref !== '#/components/schemas/Problem' && !['getHealth', 'getReadiness'].includes(operation.operationId);
        })
        .map(([status]) => `${operation.operationId} ${status}`),
    );
    expect(untyped).toEqual([]);
  });

  it('declares Idempotency-Key on every state-changing operation of a signed-in caller, and security on every operation', () => {
    const stateChanging = operations.filter(({ method }) => ['post', 'put', 'patch', 'delete'].includes(method));
    const missing = stateChanging.filter(({ operation }) => operation.security.length > 0 && !(operation.parameters ?? []).some((p: AnyObject) => p.$ref === '#/components/parameters/IdempotencyKey'));
    expect(missing.map(({ operation }) => operation.operationId)).toEqual([]);
    expect(operations.filter(({ operation }) => !Array.isArray(operation.security)).map(({ operation }) => operation.operationId)).toEqual([]);
    expect(operations.filter(({ operation }) => operation.security.length === 0).map(({ operation }) => operation.operationId).sort()).toEqual(['getHealth', 'getLiveness', 'getReadiness', 'issueAccessToken', 'receiveCarrierEvent']);
  });

  it('documents the response headers: x-correlation-id on every answer, Idempotent-Replayed on what an Idempotency-Key may replay', () => {
    const answers = operations.flatMap(({ operation }) => Object.entries(operation.responses as AnyObject).map(([status, response]) => ({ operation, status, headers: (response.headers ?? {}) as AnyObject })));
    expect(answers.filter(({ headers }) => headers['x-correlation-id']?.$ref !== '#/components/headers/CorrelationId').map(({ operation, status }) => `${operation.operationId} ${status}`)).toEqual([]);
    const replayable = (operation: AnyObject, status: string) => (operation.parameters ?? []).some((p: AnyObject) => p.$ref === '#/components/parameters/IdempotencyKey') && !status.startsWith('5');
    // A 5xx drops the key (idempotency.middleware.ts): never replayed.
    expect(answers.filter(({ operation, status, headers }) => replayable(operation, status) !== (headers['Idempotent-Replayed']?.$ref === '#/components/headers/IdempotentReplayed')).map(({ operation, status }) => `${operation.operationId} ${status}`)).toEqual([]);
    expect(document.components?.headers?.['CorrelationId']).toMatchObject({ schema: { type: 'string', pattern: '^[\\w.:-]{1,128}$' } });
  });

  it('describes money as bounded integers, code lists from the code, and nullable values a validator accepts', () => {
    const schemas = (document.components?.schemas ?? {}) as AnyObject;
    expect(schemas['OrderView'].properties.payable).toMatchObject({ type: 'integer', minimum: 0, maximum: MAX_FEN });
    expect(schemas['OrderPauseView'].properties.reason.enum).toEqual([...PAUSE_REASONS]);
    expect(schemas['OrderView'].properties.pause).toEqual({ anyOf: [{ $ref: '#/components/schemas/OrderPauseView' }, { type: 'null' }] });
    expect(schemas['OrderStatusChangeView'].properties.from.type).toEqual(['string', 'null']);
    expect(schemas['OrderStatusChangeView'].properties.from.enum).toContain(null);
    expect(JSON.stringify(document)).not.toContain('"nullable"');
    expect(JSON.stringify(document)).not.toMatch(/"type":"number"/);
  });

  it('declares the files the routes send by their media types', () => {
    const operation = (id: string): AnyObject => operations.find(({ operation }) => operation.operationId === id)?.operation ?? {};
    const download = operation('downloadExportFile');
    expect(Object.keys(download.responses['200'].content).sort()).toEqual(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/zip', 'text/csv']);
    const waybill = operation('getWaybillLabel');
    expect(Object.keys(waybill.responses['200'].content)).toEqual(['application/pdf']);
  });
});
