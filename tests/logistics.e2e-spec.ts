import { createHmac } from 'node:crypto';
import { queryDatabase } from './support/databases';
import { catalogItems, createBuyer, creditOrder, GatewayClient, operatorOf, OrderView, SkuKinds, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
import { pdfText } from './support/pdf-tools';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(300_000);

const DAY = 86_400;

/**
 * The logistics service through the gateway on real Kafka + PostgreSQL (domain.md §2):
 * outbound (single, batch, merged) and its refusals, the signed carrier webhook, waybill
 * corrections, interception, tracking, and the §2.4 auto-confirm timers driven by the test
 * clock with a second logistics instance polling the same database.
 */
describe('logistics: outbound, tracking, interception and auto-confirm (real Kafka + PostgreSQL)', () => {
  let stack: any;
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let merchant: GatewayClient;
  let merchantId: string;
  let buyer: GatewayClient;
  const secrets: Record<string, string> = {};
  const names = isolation('logistics');
  let logisticsDb: string;
  let replica: { key: string; url: string; internalToken: string } | undefined;

  beforeAll(async () => {
    stack = await startStack({
      ...infrastructure(),
      ...names,
      basePort: 4900,
      logDir: 'tmp/test-logs/logistics',
      env: { DATABASE_POOL_SIZE: '5', LOG_LEVEL: 'warn', TEST_CLOCK: '1', LOGISTICS_TIMER_INTERVAL_MS: '200' },
    });
    logisticsDb = stack.databaseUrl('logistics');
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    for (const code of ['JD_LOGISTICS', 'SF']) secrets[code] = (await operator.expect(201, 'POST', '/carriers', { code, name: code })).webhookSecret;
    const username = `lg-${Date.now().toString(36)}`;
    merchantId = (await operator.expect(201, 'POST', '/merchants', { name: 'Parcel Shop', mainAccount: { username, password: 'merchant-password', phone: '13900000000' } })).id;
    merchant = await gateway.login(username, 'merchant-password');
    buyer = (await createBuyer(gateway, operator, 10_000_000)).client;
  });

  afterAll(async () => {
    if (replica) await stack?.stopService(replica.key);
    await stack?.stop();
  });

  const consignee = (city = '深圳市', name = '王小明') => ({ name, phone: '13800138000', address: { province: '广东省', city, county: '南山区', detail: '科技园 1 号' } });

  async function placed(extra: Record<string, unknown> = {}, status: OrderView['status'] = 'WAITING_OUTBOUND', kinds: SkuKinds = {}) {
    const order = await buyer.expect(201, 'POST', '/orders', { ...(await creditOrder(merchantId, 1_000, 2, 0, kinds)), ...extra });
    return waitForStatus(buyer, order.id, status);
  }

  /** Logistics learns of orders from events: wait until it has the fact the test relies on. */
  async function logisticsKnows(orderId: string, condition = 'paid') {
    await waitUntil(async () => (await queryDatabase(logisticsDb, `SELECT 1 FROM logistics_order WHERE order_id = $1 AND placed AND ${condition}`, [orderId])).length > 0, `logistics to know ${orderId} (${condition})`);
  }

  async function ship(body: Record<string, unknown>, status = 201) {
    for (const id of body.orderIds as string[]) await logisticsKnows(id, 'true');
    return merchant.request('POST', '/merchant/shipments', body).then((result) => {
      if (status && result.status !== status) throw new Error(`shipping answered ${result.status}: ${JSON.stringify(result.body)}`);
      return result.body;
    });
  }

  async function shippedOrder(carrier = 'JD_LOGISTICS', waybillNo?: string, kinds: SkuKinds = {}) {
    const order = await placed({}, 'WAITING_OUTBOUND', kinds);
    await logisticsKnows(order.id);
    const body = await ship({ orderIds: [order.id], carrier, ...(waybillNo ? { waybillNo } : {}) });
    await waitForStatus(buyer, order.id, 'SHIPPED');
    return { orderId: order.id as string, shipmentId: body.results[0].shipmentId as string, waybillNo: body.results[0].waybillNo as string };
  }

  function carrierEvent(carrier: string, event: Record<string, unknown>, secret = secrets[carrier]) {
    const raw = JSON.stringify(event);
    const signature = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
    return gateway.request('POST', '/carrier-events', raw, { 'x-carrier-code': carrier, 'x-carrier-signature': signature });
  }

  async function platformNow(): Promise<Date> {
    return new Date((await operator.expect(200, 'GET', '/admin/clock')).now);
  }

  let offsetMs = 0;
  async function advance(seconds: number, primaryDown = false) {
    const moved = await operator.request('POST', '/admin/clock', { advanceBySeconds: seconds });
    // With the primary logistics instance stopped the gateway cannot push to it (503), but its own clock moved.
    if (!primaryDown) expect(moved.status).toBe(200);
    offsetMs = primaryDown ? offsetMs + seconds * 1000 : moved.body.offsetMs;
    // The gateway pushes its offset to the services it knows; the replica is ours to tell.
    if (replica) {
      const response = await fetch(`${replica.url}/admin/clock/offset`, { method: 'PUT', headers: { 'content-type': 'application/json', 'x-internal-token': replica.internalToken }, body: JSON.stringify({ offsetMs }) });
      expect(response.status).toBe(200);
    }
  }

  let serial = 100_000_000_000;
  const sfWaybill = () => `SF${++serial}`;

  it('ships one order with the platform carrier: generated waybill, SHIPPED, loan captured; refuses with clear codes', async () => {
    const { orderId, waybillNo, shipmentId } = await shippedOrder();
    expect(waybillNo).toMatch(/^JDV\d{12}$/);
    // Credit captures the hold into a loan when the order ships (domain.md §4.2).
    await waitUntil(async () => ((await buyer.expect(200, 'GET', `/credit/loans?orderId=${orderId}`)) as any[]).length === 1, 'the loan to be booked');
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: [orderId], carrier: 'JD_LOGISTICS' })).toMatchObject({ status: 409, body: { code: 'ORDER_ALREADY_SHIPPED' } });
    const view = await merchant.expect(200, 'GET', `/merchant/shipments/${shipmentId}`);
    expect(view).toMatchObject({ carrier: 'JD_LOGISTICS', serviceProduct: 'STANDARD', waybillNo, merged: false, orders: [{ orderId, consignee: { name: '王**', phone: '138****8000' } }] });

    // Express: only when signed, only where the carrier flies; the form offers it only then.
    expect((await merchant.expect(200, 'GET', '/merchant/shipments/options')).platformCarrier.serviceProducts).toEqual([{ code: 'STANDARD' }]);
    const express = await placed();
    await logisticsKnows(express.id);
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: [express.id], carrier: 'JD_LOGISTICS', serviceProduct: 'EXPRESS' })).toMatchObject({ status: 422, body: { code: 'EXPRESS_NOT_SIGNED' } });
    await operator.expect(200, 'PUT', `/merchants/${merchantId}/express-service`, { signed: true });
    expect((await merchant.expect(200, 'GET', '/merchant/shipments/options')).platformCarrier.serviceProducts).toEqual([{ code: 'STANDARD' }, { code: 'EXPRESS', destinationCities: expect.arrayContaining(['深圳市']) }]);
    const remote = await placed({ consignee: consignee('拉萨市') });
    await logisticsKnows(remote.id);
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: [remote.id], carrier: 'JD_LOGISTICS', serviceProduct: 'EXPRESS' })).toMatchObject({ status: 422, body: { code: 'EXPRESS_ROUTE_NOT_SUPPORTED' } });
    expect((await ship({ orderIds: [express.id], carrier: 'JD_LOGISTICS', serviceProduct: 'EXPRESS' })).results[0]).toMatchObject({ status: 'SHIPPED' });
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: [remote.id], carrier: 'SF', serviceProduct: 'EXPRESS', waybillNo: sfWaybill() })).toMatchObject({ status: 422, body: { code: 'SERVICE_PRODUCT_PLATFORM_ONLY' } });

    // Third-party numbers are entered and checked per carrier.
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: [remote.id], carrier: 'SF' })).toMatchObject({ status: 422, body: { code: 'WAYBILL_NO_REQUIRED' } });
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: [remote.id], carrier: 'SF', waybillNo: 'YT1234567890123' })).toMatchObject({ status: 422, body: { code: 'WAYBILL_NO_INVALID' } });
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: [remote.id], carrier: 'JD_LOGISTICS', waybillNo: 'JDV000000000001' })).toMatchObject({ status: 422, body: { code: 'WAYBILL_NO_GENERATED_BY_PLATFORM' } });

    // Paused, cancelled and unpaid orders never ship.
    const paused = await placed();
    await merchant.expect(200, 'POST', `/merchant/orders/${paused.id}/pause`, { reason: 'OUT_OF_STOCK' });
    await logisticsKnows(paused.id, 'paused_reason IS NOT NULL');
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: [paused.id], carrier: 'JD_LOGISTICS' })).toMatchObject({ status: 409, body: { code: 'ORDER_PAUSED' } });
    const cancelled = await placed();
    await buyer.expect(200, 'POST', `/orders/${cancelled.id}/cancel`, { reason: 'NO_LONGER_WANTED' });
    await logisticsKnows(cancelled.id, 'cancelled');
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: [cancelled.id], carrier: 'JD_LOGISTICS' })).toMatchObject({ status: 409, body: { code: 'ORDER_CANCELLED' } });
    const unpaid = await placed({ paymentMethod: 'ONLINE', credit: undefined }, 'UNPAID');
    await logisticsKnows(unpaid.id, 'true');
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: [unpaid.id], carrier: 'JD_LOGISTICS' })).toMatchObject({ status: 409, body: { code: 'ORDER_NOT_PAID' } });
    expect((await buyer.expect(200, 'GET', `/orders/${paused.id}`)).status).toBe('PAUSED');
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: ['00000000-0000-4000-8000-000000000000'], carrier: 'JD_LOGISTICS' })).toMatchObject({ status: 404 });
  });

  it('prints the consignee as changed after placement on the electronic waybill', async () => {
    const order = await placed();
    await merchant.expect(200, 'PATCH', `/merchant/orders/${order.id}/consignee`, { phone: '13911112222' });
    await logisticsKnows(order.id, `paid AND consignee ->> 'phone' = '13911112222'`);
    const { results } = await ship({ orderIds: [order.id], carrier: 'JD_LOGISTICS' });
    const label = await merchant.download(`/merchant/shipments/${results[0].shipmentId}/waybill-label`);
    expect(label.status).toBe(200);
    const text = pdfText(label.bytes);
    expect(text).toContain('13911112222');
    expect(text).not.toContain('13800138000');
  });

  it('documents every logistics endpoint in the OpenAPI document', async () => {
    const document = (await (await fetch(`${stack.gatewayUrl}/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const expected: Record<string, string[]> = {
      '/api/v1/merchant/shipments': ['post'],
      '/api/v1/merchant/shipments/without-tracking': ['get'],
      '/api/v1/merchant/shipments/options': ['get'],
      '/api/v1/merchant/shipments/{id}': ['get'],
      '/api/v1/merchant/shipments/{id}/waybill': ['patch'],
      '/api/v1/merchant/shipments/{id}/intercept': ['post'],
      '/api/v1/merchant/shipments/{id}/packing-slip': ['get'],
      '/api/v1/merchant/shipments/{id}/waybill-label': ['get'],
      '/api/v1/carrier-events': ['post'],
      '/api/v1/orders/{id}/tracking': ['get'],
      '/api/v1/orders/{id}/extend-receipt': ['post'],
      '/api/v1/merchants/{id}/express-service': ['put'],
    };
    for (const [path, methods] of Object.entries(expected)) for (const method of methods) expect({ path, method, documented: Boolean(document.paths[path]?.[method]) }).toEqual({ path, method, documented: true });
  });

  it('ships a batch where each order succeeds or fails on its own', async () => {
    const [a, b, c] = [await placed(), await placed(), await placed()];
    await merchant.expect(200, 'POST', `/merchant/orders/${b.id}/pause`, { reason: 'OUT_OF_STOCK' });
    await logisticsKnows(b.id, 'paused_reason IS NOT NULL');
    const batch = await ship({ orderIds: [a.id, b.id, c.id], carrier: 'JD_LOGISTICS', generateWaybillNos: true });
    expect(batch.results).toEqual([
      expect.objectContaining({ orderId: a.id, status: 'SHIPPED', waybillNo: expect.stringMatching(/^JDV/) }),
      expect.objectContaining({ orderId: b.id, status: 'REFUSED', code: 'ORDER_PAUSED' }),
      expect.objectContaining({ orderId: c.id, status: 'SHIPPED' }),
    ]);
    expect(batch.results[0].waybillNo).not.toBe(batch.results[2].waybillNo);
    await waitForStatus(buyer, a.id, 'SHIPPED');
    await waitForStatus(buyer, c.id, 'SHIPPED');

    // A third-party batch: one number per order, each checked.
    const [d, e] = [await placed(), await placed()];
    const good = sfWaybill();
    const third = await ship({ orderIds: [d.id, e.id], carrier: 'SF', waybills: [{ orderId: d.id, waybillNo: good }, { orderId: e.id, waybillNo: 'not-sf' }] });
    expect(third.results).toEqual([expect.objectContaining({ orderId: d.id, status: 'SHIPPED', waybillNo: good }), expect.objectContaining({ orderId: e.id, status: 'REFUSED', code: 'WAYBILL_NO_INVALID' })]);
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: [d.id, e.id], carrier: 'SF', generateWaybillNos: true })).toMatchObject({ status: 422, body: { code: 'WAYBILL_GENERATION_PLATFORM_ONLY' } });
  });

  it('never ships a paused order: a pause that wins the race with a dispatch voids it, and the order ships once released', async () => {
    // Pause and ship at the same moment, until logistics ships before it has heard of the pause
    // (usually the first try). Every outcome must leave the order and the shipment consistent.
    let voidedOrder: string | undefined;
    for (let attempt = 0; attempt < 5 && !voidedOrder; attempt++) {
      const order = await placed();
      await logisticsKnows(order.id);
      const [pause, raced] = await Promise.all([
        merchant.request('POST', `/merchant/orders/${order.id}/pause`, { reason: 'AWAITING_BATCH_NUMBER' }),
        merchant.request('POST', '/merchant/shipments', { orderIds: [order.id], carrier: 'JD_LOGISTICS' }),
      ]);
      if (pause.status !== 200) {
        // The dispatch reached the order first: it shipped, and the pause was refused.
        expect(raced.status).toBe(201);
        await waitForStatus(buyer, order.id, 'SHIPPED');
        continue;
      }
      if (raced.status !== 201) {
        expect(raced).toMatchObject({ status: 409, body: { code: 'ORDER_PAUSED' } });
        continue;
      }
      const shipmentId = raced.body.results[0].shipmentId;
      const voided = await waitUntil(async () => (await merchant.expect(200, 'GET', `/merchant/shipments/${shipmentId}`)).orders[0].voided ?? undefined, 'the raced shipment to be voided');
      expect(voided.reason).toBe('DISPATCH_REJECTED: the order was PAUSED');
      expect((await buyer.expect(200, 'GET', `/orders/${order.id}`)).status).toBe('PAUSED');
      expect((await buyer.expect(200, 'GET', `/orders/${order.id}/tracking`)).shipped).toBe(false);
      voidedOrder = order.id;
    }
    expect(voidedOrder).toBeDefined();
    // A merchant-owned release (issue 12: stock arrival is the platform's), carrying its data.
    await merchant.expect(200, 'POST', `/merchant/orders/${voidedOrder}/resume`, { trigger: 'BATCH_NUMBER_UPLOADED', batchNumber: 'LOT-1' });
    await logisticsKnows(voidedOrder!, 'paused_reason IS NULL');
    expect((await ship({ orderIds: [voidedOrder], carrier: 'JD_LOGISTICS' })).results[0]).toMatchObject({ status: 'SHIPPED' });
    await waitForStatus(buyer, voidedOrder!, 'SHIPPED');
  });

  it('ships merged-shipment candidates as one package with one waybill; each order keeps its own lines', async () => {
    const first = await placed({ items: await catalogItems(merchantId, [{ skuId: 'sku-cup', title: 'Cup', unitPrice: 500, quantity: 2 }]) });
    const second = await placed({ items: await catalogItems(merchantId, [{ skuId: 'sku-pot', title: 'Pot', unitPrice: 3_000, quantity: 1 }]) });
    const stranger = await placed({ consignee: consignee('深圳市', '李四') });
    for (const o of [first, second, stranger]) await logisticsKnows(o.id);
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: [first.id, stranger.id], carrier: 'JD_LOGISTICS', merge: true })).toMatchObject({ status: 409, body: { code: 'MERGE_CONSIGNEE_DIFFERS' } });
    expect(await merchant.request('POST', '/merchant/shipments', { orderIds: [first.id, second.id], carrier: 'SF', waybillNo: sfWaybill(), merge: true })).toMatchObject({ status: 409, body: { code: 'MERGE_PLATFORM_CARRIER_ONLY' } });

    const merged = await ship({ orderIds: [first.id, second.id], carrier: 'JD_LOGISTICS', merge: true, packageCount: 2, declaredValue: 4_000 });
    expect(merged.results.map((r: any) => r.status)).toEqual(['SHIPPED', 'SHIPPED']);
    expect(new Set(merged.results.map((r: any) => r.waybillNo)).size).toBe(1);
    await waitForStatus(buyer, first.id, 'SHIPPED');
    await waitForStatus(buyer, second.id, 'SHIPPED');
    const view = await merchant.expect(200, 'GET', `/merchant/shipments/${merged.shipmentId}`);
    expect(view).toMatchObject({ merged: true, packageCount: 2, declaredValue: 4_000 });
    const lines = Object.fromEntries(view.orders.map((o: any) => [o.orderId, o.lines.map((l: any) => l.skuId)]));
    expect(lines).toEqual({ [first.id]: ['sku-cup'], [second.id]: ['sku-pot'] });
    const tracking = await buyer.expect(200, 'GET', `/orders/${first.id}/tracking`);
    expect(tracking).toMatchObject({ shipped: true, shipment: { id: merged.shipmentId, merged: true }, lines: [{ skuId: 'sku-cup', quantity: 2 }] });

    // Printable documents: the packing slip is masked, the electronic waybill carries the real phone.
    const slip = await merchant.download(`/merchant/shipments/${merged.shipmentId}/packing-slip`);
    expect(slip.contentType).toContain('application/pdf');
    const slipText = pdfText(slip.bytes);
    expect(slipText).toContain('138****8000');
    expect(slipText).not.toContain('13800138000');
    expect(slipText).toContain('sku-pot');
    const labelBytes = (await merchant.download(`/merchant/shipments/${merged.shipmentId}/waybill-label`)).bytes;
    expect(labelBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfText(labelBytes)).toContain('13800138000');
  });

  it('verifies carrier signatures, ignores replays, orders tracking by time, delivers, and corrects waybills with history', async () => {
    const waybill = sfWaybill();
    const { orderId, shipmentId } = await shippedOrder('SF', waybill);
    const now = await platformNow();
    const at = (hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString();

    expect(await carrierEvent('SF', { eventId: 'sf-1', waybillNo: waybill, status: 'IN_TRANSIT', occurredAt: at(2) }, 'wrong-secret')).toMatchObject({ status: 401, body: { code: 'INVALID_SIGNATURE' } });
    expect(await gateway.request('POST', '/carrier-events', { eventId: 'sf-1', waybillNo: waybill, status: 'IN_TRANSIT', occurredAt: at(2) }, { 'x-carrier-code': 'SF' })).toMatchObject({ status: 401 });
    // Out of order: the later event first.
    expect(await carrierEvent('SF', { eventId: `${waybill}-2`, waybillNo: waybill, status: 'OUT_FOR_DELIVERY', occurredAt: at(1), location: '南山站' })).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(await carrierEvent('SF', { eventId: `${waybill}-1`, waybillNo: waybill, status: 'IN_TRANSIT', occurredAt: at(2) })).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(await carrierEvent('SF', { eventId: `${waybill}-1`, waybillNo: waybill, status: 'IN_TRANSIT', occurredAt: at(2) })).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(await carrierEvent('SF', { eventId: `${waybill}-x`, waybillNo: 'SF999999999999', status: 'IN_TRANSIT', occurredAt: at(2) })).toMatchObject({ status: 404, body: { code: 'UNKNOWN_WAYBILL' } });
    const tracking = await buyer.expect(200, 'GET', `/orders/${orderId}/tracking`);
    expect(tracking.events.map((e: any) => e.status)).toEqual(['IN_TRANSIT', 'OUT_FOR_DELIVERY']);
    expect(tracking.receipt).toMatchObject({ case: 'THIRD_PARTY_TRACKING_WITHOUT_DELIVERY', autoConfirmAt: new Date(new Date(at(1)).getTime() + 21 * DAY * 1000).toISOString() });
    expect(await merchant.expect(200, 'GET', `/orders/${orderId}/tracking`)).toMatchObject({ orderId, shipped: true });

    // Correction: the old number is history, the carrier's feed follows the new one.
    const corrected = sfWaybill();
    expect(await merchant.request('PATCH', `/merchant/shipments/${shipmentId}/waybill`, { waybillNo: 'bad' })).toMatchObject({ status: 422, body: { code: 'WAYBILL_NO_INVALID' } });
    const view = await merchant.expect(200, 'PATCH', `/merchant/shipments/${shipmentId}/waybill`, { waybillNo: corrected, reason: 'typo at outbound' });
    expect(view).toMatchObject({ waybillNo: corrected, waybillCorrections: [{ previousWaybillNo: waybill, waybillNo: corrected, reason: 'typo at outbound' }] });
    expect(await carrierEvent('SF', { eventId: `${waybill}-3`, waybillNo: waybill, status: 'DELIVERED', occurredAt: now.toISOString() })).toMatchObject({ status: 404 });
    expect(await carrierEvent('SF', { eventId: `${corrected}-3`, waybillNo: corrected, status: 'DELIVERED', occurredAt: now.toISOString() })).toMatchObject({ status: 200 });
    await waitForStatus(buyer, orderId, 'DELIVERED');
    const delivered = await buyer.expect(200, 'GET', `/orders/${orderId}/tracking`);
    expect(delivered.receipt).toMatchObject({ case: 'THIRD_PARTY_DELIVERED', autoConfirmAt: new Date(now.getTime() + 3 * DAY * 1000).toISOString(), extension: { offeredNow: true } });

    // The platform carrier: delivery completes the order.
    const jd = await shippedOrder();
    expect(await carrierEvent('JD_LOGISTICS', { eventId: `${jd.waybillNo}-1`, waybillNo: jd.waybillNo, status: 'DELIVERED', occurredAt: now.toISOString() })).toMatchObject({ status: 200 });
    await waitForStatus(buyer, jd.orderId, 'COMPLETED');
  });

  it('intercepts platform-carrier parcels: intercepted then returned, or failed (the buyer is asked to refuse)', async () => {
    const returned = await shippedOrder();
    const view = await merchant.expect(200, 'POST', `/merchant/shipments/${returned.shipmentId}/intercept`);
    expect(view.interception).toMatchObject({ status: 'REQUESTED' });
    expect(await merchant.request('POST', `/merchant/shipments/${returned.shipmentId}/intercept`)).toMatchObject({ status: 409, body: { code: 'INTERCEPTION_ALREADY_REQUESTED' } });
    const now = (await platformNow()).toISOString();
    await carrierEvent('JD_LOGISTICS', { eventId: `${returned.waybillNo}-i`, waybillNo: returned.waybillNo, status: 'INTERCEPTED', occurredAt: now });
    expect((await buyer.expect(200, 'GET', `/orders/${returned.orderId}/tracking`)).interception).toMatchObject({ status: 'INTERCEPTED' });
    await carrierEvent('JD_LOGISTICS', { eventId: `${returned.waybillNo}-r`, waybillNo: returned.waybillNo, status: 'RETURNED_TO_SENDER', occurredAt: now });
    const back = await buyer.expect(200, 'GET', `/orders/${returned.orderId}/tracking`);
    expect(back.interception).toMatchObject({ status: 'RETURNED' });
    expect(back.receipt).toMatchObject({ closed: true, closedReason: 'INTERCEPTED' });

    const failed = await shippedOrder();
    await merchant.expect(200, 'POST', `/merchant/shipments/${failed.shipmentId}/intercept`);
    await carrierEvent('JD_LOGISTICS', { eventId: `${failed.waybillNo}-f`, waybillNo: failed.waybillNo, status: 'INTERCEPT_FAILED', occurredAt: now });
    expect((await merchant.expect(200, 'GET', `/merchant/shipments/${failed.shipmentId}`)).interception).toMatchObject({ status: 'FAILED', buyerAskedToRefuseDelivery: true });
    const events = await queryDatabase(logisticsDb, `SELECT envelope::jsonb -> 'payload' AS payload FROM outbox_event WHERE event_type = 'ShipmentInterceptionUpdated' AND message_key = $1 ORDER BY id`, [failed.orderId]);
    expect(events.map((e) => e.payload.status)).toEqual(['REQUESTED', 'FAILED']);
    expect(events[1].payload.buyerAction).toBe('REFUSE_DELIVERY');

    const third = await shippedOrder('SF', sfWaybill());
    expect(await merchant.request('POST', `/merchant/shipments/${third.shipmentId}/intercept`)).toMatchObject({ status: 409, body: { code: 'INTERCEPTION_PLATFORM_CARRIER_ONLY' } });
  });

  it('auto-confirms receipt by the §2.4 table on the platform clock, once, with two logistics instances polling and one restarting', async () => {
    replica = await stack.startReplica('logistics-service', 6);
    await advance(1); // hands the platform offset to the replica
    const noTracking = await shippedOrder('SF', sfWaybill());
    const crossBorder = await shippedOrder('SF', sfWaybill(), { crossBorder: true });
    const extended = await shippedOrder('SF', sfWaybill());
    const delivered = await shippedOrder('SF', sfWaybill());
    const inTransit = await shippedOrder('SF', sfWaybill());
    const manual = await shippedOrder('SF', sfWaybill());
    const t0 = await platformNow();
    for (const parcel of [extended, delivered]) await carrierEvent('SF', { eventId: `${parcel.waybillNo}-d`, waybillNo: parcel.waybillNo, status: 'DELIVERED', occurredAt: t0.toISOString() });
    await carrierEvent('SF', { eventId: `${inTransit.waybillNo}-t`, waybillNo: inTransit.waybillNo, status: 'IN_TRANSIT', occurredAt: t0.toISOString() });
    await waitForStatus(buyer, extended.orderId, 'DELIVERED');
    await waitForStatus(buyer, delivered.orderId, 'DELIVERED');
    await buyer.expect(200, 'POST', `/orders/${manual.orderId}/confirm-receipt`);
    await waitUntil(async () => (await buyer.expect(200, 'GET', `/orders/${manual.orderId}/tracking`)).receipt.closedReason === 'ORDER_COMPLETED', 'logistics to close the confirmed order\'s timer');

    const receipt = async (orderId: string) => (await buyer.expect(200, 'GET', `/orders/${orderId}/tracking`)).receipt;
    const plusDays = (from: Date, days: number) => new Date(from.getTime() + days * DAY * 1000).toISOString();
    const outboundOf = async (orderId: string) => new Date((await buyer.expect(200, 'GET', `/orders/${orderId}/tracking`)).shipment.outboundAt);
    expect(await receipt(noTracking.orderId)).toMatchObject({ case: 'THIRD_PARTY_NO_TRACKING', region: 'DOMESTIC', autoConfirmAt: plusDays(await outboundOf(noTracking.orderId), 20) });
    expect(await receipt(crossBorder.orderId)).toMatchObject({ case: 'THIRD_PARTY_NO_TRACKING', region: 'CROSS_BORDER', autoConfirmAt: plusDays(await outboundOf(crossBorder.orderId), 60) });

    // Day 2 after delivery: inside the 3-day window; the tracking-only parcel's window (days 18-20) is not open.
    await advance(DAY);
    const afterExtension = (await buyer.expect(200, 'POST', `/orders/${extended.orderId}/extend-receipt`)).receipt;
    expect(afterExtension).toMatchObject({ autoConfirmAt: plusDays(t0, 8), extension: { used: true, offeredNow: false } });
    expect(await buyer.request('POST', `/orders/${extended.orderId}/extend-receipt`)).toMatchObject({ status: 409, body: { code: 'RECEIPT_EXTENSION_ALREADY_USED' } });
    expect(await buyer.request('POST', `/orders/${inTransit.orderId}/extend-receipt`)).toMatchObject({ status: 409, body: { code: 'RECEIPT_EXTENSION_WINDOW_NOT_OPEN' } });
    expect(await buyer.request('POST', `/orders/${noTracking.orderId}/extend-receipt`)).toMatchObject({ status: 409, body: { code: 'RECEIPT_EXTENSION_NOT_OFFERED' } });
    expect(await merchant.request('POST', `/orders/${extended.orderId}/extend-receipt`)).toMatchObject({ status: 403 });

    // 3 days after delivery: the delivered parcel confirms; the extended one waits for day 8.
    // The instance that shipped everything is down meanwhile: the replica fires the stored
    // deadline; then the primary restarts and carries on from the database.
    await stack.stopService('logistics-service');
    await advance(2 * DAY, true);
    await waitForStatus(buyer, delivered.orderId, 'COMPLETED');
    await stack.startService('logistics-service');
    await waitUntil(async () => {
      const clock = await operator.request('GET', '/admin/clock');
      return clock.status === 200 && new Date(clock.body.services.logistics).getTime() >= new Date(clock.body.now).getTime() - 1_000;
    }, 'the restarted logistics instance to catch up with the platform clock');
    expect((await buyer.expect(200, 'GET', `/orders/${extended.orderId}`)).status).toBe('DELIVERED');
    expect(await buyer.request('POST', `/orders/${delivered.orderId}/extend-receipt`)).toMatchObject({ status: 409, body: { code: 'RECEIPT_ALREADY_CONFIRMED' } });
    const quiet = await merchant.expect(200, 'GET', '/merchant/shipments/without-tracking?days=3');
    const quietOrders = quiet.items.flatMap((i: any) => i.orderIds);
    expect(quietOrders).toEqual(expect.arrayContaining([noTracking.orderId, crossBorder.orderId]));
    expect(quietOrders).not.toContain(inTransit.orderId);
    expect(quietOrders).not.toContain(extended.orderId);

    await advance(5 * DAY);
    await waitForStatus(buyer, extended.orderId, 'COMPLETED');

    // Day 18 after the last tracking event: the button is offered; the extension goes to day 26.
    await advance(9 * DAY + 3600);
    expect((await buyer.expect(200, 'POST', `/orders/${inTransit.orderId}/extend-receipt`)).receipt).toMatchObject({ autoConfirmAt: plusDays(t0, 26) });
    await advance(3 * DAY);
    await waitForStatus(buyer, noTracking.orderId, 'COMPLETED');
    await advance(6 * DAY);
    await waitForStatus(buyer, inTransit.orderId, 'COMPLETED');
    await advance(35 * DAY);
    await waitForStatus(buyer, crossBorder.orderId, 'COMPLETED');

    // Exactly once, though two instances polled: one ReceiptAutoConfirmed and one COMPLETED per order.
    const fired = await queryDatabase(logisticsDb, `SELECT message_key AS "orderId", count(*)::int AS n FROM outbox_event WHERE event_type = 'ReceiptAutoConfirmed' GROUP BY message_key`);
    const firedFor = Object.fromEntries(fired.map((r) => [r.orderId, r.n]));
    for (const parcel of [noTracking, crossBorder, extended, delivered, inTransit]) {
      expect(firedFor[parcel.orderId]).toBe(1);
      const order = await buyer.expect(200, 'GET', `/orders/${parcel.orderId}`);
      expect(order.history.filter((h: any) => h.to === 'COMPLETED')).toHaveLength(1);
    }
    expect(firedFor[manual.orderId]).toBeUndefined();
    const cases = await queryDatabase(logisticsDb, `SELECT envelope::jsonb -> 'payload' ->> 'case' AS kase FROM outbox_event WHERE event_type = 'ReceiptAutoConfirmed' AND message_key = $1`, [inTransit.orderId]);
    expect(cases[0].kase).toBe('THIRD_PARTY_TRACKING_WITHOUT_DELIVERY');
    // The second instance was polling the same deadlines all along.
    expect((await fetch(`${replica!.url}/health`)).status).toBe(200);
  });
});
