import { openPersonalData, ShipmentDelivered, ShipmentDispatched } from '@orderline/shared/contracts';
import { queryDatabase } from './support/databases';
import { EventPublisher } from './support/event-publisher';
import { createBuyer, creditOrder, GatewayClient, operatorOf, SkuKinds, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(180_000);

describe('merchant order operations: list, pauses, consignee changes (real Kafka + PostgreSQL)', () => {
  let stack: { gatewayUrl: string; personalDataKey: string; databaseUrl(db: string): string; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let merchantId: string;
  let main: GatewayClient;
  let buyer: GatewayClient;
  let publisher: EventPublisher;
  const names = isolation('morders');

  beforeAll(async () => {
    publisher = new EventPublisher(infrastructure().kafkaBrokers, names.topicPrefix);
    stack = await startStack({ ...infrastructure(), ...names, basePort: 4800, logDir: 'tmp/test-logs/merchant-orders', env: { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'warn', TEST_CLOCK: '1', ORDER_TIMER_INTERVAL_MS: '200' } });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    const username = `mo-${Date.now().toString(36)}`;
    merchantId = (await operator.expect(201, 'POST', '/merchants', { name: 'Ops Shop', mainAccount: { username, password: 'merchant-password', phone: '13900000000' } })).id;
    main = await gateway.login(username, 'merchant-password');
    buyer = (await createBuyer(gateway, operator, 1_000_000)).client;
  });

  afterAll(async () => {
    await publisher?.close();
    await stack?.stop();
  });

  async function waitingOrder(extra: Record<string, unknown> = {}, kinds: SkuKinds = {}) {
    const order = await buyer.expect(201, 'POST', '/orders', { ...(await creditOrder(merchantId, 1_000, 1, 0, kinds)), ...extra });
    return waitForStatus(buyer, order.id, 'WAITING_OUTBOUND');
  }

  it('lists the merchant\'s orders newest first, masked, with counts per status and a cursor', async () => {
    const orders = [await waitingOrder(), await waitingOrder(), await waitingOrder()];
    const first = await main.expect(200, 'GET', '/merchant/orders?limit=2');
    expect(first.items.map((o: any) => o.id)).toEqual([orders[2].id, orders[1].id]);
    expect(first.items[0].consignee).toEqual({ name: '王**', phone: '138****8000', address: { province: '广东省', city: '深圳市', county: '***', detail: '***' } });
    expect(first.counts.WAITING_OUTBOUND).toBeGreaterThanOrEqual(3);
    const second = await main.expect(200, 'GET', `/merchant/orders?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((o: any) => o.id)).toContain(orders[0].id);
    expect(await main.request('GET', '/merchant/orders?status=LOST')).toMatchObject({ status: 400 });

    // Filters: one order by id, by buyer, by sku, by time range.
    expect((await main.expect(200, 'GET', `/merchant/orders?orderId=${orders[1].id}`)).items.map((o: any) => o.id)).toEqual([orders[1].id]);
    expect((await main.expect(200, 'GET', `/merchant/orders?buyerId=${orders[0].buyerId}&limit=100`)).items.length).toBeGreaterThanOrEqual(3);
    expect((await main.expect(200, 'GET', '/merchant/orders?skuId=no-such-sku')).items).toEqual([]);
    expect((await main.expect(200, 'GET', '/merchant/orders?skuId=sku-kettle-1000&limit=100')).items.length).toBeGreaterThanOrEqual(3);
    const window = await main.expect(200, 'GET', `/merchant/orders?from=${encodeURIComponent(orders[1].createdAt)}&to=${encodeURIComponent(orders[2].createdAt)}`);
    expect(window.items.map((o: any) => o.id)).toEqual([orders[1].id]);
  });

  it('pauses with a reason, refuses the wrong release, resumes on the right one, and records the history', async () => {
    const order = await waitingOrder();
    const paused = await main.expect(200, 'POST', `/merchant/orders/${order.id}/pause`, { reason: 'OUT_OF_STOCK' });
    expect(paused).toMatchObject({ status: 'PAUSED', pause: { reason: 'OUT_OF_STOCK' } });
    const tab = await main.expect(200, 'GET', '/merchant/orders?status=PAUSED');
    expect(tab.items.find((o: any) => o.id === order.id).pause.reason).toBe('OUT_OF_STOCK');
    expect(await main.request('POST', `/merchant/orders/${order.id}/pause`, { reason: 'OUT_OF_STOCK' })).toMatchObject({ status: 409 });
    // Issue 12: the platform's releases are not the merchant's to assert; a merchant-owned one that is the wrong release is refused by the rule.
    expect(await main.request('POST', `/merchant/orders/${order.id}/resume`, { trigger: 'GROUP_FORMED' })).toMatchObject({ status: 403, body: { code: 'NOT_THE_FACT_OWNER' } });
    expect(await main.request('POST', `/merchant/orders/${order.id}/resume`, { trigger: 'STOCK_ARRIVED' })).toMatchObject({ status: 403, body: { code: 'NOT_THE_FACT_OWNER' } });
    expect(await main.request('POST', `/merchant/orders/${order.id}/resume`, { trigger: 'BATCH_NUMBER_UPLOADED', batchNumber: 'LOT-1' })).toMatchObject({ status: 409, body: { code: 'PAUSE_NOT_RELEASED_BY_TRIGGER' } });
    expect(await operator.expect(200, 'POST', '/operations/stock-arrivals', { merchantId })).toMatchObject({ released: 1 });
    const resumed = await main.expect(200, 'GET', `/merchant/orders/${order.id}`);
    expect(resumed.status).toBe('WAITING_OUTBOUND');
    expect(resumed.history.map((h: any) => h.to)).toEqual(['UNPAID', 'WAITING_OUTBOUND', 'PAUSED', 'WAITING_OUTBOUND']);
    expect(await main.request('POST', `/merchant/orders/${order.id}/pause`, { reason: 'NO_SUCH_REASON' })).toMatchObject({ status: 422, body: { code: 'UNKNOWN_PAUSE_REASON' } });

    // A reserved-time pause needs its release time; early release needs the buyer's agreement.
    expect(await main.request('POST', `/merchant/orders/${order.id}/pause`, { reason: 'BEFORE_RESERVED_DELIVERY_TIME' })).toMatchObject({ status: 409, body: { code: 'PAUSE_RELEASE_TIME_REQUIRED' } });
    await main.expect(200, 'POST', `/merchant/orders/${order.id}/pause`, { reason: 'BEFORE_RESERVED_DELIVERY_TIME', releaseAt: new Date(Date.now() + 86_400_000).toISOString() });
    // The reserved time is the platform's timer, not the merchant's to assert (issue 12).
    expect(await main.request('POST', `/merchant/orders/${order.id}/resume`, { trigger: 'RESERVED_TIME_REACHED' })).toMatchObject({ status: 403, body: { code: 'NOT_THE_FACT_OWNER' } });
    expect(await main.request('POST', `/merchant/orders/${order.id}/resume`, { trigger: 'EARLY_RELEASE_REQUESTED' })).toMatchObject({ status: 409, body: { code: 'EARLY_RELEASE_EVIDENCE_REQUIRED' } });
    await main.expect(200, 'POST', `/merchant/orders/${order.id}/resume`, { trigger: 'EARLY_RELEASE_REQUESTED', evidence: { kind: 'BUYER_AGREEMENT', reference: 'chat-42' } });

    // A reserved-time pause nobody releases early ends by itself at its time (platform clock).
    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    await main.expect(200, 'POST', `/merchant/orders/${order.id}/pause`, { reason: 'BEFORE_RESERVED_DELIVERY_TIME', releaseAt: new Date(Date.parse(now) + 3_600_000).toISOString() });
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 3_601 });
    const released = await waitForStatus(main, order.id, 'WAITING_OUTBOUND');
    expect(released.status).toBe('WAITING_OUTBOUND');
    expect(released.history[released.history.length - 1]).toMatchObject({ reason: 'RELEASED: RESERVED_TIME_REACHED', actor: 'system' });

    const events = await queryDatabase(stack.databaseUrl('order'), `SELECT event_type, envelope FROM outbox_event WHERE message_key = $1 ORDER BY id`, [order.id]);
    expect(events.filter((e) => e.event_type !== 'OrderStatusChanged').map((e) => e.event_type)).toEqual(['OrderPlaced', 'OrderPaid', 'OrderPaused', 'OrderResumed', 'OrderPaused', 'OrderResumed', 'OrderPaused', 'OrderResumed']);
    // Every transition of the history is also published (domain.md §1.2), in the same order.
    const published = events.filter((e) => e.event_type === 'OrderStatusChanged').map((e) => JSON.parse(e.envelope).payload);
    const history = (await main.expect(200, 'GET', `/merchant/orders/${order.id}`)).history;
    expect(published.map((p: any) => [p.from, p.to, p.reason, p.actor])).toEqual(history.map((h: any) => [h.from, h.to, h.reason, h.actor]));
  });

  it('changes the consignee by the rule table and says what may change when refused', async () => {
    const free = await waitingOrder();
    const changed = await main.expect(200, 'PATCH', `/merchant/orders/${free.id}/consignee`, { phone: '13700001111', address: { province: '浙江省', city: '杭州市', county: '西湖区', detail: '文三路 1 号' } });
    expect(changed.consignee).toMatchObject({ phone: '137****1111', address: { province: '浙江省', city: '杭州市' } });
    const [event] = await queryDatabase(stack.databaseUrl('order'), `SELECT envelope FROM outbox_event WHERE message_key = $1 AND event_type = 'ConsigneeChanged'`, [free.id]);
    expect(JSON.parse(event.envelope).payload).toMatchObject({ phoneChanged: true, changed: expect.arrayContaining(['phone', 'address.level1']) });
    // The new consignee travels sealed (logistics prints it on the e-waybill, export keeps it): never in clear.
    expect(event.envelope).not.toContain('13700001111');
    expect(openPersonalData(JSON.parse(event.envelope).payload.consigneeSealed, stack.personalDataKey)).toMatchObject({ phone: '13700001111', address: { province: '浙江省' } });

    // The buyer chose platform delivery: only the last level and the detail may change (domain.md §1.6).
    const specified = await waitingOrder({ specifiedPlatformDelivery: true });
    const refused = await main.request('PATCH', `/merchant/orders/${specified.id}/consignee`, { address: { province: '浙江省', city: '杭州市', county: '西湖区', detail: 'x' } });
    expect(refused).toMatchObject({ status: 409, body: { code: 'ADDRESS_LEVEL_NOT_CHANGEABLE', mayChange: { addressFromLevel: 3 } } });
    await main.expect(200, 'PATCH', `/merchant/orders/${specified.id}/consignee`, { address: { province: '广东省', city: '深圳市', county: '福田区', detail: '新地址 8 号' } });

    const crossBorder = await waitingOrder({}, { crossBorder: true });
    expect(await main.request('PATCH', `/merchant/orders/${crossBorder.id}/consignee`, { address: { province: '广东省', city: '深圳市', county: '福田区', detail: 'y' } })).toMatchObject({
      status: 409,
      body: { code: 'ADDRESS_LOCKED_FOR_ORDER_KIND' },
    });
  });

  it('pays online orders, changes freight only while unpaid, sends COD orders straight to outbound, and expires unpaid orders after 24 h', async () => {
    const online = await buyer.expect(201, 'POST', '/orders', { ...(await creditOrder(merchantId, 5_000, 1, 800)), paymentMethod: 'ONLINE', credit: undefined });
    expect(online).toMatchObject({ status: 'UNPAID', payable: 5_800 });
    const free = await main.expect(200, 'PATCH', `/merchant/orders/${online.id}/fees`, { freight: 0 });
    expect(free).toMatchObject({ freight: 0, payable: 5_000 });
    const paid = await buyer.expect(200, 'POST', `/orders/${online.id}/pay`);
    expect(paid.status).toBe('WAITING_OUTBOUND');
    expect(await buyer.request('POST', `/orders/${online.id}/pay`)).toMatchObject({ status: 409, body: { code: 'ORDER_NOT_UNPAID' } });
    expect(await main.request('PATCH', `/merchant/orders/${online.id}/fees`, { freight: 100 })).toMatchObject({ status: 409, body: { code: 'FEE_CHANGE_ONLY_WHEN_UNPAID' } });
    const [payment] = await queryDatabase(stack.databaseUrl('order'), `SELECT amount, provider FROM order_payment WHERE order_id = $1`, [online.id]);
    expect(payment).toEqual({ amount: '5000', provider: 'SIMULATED' });

    const cod = await buyer.expect(201, 'POST', '/orders', { ...await creditOrder(merchantId, 2_000), paymentMethod: 'COD', credit: undefined });
    expect(cod.status).toBe('WAITING_OUTBOUND');
    expect(await main.request('PATCH', `/merchant/orders/${cod.id}/fees`, { freight: 0 })).toMatchObject({ status: 409 });

    const forgotten = await buyer.expect(201, 'POST', '/orders', { ...await creditOrder(merchantId, 3_000), paymentMethod: 'ONLINE', credit: undefined });
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 24 * 3600 + 60 });
    const expired = await waitForStatus(buyer, forgotten.id, 'CANCELLED');
    expect(expired.cancellation).toEqual({ reason: 'PAYMENT_TIMEOUT', by: 'SYSTEM' });
    expect((await buyer.expect(200, 'GET', `/orders/${online.id}`)).status).toBe('WAITING_OUTBOUND');
  });

  it('runs negotiated cancellation of COD orders: SMS, objection, withdrawal, automatic cancellation after 48 h', async () => {
    const codOrder = async () => buyer.expect(201, 'POST', '/orders', { ...await creditOrder(merchantId, 1_500), paymentMethod: 'COD', credit: undefined });
    const credit = await waitingOrder();
    expect(await main.request('POST', '/merchant/cancellation-requests', { orderId: credit.id, reason: 'BUYER_ASKED_TO_CANCEL' })).toMatchObject({ status: 409, body: { code: 'NEGOTIATED_CANCELLATION_COD_ONLY' } });

    const objected = await codOrder();
    expect(await main.request('POST', '/merchant/cancellation-requests', { orderId: objected.id, reason: 'BUYER_UNREACHABLE', callAttempts: [new Date(Date.now() - 60_000).toISOString()] })).toMatchObject({ status: 409 });
    const request = await main.expect(201, 'POST', '/merchant/cancellation-requests', { orderId: objected.id, reason: 'OUT_OF_STOCK_OVERSOLD_OR_DEFECTIVE' });
    expect(request).toMatchObject({ status: 'PENDING' });
    expect(Date.parse(request.objectionDeadline) - Date.parse(request.submittedAt)).toBe(48 * 3_600_000);
    // The SMS goes through the gateway's SMS port to the buyer's phone (issue 12).
    const sms = await waitUntil(async () => {
      const messages = await operator.expect(200, 'GET', '/admin/sms?phone=13800138000');
      const sent = messages.filter((m: { body: string }) => m.body.includes(objected.id.slice(0, 8)));
      return sent.length > 0 ? sent : undefined;
    }, 'the cancellation SMS');
    expect(sms).toEqual([expect.objectContaining({ phone: '13800138000' })]);
    expect(await main.request('POST', '/merchant/cancellation-requests', { orderId: objected.id, reason: 'BUYER_ASKED_TO_CANCEL' })).toMatchObject({ status: 409 });
    expect((await buyer.expect(200, 'POST', `/cancellation-requests/${request.id}/object`)).status).toBe('REJECTED');

    const withdrawn = await codOrder();
    const second = await main.expect(201, 'POST', '/merchant/cancellation-requests', { orderId: withdrawn.id, reason: 'BUYER_ASKED_TO_CANCEL' });
    expect((await main.expect(200, 'POST', `/merchant/cancellation-requests/${second.id}/withdraw`)).status).toBe('WITHDRAWN');

    const silent = await codOrder();
    const third = await main.expect(201, 'POST', '/merchant/cancellation-requests', { orderId: silent.id, reason: 'BUYER_REFUSED_COD_DELIVERY' });
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 48 * 3600 + 1 });
    const cancelled = await waitForStatus(buyer, silent.id, 'CANCELLED');
    expect(cancelled.cancellation).toEqual({ reason: 'NEGOTIATED_BUYER_REFUSED_COD_DELIVERY', by: 'MERCHANT' });
    expect(await buyer.request('POST', `/cancellation-requests/${third.id}/object`)).toMatchObject({ status: 409 });
    for (const kept of [objected, withdrawn]) expect((await buyer.expect(200, 'GET', `/orders/${kept.id}`)).status).toBe('WAITING_OUTBOUND');
  });

  it('shows shipping deadlines and merged-shipment candidates in the list', async () => {
    const same = { consignee: { name: '周七', phone: '13600000007', address: { province: '北京市', city: '北京市', county: '朝阳区', detail: '建国路 7 号' } } };
    const a = await waitingOrder(same);
    const b = await waitingOrder({ consignee: { ...same.consignee, detail: undefined, address: { ...same.consignee.address, detail: ' 建国路  7 号 ' } } });
    const c = await waitingOrder();
    const list = await main.expect(200, 'GET', '/merchant/orders?status=WAITING_OUTBOUND&limit=100');
    const item = (id: string) => list.items.find((o: any) => o.id === id);
    expect(item(a.id).mergeGroup).toEqual(expect.any(String));
    expect(item(b.id).mergeGroup).toBe(item(a.id).mergeGroup);
    expect(item(c.id).mergeGroup).not.toBe(item(a.id).mergeGroup);
    // Promised 48 h after the order could ship: fresh orders are on time, with the deadline ahead.
    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    expect(item(a.id).shippingDeadline.state).toBe('NONE');
    expect(Date.parse(item(a.id).shippingDeadline.deadline) - Date.parse(now)).toBeGreaterThan(47 * 3_600_000);
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 30 * 3600 });
    const later = await main.expect(200, 'GET', '/merchant/orders?status=WAITING_OUTBOUND&limit=100');
    expect(later.items.find((o: any) => o.id === a.id).shippingDeadline.state).toBe('WARNING');
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 20 * 3600 });
    const late = await main.expect(200, 'GET', '/merchant/orders?status=WAITING_OUTBOUND&limit=100');
    expect(late.items.find((o: any) => o.id === a.id).shippingDeadline.state).toBe('TIMED_OUT');
  });

  it('appends a remark to many orders at once and keeps line snapshots', async () => {
    const first = await waitingOrder();
    const second = await waitingOrder();
    const foreign = '00000000-0000-4000-8000-000000000123';
    const results = await main.expect(200, 'POST', '/merchant/orders/remarks', { orderIds: [first.id, second.id, foreign], remark: '请电话联系后送货' });
    expect(results).toEqual([
      { orderId: first.id, result: 'ADDED' },
      { orderId: second.id, result: 'ADDED' },
      { orderId: foreign, result: 'NOT_FOUND' },
    ]);
    expect((await main.expect(200, 'GET', `/merchant/orders/${first.id}`)).remarks).toEqual([expect.objectContaining({ text: '请电话联系后送货' })]);
    expect((await buyer.expect(200, 'GET', `/orders/${first.id}`)).remarks).toEqual([]);
    expect(await main.request('POST', '/merchant/orders/remarks', { orderIds: [], remark: 'x' })).toMatchObject({ status: 400 });

    const snapshot = await buyer.expect(200, 'GET', `/orders/${first.id}/lines/${first.lines[0].id}/snapshot`);
    expect(snapshot).toMatchObject({ skuId: 'sku-kettle-1000', title: 'Kettle', unitPrice: 1_000, quantity: 1, capturedAt: first.createdAt });
  });

  it('ships on ShipmentDispatched (credit captures it), completes on platform delivery or receipt confirmation', async () => {
    const whole = await waitingOrder();
    await publisher.publish(ShipmentDispatched, { shipmentId: 'ship-1', orderId: whole.id, carrier: 'JD_LOGISTICS', waybillNo: 'JD0001' });
    const shipped = await waitForStatus(buyer, whole.id, 'SHIPPED');
    expect(shipped.history[shipped.history.length - 1]).toMatchObject({ to: 'SHIPPED', reason: 'SHIPPED: JD_LOGISTICS JD0001' });
    const cancel = await buyer.request('POST', `/orders/${whole.id}/cancel`, { reason: 'NO_LONGER_WANTED' });
    expect(cancel).toMatchObject({ status: 409, body: { code: 'ORDER_ALREADY_SHIPPED' } });
    expect(cancel.body.detail).toMatch(/after-sales/);
    // The credit hold became a loan through the real services: order-service published OrderShipped.
    const loan = await waitUntil(async () => (await buyer.expect(200, 'GET', `/credit/loans?orderId=${whole.id}`))[0], 'the loan');
    expect(loan.principal).toBe(1_000);
    await publisher.publish(ShipmentDelivered, { shipmentId: 'ship-1', orderId: whole.id, carrierKind: 'PLATFORM' });
    const completed = await waitForStatus(buyer, whole.id, 'COMPLETED');
    expect(completed.history.slice(-2).map((h: any) => h.to)).toEqual(['DELIVERED', 'COMPLETED']);

    // A parcel with one of three units captures that part; the rest of the hold is released.
    const partial = await buyer.expect(201, 'POST', '/orders', { ...await creditOrder(merchantId, 2_000, 3) });
    await waitForStatus(buyer, partial.id, 'WAITING_OUTBOUND');
    const heldBefore = (await buyer.expect(200, 'GET', '/credit/account')).held;
    await publisher.publish(ShipmentDispatched, { shipmentId: 'ship-2', orderId: partial.id, carrier: 'SF', waybillNo: 'SF123', lines: [{ lineId: partial.lines[0].id, quantity: 1 }] });
    const partLoan = await waitUntil(async () => (await buyer.expect(200, 'GET', `/credit/loans?orderId=${partial.id}`))[0], 'the partial loan');
    expect(partLoan.principal).toBe(2_000);
    await waitUntil(async () => (await buyer.expect(200, 'GET', '/credit/account')).held === heldBefore - 6_000, 'the rest of the hold to be released');
    await publisher.publish(ShipmentDelivered, { shipmentId: 'ship-2', orderId: partial.id, carrierKind: 'THIRD_PARTY' });
    await waitForStatus(buyer, partial.id, 'DELIVERED');
    expect((await buyer.expect(200, 'POST', `/orders/${partial.id}/confirm-receipt`)).status).toBe('COMPLETED');
  });

  it('holds group-buy orders until the group forms: paused, not cancellable, then released (domain.md §1.3, §1.5)', async () => {
    const groupId = `group-${Date.now().toString(36)}`;
    const placed = await buyer.expect(201, 'POST', '/orders', { ...await creditOrder(merchantId, 1_000), attributes: { groupBuyId: groupId } });
    const grouped = await waitForStatus(buyer, placed.id, 'PAUSED');
    expect(grouped.pause).toMatchObject({ reason: 'WAITING_FOR_GROUP' });
    const cod = await buyer.expect(201, 'POST', '/orders', { ...await creditOrder(merchantId, 1_000), paymentMethod: 'COD', credit: undefined, attributes: { groupBuyId: groupId } });
    expect(cod.status).toBe('PAUSED');
    expect(await buyer.request('POST', `/orders/${grouped.id}/cancel`, { reason: 'NO_LONGER_WANTED' })).toMatchObject({ status: 409, body: { code: 'GROUP_BUY_NOT_FORMED' } });
    expect(await main.request('POST', `/merchant/orders/${grouped.id}/resume`, { trigger: 'STOCK_ARRIVED' })).toMatchObject({ status: 403 });
    expect(await main.request('POST', `/group-buys/${groupId}/formed`)).toMatchObject({ status: 403 });
    expect(await operator.expect(200, 'POST', `/group-buys/${groupId}/formed`)).toEqual({ groupId, orders: 2, released: 2 });
    expect((await buyer.expect(200, 'GET', `/orders/${cod.id}`)).status).toBe('WAITING_OUTBOUND');
    expect((await buyer.expect(200, 'POST', `/orders/${grouped.id}/cancel`, { reason: 'NO_LONGER_WANTED' })).status).toBe('CANCELLED');
    expect(await operator.request('POST', '/group-buys/bad%20id/formed')).toMatchObject({ status: 400 });
    expect(await buyer.request('POST', '/orders', { ...await creditOrder(merchantId, 1_000), attributes: { groupBuyId: 'bad id!' } })).toMatchObject({ status: 400 });
    // A paused order refuses shipping with the pause's reason (the process table's guard).
    const paused = await waitingOrder();
    await main.expect(200, 'POST', `/merchant/orders/${paused.id}/pause`, { reason: 'AWAITING_BATCH_NUMBER' });
    const handled = async () => (await queryDatabase(stack.databaseUrl('order'), `SELECT count(*)::int AS n FROM inbox_message WHERE event_type = 'ShipmentDispatched'`))[0].n;
    const before = await handled();
    await publisher.publish(ShipmentDispatched, { shipmentId: 'ship-p', orderId: paused.id, carrier: 'JD_LOGISTICS', waybillNo: 'JD0009' });
    await waitUntil(async () => (await handled()) === before + 1, 'the shipment event to be handled');
    expect((await buyer.expect(200, 'GET', `/orders/${paused.id}`)).status).toBe('PAUSED');
  });

  it('flags risky orders (operator) and takes late-shipping reports in advance, per order', async () => {
    const risky = await waitingOrder();
    expect(await main.request('PUT', `/orders/${risky.id}/risk-flag`, { flagged: true })).toMatchObject({ status: 403 });
    expect(await operator.expect(200, 'PUT', `/orders/${risky.id}/risk-flag`, { flagged: true, reason: 'address linked to fraud' })).toMatchObject({ riskFlag: true });
    const flagged = await main.expect(200, 'GET', '/merchant/orders?riskFlag=true&limit=100');
    expect(flagged.items.map((o: any) => o.id)).toContain(risky.id);
    expect(flagged.items.every((o: any) => o.riskFlag)).toBe(true);

    const late = await waitingOrder();
    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    const newShipBy = new Date(Date.parse(now) + 5 * 86_400_000).toISOString();
    const unpaid = await buyer.expect(201, 'POST', '/orders', { ...await creditOrder(merchantId, 1_000), paymentMethod: 'ONLINE', credit: undefined });
    const results = await main.expect(200, 'POST', '/merchant/orders/late-shipping-reports', { orderIds: [late.id, late.id, unpaid.id, '00000000-0000-4000-8000-000000000999'], newShipBy, reason: 'stock arrives Friday' });
    expect(results).toEqual([
      { orderId: late.id, result: 'REPORTED' },
      expect.objectContaining({ orderId: late.id, result: 'REFUSED', code: 'LATE_SHIPPING_ALREADY_REPORTED' }),
      expect.objectContaining({ orderId: unpaid.id, result: 'REFUSED' }),
      { orderId: '00000000-0000-4000-8000-000000000999', result: 'NOT_FOUND' },
    ]);
    const listed = (await main.expect(200, 'GET', `/merchant/orders?orderId=${late.id}`)).items[0];
    expect(listed.lateShippingReportedShipBy).toBe(newShipBy);
    const tooEarly = await main.expect(200, 'POST', '/merchant/orders/late-shipping-reports', { orderIds: [risky.id], newShipBy: now, reason: 'x' });
    expect(tooEarly[0]).toMatchObject({ result: 'REFUSED', code: 'LATE_SHIPPING_NEW_DATE_NOT_LATER' });
  });

  it('needs OPERATE_ORDERS for operations and keeps other merchants out', async () => {
    const order = await waitingOrder();
    const sub = await main.expect(201, 'POST', `/merchants/${merchantId}/sub-accounts`, { username: `view-${order.id.slice(0, 8)}`, password: 'sub-password', phone: '13900000001', permissions: ['VIEW_ORDERS'] });
    const viewer = await gateway.login(sub.username, 'sub-password');
    expect((await viewer.request('GET', '/merchant/orders')).status).toBe(200);
    expect(await viewer.request('POST', `/merchant/orders/${order.id}/pause`, { reason: 'OUT_OF_STOCK' })).toMatchObject({ status: 403, body: { code: 'PERMISSION_REQUIRED' } });
    const otherName = `other-${order.id.slice(0, 8)}`;
    await operator.expect(201, 'POST', '/merchants', { name: 'Other', mainAccount: { username: otherName, password: 'merchant-password', phone: '13900000002' } });
    const other = await gateway.login(otherName, 'merchant-password');
    expect(await other.request('POST', `/merchant/orders/${order.id}/pause`, { reason: 'OUT_OF_STOCK' })).toMatchObject({ status: 404 });
    expect(await other.request('PATCH', `/merchant/orders/${order.id}/consignee`, { name: '赵六' })).toMatchObject({ status: 404 });
    expect((await other.expect(200, 'GET', '/merchant/orders')).items).toEqual([]);
  });
});
