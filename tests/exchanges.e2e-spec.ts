import { createHmac } from 'node:crypto';
import { merchantAccount, nextSfWaybillNo, shipOrder } from './support/after-sales-steps';
import { catalogItems, createBuyer, GatewayClient, operatorOf, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(300_000);

const DAY = 86_400;
const CONSIGNEE = { name: '李四', phone: '13800000000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } };

/**
 * Exchanges end to end through the gateway (issue 18 item 2, domain.md §3 with §2.1-§2.4), on
 * real Kafka + PostgreSQL: the buyer's return parcel is tracked by carrier events and shown on
 * the request; after the merchant confirms the goods, logistics lists the replacement, the
 * merchant ships it like an outbound, carrier events track it and its receipt (platform-carrier
 * delivery, or the §2.4 timer) completes the exchange. A return parcel no carrier reports on
 * shows in the merchant's "no tracking" list.
 */
describe('exchanges: return parcel tracked, replacement shipped and received, exchange completed (real Kafka + PostgreSQL)', () => {
  let stack: { gatewayUrl: string; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let merchant: { id: string; client: GatewayClient };
  let buyer: GatewayClient;
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startStack({
      ...infrastructure(),
      ...isolation('exchanges'),
      basePort: 6240,
      logDir: 'tmp/test-logs/exchanges',
      env: { DATABASE_POOL_SIZE: '5', LOG_LEVEL: 'warn', TEST_CLOCK: '1', LOGISTICS_TIMER_INTERVAL_MS: '200', AFTER_SALES_TIMER_INTERVAL_MS: '200' },
    });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    for (const code of ['JD_LOGISTICS', 'SF']) secrets[code] = (await operator.expect(201, 'POST', '/carriers', { code, name: code })).webhookSecret;
    merchant = await merchantAccount(gateway, operator);
    buyer = (await createBuyer(gateway, operator, 10_000_000)).client;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  let carrierEvents = 0;
  function carrierEvent(carrier: string, waybillNo: string, status: string, occurredAt: string, location?: string) {
    const raw = JSON.stringify({ eventId: `exch-${++carrierEvents}-${waybillNo}`, waybillNo, status, occurredAt, ...(location ? { location } : {}) });
    const signature = `sha256=${createHmac('sha256', secrets[carrier]).update(raw).digest('hex')}`;
    return gateway.request('POST', '/carrier-events', raw, { 'x-carrier-code': carrier, 'x-carrier-signature': signature });
  }

  /** A shipped order (SF) with an approved exchange of its one line. */
  async function approvedExchange(skuId: string) {
    const placed = await buyer.expect(201, 'POST', '/orders', {
      merchantId: merchant.id,
      items: await catalogItems(merchant.id, [{ skuId, title: skuId, unitPrice: 29_900, quantity: 1 }]),
      consignee: CONSIGNEE,
      paymentMethod: 'CREDIT',
      credit: { plan: 'DEFERRED' },
    });
    await waitForStatus(buyer, placed.id, 'WAITING_OUTBOUND');
    await shipOrder(merchant.client, buyer, placed.id);
    const applied = await buyer.expect(201, 'POST', '/after-sales', { orderId: placed.id, type: 'EXCHANGE', lines: [{ lineId: placed.lines[0].id, quantity: 1 }], reason: 'SIZE_OR_FIT' });
    await merchant.client.expect(200, 'POST', `/merchant/after-sales/${applied.id}/approve`);
    return { orderId: placed.id as string, afterSalesId: applied.id as string };
  }

  const requestOf = (afterSalesId: string) => buyer.expect(200, 'GET', `/after-sales/${afterSalesId}`);
  const requestIn = (afterSalesId: string, status: string) => waitUntil(async () => ((await requestOf(afterSalesId)).status === status ? requestOf(afterSalesId) : undefined), `after-sales ${afterSalesId} to be ${status}`);
  const replacementOf = async (afterSalesId: string, status?: string) =>
    ((await merchant.client.expect(200, 'GET', `/merchant/replacements${status ? `?status=${status}` : ''}`)).items as any[]).find((item) => item.afterSalesId === afterSalesId);

  it('tracks the buyer\'s return parcel, ships the replacement like an outbound and completes the exchange on platform-carrier delivery', async () => {
    const { orderId, afterSalesId } = await approvedExchange('boots');
    const returnWaybill = nextSfWaybillNo();
    await buyer.expect(200, 'POST', `/after-sales/${afterSalesId}/return-shipment`, { carrier: 'SF', waybillNo: returnWaybill });

    // The carrier feed knows the return parcel once logistics has consumed ReturnShipmentRegistered.
    const now = Date.now();
    const at = (minutes: number) => new Date(now - 60 * 60_000 + minutes * 60_000).toISOString();
    await waitUntil(async () => (await carrierEvent('SF', returnWaybill, 'PICKED_UP', at(0), '深圳南山')).status === 200 || undefined, 'logistics to track the return parcel');
    // Carriers send events in any order: the request shows them in time order.
    expect(await carrierEvent('SF', returnWaybill, 'DELIVERED', at(40), '杭州西湖')).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(await carrierEvent('SF', returnWaybill, 'IN_TRANSIT', at(20))).toMatchObject({ status: 200 });
    const tracked = await waitUntil(async () => {
      const request = await requestOf(afterSalesId);
      return request.returnTracking.length === 3 ? request : undefined;
    }, 'the return parcel\'s tracking on the request');
    expect(tracked.returnTracking.map((event: any) => [event.status, event.location ?? null])).toEqual([
      ['PICKED_UP', '深圳南山'],
      ['IN_TRANSIT', null],
      ['DELIVERED', '杭州西湖'],
    ]);
    // A tracked parcel is not "without tracking".
    const quiet = await merchant.client.expect(200, 'GET', '/merchant/return-parcels/without-tracking?days=0');
    expect(quiet.items.map((item: any) => item.afterSalesId)).not.toContain(afterSalesId);

    // The merchant confirms the goods: the replacement waits for outbound with the exchanged line.
    expect(await merchant.client.expect(200, 'POST', `/merchant/after-sales/${afterSalesId}/confirm-receipt`, { condition: 'OK' })).toMatchObject({ status: 'REPLACEMENT_REQUESTED', refund: null });
    const waiting = await waitUntil(() => replacementOf(afterSalesId, 'WAITING_OUTBOUND'), 'logistics to list the replacement');
    expect(waiting).toMatchObject({ orderId, status: 'WAITING_OUTBOUND', shipment: null, lines: [{ skuId: 'boots', title: 'boots', quantity: 1 }] });

    // The outbound rules of an order, then a generated platform waybill; once only.
    const ship = (body: Record<string, unknown>) => merchant.client.request('POST', `/merchant/replacements/${afterSalesId}/ship`, body);
    expect(await ship({ carrier: 'SF' })).toMatchObject({ status: 422, body: { code: 'WAYBILL_NO_REQUIRED' } });
    expect(await ship({ carrier: 'JD_LOGISTICS', serviceProduct: 'EXPRESS' })).toMatchObject({ status: 422, body: { code: 'EXPRESS_NOT_SIGNED' } });
    expect(await ship({ carrier: 'JD_LOGISTICS', waybillNo: 'JDV000000000001' })).toMatchObject({ status: 422, body: { code: 'WAYBILL_NO_GENERATED_BY_PLATFORM' } });
    const shipped = await ship({ carrier: 'JD_LOGISTICS' });
    expect(shipped).toMatchObject({ status: 201, body: { status: 'SHIPPED', shipment: { carrier: 'JD_LOGISTICS', waybillNo: expect.stringMatching(/^JDV\d{12}$/) } } });
    expect(await ship({ carrier: 'JD_LOGISTICS' })).toMatchObject({ status: 409, body: { code: 'REPLACEMENT_ALREADY_SHIPPED' } });
    const waybillNo = shipped.body.shipment.waybillNo as string;
    expect(await requestIn(afterSalesId, 'REPLACEMENT_SHIPPED')).toMatchObject({ replacement: { carrier: 'JD_LOGISTICS', waybillNo, receivedBy: null } });
    // The replacement is a parcel of its own: the order's tracking still shows the first one.
    expect((await buyer.expect(200, 'GET', `/orders/${orderId}/tracking`)).shipment.carrier).toBe('SF');

    // Tracked by the same webhook; delivery by the platform carrier is the receipt (§2.4).
    expect(await carrierEvent('JD_LOGISTICS', waybillNo, 'IN_TRANSIT', new Date().toISOString())).toMatchObject({ status: 200 });
    expect(await carrierEvent('JD_LOGISTICS', waybillNo, 'DELIVERED', new Date().toISOString())).toMatchObject({ status: 200 });
    const exchanged = await requestIn(afterSalesId, 'EXCHANGED');
    expect(exchanged).toMatchObject({ refund: null, replacement: { waybillNo, receivedBy: 'DELIVERED_BY_PLATFORM_CARRIER', receivedAt: expect.any(String) } });
    expect(exchanged.history.slice(-2).map((step: any) => [step.command, step.to])).toEqual([
      ['SHIP_REPLACEMENT', 'REPLACEMENT_SHIPPED'],
      ['RECEIVE_REPLACEMENT', 'EXCHANGED'],
    ]);
    expect(await replacementOf(afterSalesId, 'RECEIVED')).toMatchObject({ receivedBy: 'DELIVERED_BY_PLATFORM_CARRIER', shipment: { waybillNo, deliveredAt: expect.any(String) } });
    // The order shows where its exchange stands.
    await waitUntil(async () => ((await buyer.expect(200, 'GET', `/orders/${orderId}`)).afterSales as any[]).some((link) => link.id === afterSalesId && link.status === 'EXCHANGED') || undefined, 'the order to show the exchange completed');
  });

  it('lists a booked pickup no carrier reported on as "no tracking", and completes a third-party replacement by the auto-confirm timer', async () => {
    const { afterSalesId } = await approvedExchange('gloves');
    const pickup = await buyer.expect(200, 'POST', `/after-sales/${afterSalesId}/return-shipment`, { pickup: true });
    const returnWaybill = pickup.returnShipment.waybillNo as string;

    // domain.md §2.3 for returns: N days (NO_TRACKING_ALERT_DAYS, 3) after registration and not one carrier event.
    await waitUntil(async () => (await merchant.client.expect(200, 'GET', '/merchant/return-parcels/without-tracking?days=0')).items.some((item: any) => item.afterSalesId === afterSalesId) || undefined, 'logistics to register the pickup');
    expect((await merchant.client.expect(200, 'GET', '/merchant/return-parcels/without-tracking')).items.map((item: any) => item.afterSalesId)).not.toContain(afterSalesId);
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 3 * DAY });
    const alert = await merchant.client.expect(200, 'GET', '/merchant/return-parcels/without-tracking');
    expect(alert.items.find((item: any) => item.afterSalesId === afterSalesId)).toMatchObject({ carrier: 'JD_LOGISTICS', waybillNo: returnWaybill, pickup: true, daysSinceRegistered: 3 });

    await merchant.client.expect(200, 'POST', `/merchant/after-sales/${afterSalesId}/confirm-receipt`, { condition: 'OK' });
    await waitUntil(() => replacementOf(afterSalesId, 'WAITING_OUTBOUND'), 'logistics to list the replacement');
    const sfWaybill = nextSfWaybillNo();
    await merchant.client.expect(201, 'POST', `/merchant/replacements/${afterSalesId}/ship`, { carrier: 'SF', waybillNo: sfWaybill });
    await requestIn(afterSalesId, 'REPLACEMENT_SHIPPED');

    // A third-party parcel with no tracking at all is received 20 days after outbound (§2.4).
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: 20 * DAY + 60 });
    const exchanged = await requestIn(afterSalesId, 'EXCHANGED');
    expect(exchanged.replacement).toMatchObject({ carrier: 'SF', waybillNo: sfWaybill, receivedBy: 'AUTO_CONFIRMED' });
  });
});
