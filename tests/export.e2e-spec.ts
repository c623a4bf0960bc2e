import { spawn, ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { RefundCompleted, ShipmentDelivered, ShipmentDispatched } from '@orderline/shared/contracts';
import { queryDatabase } from './support/databases';
import { EventPublisher } from './support/event-publisher';
import { catalogItems, createBuyer, creditOrder, GatewayClient, operatorOf, waitForStatus } from './support/gateway-client';
import { databaseUrl, infrastructure, isolation, waitUntil } from './support/infrastructure';
import { parseCsv, readXlsxRows, readZip } from './support/zip-reader';
const { startStack, waitForHttp } = require('../tools/stack/stack.js');

jest.setTimeout(300_000);

const BASE_PORT = 5100 + Number(process.env.TEST_PORT_SHIFT ?? 0);
const INTERNAL_TOKEN = 'export-e2e-internal-token-0123456789';
const FILES_DIR = path.resolve('tmp/test-exports');
const DAY = 86_400;

/**
 * The export center through the gateway on real Kafka + PostgreSQL (domain.md §5, §6):
 * read model built from events, limits on the platform clock, permissions and masking,
 * encrypted files opened with the SMS'd password, formula injection, a killed task, and a
 * rebuild of the read model by replay into a fresh database.
 */
describe('export center (real Kafka + PostgreSQL)', () => {
  let stack: { gatewayUrl: string; personalDataKey: string; databaseUrl(db: string): string; startService(app: string): Promise<void>; stopService(app: string, signal?: string): Promise<void>; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let merchantId: string;
  let main: GatewayClient;
  let buyer: GatewayClient;
  let publisher: EventPublisher;
  let rebuild: ChildProcess | undefined;
  const names = isolation('export');
  const orders: any[] = [];
  const MAIN_PHONE = '13900005100';

  async function platformNow(): Promise<Date> {
    return new Date((await operator.expect(200, 'GET', '/admin/clock')).now);
  }

  async function advance(seconds: number): Promise<void> {
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: seconds });
  }

  async function range(days = 4) {
    const now = await platformNow();
    return { from: new Date(now.getTime() - (days / 2) * DAY * 1000).toISOString(), to: new Date(now.getTime() + (days / 2) * DAY * 1000).toISOString() };
  }

  async function completed(client: GatewayClient, id: string, timeoutMs = 60_000): Promise<any> {
    return waitUntil(async () => {
      const task = await client.expect(200, 'GET', `/merchant/exports/${id}`);
      if (task.status === 'FAILED') throw new Error(`task failed: ${task.failure}`);
      return task.status === 'COMPLETED' ? task : undefined;
    }, `export ${id} to complete`, timeoutMs, 200);
  }

  async function download(client: GatewayClient, id: string): Promise<{ status: number; body: Buffer; contentType: string | null }> {
    const file = await client.download(`/merchant/exports/${id}/file`);
    return { status: file.status, body: file.bytes, contentType: file.contentType };
  }

  async function lastSms(phone: string): Promise<string> {
    const messages = await operator.expect(200, 'GET', `/admin/sms?phone=${phone}`);
    return messages[messages.length - 1].body as string;
  }

  function asObjects(rows: string[][]): Array<Record<string, string>> {
    const [header, ...body] = rows;
    return body.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
  }

  beforeAll(async () => {
    publisher = new EventPublisher(infrastructure().kafkaBrokers, names.topicPrefix);
    stack = await startStack({
      ...infrastructure(),
      ...names,
      basePort: 5100,
      logDir: 'tmp/test-logs/export',
      env: { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'warn', TEST_CLOCK: '1', INTERNAL_API_TOKEN: INTERNAL_TOKEN, EXPORT_FILES_DIR: path.join(FILES_DIR, names.databasePrefix), EXPORT_STALE_AFTER_SECONDS: '3', EXPORT_POLL_INTERVAL_MS: '200' },
    });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    // Start at 01:00 platform time (UTC+8) so a whole day of limits fits before midnight.
    const now = await platformNow();
    const oneAm = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 17, 0, 0));
    if (oneAm <= now) oneAm.setUTCDate(oneAm.getUTCDate() + 1);
    await operator.expect(200, 'POST', '/admin/clock', { now: oneAm.toISOString() });

    const username = `ex-${Date.now().toString(36)}`;
    merchantId = (await operator.expect(201, 'POST', '/merchants', { name: 'Export Shop', mainAccount: { username, password: 'merchant-password', phone: MAIN_PHONE } })).id;
    main = await gateway.login(username, 'merchant-password');
    buyer = (await createBuyer(gateway, operator, 10_000_000)).client;
    // Three orders: one plain, one with text a spreadsheet would run, one presale with two lines.
    const plain = await buyer.expect(201, 'POST', '/orders', await creditOrder(merchantId, 1_500, 2, 300));
    const injected = await buyer.expect(201, 'POST', '/orders', {
      ...await creditOrder(merchantId, 1_500), // the same SKU as the plain order (sku-kettle-1500)
      buyerNote: '=HYPERLINK("http://evil.example","click")',
      consignee: { name: '@SUM(1+1)', phone: '13711112222', address: { province: '浙江省', city: '杭州市', county: '西湖区', town: '-1+1', detail: '+cmd|calc' } },
    });
    const presale = await buyer.expect(201, 'POST', '/orders', {
      ...await creditOrder(merchantId, 900),
      // 预售 is a fact of the goods: the merchant's SKUs say so (domain.md §1.1a).
      items: await catalogItems(merchantId, [
        { skuId: 'sku-a', title: 'Cup, "large"', unitPrice: 900, quantity: 1, kinds: { presale: true } },
        { skuId: 'sku-b', title: 'Lid', unitPrice: 100, quantity: 3, kinds: { presale: true } },
      ]),
    });
    for (const order of [plain, injected, presale]) orders.push(await waitForStatus(buyer, order.id, 'WAITING_OUTBOUND'));
    // A consignee change reaches the read model too (ConsigneeChanged).
    await main.expect(200, 'PATCH', `/merchant/orders/${injected.id}/consignee`, { phone: '13711113333' });
    // Shipping facts published as logistics would (this suite is about exports, not outbound).
    await publisher.publish(ShipmentDispatched, { shipmentId: `ship-${plain.id.slice(0, 8)}`, orderId: plain.id, carrier: 'JD_LOGISTICS', waybillNo: 'JD0001' });
    await waitForStatus(buyer, plain.id, 'SHIPPED');
    await publisher.publish(ShipmentDelivered, { shipmentId: `ship-${plain.id.slice(0, 8)}`, orderId: plain.id, carrierKind: 'PLATFORM' });
    await waitForStatus(buyer, plain.id, 'COMPLETED');
    const plainLine = orders[0].lines[0];
    await publisher.publish(RefundCompleted, { refundId: `refund-${plain.id.slice(0, 8)}`, orderId: plain.id, buyerId: plain.buyerId, paymentMethod: 'CREDIT', amount: 1_500, lines: [{ lineId: plainLine.id, quantity: 1, amount: 1_500 }] });
    // The read model has caught up when the refund is in.
    const exportDb = stack.databaseUrl('export');
    await waitUntil(async () => (await queryDatabase(exportDb, `SELECT 1 FROM export_order WHERE order_id = $1 AND consignee_phone = '13711113333'`, [injected.id])).length === 1, 'the consignee change in the read model', 60_000);
    await waitUntil(async () => (await queryDatabase(exportDb, `SELECT 1 FROM export_order WHERE order_id = $1 AND refunded_amount = 1500 AND status = 'COMPLETED'`, [plain.id])).length === 1, 'the export read model to apply the refund', 60_000);
    await waitUntil(async () => (await queryDatabase(exportDb, `SELECT count(*)::int AS n FROM export_order WHERE merchant_id = $1 AND status = 'WAITING_OUTBOUND'`, [merchantId]))[0].n === 2, 'the paid orders in the read model', 60_000);
  });

  afterAll(async () => {
    rebuild?.kill('SIGTERM');
    await publisher?.close();
    await stack?.stop();
  });

  it('exports encrypted order details: 202, progress, history; the password comes only by SMS and opens the file', async () => {
    const task = await main.expect(202, 'POST', '/merchant/exports', { type: 'ORDER_DETAILS', format: 'CSV', consigneeMode: 'FULL', ...(await range()) });
    // The runner may claim the task before the 202 is written (a busy machine reorders them).
    expect(task).toMatchObject({ status: expect.stringMatching(/^(QUEUED|RUNNING)$/), encrypted: true, type: 'ORDER_DETAILS', progress: { rowsDone: expect.any(Number) } });
    const done = await completed(main, task.id);
    expect(done.progress).toEqual({ rowsDone: 4, rowsTotal: 4 });
    expect(done.file).toMatchObject({ contentType: 'application/zip', expired: false });
    const history = await main.expect(200, 'GET', '/merchant/exports');
    expect(history.items.map((t: any) => t.id)).toContain(task.id);

    const sent = await main.expect(200, 'POST', `/merchant/exports/${task.id}/password-sms`);
    expect(sent).toMatchObject({ taskId: task.id, sentTo: '139****5100', sendsToday: 1, dailyLimit: 5 });
    const password = /password is (\S+)\./.exec(await lastSms(MAIN_PHONE))![1];
    expect(password).toMatch(/^[A-Za-z0-9]{12}$/);
    // Never in any response.
    for (const body of [task, done, history, sent]) expect(JSON.stringify(body)).not.toContain(password);

    const file = await download(main, task.id);
    expect(file.status).toBe(200);
    expect(() => readZip(file.body, 'not-the-password')).toThrow(/wrong password/);
    const [entry] = readZip(file.body, password);
    expect(entry.name).toMatch(/^订单明细-[0-9a-f]{8}\.csv$/);
    const rows = asObjects(parseCsv(entry.data.toString('utf8')));
    expect(rows).toHaveLength(4);
    const [plain, injected, presale] = orders;
    expect(rows.map((r) => r['订单号'])).toEqual([plain.id, injected.id, presale.id, presale.id]);
    expect(rows[0]).toMatchObject({ '订单状态': 'COMPLETED', '支付方式': 'CREDIT', '商品编码': 'sku-kettle-1500', '单价（分）': '1500', '数量': '2', '小计（分）': '3000', '运费（分）': '300', '应付金额（分）': '3300', '已退款金额（分）': '1500', '已退数量': '1', '收件人姓名': '王小明', '收件人电话': '13800138000', '区县': '南山区', '详细地址': '科技园 1 号' });
    expect(rows[2]).toMatchObject({ '商品名称': 'Cup, "large"', '特殊订单类型': 'PRESALE', '订单状态': 'WAITING_OUTBOUND' });
    expect(rows[3]).toMatchObject({ '商品编码': 'sku-b', '数量': '3', '小计（分）': '300' });

    // Formula injection: every cell a spreadsheet would evaluate starts with a quote.
    expect(rows[1]['收件人电话']).toBe('13711113333');
    // The consignee travels sealed: no event in the order service's outbox holds it in clear.
    const envelopes = await queryDatabase(stack.databaseUrl('order'), `SELECT envelope FROM outbox_event WHERE message_key = ANY($1::text[])`, [orders.map((o) => o.id)]);
    expect(envelopes.length).toBeGreaterThan(3);
    for (const { envelope } of envelopes) for (const secret of ['13800138000', '13711113333', '王小明', '科技园']) expect(envelope).not.toContain(secret);
    expect(envelopes.some(({ envelope }) => JSON.parse(envelope).payload.consigneeSealed)).toBe(true);
    expect(rows[1]).toMatchObject({ '买家留言': `'=HYPERLINK("http://evil.example","click")`, '收件人姓名': "'@SUM(1+1)", '乡镇街道': "'-1+1", '详细地址': "'+cmd|calc" });
    // Negative numbers stay numbers; there is none here, but numbers are never quoted.
    expect(rows[0]['商品金额（分）']).toBe('3000');

    // Password SMS limits: 60 s apart, 5 per task per day; the password never changes.
    expect(await main.request('POST', `/merchant/exports/${task.id}/password-sms`)).toMatchObject({ status: 429, body: { code: 'PASSWORD_SMS_TOO_SOON' } });
    for (let n = 2; n <= 5; n++) {
      await advance(60);
      expect(await main.expect(200, 'POST', `/merchant/exports/${task.id}/password-sms`)).toMatchObject({ sendsToday: n });
      expect(await lastSms(MAIN_PHONE)).toContain(password);
    }
    await advance(60);
    const refused = await main.request('POST', `/merchant/exports/${task.id}/password-sms`);
    expect(refused).toMatchObject({ status: 429, body: { code: 'PASSWORD_SMS_DAILY_LIMIT' } });
    expect(refused.body.nextAllowedAt).toBeDefined();
    // Plain types have no password.
    const discounts = await main.expect(202, 'POST', '/merchant/exports', { type: 'ORDER_DISCOUNTS', format: 'XLSX', consigneeMode: 'NONE', ...(await range()) });
    await completed(main, discounts.id);
    expect(await main.request('POST', `/merchant/exports/${discounts.id}/password-sms`)).toMatchObject({ status: 409, body: { code: 'EXPORT_NOT_ENCRYPTED' } });
    const xlsx = await download(main, discounts.id);
    expect(xlsx.contentType).toContain('spreadsheetml');
    const sheet = asObjects(readXlsxRows(xlsx.body));
    expect(sheet.map((r) => r['订单号'])).toEqual(orders.map((o) => o.id));
    expect(sheet[0]).toMatchObject({ '商品金额（分）': '3000', '运费（分）': '300', '应付金额（分）': '3300' });
    expect(Object.keys(sheet[0])).not.toContain('收件人姓名');
  });

  it('enforces the limits per account and type on the platform clock, and says which limit and when', async () => {
    expect(await main.request('POST', '/merchant/exports', { type: 'UNPAID_ORDERS', format: 'CSV', consigneeMode: 'NONE', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:01Z' })).toMatchObject({
      status: 422,
      body: { code: 'EXPORT_RANGE_TOO_LONG', limit: expect.stringContaining('31 days') },
    });
    expect(await main.request('POST', '/merchant/exports', { type: 'PRESALE_ORDERS', format: 'CSV', consigneeMode: 'NONE', from: '2026-01-01T00:00:00Z', to: '2026-03-02T00:00:01Z' })).toMatchObject({
      status: 422,
      body: { code: 'EXPORT_RANGE_TOO_LONG', limit: expect.stringContaining('60 days') },
    });
    expect(await main.request('POST', '/merchant/exports', { type: 'NO_SUCH_TYPE', format: 'CSV', consigneeMode: 'NONE', from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' })).toMatchObject({ status: 400 });

    const first = await main.expect(202, 'POST', '/merchant/exports', { type: 'SHIPPING_WARNINGS', format: 'CSV', consigneeMode: 'NONE', ...(await range()) });
    const tooSoon = await main.request('POST', '/merchant/exports', { type: 'SHIPPING_WARNINGS', format: 'CSV', consigneeMode: 'NONE', ...(await range()) });
    expect(tooSoon).toMatchObject({ status: 429, body: { code: 'EXPORT_TOO_SOON', nextAllowedAt: new Date(new Date(first.createdAt).getTime() + 600_000).toISOString() } });
    expect(tooSoon.body.limit).toContain('10 minutes');
    // Another type is its own limit.
    await main.expect(202, 'POST', '/merchant/exports', { type: 'SHIPPING_TIMEOUTS', format: 'CSV', consigneeMode: 'NONE', ...(await range()) });
    for (let n = 2; n <= 10; n++) {
      await advance(600);
      await main.expect(202, 'POST', '/merchant/exports', { type: 'SHIPPING_WARNINGS', format: 'CSV', consigneeMode: 'NONE', ...(await range()) });
    }
    await advance(600);
    const daily = await main.request('POST', '/merchant/exports', { type: 'SHIPPING_WARNINGS', format: 'CSV', consigneeMode: 'NONE', ...(await range()) });
    expect(daily).toMatchObject({ status: 429, body: { code: 'EXPORT_DAILY_LIMIT', limit: expect.stringContaining('10') } });
    const nextAllowedAt = new Date(daily.body.nextAllowedAt);
    expect(nextAllowedAt.getUTCHours()).toBe(16); // 00:00 platform time
    await advance(Math.ceil((nextAllowedAt.getTime() - (await platformNow()).getTime()) / 1000) + 1);
    const nextDay = await main.expect(202, 'POST', '/merchant/exports', { type: 'SHIPPING_WARNINGS', format: 'CSV', consigneeMode: 'NONE', ...(await range()) });
    // The warnings raised so far (by the order service, on the platform clock) are the file's rows.
    const warnings = await completed(main, nextDay.id);
    const rows = parseCsv((await download(main, nextDay.id)).body.toString('utf8'));
    expect(rows[0]).toEqual(['订单号', '下单时间', '订单状态', '承诺发货时间', '预警时间', '说明']);
    expect(warnings.progress).toEqual({ rowsDone: rows.length - 1, rowsTotal: rows.length - 1 });
    for (const row of rows.slice(1)) expect(orders.map((o) => o.id)).toContain(row[0]);
  });

  it('enforces export permissions: masked without the sensitive grant (even encrypted), locked merchants told to contact operations', async () => {
    const username = `exsub-${merchantId.slice(0, 6)}`;
    const sub = await main.expect(201, 'POST', `/merchants/${merchantId}/sub-accounts`, { username, password: 'sub-password', phone: '13900005101' });
    const subClient = await gateway.login(username, 'sub-password');
    expect(await subClient.request('POST', '/merchant/exports', { type: 'ORDER_DETAILS', format: 'CSV', consigneeMode: 'MASKED', ...(await range()) })).toMatchObject({ status: 403, body: { code: 'PERMISSION_REQUIRED', permission: 'EXPORT' } });
    await main.expect(200, 'PUT', `/merchants/${merchantId}/sub-accounts/${sub.id}/permissions`, { permissions: ['EXPORT'] });
    expect(await subClient.request('POST', '/merchant/exports', { type: 'ORDER_DETAILS', format: 'CSV', consigneeMode: 'FULL', ...(await range(4)) })).toMatchObject({ status: 403, body: { code: 'PERMISSION_REQUIRED', permission: 'EXPORT_SENSITIVE' } });
    const masked = await subClient.expect(202, 'POST', '/merchant/exports', { type: 'ORDER_DETAILS', format: 'XLSX', consigneeMode: 'MASKED', ...(await range(4)) });
    await completed(subClient, masked.id);
    // The password goes to the phone of the account that created the task.
    expect(await subClient.expect(200, 'POST', `/merchant/exports/${masked.id}/password-sms`)).toMatchObject({ sentTo: '139****5101' });
    const password = /password is (\S+)\./.exec(await lastSms('13900005101'))![1];
    const [entry] = readZip((await download(subClient, masked.id)).body, password);
    const rows = asObjects(readXlsxRows(entry.data));
    expect(rows[0]).toMatchObject({ '收件人姓名': '王**', '收件人电话': '138****8000', '省': '广东省', '市': '深圳市', '区县': '***', '详细地址': '***' });
    expect(JSON.stringify(rows)).not.toContain('13800138000');

    // NONE leaves consumer data out entirely.
    const none = await main.expect(202, 'POST', '/merchant/exports', { type: 'PRESALE_ORDERS', format: 'CSV', consigneeMode: 'NONE', ...(await range()) });
    await completed(main, none.id);
    await advance(60);
    await main.expect(200, 'POST', `/merchant/exports/${none.id}/password-sms`);
    const nonePassword = /password is (\S+)\./.exec(await lastSms(MAIN_PHONE))![1];
    const [noneEntry] = readZip((await download(main, none.id)).body, nonePassword);
    const noneRows = parseCsv(noneEntry.data.toString('utf8'));
    expect(noneRows[0]).not.toContain('收件人姓名');
    expect(noneRows[0]).not.toContain('省');
    expect(noneRows.slice(1).map((r) => r[0])).toEqual([orders[2].id]);
    expect(noneEntry.data.toString('utf8')).not.toContain('王小明');

    // Filters per type: status and sku for orders; a filter a type does not have is refused.
    const filtered = await main.expect(202, 'POST', '/merchant/exports', { type: 'ORDER_DISCOUNTS', format: 'CSV', consigneeMode: 'NONE', ...(await range()), filters: { status: ['COMPLETED', 'WAITING_OUTBOUND'], skuId: 'sku-kettle-1500', paymentMethod: ['CREDIT'] } });
    await completed(main, filtered.id);
    expect(parseCsv((await download(main, filtered.id)).body.toString('utf8')).slice(1).map((r) => r[0])).toEqual([orders[0].id, orders[1].id]);
    expect(await main.request('POST', '/merchant/exports', { type: 'LOC_SIGNUPS', format: 'CSV', consigneeMode: 'NONE', ...(await range()), filters: { paymentMethod: ['COD'] } })).toMatchObject({ status: 422, body: { code: 'EXPORT_FILTER_NOT_SUPPORTED' } });

    // Another merchant sees nothing of it.
    const otherName = `exo-${Date.now().toString(36)}`;
    await operator.expect(201, 'POST', '/merchants', { name: 'Other', mainAccount: { username: otherName, password: 'merchant-password', phone: '13900005199' } });
    const other = await gateway.login(otherName, 'merchant-password');
    expect(await other.request('GET', `/merchant/exports/${none.id}`)).toMatchObject({ status: 404 });
    expect((await download(other, none.id)).status).toBe(404);
    expect(await other.request('POST', `/merchant/exports/${none.id}/password-sms`)).toMatchObject({ status: 404 });

    // Risk control locks the merchant's exports.
    await operator.expect(200, 'PUT', `/merchants/${merchantId}/export-lock`, { locked: true, reason: 'review' });
    const locked = await main.request('POST', '/merchant/exports', { type: 'LOC_ORDERS', format: 'CSV', consigneeMode: 'NONE', ...(await range()) });
    expect(locked).toMatchObject({ status: 403, body: { code: 'EXPORT_LOCKED' } });
    expect(locked.body.detail).toContain('contact operations');
    expect((await download(main, none.id)).status).toBe(403);
    await operator.expect(200, 'PUT', `/merchants/${merchantId}/export-lock`, { locked: false });
    await main.expect(202, 'POST', '/merchant/exports', { type: 'LOC_ORDERS', format: 'CSV', consigneeMode: 'NONE', ...(await range()) });

    // Every export endpoint is in the OpenAPI document.
    const document = (await (await fetch(`${stack.gatewayUrl}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [route, method] of [['/api/v1/merchant/exports', 'post'], ['/api/v1/merchant/exports', 'get'], ['/api/v1/merchant/exports/{id}', 'get'], ['/api/v1/merchant/exports/{id}/file', 'get'], ['/api/v1/merchant/exports/{id}/password-sms', 'post'], ['/api/v1/merchant/exports/{id}/retry', 'post'], ['/api/v1/merchants/{id}/export-lock', 'put'], ['/api/v1/exports/read-model', 'get']]) {
      expect({ route, method, documented: Boolean(document.paths[route]?.[method]) }).toEqual({ route, method, documented: true });
    }
  });

  it('a killed task is FAILED with no file, and completes when retried; files expire', async () => {
    // A second merchant with many read-model rows, so the task is still running when killed.
    const bulkName = `exb-${Date.now().toString(36)}`;
    const bulkMerchant = (await operator.expect(201, 'POST', '/merchants', { name: 'Bulk', mainAccount: { username: bulkName, password: 'merchant-password', phone: '13900005102' } })).id;
    const bulk = await gateway.login(bulkName, 'merchant-password');
    const now = await platformNow();
    const rows = 400_000;
    await queryDatabase(
      stack.databaseUrl('export'),
      `INSERT INTO export_order (order_id, merchant_id, buyer_id, status, payment_method, payable, placed_at, kinds, consignee_name, consignee_phone, province, city, county, address_detail, updated_at)
       SELECT md5('bulk' || i)::uuid, $1, md5('buyer' || i)::uuid, 'WAITING_OUTBOUND', 'ONLINE', i, $2::timestamptz - make_interval(secs => i), '{CUSTOMISED}', 'Name ' || i, '1380000' || lpad(i::text, 4, '0'), 'P', 'C', 'X', 'D', $2
       FROM generate_series(1, $3) AS i`,
      [bulkMerchant, now, rows],
    );
    const task = await bulk.expect(202, 'POST', '/merchant/exports', { type: 'CUSTOMISED_ORDERS', format: 'XLSX', consigneeMode: 'MASKED', ...(await range(20)) });
    await waitUntil(async () => {
      const current = await bulk.expect(200, 'GET', `/merchant/exports/${task.id}`);
      return current.status === 'RUNNING' && current.progress.rowsTotal === rows && current.progress.rowsDone > 0 ? current : undefined;
    }, 'the task to be running with progress', 60_000, 50);
    await stack.stopService('export-service', 'SIGKILL');
    await stack.startService('export-service');
    const failed = await waitUntil(async () => {
      const current = await bulk.expect(200, 'GET', `/merchant/exports/${task.id}`);
      return current.status === 'FAILED' ? current : undefined;
    }, 'the killed task to be marked FAILED', 60_000, 200);
    expect(failed.failure).toMatch(/^INTERRUPTED/);
    expect(failed.file).toBeNull();
    expect(await download(bulk, task.id)).toMatchObject({ status: 409 });
    expect(readdirSync(path.join(FILES_DIR, names.databasePrefix)).filter((name) => name.startsWith(task.id))).toEqual([]);

    await bulk.expect(202, 'POST', `/merchant/exports/${task.id}/retry`);
    expect(await bulk.request('POST', `/merchant/exports/${task.id}/retry`)).toMatchObject({ status: 409, body: { code: 'EXPORT_NOT_RETRYABLE' } });
    const done = await completed(bulk, task.id, 180_000);
    expect(done).toMatchObject({ attempts: 2, progress: { rowsDone: rows, rowsTotal: rows } });

    // Expiry (default 3 days on the platform clock): then 410 and the file is gone.
    await advance(3 * DAY + 60);
    await waitUntil(async () => (await download(bulk, task.id)).status === 410, 'the file to expire', 30_000, 200);
    await waitUntil(async () => readdirSync(path.join(FILES_DIR, names.databasePrefix)).every((name) => !name.startsWith(task.id)), 'the expired file to be deleted', 30_000, 200);
    expect((await bulk.expect(200, 'GET', `/merchant/exports/${task.id}`)).file.expired).toBe(true);
    await queryDatabase(stack.databaseUrl('export'), `DELETE FROM export_order WHERE merchant_id = $1`, [bulkMerchant]);
  });

  it('exports the shipping time-outs the order service raised (domain.md §1.8), one row per order', async () => {
    const waiting = orders.filter((o) => o.id !== orders[0].id).map((o) => o.id); // the first one shipped
    await advance(49 * 3_600);
    const exportDb = stack.databaseUrl('export');
    await waitUntil(async () => (await queryDatabase(exportDb, `SELECT count(*)::int AS n FROM export_shipping_alert WHERE merchant_id = $1 AND kind = 'TIMEOUT'`, [merchantId]))[0].n === waiting.length, 'the time-outs in the read model', 60_000);
    const task = await main.expect(202, 'POST', '/merchant/exports', { type: 'SHIPPING_TIMEOUTS', format: 'CSV', consigneeMode: 'NONE', ...(await range(6)) });
    await completed(main, task.id);
    const rows = asObjects(parseCsv((await download(main, task.id)).body.toString('utf8')));
    expect(rows.map((row) => row['订单号']).sort()).toEqual([...waiting].sort());
    for (const row of rows) {
      const order = orders.find((o) => o.id === row['订单号']);
      expect(Date.parse(row['承诺发货时间'])).toBe(Date.parse(order.promisedShipBy));
      expect(row['订单状态']).toBe('WAITING_OUTBOUND');
    }
  });

  it('rebuilds the read model by replaying the topics into a fresh database, equal to the live one', async () => {
    const live = stack.databaseUrl('export');
    const fresh = `${names.databasePrefix}_export_rebuild`;
    rebuild = spawn(process.execPath, ['-r', path.resolve('tools/runtime/register-paths.js'), path.resolve('dist/apps/export-service/src/main.js')], {
      env: { ...process.env, PORT: String(BASE_PORT + 8), DATABASE_URL: databaseUrl(infrastructure().postgresUrl, fresh), KAFKA_BROKERS: infrastructure().kafkaBrokers, KAFKA_TOPIC_PREFIX: names.topicPrefix, INTERNAL_API_TOKEN: INTERNAL_TOKEN, PERSONAL_DATA_KEY: stack.personalDataKey, LOG_LEVEL: 'warn', TEST_CLOCK: '1', EXPORT_FILES_DIR: path.join(FILES_DIR, fresh) },
      stdio: 'ignore',
    });
    await waitForHttp(`http://127.0.0.1:${BASE_PORT + 8}/health`, 60_000);
    const snapshot = async (url: string) => ({
      orders: await queryDatabase(url, `SELECT * FROM export_order ORDER BY order_id`),
      lines: await queryDatabase(url, `SELECT * FROM export_order_line ORDER BY line_id`),
      shipments: await queryDatabase(url, `SELECT * FROM export_shipment ORDER BY shipment_id`),
      refunds: await queryDatabase(url, `SELECT * FROM export_refund ORDER BY refund_id`),
    });
    const expected = await snapshot(live);
    expect(expected.orders.length).toBe(3);
    const rebuilt = databaseUrl(infrastructure().postgresUrl, fresh);
    await waitUntil(async () => JSON.stringify(await snapshot(rebuilt)) === JSON.stringify(expected), 'the rebuilt read model to equal the live one', 90_000, 500).catch(() => undefined);
    // Equal row for row (a difference shows as a diff here).
    expect(JSON.parse(JSON.stringify(await snapshot(rebuilt)))).toEqual(JSON.parse(JSON.stringify(expected)));

    // Both say how far behind they are: nothing left to apply.
    const liveStatus = await waitUntil(async () => {
      const status = await operator.expect(200, 'GET', '/exports/read-model');
      return status.behindEvents === 0 ? status : undefined;
    }, 'the live read model to report no lag');
    expect(liveStatus.rows).toMatchObject({ orders: 3, lines: 4, shipments: 1, refunds: 1 });
    const rebuiltStatus = async (): Promise<any> => (await fetch(`http://127.0.0.1:${BASE_PORT + 8}/exports/read-model`, { headers: { 'x-internal-token': INTERNAL_TOKEN } })).json();
    expect((await rebuiltStatus()).consumerGroup).not.toBe(liveStatus.consumerGroup);
    await waitUntil(async () => (await rebuiltStatus()).behindEvents === 0, 'the rebuilt read model to report no lag');
  });
});
