import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_EVENTS, ALL_TOPICS, buildAsyncApiDocument, deadLetterTopicOf, DLQ_HEADERS, eventCatalogue, renderEventsCatalogue } from '@orderline/shared/contracts';
import { asyncApiProblems } from './asyncapi-problems';

describe('AsyncAPI document from the event registry', () => {
  const document = buildAsyncApiDocument({ version: '0.0.0-test' }) as any;

  it('parses with the AsyncAPI parser with no error and no warning', async () => {
    expect(await asyncApiProblems(document)).toEqual([]);
    // The parser does check: a message that points nowhere is an error.
    const broken = structuredClone(document);
    broken.channels['orders.v1'].messages.OrderPlaced = { $ref: '#/components/messages/NoSuchEvent' };
    expect((await asyncApiProblems(broken)).length).toBeGreaterThan(0);
  }, 60_000);

  it('lists every registry event on its topic, with a dead-letter twin carrying the DLQ headers', () => {
    for (const definition of ALL_EVENTS) {
      expect(document.channels[definition.topic].messages[definition.type]).toEqual({ $ref: `#/components/messages/${definition.type}` });
      expect(document.channels[deadLetterTopicOf(definition.topic)].messages[`${definition.type}.dlq`]).toBeDefined();
      const message = document.components.messages[definition.type];
      expect(message.summary).toBe(definition.description);
      expect(message.payload.properties.payload).toEqual({ $ref: `#/components/schemas/${definition.payload.name}` });
      expect(Object.keys(document.components.messages[`${definition.type}.dlq`].headers.properties)).toEqual(expect.arrayContaining(Object.values(DLQ_HEADERS)));
    }
    expect(Object.keys(document.channels).sort()).toEqual([...ALL_TOPICS, ...ALL_TOPICS.map(deadLetterTopicOf)].sort());
  });

  it('derives payload schemas from the validation decorators: integers for fen, enums for codes, nested classes by reference', () => {
    const schemas = document.components.schemas;
    expect(schemas.OrderPlacedPayload.properties.payable).toMatchObject({ type: 'integer', minimum: 0 });
    expect(schemas.OrderPlacedPayload.properties.paymentMethod).toMatchObject({ enum: ['ONLINE', 'COD', 'CREDIT'] });
    expect(schemas.OrderPlacedPayload.properties.lines).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/OrderLineSnapshot' } });
    expect(schemas.OrderPlacedPayload.required).toEqual(expect.arrayContaining(['orderId', 'payable', 'lines']));
    expect(schemas.OrderPlacedPayload.required).not.toContain('consigneeSealed');
    expect(schemas.OrderLineSnapshot.properties.quantity).toMatchObject({ type: 'integer', minimum: 1 });
  });

  it('names the key fields, the producer and the consumers of each event', () => {
    const catalogue = eventCatalogue();
    expect(catalogue).toContainEqual(expect.objectContaining({ type: 'OrderPlaced', keyFields: ['orderId'], producer: 'order-service', consumers: expect.arrayContaining(['credit-billing-service']) }));
    // A key with a fallback names both fields, in the order keyOf tries them.
    expect(catalogue).toContainEqual(expect.objectContaining({ type: 'CreditHoldDeclined', keyFields: ['creditAccountId', 'orderId'] }));
    expect(document.operations['order-service.send.orders.v1'].messages).toContainEqual({ $ref: '#/channels/orders.v1/messages/OrderPlaced' });
    expect(document.operations['credit-billing-service.receive.orders.v1'].messages).toContainEqual({ $ref: '#/channels/orders.v1/messages/OrderPlaced' });
  });

  it('docs/api/asyncapi.json and docs/events.md are what the registry gives today (node tools/api/write-asyncapi.mjs)', () => {
    const root = join(__dirname, '..', '..');
    expect(JSON.parse(readFileSync(join(root, 'docs/api/asyncapi.json'), 'utf8'))).toEqual(buildAsyncApiDocument({ version: '1' }));
    expect(readFileSync(join(root, 'docs/events.md'), 'utf8')).toBe(renderEventsCatalogue());
  });
});
