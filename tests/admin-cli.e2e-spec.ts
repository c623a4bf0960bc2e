import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { openPersonalData, personalDataKeyId, RefundCompleted, sealedKeyId, Topics } from '@orderline/shared/contracts';
import { merchantAccount } from './support/after-sales-steps';
import { queryDatabase } from './support/databases';
import { EventPublisher } from './support/event-publisher';
import { createBuyer, creditOrder, GatewayClient, operatorOf, TEST_CONSIGNEE, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(240_000);

/**
 * Issue 16 item 5: the admin CLI on the multi-process stack, run the way an operator runs it
 * (`npx orderline …` is `node bin/orderline.js …`, against the compiled dist/): a dead letter
 * re-driven, the export read model rebuilt from the stored events (rows equal before and after),
 * processed messages purged (old rows gone, recent ones kept), and the personal-data key rotated
 * (old sealed data still readable, new data sealed under the new key, re-seal moves the old).
 */
describe('admin CLI (real Kafka + PostgreSQL)', () => {
  const names = isolation('admincli');
  const OLD_KEY = randomBytes(24).toString('hex');
  const NEW_KEY = randomBytes(24).toString('hex');
  let stack: { gatewayUrl: string; databaseUrl(db: string): string; startService(app: string, env?: Record<string, string>): Promise<void>; stopService(app: string): Promise<void>; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let publisher: EventPublisher;
  let merchantId: string;
  let buyer: GatewayClient;
  /** Placed under the old key, then under the new one. */
  const orders: { before?: string; after?: string } = {};

  /** `orderline <args>` as a user runs it; the settings the CLI reads come from the environment. */
  function orderline(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string; json: any }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.resolve('bin/orderline.js'), ...args],
        {
          env: {
            PATH: process.env.PATH,
            POSTGRES_URL: infrastructure().postgresUrl,
            DATABASE_PREFIX: names.databasePrefix,
            GATEWAY_URL: stack.gatewayUrl,
            ORDERLINE_OPERATOR: 'operator:operator-password',
            PERSONAL_DATA_KEY: OLD_KEY,
            ...env,
          },
          timeout: 120_000,
        },
        (error, stdout, stderr) => {
          let json: any;
          try {
            json = JSON.parse(stdout);
          } catch {
            json = undefined;
          }
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr, json });
        },
      );
    });
  }

  const exportDb = () => stack.databaseUrl('export');
  const orderDb = () => stack.databaseUrl('order');

  /** The read model, row for row (what a rebuild must reproduce). */
  async function readModel() {
    return {
      orders: await queryDatabase(exportDb(), `SELECT * FROM export_order ORDER BY order_id`),
      lines: await queryDatabase(exportDb(), `SELECT * FROM export_order_line ORDER BY line_id`),
      shipments: await queryDatabase(exportDb(), `SELECT * FROM export_shipment ORDER BY shipment_id`),
      refunds: await queryDatabase(exportDb(), `SELECT * FROM export_refund ORDER BY refund_id`),
    };
  }

  async function placedOrderEnvelope(orderId: string): Promise<any> {
    const [row] = await queryDatabase(orderDb(), `SELECT envelope FROM outbox_event WHERE event_type = 'OrderPlaced' AND envelope::jsonb -> 'payload' ->> 'orderId' = $1`, [orderId]);
    return row && JSON.parse(row.envelope);
  }

  async function placeOrder(): Promise<string> {
    const placed = await buyer.expect(201, 'POST', '/orders', await creditOrder(merchantId, 10_000));
    await waitForStatus(buyer, placed.id, 'WAITING_OUTBOUND');
    await waitUntil(async () => (await queryDatabase(exportDb(), `SELECT status FROM export_order WHERE order_id = $1`, [placed.id]))[0]?.status === 'WAITING_OUTBOUND', `export to see ${placed.id} paid`, 60_000, 200);
    return placed.id;
  }

  beforeAll(async () => {
    stack = await startStack({
      ...infrastructure(),
      ...names,
      basePort: 6100,
      logDir: 'tmp/test-logs/admin-cli',
      env: { DATABASE_POOL_SIZE: '5', LOG_LEVEL: 'warn', CONSUMER_MAX_ATTEMPTS: '2', PERSONAL_DATA_KEY: OLD_KEY },
    });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    publisher = new EventPublisher(infrastructure().kafkaBrokers, names.topicPrefix);
    merchantId = (await merchantAccount(gateway, operator)).id;
    buyer = (await createBuyer(gateway, operator, 1_000_000)).client;
    orders.before = await placeOrder();
  });

  afterAll(async () => {
    await publisher?.close();
    await stack?.stop();
  });

  it('answers usage errors with exit code 2 and unreachable databases with 3', async () => {
    expect((await orderline(['no-such-command'])).code).toBe(2);
    expect((await orderline(['purge', '--older-than', 'soon'])).code).toBe(2);
    const unreachable = await orderline(['purge', '--older-than', '30', '--json'], { DATABASE_PREFIX: `${names.databasePrefix}_missing` });
    expect(unreachable.code).toBe(3);
    expect(JSON.parse(unreachable.stderr)).toMatchObject({ exitCode: 3, error: expect.stringContaining('does not exist') });
  });

  it('migrate finds every database up to date; create-operator adds an operator who can sign in', async () => {
    const migrated = await orderline(['migrate', '--json']);
    expect(migrated.code).toBe(0);
    expect(migrated.json.services).toHaveLength(6);
    expect(migrated.json.services.every((service: any) => service.applied.length === 0 && service.total > 0)).toBe(true);

    const created = await orderline(['create-operator', 'night-shift', '--json'], { ORDERLINE_NEW_OPERATOR_PASSWORD: 'night-shift-password' });
    expect(created).toMatchObject({ code: 0, json: { username: 'night-shift', outcome: 'created' } });
    const signedIn = await gateway.expect(200, 'POST', '/auth/token', { username: 'night-shift', password: 'night-shift-password' });
    expect(signedIn.accessToken).toEqual(expect.any(String));
  });

  it('lists a dead letter and re-drives it through the gateway', async () => {
    // A RefundCompleted no consumer can decode (a negative amount): credit-billing dead-letters it.
    const eventId = await publisher.publish(RefundCompleted, { refundId: randomUUID(), orderId: randomUUID(), buyerId: randomUUID(), paymentMethod: 'CREDIT', amount: -5, lines: [] }, 'after-sales-service');
    const listed = await waitUntil(async () => {
      const run = await orderline(['dead-letters', 'list', '--event-id', eventId, '--json']);
      return run.code === 0 && run.json['credit-billing'].deadLetters.length > 0 ? run.json : undefined;
    }, 'the CLI to list the dead letter', 90_000, 1_000);
    expect(listed['credit-billing'].deadLetters).toEqual([expect.objectContaining({ eventId, eventType: 'RefundCompleted', originalTopic: Topics.afterSales, redrivenAt: null })]);
    const human = await orderline(['dead-letters', 'list', '--event-id', eventId]);
    expect(human.stdout).toContain(`RefundCompleted ${eventId} on ${Topics.afterSales}`);

    const redriven = await orderline(['dead-letters', 'redrive', '--event-id', eventId, '--json']);
    expect(redriven.code).toBe(0);
    expect(redriven.json.redriven['credit-billing']).toEqual([expect.objectContaining({ eventId, redrivenAt: expect.any(String) })]);
    expect(await queryDatabase(stack.databaseUrl('credit_billing'), `SELECT topic FROM outbox_event WHERE envelope::jsonb ->> 'eventId' = $1`, [eventId])).toEqual([{ topic: Topics.afterSales }]);
    // Once: a second re-drive never takes the rows re-driven already (the event, still invalid,
    // may have come back as new dead letters meanwhile: those are new rows).
    const first = new Set(redriven.json.redriven['credit-billing'].map((row: any) => row.id));
    const second = await orderline(['dead-letters', 'redrive', '--event-id', eventId, '--json']);
    expect(second.json.redriven['credit-billing'].filter((row: any) => first.has(row.id))).toEqual([]);
    expect(await orderline(['outbox', 'parked', 'list', '--json'])).toMatchObject({ code: 0, json: { 'credit-billing': { parked: [] } } });
    // Without an operator's credentials the gateway refuses: exit code 3.
    expect((await orderline(['dead-letters', 'list'], { ORDERLINE_OPERATOR: 'operator:wrong-password' })).code).toBe(3);
  });

  it('rotates the personal-data key: old sealed data stays readable, new data is sealed under the new key, re-seal moves the old', async () => {
    const rotated = { PERSONAL_DATA_KEY: NEW_KEY, PERSONAL_DATA_KEYS_PREVIOUS: OLD_KEY };
    const oldKid = personalDataKeyId(OLD_KEY);
    const newKid = personalDataKeyId(NEW_KEY);
    for (const app of ['order-service', 'logistics-service', 'export-service']) {
      await stack.stopService(app);
      // Logistics also runs its retention job every second from now on (the last test checks it).
      await stack.startService(app, app === 'logistics-service' ? { ...rotated, RETENTION_DAYS: '30', RETENTION_INTERVAL_MS: '1000' } : rotated);
    }
    orders.after = await placeOrder();
    const before = (await placedOrderEnvelope(orders.before!)).payload.consigneeSealed;
    const after = (await placedOrderEnvelope(orders.after!)).payload.consigneeSealed;
    expect([sealedKeyId(before), sealedKeyId(after)]).toEqual([oldKid, newKid]);
    // The export service opened both: the old one with the previous key.
    const consignees = await queryDatabase(exportDb(), `SELECT order_id, consignee_name FROM export_order WHERE order_id = ANY($1::uuid[]) ORDER BY placed_at`, [[orders.before, orders.after]]);
    expect(consignees.map((row) => row.consignee_name)).toEqual([TEST_CONSIGNEE.name, TEST_CONSIGNEE.name]);

    const resealed = await orderline(['rotate-key', '--json'], rotated);
    expect(resealed.code).toBe(0);
    expect(resealed.json.keyId).toBe(newKid);
    const orderService = resealed.json.services.find((service: any) => service.service === 'order-service');
    expect(orderService).toMatchObject({ resealed: expect.any(Number), unreadable: 0 });
    expect(orderService.resealed).toBeGreaterThanOrEqual(1);
    const moved = (await placedOrderEnvelope(orders.before!)).payload.consigneeSealed;
    expect(sealedKeyId(moved)).toBe(newKid);
    expect(openPersonalData(moved, NEW_KEY)).toMatchObject({ name: TEST_CONSIGNEE.name, phone: TEST_CONSIGNEE.phone });
    // Nothing left under the old key: a second pass re-seals nothing, and the old key can go.
    const again = await orderline(['rotate-key', '--json'], rotated);
    expect(again.json.services.reduce((sum: number, service: any) => sum + service.resealed, 0)).toBe(0);
    // Without the previous key, values it sealed would be reported unreadable (exit 1): none are left.
    expect((await orderline(['rotate-key'], { PERSONAL_DATA_KEY: NEW_KEY })).code).toBe(0);
    // With EXPORT_PASSWORD_KEY the same command re-seals the export service's stored passwords (this
    // suite creates no encrypted export; the export handler test covers the re-seal itself).
    const exportKeys = await orderline(['rotate-key', '--json'], { PERSONAL_DATA_KEY: NEW_KEY, EXPORT_PASSWORD_KEY: 'admin-cli-export-key-0123456789' });
    expect(exportKeys).toMatchObject({ code: 0, json: { keyId: newKid, exportPasswords: { keyId: expect.any(String), resealed: 0, unreadable: 0 } } });
  });

  it('rebuilds the export read model from the stored events: rows equal before and after', async () => {
    const expected = await readModel();
    expect(expected.orders.length).toBeGreaterThanOrEqual(2);
    // Damage it: a row lost, a row changed.
    await queryDatabase(exportDb(), `DELETE FROM export_order_line WHERE order_id = $1`, [orders.after]);
    await queryDatabase(exportDb(), `UPDATE export_order SET consignee_name = 'nobody', status = 'CANCELLED' WHERE order_id = $1`, [orders.before]);
    // The old key is gone by now (re-sealed above): the rebuild opens every consignee with the new key alone.
    const rebuilt = await orderline(['export', 'rebuild-read-model', '--json'], { PERSONAL_DATA_KEY: NEW_KEY });
    expect(rebuilt.code).toBe(0);
    // The dead letter re-driven above went back through the order service's outbox too, still invalid: skipped, as the consumer did.
    expect(rebuilt.json).toMatchObject({ ordersRebuilt: expected.orders.length, skipped: expect.any(Number) });
    expect(JSON.parse(JSON.stringify(await readModel()))).toEqual(JSON.parse(JSON.stringify(expected)));
    const human = await orderline(['export', 'rebuild-read-model'], { PERSONAL_DATA_KEY: NEW_KEY });
    expect(human.stdout).toMatch(/export read model rebuilt: \d+ orders/);
  });

  it('purges processed outbox and inbox rows older than N days and keeps the recent ones', async () => {
    const placedBefore = await placedOrderEnvelope(orders.before!);
    // Age one published outbox row and one inbox row of each kind past the cut-off.
    await queryDatabase(orderDb(), `UPDATE outbox_event SET published_at = now() - interval '40 days' WHERE event_id = $1`, [placedBefore.eventId]);
    await queryDatabase(exportDb(), `UPDATE inbox_message SET processed_at = now() - interval '40 days' WHERE event_id = $1`, [placedBefore.eventId]);
    const count = async (url: string, table: string) => (await queryDatabase(url, `SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
    const [orderOutbox, exportInbox] = [await count(orderDb(), 'outbox_event'), await count(exportDb(), 'inbox_message')];
    // An unpublished row is never purged, however old.
    await queryDatabase(orderDb(), `INSERT INTO outbox_event (event_id, event_type, topic, message_key, envelope, created_at, parked_at) VALUES ($1, 'OrderPaid', 'orders.v1', 'k', '{}', now() - interval '50 days', now())`, [randomUUID()]);

    const purged = await orderline(['purge', '--older-than', '30', '--json']);
    expect(purged.code).toBe(0);
    const of = (service: string) => purged.json.services.find((entry: any) => entry.service === service);
    expect(of('order-service')).toMatchObject({ outboxRows: 1 });
    expect(of('export-service')).toMatchObject({ inboxRows: 1 });
    expect(await placedOrderEnvelope(orders.before!)).toBeUndefined();
    expect(await count(orderDb(), 'outbox_event')).toBe(orderOutbox); // −1 aged, +1 parked
    expect(await count(exportDb(), 'inbox_message')).toBe(exportInbox - 1);
    expect(await placedOrderEnvelope(orders.after!)).toBeDefined();

    // A rebuild after a purge keeps the orders whose history is gone, as they were.
    const kept = await queryDatabase(exportDb(), `SELECT * FROM export_order WHERE order_id = $1`, [orders.before]);
    const rebuilt = await orderline(['export', 'rebuild-read-model', '--json'], { PERSONAL_DATA_KEY: NEW_KEY });
    expect(rebuilt.code).toBe(0);
    expect(await queryDatabase(exportDb(), `SELECT * FROM export_order WHERE order_id = $1`, [orders.before])).toEqual(kept);
  });

  it('runs the same purge as a scheduled retention job in a service (RETENTION_DAYS)', async () => {
    const logisticsDb = stack.databaseUrl('logistics');
    const [aged] = await queryDatabase(logisticsDb, `UPDATE inbox_message SET processed_at = now() - interval '31 days' WHERE event_id = (SELECT event_id FROM inbox_message ORDER BY processed_at LIMIT 1) RETURNING event_id`);
    const recent = (await queryDatabase(logisticsDb, `SELECT count(*)::int AS n FROM inbox_message WHERE event_id <> $1`, [aged.event_id]))[0].n;
    expect(recent).toBeGreaterThan(0);
    await waitUntil(async () => (await queryDatabase(logisticsDb, `SELECT 1 FROM inbox_message WHERE event_id = $1`, [aged.event_id])).length === 0, 'the retention job to delete the aged inbox row', 30_000, 250);
    expect((await queryDatabase(logisticsDb, `SELECT count(*)::int AS n FROM inbox_message WHERE event_id <> $1`, [aged.event_id]))[0].n).toBeGreaterThanOrEqual(recent);
  });
});
