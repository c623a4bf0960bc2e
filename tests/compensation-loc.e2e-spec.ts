import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { columnsFor, ConsigneeMode, ExportType } from '@orderline/export/domain';
import { queryDatabase } from './support/databases';
import { catalogItems, createBuyer, creditOrder, GatewayClient, operatorOf, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
import { parseCsv, readZip } from './support/zip-reader';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(300_000);

const FILES_DIR = path.resolve('tmp/test-exports');
const DAY = 86_400;
const HOUR = 3_600;

/**
 * Issue 18 items 1 and 3 through the gateway on real Kafka + PostgreSQL (docs/compensation.md):
 * an operator's advance compensation (先行赔付), a merchant's direct compensation (商家直赔) behind
 * its grant, late-shipping compensation (延迟发货赔付) raised by the shipping time-out rule with the
 * configured amount and bounded by what the order paid, LOC sign-up orders carrying their form;
 * then the compensation and sign-up exports hold exactly those records, the sign-ups in an
 * encrypted file opened with the SMS'd password.
 */
describe('compensation and LOC sign-ups (real Kafka + PostgreSQL)', () => {
  let stack: { gatewayUrl: string; databaseUrl(db: string): string; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let main: GatewayClient;
  let buyer: GatewayClient;
  let merchantId: string;
  const names = isolation('compensation');
  const MAIN_PHONE = '13900006100';

  async function platformNow(): Promise<Date> {
    return new Date((await operator.expect(200, 'GET', '/admin/clock')).now);
  }

  async function range() {
    const now = await platformNow();
    return { from: new Date(now.getTime() - 3 * DAY * 1000).toISOString(), to: new Date(now.getTime() + DAY * 1000).toISOString() };
  }

  /** The rows of a finished export as objects keyed by column key (headers are for people and may be translated). */
  async function exportRows(type: ExportType, consigneeMode: ConsigneeMode): Promise<Array<Record<string, string>>> {
    const created = await main.expect(202, 'POST', '/merchant/exports', { type, format: 'CSV', consigneeMode, ...(await range()) });
    const task = await waitUntil(async () => {
      const state = await main.expect(200, 'GET', `/merchant/exports/${created.id}`);
      if (state.status === 'FAILED') throw new Error(`export ${type} failed: ${state.failure}`);
      return state.status === 'COMPLETED' ? state : undefined;
    }, `export ${type} to complete`, 90_000, 200);
    const file = await main.download(`/merchant/exports/${task.id}/file`);
    expect(file.status).toBe(200);
    let csv = file.bytes.toString('utf8');
    if (task.encrypted) {
      expect(file.contentType).toBe('application/zip');
      await main.expect(200, 'POST', `/merchant/exports/${task.id}/password-sms`);
      const messages = await operator.expect(200, 'GET', `/admin/sms?phone=${MAIN_PHONE}`);
      const password = /password is (\S+)\./.exec(messages[messages.length - 1].body)![1];
      expect(() => readZip(file.bytes, 'not-the-password')).toThrow(/wrong password/);
      csv = readZip(file.bytes, password)[0].data.toString('utf8');
    }
    const keys = columnsFor(type, consigneeMode).map((column) => column.key);
    const [header, ...body] = parseCsv(csv);
    expect(header).toHaveLength(keys.length);
    return body.map((row) => Object.fromEntries(keys.map((key, i) => [key, row[i]])));
  }

  beforeAll(async () => {
    stack = await startStack({
      ...infrastructure(),
      ...names,
      basePort: 6400,
      logDir: 'tmp/test-logs/compensation-loc',
      env: { DATABASE_POOL_SIZE: '5', LOG_LEVEL: 'warn', TEST_CLOCK: '1', ORDER_TIMER_INTERVAL_MS: '200', EXPORT_FILES_DIR: path.join(FILES_DIR, names.databasePrefix), EXPORT_POLL_INTERVAL_MS: '200' },
    });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    // 01:00 platform time (UTC+8): the day's export limits and the 48 h jump stay inside one range.
    const now = await platformNow();
    const oneAm = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 17, 0, 0));
    if (oneAm <= now) oneAm.setUTCDate(oneAm.getUTCDate() + 1);
    await operator.expect(200, 'POST', '/admin/clock', { now: oneAm.toISOString() });
    const username = `cl-${randomUUID().slice(0, 8)}`;
    merchantId = (await operator.expect(201, 'POST', '/merchants', { name: 'Compensation Shop', mainAccount: { username, password: 'merchant-password', phone: MAIN_PHONE } })).id;
    main = await gateway.login(username, 'merchant-password');
    buyer = (await createBuyer(gateway, operator, 10_000_000)).client;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('records each kind of compensation and each LOC sign-up, and the four exports list exactly them', async () => {
    // Four paid orders: advance, direct, plain late, and one reported late in advance (covered).
    const place = async (unitPrice: number) => buyer.expect(201, 'POST', '/orders', await creditOrder(merchantId, unitPrice));
    const [advanced, direct, late, reported] = await Promise.all([place(10_000), place(10_000), place(1_000), place(2_000)]);
    for (const order of [advanced, direct, late, reported]) await waitForStatus(buyer, order.id, 'WAITING_OUTBOUND');

    // 先行赔付: an operator only; the Idempotency-Key answers the first record; never more than paid.
    const key = { 'idempotency-key': `adv-${advanced.id}` };
    const first = await operator.request('POST', `/orders/${advanced.id}/advance-compensations`, { amount: 9_800, reason: 'parcel lost; platform pays first' }, key);
    expect(first).toMatchObject({ status: 201, body: { kind: 'ADVANCE', amount: 9_800 } });
    expect((await operator.request('POST', `/orders/${advanced.id}/advance-compensations`, { amount: 9_800, reason: 'parcel lost; platform pays first' }, key)).body.id).toBe(first.body.id);
    expect(await operator.request('POST', `/orders/${advanced.id}/advance-compensations`, { amount: 201, reason: 'more' })).toMatchObject({ status: 409, body: { code: 'COMPENSATION_EXCEEDS_PAID' } });
    expect(await operator.request('POST', `/orders/${advanced.id}/advance-compensations`, { amount: 1.5, reason: 'x' })).toMatchObject({ status: 400 });
    expect((await main.request('POST', `/orders/${advanced.id}/advance-compensations`, { amount: 1, reason: 'x' })).status).toBe(403);

    // 商家直赔: the merchant, with the AFTER_SALES grant.
    const sub = await main.expect(201, 'POST', `/merchants/${merchantId}/sub-accounts`, { username: `cl-sub-${randomUUID().slice(0, 6)}`, password: 'sub-password', phone: '13900006101', permissions: ['VIEW_ORDERS'] });
    const viewer = await gateway.login(sub.username, 'sub-password');
    expect(await viewer.request('POST', `/merchant/orders/${direct.id}/direct-compensations`, { amount: 1_500, reason: 'scratched lid' })).toMatchObject({ status: 403, body: { code: 'PERMISSION_REQUIRED', permission: 'AFTER_SALES' } });
    expect(await main.request('POST', `/merchant/orders/${direct.id}/direct-compensations`, { amount: 1_500, reason: 'scratched lid' })).toMatchObject({ status: 201, body: { kind: 'DIRECT', amount: 1_500 } });
    expect((await buyer.request('POST', `/merchant/orders/${direct.id}/direct-compensations`, { amount: 1, reason: 'x' })).status).toBe(403);

    // 延迟发货报备 before the deadline covers an order; then the deadline passes for all four.
    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    await main.expect(200, 'POST', '/merchant/orders/late-shipping-reports', { orderIds: [reported.id], newShipBy: new Date(Date.parse(now) + 72 * HOUR * 1000).toISOString(), reason: 'supplier delay' });
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 48 * HOUR + 60 });
    // 延迟发货赔付 with the default rule: 30 % of what was paid, at least 5 yuan, at most 500, never past what is left.
    const expectedLate: Record<string, number> = { [advanced.id]: 200, [direct.id]: 3_000, [late.id]: 500 };
    for (const [orderId, amount] of Object.entries(expectedLate)) {
      const order = await waitUntil(async () => {
        const view = await buyer.expect(200, 'GET', `/orders/${orderId}`);
        return view.compensations.some((c: { kind: string }) => c.kind === 'LATE_SHIPPING') ? view : undefined;
      }, `late-shipping compensation of ${orderId}`, 60_000, 200);
      expect(order.compensations.find((c: { kind: string }) => c.kind === 'LATE_SHIPPING')).toMatchObject({ amount });
      expect(order.compensatedAmount).toBeLessThanOrEqual(order.payable);
    }
    expect((await buyer.expect(200, 'GET', `/orders/${advanced.id}`)).compensatedAmount).toBe(10_000);
    await waitUntil(async () => (await queryDatabase(stack.databaseUrl('export'), `SELECT count(*)::int AS n FROM export_shipping_alert WHERE order_id = $1 AND kind = 'TIMEOUT'`, [reported.id]))[0].n === 1, 'the reported order timed out too', 60_000);
    expect((await buyer.expect(200, 'GET', `/orders/${reported.id}`)).compensations).toEqual([]);

    // LOC sign-ups: the SKU says which form the order carries; the form is required and personal.
    const [drivingItem] = await catalogItems(merchantId, [{ skuId: 'driving-c1', title: 'C1 licence course', unitPrice: 380_000, quantity: 1, kinds: { drivingSchoolSignup: true } }]);
    const [activityItem] = await catalogItems(merchantId, [{ skuId: 'yoga-day', title: 'Yoga in the park', unitPrice: 9_900, quantity: 1, kinds: { activitySignup: true } }]);
    const base = await creditOrder(merchantId, 1_000);
    expect(await buyer.request('POST', '/orders', { ...base, items: [drivingItem] })).toMatchObject({ status: 422, body: { code: 'SIGNUP_FORM_REQUIRED' } });
    const drivingForm = { name: '陈驾驶', phone: '13700006100', idType: 'RESIDENT_ID', idNumber: '110101199003071234', classDate: '2026-12-20' };
    const activityForm = { name: '林活动', phone: '13700006101', idType: 'PASSPORT', idNumber: 'E12345678', classDate: '2026-12-27' };
    const driving = await buyer.expect(201, 'POST', '/orders', { ...base, items: [drivingItem], signup: drivingForm });
    const activity = await buyer.expect(201, 'POST', '/orders', { ...base, items: [activityItem], signup: activityForm });
    expect(driving).toMatchObject({ kinds: ['LOCAL_SERVICE_VOUCHER', 'LOCAL_SERVICE_SIGNUP'], signup: { kind: 'DRIVING_SCHOOL', ...drivingForm } });
    const maskedForm = { name: '陈**', phone: '137****6100', idNumber: '110***********1234', classDate: '2026-12-20' };
    expect((await main.expect(200, 'GET', `/orders/${driving.id}`)).signup).toMatchObject(maskedForm);
    expect((await main.expect(200, 'GET', `/merchant/orders/${driving.id}`)).signup).toMatchObject(maskedForm);
    expect((await main.expect(200, 'GET', `/merchant/orders/${driving.id}?reveal=true`)).signup).toMatchObject(drivingForm);
    // Sealed in the event like the consignee: the outbox never holds the form in clear.
    const envelopes = await queryDatabase(stack.databaseUrl('order'), `SELECT envelope FROM outbox_event WHERE message_key = $1`, [driving.id]);
    for (const { envelope } of envelopes) for (const secret of ['110101199003071234', '陈驾驶', '13700006100']) expect(envelope).not.toContain(secret);

    // The read model has every record before the files are asked for.
    const exportDb = stack.databaseUrl('export');
    await waitUntil(async () => (await queryDatabase(exportDb, `SELECT count(*)::int AS n FROM export_compensation WHERE merchant_id = $1`, [merchantId]))[0].n === 5, 'the five compensations in the read model', 60_000);
    await waitUntil(async () => (await queryDatabase(exportDb, `SELECT count(*)::int AS n FROM export_loc_signup WHERE merchant_id = $1`, [merchantId]))[0].n === 2, 'the two sign-ups in the read model', 60_000);

    const compact = (rows: Array<Record<string, string>>) => rows.map((row) => ({ orderId: row.orderId, amount: Number(row.amount) }));
    expect(compact(await exportRows('ADVANCE_COMPENSATION', 'NONE'))).toEqual([{ orderId: advanced.id, amount: 9_800 }]);
    const directRows = await exportRows('DIRECT_COMPENSATION', 'NONE');
    expect(directRows).toEqual([expect.objectContaining({ orderId: direct.id, amount: '1500', reason: 'scratched lid', compensationStatus: 'GRANTED' })]);
    expect(compact(await exportRows('LATE_SHIPPING_COMPENSATION', 'NONE')).sort((a, b) => a.amount - b.amount)).toEqual([
      { orderId: advanced.id, amount: 200 },
      { orderId: late.id, amount: 500 },
      { orderId: direct.id, amount: 3_000 },
    ]);

    // LOC sign-ups (encrypted): full with the main account's sensitive permission, masked on request.
    const [drivingRow] = await exportRows('LOC_DRIVING_SCHOOL_SIGNUPS', 'FULL');
    expect(drivingRow).toMatchObject({ orderId: driving.id, signupKind: 'DRIVING_SCHOOL', activityId: 'driving-c1', activityTitle: 'C1 licence course', signupName: '陈驾驶', signupPhone: '13700006100', idType: 'RESIDENT_ID', idNumber: '110101199003071234', classDate: '2026-12-20' });
    const activityRows = await exportRows('LOC_ACTIVITY_SIGNUPS', 'MASKED');
    expect(activityRows).toEqual([expect.objectContaining({ orderId: activity.id, signupKind: 'ACTIVITY', signupName: '林**', signupPhone: '137****6101', idNumber: 'E12**5678', classDate: '2026-12-27' })]);
    expect((await exportRows('LOC_SIGNUPS', 'NONE')).map((row) => [row.orderId, row.signupKind, row.signupName])).toEqual([
      [driving.id, 'DRIVING_SCHOOL', undefined],
      [activity.id, 'ACTIVITY', undefined],
    ]);
  });
});
