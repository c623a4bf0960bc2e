import { randomInt } from 'node:crypto';
import { ShipmentDispatched } from '@orderline/shared/contracts';
import { queryDatabase } from './support/databases';
import { merchantAccount, returnThroughFailures } from './support/after-sales-steps';
import { EventPublisher } from './support/event-publisher';
import { catalogItems, createBuyer, GatewayClient, operatorOf } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(900_000);

/** 1 000 returns: two lines per order, each line returned on its own. */
const RETURNS = Number(process.env.CHAOS_RETURNS ?? 1_000);
const ORDERS = Math.ceil(RETURNS / 2);
const BUYERS = 20;
const CONCURRENCY = 24;
const KILLS_PER_SERVICE = Number(process.env.CHAOS_KILLS ?? 3);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CONSIGNEE = { name: '李四', phone: '13800000000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } };

interface PlannedOrder {
  index: number;
  buyer: number;
  prices: [number, number];
  id?: string;
  lineIds?: string[];
}

describe('refund saga while after-sales and credit-billing are SIGKILLed and restarted (real Kafka + PostgreSQL)', () => {
  const names = isolation('refundchaos');
  let stack: { gatewayUrl: string; databaseUrl(db: string): string; stopService(app: string, signal?: string): Promise<void>; startService(app: string): Promise<void>; stop(): Promise<void> };
  let publisher: EventPublisher;
  const plan: PlannedOrder[] = Array.from({ length: ORDERS }, (_, index) => ({ index, buyer: index % BUYERS, prices: [1_000 + (index % 50), 2_000 + (index % 30)] }));

  beforeAll(async () => {
    stack = await startStack({ ...infrastructure(), ...names, basePort: 5010, logDir: 'tmp/test-logs/refund-chaos', env: { DATABASE_POOL_SIZE: '8', LOG_LEVEL: 'warn', OUTBOX_POLL_INTERVAL_MS: '500', AFTER_SALES_TIMER_INTERVAL_MS: '500', RATE_LIMIT_ACCOUNT_PER_MINUTE: '1000000', RATE_LIMIT_IP_PER_MINUTE: '1000000' } });
    publisher = new EventPublisher(infrastructure().kafkaBrokers, names.topicPrefix);
  });

  afterAll(async () => {
    await publisher?.close();
    await stack?.stop();
  });

  it('offsets every refund exactly once, keeps the ledger balanced and leaves no refund stuck', async () => {
    const gateway = new GatewayClient(stack.gatewayUrl);
    const operator = await operatorOf(gateway);
    const merchant = await merchantAccount(gateway, operator);
    const buyers = await Promise.all(Array.from({ length: BUYERS }, () => createBuyer(gateway, operator, 100_000_000)));
    const orderDb = stack.databaseUrl('order');
    const afterSalesDb = stack.databaseUrl('after_sales');
    const creditDb = stack.databaseUrl('credit_billing');

    // 1. Orders placed and shipped (as logistics would), loans booked.
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < plan.length) {
          const order = plan[next++];
          const body = { merchantId: merchant.id, consignee: CONSIGNEE, paymentMethod: 'CREDIT', credit: { plan: 'INSTALLMENT', periods: 3 }, items: await catalogItems(merchant.id, order.prices.map((unitPrice, i) => ({ skuId: `sku-${i}-${unitPrice}`, title: `Item ${i}`, unitPrice, quantity: 1 }))) };
          const created = await buyers[order.buyer].client.expect(201, 'POST', '/orders', body);
          order.id = created.id;
          order.lineIds = created.lines.map((l: any) => l.id);
        }
      }),
    );
    await waitUntil(async () => (await queryDatabase(orderDb, `SELECT count(*)::int AS n FROM customer_order WHERE status = 'WAITING_OUTBOUND'`))[0].n === ORDERS, 'every credit hold', 180_000, 500);
    for (const order of plan) await publisher.publish(ShipmentDispatched, { shipmentId: `s-${order.index}`, orderId: order.id!, carrier: 'SF', waybillNo: `SF${order.index}` }, 'logistics-service');
    await waitUntil(async () => (await queryDatabase(afterSalesDb, `SELECT count(*)::int AS n FROM as_order WHERE status = 'SHIPPED'`))[0].n === ORDERS, 'after-sales to see every shipment', 180_000, 500);
    await waitUntil(async () => (await queryDatabase(creditDb, `SELECT count(*)::int AS n FROM loan`))[0].n === ORDERS, 'every loan', 180_000, 500);

    // 2. 1 000 returns flow while both services are killed (SIGKILL) and restarted at random moments.
    const returns = plan.flatMap((order) => order.lineIds!.map((lineId) => ({ order, lineId }))).slice(0, RETURNS);
    let kills = 0;
    const chaos = (app: string) =>
      (async () => {
        for (let i = 0; i < KILLS_PER_SERVICE; i++) {
          await sleep(randomInt(1_000, 6_000));
          await stack.stopService(app, 'SIGKILL');
          kills += 1;
          await sleep(randomInt(200, 2_000));
          await stack.startService(app);
        }
      })();
    const chaosDone = Promise.all([chaos('after-sales-service'), chaos('credit-billing-service')]);
    let cursor = 0;
    const refundIds: string[] = [];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (cursor < returns.length) {
          const { order, lineId } = returns[cursor++];
          refundIds.push(await returnThroughFailures(buyers[order.buyer].client, merchant.client, order.id!, lineId, () => sleep(150)));
        }
      }),
    );
    await chaosDone;
    expect(kills).toBe(2 * KILLS_PER_SERVICE);
    expect(new Set(refundIds).size).toBe(RETURNS);

    // 3. Everything converges: every request refunded, every settlement settled, every refund offset once.
    await waitUntil(async () => (await queryDatabase(afterSalesDb, `SELECT count(*)::int AS n FROM after_sales_request WHERE status = 'REFUNDED'`))[0].n === RETURNS, 'every request to be refunded', 240_000, 1_000);
    await waitUntil(async () => (await queryDatabase(creditDb, `SELECT count(*)::int AS n FROM credit_refund WHERE status = 'APPLIED'`))[0].n === RETURNS, 'every refund to be offset', 240_000, 1_000);

    const settlements = await queryDatabase(afterSalesDb, `SELECT status, count(*)::int AS n FROM refund_settlement GROUP BY status`);
    expect(settlements).toEqual([{ status: 'SETTLED', n: RETURNS }]);
    const refunds = await queryDatabase(afterSalesDb, `SELECT id, order_id, amount::int AS amount, status FROM refund`);
    expect(refunds.filter((r) => r.status === 'COMPLETED')).toHaveLength(RETURNS);
    // One RefundCompleted per refund in the outbox; credit-billing applied each refund id exactly once.
    const completed = await queryDatabase(afterSalesDb, `SELECT envelope::jsonb -> 'payload' ->> 'refundId' AS refund_id, count(*)::int AS n FROM outbox_event WHERE event_type = 'RefundCompleted' GROUP BY 1`);
    expect(completed).toHaveLength(RETURNS);
    expect(completed.every((row) => row.n === 1)).toBe(true);
    const applied = await queryDatabase(creditDb, `SELECT refund_id, order_id, amount::int AS amount, status FROM credit_refund`);
    expect(applied).toHaveLength(RETURNS);
    const byId = new Map(applied.map((row) => [row.refund_id, row]));
    for (const refund of refunds) expect(byId.get(refund.id)).toEqual({ refund_id: refund.id, order_id: refund.order_id, amount: refund.amount, status: 'APPLIED' });
    const offsetEvents = await queryDatabase(creditDb, `SELECT count(*)::int AS events, count(DISTINCT envelope::jsonb -> 'payload' ->> 'refundId')::int AS refunds FROM outbox_event WHERE event_type = 'RefundOffsetApplied'`);
    expect(offsetEvents).toEqual([{ events: RETURNS, refunds: RETURNS }]);

    // Every loan fully refunded and settled; the lines are whole again; the ledger balances.
    const loans = await queryDatabase(creditDb, `SELECT order_id, settled, document FROM loan`);
    expect(loans).toHaveLength(ORDERS);
    for (const loan of loans) {
      const order = plan.find((o) => o.id === loan.order_id)!;
      expect({ settled: loan.settled, refunded: loan.document.refundedPrincipal }).toEqual({ settled: true, refunded: order.prices[0] + order.prices[1] });
    }
    const accounts = await queryDatabase(creditDb, `SELECT held::int AS held, outstanding::int AS outstanding, balance::int AS balance FROM credit_account`);
    expect(accounts.every((a) => a.held === 0 && a.outstanding === 0 && a.balance === 0)).toBe(true);
    const [ledger] = await queryDatabase(
      creditDb,
      `SELECT coalesce(sum((e ->> 'amount')::bigint) FILTER (WHERE e ->> 'side' = 'DEBIT'), 0)::text AS debits,
              coalesce(sum((e ->> 'amount')::bigint) FILTER (WHERE e ->> 'side' = 'CREDIT'), 0)::text AS credits
         FROM ledger_posting, jsonb_array_elements(entries) e`,
    );
    expect(ledger.debits).toBe(ledger.credits);
    expect(Number(ledger.debits)).toBeGreaterThan(0);
  });
});
