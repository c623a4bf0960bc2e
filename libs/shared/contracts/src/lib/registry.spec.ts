import { randomUUID } from 'node:crypto';
import { buildEnvelope, envelopeProblems } from './envelope';
import { createEventRegistry, OrderCancelled, OrderPlaced } from '../index';
import { EventContractError, EventRegistry } from './registry';

const registry = createEventRegistry();

function orderPlacedPayload(overrides: Record<string, unknown> = {}) {
  return {
    orderId: randomUUID(),
    merchantId: randomUUID(),
    buyerId: randomUUID(),
    paymentMethod: 'CREDIT',
    payable: 1500,
    freight: 0,
    credit: { plan: 'INSTALLMENT', periods: 6 },
    lines: [{ lineId: randomUUID(), skuId: 'sku-1', title: 'Kettle', unitPrice: 1500, quantity: 1, lineTotal: 1500 }],
    ...overrides,
  };
}

function wire(type: string, payload: unknown, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    ...buildEnvelope({ type, version: 1, producer: 'order-service', aggregateId: 'a', payload, occurredAt: new Date() }),
    ...extra,
  });
}

describe('envelope', () => {
  it('roots a new story at the event itself and keeps given ids', () => {
    const root = buildEnvelope({ type: 'OrderPlaced', version: 1, producer: 'p', aggregateId: 'a', payload: {}, occurredAt: new Date(0) });
    expect(root.correlationId).toBe(root.eventId);
    expect(root.causationId).toBeNull();
    expect(root.occurredAt).toBe('1970-01-01T00:00:00.000Z');
    const child = buildEnvelope({ type: 'X', version: 1, producer: 'p', aggregateId: 'a', payload: {}, occurredAt: new Date(), correlationId: 'c', causationId: root.eventId });
    expect(child.correlationId).toBe('c');
    expect(child.causationId).toBe(root.eventId);
  });

  it('reports every structural problem', () => {
    expect(envelopeProblems('x')).toEqual(['envelope is not a JSON object']);
    const problems = envelopeProblems({ eventId: 'nope', version: 0, payload: [] });
    expect(problems).toEqual(expect.arrayContaining(['eventId must be a UUID', 'type must be a non-empty string', 'version must be a positive integer', 'payload must be a JSON object']));
  });
});

describe('event registry', () => {
  it('refuses a payload with invalid text (NUL, lone surrogate) naming the field, never the value', () => {
    const withNul = () => registry.validatePayload(OrderPlaced, orderPlacedPayload({ lines: [{ lineId: randomUUID(), skuId: 'sku-1', title: 'Ket\u0000tle', unitPrice: 1500, quantity: 1, lineTotal: 1500 }] }));
    expect(withNul).toThrow(/lines\.0\.title: must not contain NUL/);
    expect(withNul).not.toThrow(/Ket/);
    const withSurrogate = () => registry.validatePayload(OrderPlaced, orderPlacedPayload({ lines: [{ lineId: randomUUID(), skuId: '\uD800', title: 'Kettle', unitPrice: 1500, quantity: 1, lineTotal: 1500 }] }));
    expect(withSurrogate).toThrow(/lines\.0\.skuId: must be valid Unicode/);
  });

  it('decodes a valid event into its payload class', () => {
    const decoded = registry.decode(wire('OrderPlaced', orderPlacedPayload()));
    expect(decoded.type).toBe('OrderPlaced');
    expect(decoded.payload).toBeInstanceOf(OrderPlaced.payload);
  });

  it('rejects bad JSON, unknown types, wrong versions and invalid payloads', () => {
    expect(() => registry.decode('{not json')).toThrow(/not JSON/);
    expect(() => registry.decode(wire('NoSuchEvent', {}))).toThrow(/unknown event type "NoSuchEvent"/);
    expect(() => registry.decode(wire('OrderPlaced', orderPlacedPayload(), { version: 2 }))).toThrow(/unsupported OrderPlaced version 2/);
    expect(() => registry.decode(wire('OrderPlaced', orderPlacedPayload({ payable: 10.5 })))).toThrow(/payable/);
    expect(() => registry.decode(wire('OrderPlaced', orderPlacedPayload({ lines: [] })))).toThrow(/lines/);
    expect(() => registry.decode(wire('OrderPlaced', orderPlacedPayload({ lines: [{ lineId: 'x' }] })))).toThrow(EventContractError);
    expect(() => registry.decode(null)).toThrow(/empty/);
  });

  it('validates payloads before they are published', () => {
    expect(() => registry.validatePayload(OrderCancelled, { orderId: randomUUID() })).toThrow(/buyerId/);
  });

  it('refuses a type declared twice and routes by the declared key', () => {
    expect(() => new EventRegistry([OrderPlaced, OrderPlaced])).toThrow(/declared twice/);
    const payload = orderPlacedPayload() as never;
    expect(OrderPlaced.keyOf(payload)).toBe((payload as { orderId: string }).orderId);
  });
});
