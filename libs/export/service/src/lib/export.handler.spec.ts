import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ExportCompleted, OrderPaid, OrderPlaced, RefundCompleted } from '@orderline/shared/contracts';
import { EmbeddedService, eventually } from '@orderline/shared/service-testing';
import { DomainError, loadConfig, Principal } from '@orderline/shared/service-kit';
import { ExportTasks } from './app/export-tasks';
import { ExportServiceConfig } from './export-service-config';
import { EXPORT_SERVICE_NAME, ExportServiceModule } from './export-service.module';
import { ExportFileStore } from './infra/export-file-store';
import { exportPasswordSealer, PasswordVault } from './infra/password-vault';
import { resealExportPasswords } from './app/reseal-export-passwords';

const SERVICE_KEY = 'handler-export-key-0123456789';

// Handler tier: the export service's real module on PGlite and the in-process bus, no HTTP, no Kafka.
describe('export service handlers: read model → export task → file', () => {
  const merchantId = randomUUID();
  const merchant: Principal = { accountId: randomUUID(), role: 'MERCHANT', merchantId, accountKind: 'MAIN' };
  const filesDir = mkdtempSync(join(tmpdir(), 'export-handler-'));
  let service: EmbeddedService;
  let tasks: ExportTasks;

  beforeAll(async () => {
    service = await EmbeddedService.start({
      name: EXPORT_SERVICE_NAME,
      register: (options) => ExportServiceModule.register(options),
      configClass: ExportServiceConfig,
      env: { EXPORT_POLL_INTERVAL_MS: '50', EXPORT_FILES_DIR: filesDir, EXPORT_PASSWORD_KEY: SERVICE_KEY },
    });
    tasks = service.get(ExportTasks);
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    rmSync(filesDir, { recursive: true, force: true });
  });

  it('projects placed and paid orders from the bus and writes them to a downloadable CSV, announced by ExportCompleted', async () => {
    const placedAt = new Date();
    const orders = [randomUUID(), randomUUID()];
    for (const [index, orderId] of orders.entries()) {
      const line = { lineId: randomUUID(), skuId: `sku-handler-${index}`, title: 'kettle', unitPrice: 12_900, quantity: 1, lineTotal: 12_900 };
      await service.publish(OrderPlaced, { orderId, merchantId, buyerId: randomUUID(), paymentMethod: 'ONLINE', payable: 13_900, freight: 1_000, lines: [line] }, placedAt);
      await service.publish(OrderPaid, { orderId, buyerId: randomUUID(), paymentMethod: 'ONLINE', amount: 13_900 }, placedAt);
    }
    // Another merchant's order is not exported.
    await service.publish(OrderPlaced, { orderId: randomUUID(), merchantId: randomUUID(), buyerId: randomUUID(), paymentMethod: 'ONLINE', payable: 100, freight: 0, lines: [{ lineId: randomUUID(), skuId: 'other', title: 'other', unitPrice: 100, quantity: 1, lineTotal: 100 }] }, placedAt);
    expect(await service.bus.drained(20_000)).toBe(true);

    const created = await tasks.create(
      { type: 'ORDER_DISCOUNTS', format: 'CSV', consigneeMode: 'NONE', from: new Date(placedAt.getTime() - 3_600_000).toISOString(), to: new Date(placedAt.getTime() + 3_600_000).toISOString() },
      merchant,
    );
    expect(created).toMatchObject({ encrypted: false, file: null });
    expect(['QUEUED', 'RUNNING']).toContain(created.status); // the runner may have claimed it already

    const done = await eventually(async () => {
      const task = await tasks.get(created.id, merchant);
      return task.status === 'COMPLETED' || task.status === 'FAILED' ? task : undefined;
    }, 'the export task to finish');
    expect(done).toMatchObject({ status: 'COMPLETED', progress: { rowsDone: 2, rowsTotal: 2 }, attempts: 1, failure: null, file: { expired: false } });

    const file = await tasks.file(created.id, merchant);
    const csv = await readFile(service.get(ExportFileStore).finalPath(file.fileName), 'utf8');
    for (const orderId of orders) expect(csv).toContain(orderId);
    expect(csv.trim().split('\n')).toHaveLength(3); // header + this merchant's two orders

    const completed = await service.event(ExportCompleted, (payload) => payload.taskId === created.id);
    expect(completed.payload).toMatchObject({ merchantId, accountId: merchant.accountId, type: 'ORDER_DISCOUNTS', format: 'CSV', rows: 2 });
  }, 60_000);

  it('counts a refund applied before its order on the order and its lines, once, and nothing on an order without refunds', async () => {
    const refundedFirst = randomUUID();
    const plain = randomUUID();
    const buyerId = randomUUID();
    const lineOf = (sku: string) => ({ lineId: randomUUID(), skuId: sku, title: 'kettle', unitPrice: 1_000, quantity: 3, lineTotal: 3_000 });
    const refundedLine = lineOf('sku-refunded-first');
    const plainLine = lineOf('sku-plain');
    // The refund's topic is consumed apart from the orders topic: it can be applied first.
    await service.publish(RefundCompleted, { refundId: `r-${refundedFirst}`, orderId: refundedFirst, buyerId, paymentMethod: 'ONLINE', amount: 2_000, lines: [{ lineId: refundedLine.lineId, quantity: 2, amount: 2_000 }] });
    expect(await service.bus.drained(20_000)).toBe(true);
    const placed = { merchantId, buyerId, paymentMethod: 'ONLINE' as const, payable: 3_000, freight: 0 };
    await service.publish(OrderPlaced, { ...placed, orderId: refundedFirst, lines: [refundedLine] });
    await service.publish(OrderPlaced, { ...placed, orderId: plain, lines: [plainLine] });
    expect(await service.bus.drained(20_000)).toBe(true);
    const rows = () => service.get(DataSource).query(
      `SELECT o.order_id, o.refunded_amount::int AS amount, l.refunded_quantity AS quantity FROM export_order o JOIN export_order_line l USING (order_id) WHERE o.order_id = ANY($1::uuid[]) ORDER BY o.order_id = $2 DESC`,
      [[refundedFirst, plain], refundedFirst],
    );
    const expected = [{ order_id: refundedFirst, amount: 2_000, quantity: 2 }, { order_id: plain, amount: 0, quantity: 0 }];
    expect(await rows()).toEqual(expected);
    // A redelivered placement (a new event id, as after a replay) counts nothing twice.
    await service.publish(OrderPlaced, { ...placed, orderId: refundedFirst, lines: [refundedLine] });
    expect(await service.bus.drained(20_000)).toBe(true);
    expect(await rows()).toEqual(expected);
  }, 60_000);

  it('refuses a retry of a completed task and a second task of one type too soon, with their API codes', async () => {
    const [completed] = (await tasks.list(merchant, 10)).items;
    await expect(tasks.retry(completed.id, merchant)).rejects.toMatchObject({ code: 'EXPORT_NOT_RETRYABLE', status: 409 });
    const again = tasks.create({ type: 'ORDER_DISCOUNTS', format: 'CSV', consigneeMode: 'NONE', from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' }, merchant);
    await expect(again).rejects.toBeInstanceOf(DomainError);
    await expect(again).rejects.toMatchObject({ code: 'EXPORT_TOO_SOON', status: 429 });
    // Another merchant sees nothing of it.
    await expect(tasks.get(completed.id, { ...merchant, merchantId: randomUUID() })).rejects.toMatchObject({ status: 404 });
  }, 30_000);

  it('answers 410 EXPORT_PASSWORD_UNREADABLE for a password no held key opens, without using up an SMS of the day', async () => {
    const created = await tasks.create({ type: 'ORDER_DETAILS', format: 'CSV', consigneeMode: 'NONE', from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' }, merchant);
    expect(created.encrypted).toBe(true);
    // Sealed under a key this service was never given (as after a rotation that dropped the old key).
    const foreign = new PasswordVault(loadConfig(ExportServiceConfig, { PORT: '0', DATABASE_URL: 'postgres://x@localhost/export', KAFKA_BROKERS: 'localhost:9092', EXPORT_PASSWORD_KEY: 'a-key-this-service-never-held-0123' }));
    const dataSource = service.get(DataSource);
    await dataSource.query(`UPDATE export_task SET password_sealed = $2 WHERE id = $1`, [created.id, foreign.seal('Pw3xKmNq7aBc')]);

    for (let attempt = 0; attempt < 2; attempt++) {
      // The second attempt would be 429 (60 s apart) had the first one counted as a send.
      await expect(tasks.releasePassword(created.id, merchant)).rejects.toMatchObject({ code: 'EXPORT_PASSWORD_UNREADABLE', status: 410 });
    }
    expect(await dataSource.query(`SELECT count(*)::int AS sends FROM export_password_sms WHERE task_id = $1`, [created.id])).toEqual([{ sends: 0 }]);
  }, 30_000);

  it('re-seals stored passwords under a new key (orderline rotate-key): afterwards the new key alone opens them', async () => {
    const dataSource = service.get(DataSource);
    const [task] = await dataSource.query(`SELECT id FROM export_task WHERE merchant_id = $1 AND encrypted ORDER BY created_at LIMIT 1`, [merchantId]);
    await dataSource.query(`UPDATE export_task SET password_sealed = $2 WHERE id = $1`, [task.id, service.get(PasswordVault).seal('Pw3xKmNq7aBc')]);
    const NEW_KEY = 'rotated-export-key-0123456789';

    const first = await resealExportPasswords(dataSource, { EXPORT_PASSWORD_KEY: NEW_KEY, EXPORT_PASSWORD_KEYS_PREVIOUS: SERVICE_KEY });
    expect(first).toMatchObject({ resealed: 1, alreadyCurrent: 0, unreadable: 0 });
    const [{ password_sealed: moved }] = await dataSource.query(`SELECT password_sealed FROM export_task WHERE id = $1`, [task.id]);
    expect(exportPasswordSealer({ EXPORT_PASSWORD_KEY: NEW_KEY }).open(moved)).toBe('Pw3xKmNq7aBc');
    expect(exportPasswordSealer({ EXPORT_PASSWORD_KEY: SERVICE_KEY }).open(moved)).toBeUndefined();
    // A second pass finds it current; without the previous key, the old value would have been unreadable.
    expect(await resealExportPasswords(dataSource, { EXPORT_PASSWORD_KEY: NEW_KEY })).toMatchObject({ resealed: 0, alreadyCurrent: 1, unreadable: 0 });
    expect(await resealExportPasswords(dataSource, { EXPORT_PASSWORD_KEY: 'yet-another-export-key-0123' })).toMatchObject({ resealed: 0, alreadyCurrent: 0, unreadable: 1 });
  }, 30_000);
});
