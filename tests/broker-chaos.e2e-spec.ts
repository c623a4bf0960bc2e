import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { ALL_TOPICS } from '@orderline/shared/contracts';
import { queryDatabase } from './support/databases';
import { createBuyer, createMerchant, creditOrder, GatewayClient, operatorOf } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(600_000);

const ORDERS = Number(process.env.CHAOS_ORDERS ?? 1_000);
const BUYERS = 10;
const CONCURRENCY = 16;

interface PlannedOrder {
  index: number;
  buyer: number;
  unitPrice: number;
  cancel: boolean;
  id?: string;
}

/** Asynchronous on purpose: a blocked test process would break its own keep-alive connections. */
async function infra(command: string): Promise<void> {
  const { stdout } = await promisify(execFile)(process.execPath, ['tools/infra/infra.mjs', command]);
  process.stdout.write(stdout);
}

/** Business state of both services, without the messaging tables. */
async function snapshot(orderDb: string, creditDb: string) {
  return {
    orders: await queryDatabase(orderDb, `SELECT id, status, credit_hold_id, cancel_reason, updated_at FROM customer_order ORDER BY id`),
    history: await queryDatabase(orderDb, `SELECT order_id, from_status, to_status, reason FROM order_status_history ORDER BY id`),
    accounts: await queryDatabase(creditDb, `SELECT id, credit_limit, held, outstanding, balance FROM credit_account ORDER BY id`),
    holds: await queryDatabase(creditDb, `SELECT id, order_id, amount, status, released_at FROM credit_hold ORDER BY id`),
    outboxCounts: [
      await queryDatabase(orderDb, `SELECT count(*)::int AS n FROM outbox_event`),
      await queryDatabase(creditDb, `SELECT count(*)::int AS n FROM outbox_event`),
    ],
  };
}

describe('broker killed and restarted while credit orders flow (real Kafka + PostgreSQL)', () => {
  const names = isolation('chaos');
  let stack: { gatewayUrl: string; databaseUrl(db: string): string; stop(): Promise<void> };
  let orderDb: string;
  let creditDb: string;
  const plan: PlannedOrder[] = Array.from({ length: ORDERS }, (_, index) => ({ index, buyer: index % BUYERS, unitPrice: 100 + (index % 50), cancel: index % 2 === 0 }));

  beforeAll(async () => {
    stack = await startStack({ ...infrastructure(), ...names, basePort: 4300, logDir: 'tmp/test-logs/chaos', env: { DATABASE_POOL_SIZE: '8', LOG_LEVEL: 'warn', OUTBOX_POLL_INTERVAL_MS: '500' } });
    orderDb = stack.databaseUrl('order');
    creditDb = stack.databaseUrl('credit_billing');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('ends with every order in its right state and every hold / release exactly once', async () => {
    const gateway = new GatewayClient(stack.gatewayUrl);
    const operator = await operatorOf(gateway);
    const merchantId = await createMerchant(operator);
    const buyers = await Promise.all(Array.from({ length: BUYERS }, () => createBuyer(gateway, operator, 100_000_000)));

    let next = 0;
    let placed = 0;
    let chaos: Promise<void> | undefined;
    const worker = async () => {
      while (next < plan.length) {
        const order = plan[next++];
        const client = buyers[order.buyer].client;
        const created = await client.expect(201, 'POST', '/orders', await creditOrder(merchantId, order.unitPrice));
        order.id = created.id;
        placed += 1;
        if (placed === Math.floor(ORDERS / 4) && !chaos) {
          // SIGKILL the broker mid-run and bring it back while orders keep coming.
          chaos = (async () => {
            await infra('kafka:kill');
            await new Promise((resolve) => setTimeout(resolve, 3_000));
            await infra('kafka:start');
          })();
        }
        if (order.cancel) await client.expect(200, 'POST', `/orders/${order.id}/cancel`, { reason: 'NO_LONGER_WANTED' });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await chaos;

    const kept = plan.filter((order) => !order.cancel);
    const cancelled = plan.filter((order) => order.cancel);
    await waitUntil(
      async () => {
        const [{ waiting }] = await queryDatabase(orderDb, `SELECT count(*)::int AS waiting FROM customer_order WHERE status = 'WAITING_OUTBOUND'`);
        const [{ released }] = await queryDatabase(creditDb, `SELECT count(*)::int AS released FROM credit_hold WHERE status = 'RELEASED'`);
        return waiting === kept.length && released === cancelled.length;
      },
      'every order and hold to settle',
      240_000,
      1_000,
    );

    // The model: kept orders wait for outbound on an active hold; cancelled ones are
    // cancelled by the buyer and their hold released.
    const orders = new Map((await queryDatabase(orderDb, `SELECT id, status, cancel_reason, credit_hold_id FROM customer_order`)).map((row) => [row.id, row]));
    const holds = new Map((await queryDatabase(creditDb, `SELECT order_id, id, status, amount FROM credit_hold`)).map((row) => [row.order_id, row]));
    expect(orders.size).toBe(ORDERS);
    expect(holds.size).toBe(ORDERS);
    for (const order of plan) {
      const row = orders.get(order.id!);
      const hold = holds.get(order.id!);
      expect({ status: row.status, hold: hold.status, amount: Number(hold.amount) }).toEqual(
        order.cancel ? { status: 'CANCELLED', hold: 'RELEASED', amount: order.unitPrice } : { status: 'WAITING_OUTBOUND', hold: 'ACTIVE', amount: order.unitPrice },
      );
      if (!order.cancel) expect(row.credit_hold_id).toBe(hold.id);
      else expect(row.cancel_reason).toBe('NO_LONGER_WANTED');
    }

    // Exactly once: one CreditHoldPlaced per order, one CreditHoldReleased per cancelled order.
    const emitted = await queryDatabase(creditDb, `SELECT event_type, count(*)::int AS events, count(DISTINCT envelope::jsonb -> 'payload' ->> 'orderId')::int AS orders FROM outbox_event GROUP BY event_type`);
    const byType = Object.fromEntries(emitted.map((row) => [row.event_type, row]));
    expect(byType.CreditHoldPlaced).toEqual({ event_type: 'CreditHoldPlaced', events: ORDERS, orders: ORDERS });
    expect(byType.CreditHoldReleased).toEqual({ event_type: 'CreditHoldReleased', events: cancelled.length, orders: cancelled.length });
    expect(byType.CreditHoldDeclined).toBeUndefined();

    // And the lines agree with the holds, to the fen.
    const accounts = await queryDatabase(creditDb, `SELECT buyer_id, held FROM credit_account`);
    for (const [index, buyer] of buyers.entries()) {
      const expected = kept.filter((order) => order.buyer === index).reduce((sum, order) => sum + order.unitPrice, 0);
      expect(Number(accounts.find((account) => account.buyer_id === buyer.buyerId).held)).toBe(expected);
    }
  });

  it('changes nothing when every event of the run is replayed into the consumers', async () => {
    const before = await snapshot(orderDb, creditDb);
    const { kafkaBrokers } = infrastructure();
    const kafka = new Kafka({ clientId: 'replay-test', brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    // Retries like the services' producer: the broker was restarted by the test before, and on a busy
    // machine partitions may still be changing leaders when the replay starts.
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 12 } });
    await producer.connect();
    let replayed = 0;
    for (const database of ['gateway', 'order', 'logistics', 'after_sales', 'credit_billing', 'export']) {
      const rows = await queryDatabase(stack.databaseUrl(database), `SELECT topic, message_key, envelope FROM outbox_event ORDER BY id`);
      for (let start = 0; start < rows.length; start += 500) {
        const batch = rows.slice(start, start + 500);
        await producer.sendBatch({ acks: -1, topicMessages: batch.map((row) => ({ topic: names.topicPrefix + row.topic, messages: [{ key: row.message_key, value: row.envelope }] })) });
      }
      replayed += rows.length;
    }
    await producer.disconnect();
    expect(replayed).toBeGreaterThanOrEqual(ORDERS * 3);

    // Wait until both consumer groups have read to the end of every topic.
    const admin = kafka.admin();
    await admin.connect();
    // Where each partition starts and ends: a group that never committed on a partition (offset -1)
    // reads it from its start, so it has read it all when it holds nothing. credit.v1 is keyed by
    // credit account, and the run's 10 buyers leave one of its 3 partitions empty in about one run of 20.
    const bounds = new Map<string, { low: number; high: number }>();
    for (const topic of ALL_TOPICS) {
      for (const partition of await admin.fetchTopicOffsets(names.topicPrefix + topic)) bounds.set(`${topic}/${partition.partition}`, { low: Number(partition.low), high: Number(partition.high) });
    }
    for (const [group, topics] of [['order-service', ['credit.v1']], ['credit-billing-service', ['orders.v1']]] as const) {
      // What is still behind, for the failure message: which partitions, and where the group is.
      let behind: string[] = [];
      await waitUntil(
        async () => {
          const offsets = await admin.fetchOffsets({ groupId: names.topicPrefix + group, topics: topics.map((t) => names.topicPrefix + t) });
          behind = offsets.flatMap((topic) =>
            topic.partitions
              .map((p) => {
                const at = `${topic.topic.slice(names.topicPrefix.length)}/${p.partition}`;
                const committed = Number(p.offset);
                return { at, offset: committed < 0 ? (bounds.get(at)?.low ?? 0) : committed, end: bounds.get(at)?.high ?? Number.POSITIVE_INFINITY };
              })
              .filter(({ offset, end }) => offset < end)
              .map(({ at, offset, end }) => `${at} at ${offset} of ${end}`),
          );
          return behind.length === 0;
        },
        `${group} to consume the replay`,
        120_000,
        500,
      ).catch((error: Error) => {
        throw new Error(`${error.message}; behind: ${behind.join(', ')} (logs in tmp/test-logs/chaos)`);
      });
    }
    await admin.disconnect();

    const after = await snapshot(orderDb, creditDb);
    expect(after).toEqual(before);
  });
});
