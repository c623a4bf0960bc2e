import { nextSfWaybillNo } from './support/after-sales-steps';
import { createBuyer, createMerchant, creditOrder, GatewayClient, HttpResult, merchantSession, operatorOf } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(240_000);

/**
 * Issue 13 items 2 and 3 on real Kafka + PostgreSQL, with every service given a pool of two
 * connections: overload answers 503 + Retry-After (never another 5xx) and every accepted order
 * completes; a merchant ships an order the moment the order service shows it WAITING_OUTBOUND.
 * The figures are env-configurable (docs/overload-and-consistency.md): OVERLOAD_CLIENTS
 * concurrent clients (default 200) and READ_YOUR_WRITES_ROUNDS orders shipped at once (default 50).
 */
const CLIENTS = Number(process.env.OVERLOAD_CLIENTS ?? 200);
const ROUNDS = Number(process.env.READ_YOUR_WRITES_ROUNDS ?? 50);
const UNIT_PRICE = 1_000;

describe('back-pressure and read-your-writes (real Kafka + PostgreSQL, pool of 2)', () => {
  let stack: { gatewayUrl: string; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let merchantId: string;
  let merchant: GatewayClient;

  beforeAll(async () => {
    stack = await startStack({
      ...infrastructure(),
      ...isolation('overload'),
      basePort: 5900,
      logDir: 'tmp/test-logs/overload',
      env: { DATABASE_POOL_SIZE: '2', DATABASE_ACQUIRE_TIMEOUT_MS: '2000', LOG_LEVEL: 'warn', RATE_LIMIT_ACCOUNT_PER_MINUTE: '1000000', RATE_LIMIT_IP_PER_MINUTE: '1000000' },
    });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    merchantId = await createMerchant(operator);
    merchant = await merchantSession(merchantId);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** The one place this suite places an order: a credit order of one kettle from the merchant's catalog. */
  async function placeOrder(buyer: GatewayClient, headers: Record<string, string> = {}): Promise<HttpResult> {
    return buyer.request('POST', '/orders', await creditOrder(merchantId, UNIT_PRICE), headers);
  }

  async function buyers(count: number): Promise<GatewayClient[]> {
    const made: GatewayClient[] = [];
    for (let i = 0; i < count; i++) made.push((await createBuyer(gateway, operator, 100_000_000)).client);
    return made;
  }

  it(`${CLIENTS} concurrent clients: every answer is 201 or 503 + Retry-After, and every accepted order completes`, async () => {
    const clients = await buyers(10);
    await creditOrder(merchantId, UNIT_PRICE); // the SKU exists before the burst
    const answers = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => placeOrder(clients[i % clients.length])));

    const unexpected = answers.filter((result) => result.status !== 201 && result.status !== 503).map((result) => ({ status: result.status, body: result.body }));
    expect(unexpected).toEqual([]);
    for (const refused of answers.filter((result) => result.status === 503)) {
      expect(refused.contentType).toMatch(/application\/problem\+json/);
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      expect(refused.body).toMatchObject({ status: 503, retryAfterSeconds: expect.any(Number) });
      expect(['SERVICE_UNAVAILABLE', 'OVERLOADED']).toContain(refused.body.code);
    }
    const accepted = answers.filter((result) => result.status === 201).map((result) => result.body as { id: string });
    expect(accepted.length).toBeGreaterThan(0);

    // Every accepted order reaches the state its credit hold gives it (the merchant's list is one read for all).
    await waitUntil(
      async () => {
        const stillUnpaid = [];
        for (const order of accepted) {
          const view = await merchant.request('GET', `/merchant/orders/${order.id}`);
          if (view.status !== 200 || view.body.status !== 'WAITING_OUTBOUND') stillUnpaid.push(order.id);
        }
        return stillUnpaid.length === 0;
      },
      `all ${accepted.length} accepted orders to wait for outbound`,
      120_000,
      500,
    );
  });

  it(`ships ${ROUNDS} orders the moment the order service shows them WAITING_OUTBOUND: no 409, no 404, and after-sales sees the shipment at once`, async () => {
    const [buyer] = await buyers(1);
    const refusals: Array<{ orderId: string; status: number; body: unknown }> = [];
    // A few at a time, so the consumers are busy while the merchant acts.
    const parallel = 5;
    for (let round = 0; round < ROUNDS; round += parallel) {
      await Promise.all(
        Array.from({ length: Math.min(parallel, ROUNDS - round) }, async () => {
          const placed = await waitUntil(async () => {
            const result = await placeOrder(buyer);
            return result.status === 201 ? (result.body as { id: string }) : undefined;
          }, 'an order to be accepted');
          // As a merchant's screen would: act on the first read that shows WAITING_OUTBOUND.
          await waitUntil(
            async () => {
              const view = await merchant.request('GET', `/merchant/orders/${placed.id}`);
              return view.status === 200 && view.body.status === 'WAITING_OUTBOUND';
            },
            `order ${placed.id} to wait for outbound`,
            60_000,
            5,
          );
          const shipped = await merchant.request('POST', '/merchant/shipments', { orderIds: [placed.id], carrier: 'SF', waybillNo: nextSfWaybillNo() });
          if (shipped.status !== 201) return refusals.push({ orderId: placed.id, status: shipped.status, body: shipped.body });
          // …and the buyer reads what is refundable right after the shipment: after-sales knows it shipped.
          const refundable = await buyer.request('GET', `/after-sales/refundable?orderId=${placed.id}`);
          if (refundable.status !== 200 || refundable.body.status !== 'SHIPPED') refusals.push({ orderId: placed.id, status: refundable.status, body: refundable.body });
        }),
      );
    }
    expect(refusals).toEqual([]);
  });

  it('answers an after-sales request and a tracking read sent the moment an order is placed from the order, never 404 (the copies come in batch windows)', async () => {
    const [buyer] = await buyers(1);
    const answers: Array<{ orderId: string; status: number; code: unknown }> = [];
    const trackings: Array<{ orderId: string; status: number; shipped: unknown }> = [];
    for (let round = 0; round < 10; round += 1) {
      const placed = await waitUntil(async () => {
        const result = await placeOrder(buyer);
        return result.status === 201 ? (result.body as { id: string; lines: Array<{ id: string }> }) : undefined;
      }, 'an order to be accepted');
      const applied = await buyer.request('POST', '/after-sales', { orderId: placed.id, type: 'RETURN_AND_REFUND', lines: [{ lineId: placed.lines[0].id, quantity: 1 }], reason: 'DEFECTIVE' });
      answers.push({ orderId: placed.id, status: applied.status, code: applied.body?.code });
      const tracking = await buyer.request('GET', `/orders/${placed.id}/tracking`);
      trackings.push({ orderId: placed.id, status: tracking.status, shipped: tracking.body?.shipped });
    }
    // Not shipped yet: the order's own rule answers, whatever after-sales' copy had received…
    expect(answers.filter((answer) => answer.status !== 409 || answer.code !== 'ORDER_NOT_SHIPPED')).toEqual([]);
    // …and logistics says so, whatever its copy had received.
    expect(trackings.filter((tracking) => tracking.status !== 200 || tracking.shipped !== false)).toEqual([]);
  });
});
