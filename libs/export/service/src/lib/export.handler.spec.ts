import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportCompleted, OrderPaid, OrderPlaced } from '@orderline/shared/contracts';
import { EmbeddedService, eventually } from '@orderline/shared/service-testing';
import { DomainError, Principal } from '@orderline/shared/service-kit';
import { ExportTasks } from './app/export-tasks';
import { ExportServiceConfig } from './export-service-config';
import { EXPORT_SERVICE_NAME, ExportServiceModule } from './export-service.module';
import { ExportFileStore } from './infra/export-file-store';

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
      env: { EXPORT_POLL_INTERVAL_MS: '50', EXPORT_FILES_DIR: filesDir },
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

  it('refuses a retry of a completed task and a second task of one type too soon, with their API codes', async () => {
    const [completed] = (await tasks.list(merchant, 10)).items;
    await expect(tasks.retry(completed.id, merchant)).rejects.toMatchObject({ code: 'EXPORT_NOT_RETRYABLE', status: 409 });
    const again = tasks.create({ type: 'ORDER_DISCOUNTS', format: 'CSV', consigneeMode: 'NONE', from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' }, merchant);
    await expect(again).rejects.toBeInstanceOf(DomainError);
    await expect(again).rejects.toMatchObject({ code: 'EXPORT_TOO_SOON', status: 429 });
    // Another merchant sees nothing of it.
    await expect(tasks.get(completed.id, { ...merchant, merchantId: randomUUID() })).rejects.toMatchObject({ status: 404 });
  }, 30_000);
});
