import { randomUUID } from 'node:crypto';
import type { PaymentMethod } from '@orderline/shared/platform-rules';
import { queryDatabase } from './support/databases';
import { createBuyer, creditOrder, GatewayClient, operatorOf, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(180_000);

/**
 * Order timers isolate failures (issue 12 item 6; docs/money-bounds-and-repayments.md): one
 * buyer's orders are corrupted in the order database so their timers throw; another buyer's
 * orders still expire, auto-cancel and release on time, and each failure is recorded in
 * `timer_failure` while the poisoned rows stay as they were.
 */
describe('order timers: one failing order does not stop the others (real Kafka + PostgreSQL)', () => {
  const names = isolation('otimers');
  let stack: { gatewayUrl: string; databaseUrl(db: string): string; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let merchantId: string;
  let merchant: GatewayClient;
  const orderDb = () => stack.databaseUrl('order');

  beforeAll(async () => {
    stack = await startStack({
      ...infrastructure(),
      ...names,
      basePort: 5900,
      logDir: 'tmp/test-logs/order-timers',
      env: { DATABASE_POOL_SIZE: '5', LOG_LEVEL: 'warn', TEST_CLOCK: '1', ORDER_TIMER_INTERVAL_MS: '200' },
    });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    const username = `ot-${randomUUID().slice(0, 8)}`;
    merchantId = (await operator.expect(201, 'POST', '/merchants', { name: 'Timer Shop', mainAccount: { username, password: 'merchant-password', phone: '13900000000' } })).id;
    merchant = await gateway.login(username, 'merchant-password');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** The one place this suite places orders (priced from the merchant's catalog). */
  async function placeOrder(buyer: GatewayClient, paymentMethod: PaymentMethod) {
    const request = await creditOrder(merchantId, 1_000);
    return buyer.expect(201, 'POST', '/orders', paymentMethod === 'CREDIT' ? request : { ...request, paymentMethod, credit: undefined });
  }

  /** An unpaid online order, a COD order under negotiated cancellation and an order paused until a reserved time. */
  async function ordersDueLater(buyer: GatewayClient) {
    const unpaid = await placeOrder(buyer, 'ONLINE');
    const cod = await placeOrder(buyer, 'COD');
    const request = await merchant.expect(201, 'POST', '/merchant/cancellation-requests', { orderId: cod.id, reason: 'BUYER_ASKED_TO_CANCEL' });
    const reserved = await waitForStatus(buyer, (await placeOrder(buyer, 'CREDIT')).id, 'WAITING_OUTBOUND');
    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    await merchant.expect(200, 'POST', `/merchant/orders/${reserved.id}/pause`, { reason: 'BEFORE_RESERVED_DELIVERY_TIME', releaseAt: new Date(Date.parse(now) + 3_600_000).toISOString() });
    return { unpaid, cod, request, reserved };
  }

  async function failure(job: string, subjectId: string) {
    const [row] = await queryDatabase(orderDb(), `SELECT attempts, last_error FROM timer_failure WHERE job = $1 AND subject_id = $2`, [job, subjectId]);
    return row;
  }

  it('expires, auto-cancels and releases the healthy buyer\'s orders while the poisoned ones are recorded and left unchanged', async () => {
    // The poisoned buyer's orders are older, so every timer claims them first.
    const poisoned = await ordersDueLater((await createBuyer(gateway, operator, 1_000_000)).client);
    const healthyBuyer = (await createBuyer(gateway, operator, 1_000_000)).client;
    const healthy = await ordersDueLater(healthyBuyer);
    // A corrupt row: every transition reads the order's special attributes, so each timer throws on these orders.
    await queryDatabase(orderDb(), `UPDATE customer_order SET special_attributes = 'null'::jsonb WHERE id = ANY($1::uuid[])`, [[poisoned.unpaid.id, poisoned.cod.id, poisoned.reserved.id]]);

    // Past the 1 h reservation, the 24 h payment time and the 48 h objection window.
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 48 * 3600 + 60 });

    const expired = await waitForStatus(healthyBuyer, healthy.unpaid.id, 'CANCELLED');
    expect(expired.cancellation).toEqual({ reason: 'PAYMENT_TIMEOUT', by: 'SYSTEM' });
    const autoCancelled = await waitForStatus(healthyBuyer, healthy.cod.id, 'CANCELLED');
    expect(autoCancelled.cancellation).toEqual({ reason: 'NEGOTIATED_BUYER_ASKED_TO_CANCEL', by: 'MERCHANT' });
    const released = await waitForStatus(merchant, healthy.reserved.id, 'WAITING_OUTBOUND');
    expect(released.history[released.history.length - 1]).toMatchObject({ reason: 'RELEASED: RESERVED_TIME_REACHED', actor: 'system' });

    // Each poisoned subject has its failure recorded once per attempt, with a backoff, and nothing of it changed.
    for (const [job, subjectId] of [
      ['unpaid-expiry', poisoned.unpaid.id],
      ['negotiated-auto-cancel', poisoned.request.id],
      ['timed-pause-release', poisoned.reserved.id],
    ]) {
      const recorded = await waitUntil(() => failure(job, subjectId), `the ${job} failure of ${subjectId} to be recorded`);
      expect(recorded.attempts).toBeGreaterThanOrEqual(1);
      expect(recorded.last_error).toMatch(/null/);
    }
    const rows = await queryDatabase(orderDb(), `SELECT id, status FROM customer_order WHERE id = ANY($1::uuid[])`, [[poisoned.unpaid.id, poisoned.cod.id, poisoned.reserved.id]]);
    expect(Object.fromEntries(rows.map((row) => [row.id, row.status]))).toEqual({ [poisoned.unpaid.id]: 'UNPAID', [poisoned.cod.id]: 'WAITING_OUTBOUND', [poisoned.reserved.id]: 'PAUSED' });
    const [request] = await queryDatabase(orderDb(), `SELECT status FROM cancellation_request WHERE id = $1`, [poisoned.request.id]);
    expect(request.status).toBe('PENDING');
    // The healthy subjects left no failure behind.
    expect(await failure('unpaid-expiry', healthy.unpaid.id)).toBeUndefined();
    expect(await failure('timed-pause-release', healthy.reserved.id)).toBeUndefined();

    // Once repaired, the poisoned order goes through at its next attempt (after the backoff) and its failure is cleared.
    await queryDatabase(orderDb(), `UPDATE customer_order SET special_attributes = '{}'::jsonb WHERE id = $1`, [poisoned.unpaid.id]);
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 3_600 });
    await waitUntil(async () => (await queryDatabase(orderDb(), `SELECT status FROM customer_order WHERE id = $1`, [poisoned.unpaid.id]))[0].status === 'CANCELLED', 'the repaired order to expire');
    expect(await failure('unpaid-expiry', poisoned.unpaid.id)).toBeUndefined();
  });
});
