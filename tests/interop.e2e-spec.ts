import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { queryDatabase } from './support/databases';
import { createBuyer, creditOrder, GatewayClient, operatorOf, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
import { pdfBarcodes, pdfFonts, pdfPageSizes, pdfText } from './support/pdf-tools';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(300_000);

const DAY = 86_400;
const MAIN_PHONE = '13900005500';

/** RFC 4180 without leniency: a stray quote, a ragged row or a bad encoding fails the parse. */
const STRICT_CSV = { bom: true, columns: true, relax_quotes: false, relax_column_count: false, skip_records_with_error: false, skip_empty_lines: false } as const;

/**
 * Every file the platform hands a merchant, opened by tools we did not write (issue 18): the AES
 * zip by 7-Zip with the SMS'd password, the XLSX by ExcelJS, the CSV by csv-parse in strict mode,
 * the waybill PDF by poppler (text, fonts, page size) and its barcode by zbar. The tools come from
 * tools/test/system-packages.mjs and the devDependencies.
 */
describe('interoperability: exports and labels opened by independent tools (real Kafka + PostgreSQL)', () => {
  let stack: any;
  let operator: GatewayClient;
  let merchant: GatewayClient;
  let shipmentId: string;
  let waybillNo: string;
  const orderIds: string[] = [];
  const names = isolation('interop');
  const work = mkdtempSync(path.join(tmpdir(), 'orderline-interop-'));

  async function range() {
    const now = new Date((await operator.expect(200, 'GET', '/admin/clock')).now).getTime();
    return { from: new Date(now - 2 * DAY * 1000).toISOString(), to: new Date(now + 2 * DAY * 1000).toISOString() };
  }

  async function exported(body: Record<string, unknown>): Promise<{ task: any; bytes: Buffer; disposition: string | null }> {
    const created = await merchant.expect(202, 'POST', '/merchant/exports', { consigneeMode: 'FULL', ...(await range()), ...body });
    const task = await waitUntil(async () => {
      const current = await merchant.expect(200, 'GET', `/merchant/exports/${created.id}`);
      if (current.status === 'FAILED') throw new Error(`export failed: ${current.failure}`);
      return current.status === 'COMPLETED' ? current : undefined;
    }, `export ${created.id} to complete`, 90_000, 200);
    const file = await merchant.download(`/merchant/exports/${task.id}/file`);
    expect(file.status).toBe(200);
    return { task, bytes: file.bytes, disposition: file.disposition };
  }

  beforeAll(async () => {
    stack = await startStack({
      ...infrastructure(),
      ...names,
      basePort: 5500,
      logDir: 'tmp/test-logs/interop',
      env: { DATABASE_POOL_SIZE: '5', LOG_LEVEL: 'warn', TEST_CLOCK: '1', EXPORT_POLL_INTERVAL_MS: '200', EXPORT_FILES_DIR: path.resolve('tmp/test-exports', names.databasePrefix) },
    });
    const gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    await operator.expect(201, 'POST', '/carriers', { code: 'JD_LOGISTICS', name: '京东快递' });
    const username = `io-${Date.now().toString(36)}`;
    const merchantId = (await operator.expect(201, 'POST', '/merchants', { name: '互通测试店', mainAccount: { username, password: 'merchant-password', phone: MAIN_PHONE } })).id;
    merchant = await gateway.login(username, 'merchant-password');
    const buyer = (await createBuyer(gateway, operator, 10_000_000)).client;
    for (const price of [1_500, 2_600]) orderIds.push((await waitForStatus(buyer, (await buyer.expect(201, 'POST', '/orders', await creditOrder(merchantId, price, 2, 300))).id, 'WAITING_OUTBOUND')).id);
    const logisticsDb = stack.databaseUrl('logistics');
    await waitUntil(async () => (await queryDatabase(logisticsDb, `SELECT 1 FROM logistics_order WHERE order_id = $1 AND placed AND paid`, [orderIds[0]])).length > 0, 'logistics to know the paid order');
    const shipped = await merchant.expect(201, 'POST', '/merchant/shipments', { orderIds: [orderIds[0]], carrier: 'JD_LOGISTICS' });
    ({ shipmentId, waybillNo } = shipped.results[0]);
    await waitForStatus(buyer, orderIds[0], 'SHIPPED');
    // The export read model has both orders and the shipment.
    const exportDb = stack.databaseUrl('export');
    await waitUntil(async () => (await queryDatabase(exportDb, `SELECT 1 FROM export_shipment WHERE waybill_no = $1`, [waybillNo])).length === 1, 'the shipment in the export read model', 60_000);
    await waitUntil(async () => (await queryDatabase(exportDb, `SELECT count(*)::int AS n FROM export_order WHERE merchant_id = $1`, [merchantId]))[0].n === 2, 'both orders in the export read model', 60_000);
    await waitUntil(async () => (await queryDatabase(exportDb, `SELECT 1 FROM export_order WHERE order_id = $1 AND status = 'SHIPPED'`, [orderIds[0]])).length === 1, 'the shipped order in the export read model', 60_000);
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('prints a waybill label that poppler reads and zbar scans: 100 × 150 mm, an embedded CJK subset, a Code 128 of the waybill number', async () => {
    const label = await merchant.download(`/merchant/shipments/${shipmentId}/waybill-label`);
    expect(label.status).toBe(200);
    expect(label.contentType).toContain('application/pdf');
    const text = pdfText(label.bytes);
    expect(text).toContain(waybillNo);
    for (const words of ['电子面单', '收件人 王小明', '13800138000', '广东省深圳市南山区科技园 1 号']) expect(text).toContain(words);
    expect(pdfPageSizes(label.bytes)).toEqual(['283 x 425']);
    const fonts = pdfFonts(label.bytes);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font).toMatchObject({ name: expect.stringMatching(/^[A-Z]{6}\+NotoSansSC/), embedded: true, subset: true });
    expect(pdfBarcodes(label.bytes)).toEqual([`CODE-128:${waybillNo}`]);

    const slip = await merchant.download(`/merchant/shipments/${shipmentId}/packing-slip`);
    expect(pdfPageSizes(slip.bytes)).toEqual(['595 x 842']);
    expect(pdfText(slip.bytes)).toContain('装箱单');
  });

  it('opens the encrypted order details with 7-Zip and the SMS’d password, refuses a wrong one; csv-parse reads the Chinese headers strictly', async () => {
    const { task, bytes, disposition } = await exported({ type: 'ORDER_DETAILS', format: 'CSV' });
    expect(task.language).toBe('zh-CN');
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent(`订单明细-${task.id.slice(0, 8)}.zip`)}`);
    await merchant.expect(200, 'POST', `/merchant/exports/${task.id}/password-sms`);
    const messages = await operator.expect(200, 'GET', `/admin/sms?phone=${MAIN_PHONE}`);
    const password = /password is (\S+)\./.exec(messages[messages.length - 1].body)![1];
    const zip = path.join(work, 'details.zip');
    writeFileSync(zip, bytes);

    const wrong = spawnSync('7zz', ['x', '-y', '-pnot-the-password', `-o${path.join(work, 'wrong')}`, zip], { encoding: 'utf8' });
    expect(wrong.status).not.toBe(0);
    expect(`${wrong.stdout}${wrong.stderr}`).toMatch(/Wrong password/i);

    const out = path.join(work, 'details');
    execFileSync('7zz', ['x', '-y', `-p${password}`, `-o${out}`, zip], { encoding: 'utf8' });
    expect(readdirSync(out)).toEqual([`订单明细-${task.id.slice(0, 8)}.csv`]);
    const rows: Array<Record<string, string>> = parse(readFileSync(path.join(out, readdirSync(out)[0])), STRICT_CSV);
    expect(rows.map((row) => row['订单号']).sort()).toEqual([...orderIds].sort());
    const shippedRow = rows.find((row) => row['订单号'] === orderIds[0])!;
    expect(shippedRow).toMatchObject({ '订单状态': 'SHIPPED', '数量': '2', '运费（分）': '300', '收件人姓名': '王小明', '收件人电话': '13800138000' });
  });

  it('writes an XLSX that ExcelJS reads, cells after empty ones in their columns; English headers on request in a CSV that csv-parse reads strictly', async () => {
    // Shipping info: not delivered yet and no town, so cells follow empty ones (ExcelJS must place them by reference).
    const xlsx = await exported({ type: 'ORDER_EXPRESS', format: 'XLSX' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.bytes as never);
    const sheet = workbook.worksheets[0];
    expect(sheet.rowCount).toBe(2);
    const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
    expect(header.slice(0, 3)).toEqual(['订单号', '下单时间', '订单状态']);
    const row = Object.fromEntries(header.map((name, i) => [name, sheet.getRow(2).getCell(i + 1).value]));
    expect(row).toMatchObject({ '订单号': orderIds[0], '快递公司': 'JD_LOGISTICS', '运单号': waybillNo, '包裹签收时间': null, '最新物流状态': 'DISPATCHED', '收件人姓名': '王小明', '收件人电话': '13800138000', '省': '广东省', '乡镇街道': null, '详细地址': '科技园 1 号' });

    const csv = await exported({ type: 'ORDER_DISCOUNTS', format: 'CSV', consigneeMode: 'NONE', language: 'en' });
    expect(csv.task.language).toBe('en');
    expect(csv.disposition).toContain(`filename="order_discounts-${csv.task.id.slice(0, 8)}.csv"`);
    const rows: Array<Record<string, string>> = parse(csv.bytes, STRICT_CSV);
    expect(Object.keys(rows[0]).slice(0, 4)).toEqual(['order id', 'placed at', 'status', 'payment method']);
    // Amounts in integer fen: 2 × 1500 + 300 and 2 × 2600 + 300.
    expect(rows.map((r) => [r['order id'], r['payable (fen)']]).sort()).toEqual([[orderIds[0], '3300'], [orderIds[1], '5500']].sort());
  });
});
