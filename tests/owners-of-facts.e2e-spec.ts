import { randomUUID } from 'node:crypto';
import { EventPublisher } from './support/event-publisher';
import { deliverOrder, shipOrder } from './support/after-sales-steps';
import { catalogItems, GatewayClient, operatorOf, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(240_000);

/**
 * Issue 12 items 2 and 4 through the public API on the stack (real Kafka + PostgreSQL): every
 * release and state change comes from its owner only; merchant releases carry their data; the
 * consignee rule follows the carrier actually used; the negotiated-cancellation SMS reaches the
 * SMS port; every link in an answer resolves for the principal that received it.
 */
describe('owners of facts, SMS and links (real Kafka + PostgreSQL)', () => {
  let stack: { gatewayUrl: string; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let publisher: EventPublisher;
  let merchantId: string;
  let main: GatewayClient;
  let viewer: GatewayClient;
  let buyer: GatewayClient;
  const buyerPhone = `135${String(Date.now()).slice(-8)}`;
  const merchantPhone = `139${String(Date.now() + 1).slice(-8)}`;
  const names = isolation('owners');

  beforeAll(async () => {
    publisher = new EventPublisher(infrastructure().kafkaBrokers, names.topicPrefix);
    stack = await startStack({ ...infrastructure(), ...names, basePort: 5300, logDir: 'tmp/test-logs/owners-of-facts', env: { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'warn', TEST_CLOCK: '1', ORDER_TIMER_INTERVAL_MS: '200' } });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    const username = `own-${randomUUID().slice(0, 8)}`;
    merchantId = (await operator.expect(201, 'POST', '/merchants', { name: 'Owner Shop', mainAccount: { username, password: 'merchant-password', phone: merchantPhone } })).id;
    main = await gateway.login(username, 'merchant-password');
    await main.expect(201, 'POST', `/merchants/${merchantId}/sub-accounts`, { username: `${username}-v`, password: 'viewer-password', phone: '13900000009', permissions: ['VIEW_ORDERS'] });
    viewer = await gateway.login(`${username}-v`, 'viewer-password');
    const buyerName = `buyer-${randomUUID().slice(0, 8)}`;
    await operator.expect(201, 'POST', '/buyers', { username: buyerName, password: 'buyer-password', name: '孙小红', phone: buyerPhone, creditLimit: 10_000_000 });
    buyer = await gateway.login(buyerName, 'buyer-password');
  });

  afterAll(async () => {
    await publisher?.close();
    await stack?.stop();
  });

  /** The one place this suite places orders (order placement is moving to the merchant catalog). */
  async function placeOrder(paymentMethod: 'CREDIT' | 'COD', extra: Record<string, unknown> = {}) {
    const placed = await buyer.expect(201, 'POST', '/orders', {
      merchantId,
      items: await catalogItems(merchantId, [{ skuId: 'sku-ring', title: 'Gold ring', unitPrice: 5_000, quantity: 1 }]),
      consignee: { name: '孙小红', phone: buyerPhone, address: { province: '广东省', city: '深圳市', county: '南山区', detail: '海岸城 3 栋' } },
      paymentMethod,
      ...(paymentMethod === 'CREDIT' ? { credit: { plan: 'DEFERRED' } } : {}),
      ...extra,
    });
    return placed.status === 'UNPAID' ? waitForStatus(buyer, placed.id, 'WAITING_OUTBOUND') : placed;
  }

  async function paused(reason: string, paymentMethod: 'CREDIT' | 'COD' = 'COD') {
    const order = await placeOrder(paymentMethod);
    await main.expect(200, 'POST', `/merchant/orders/${order.id}/pause`, { reason });
    return order;
  }

  it('refuses the platform\'s releases to merchants and operators alike; the operator lifts a disruption only where it was', async () => {
    const order = await paused('LOGISTICS_WEATHER');
    for (const trigger of ['LOGISTICS_DISRUPTION_LIFTED', 'GROUP_FORMED', 'MAIN_ITEM_DELIVERED', 'STOCK_ARRIVED', 'RESERVED_TIME_REACHED']) {
      expect(await main.request('POST', `/merchant/orders/${order.id}/resume`, { trigger })).toMatchObject({ status: 403, body: { code: 'NOT_THE_FACT_OWNER' } });
    }
    expect(await operator.request('POST', `/merchant/orders/${order.id}/resume`, { trigger: 'LOGISTICS_DISRUPTION_LIFTED' })).toMatchObject({ status: 403 });
    expect(await main.request('POST', '/operations/logistics-disruptions/lift', { reason: 'LOGISTICS_WEATHER' })).toMatchObject({ status: 403 });
    expect(await main.request('POST', `/merchant/orders/${order.id}/resume`, { trigger: 'NO_SUCH_TRIGGER' })).toMatchObject({ status: 422, body: { code: 'UNKNOWN_RELEASE_TRIGGER' } });
    expect((await buyer.expect(200, 'GET', `/orders/${order.id}`)).status).toBe('PAUSED');

    // Lifted elsewhere, or for another cause: the order stays paused.
    await operator.expect(200, 'POST', '/operations/logistics-disruptions/lift', { reason: 'LOGISTICS_WEATHER', province: '浙江省' });
    await operator.expect(200, 'POST', '/operations/logistics-disruptions/lift', { reason: 'LOGISTICS_EPIDEMIC' });
    expect((await buyer.expect(200, 'GET', `/orders/${order.id}`)).status).toBe('PAUSED');
    expect(await operator.request('POST', '/operations/logistics-disruptions/lift', { reason: 'OUT_OF_STOCK' })).toMatchObject({ status: 400 });

    const lifted = await operator.expect(200, 'POST', '/operations/logistics-disruptions/lift', { reason: 'LOGISTICS_WEATHER', province: '广东省' });
    expect(lifted.released).toBeGreaterThanOrEqual(1);
    const released = await buyer.expect(200, 'GET', `/orders/${order.id}`);
    expect(released.status).toBe('WAITING_OUTBOUND');
    expect(released.pauseReleases).toEqual([expect.objectContaining({ reason: 'LOGISTICS_WEATHER', trigger: 'LOGISTICS_DISRUPTION_LIFTED', by: expect.stringMatching(/^operator:/) })]);
  });

  it('releases out-of-stock pauses only from the operator\'s stock arrival for that merchant', async () => {
    const order = await paused('OUT_OF_STOCK');
    expect(await operator.expect(200, 'POST', '/operations/stock-arrivals', { merchantId: randomUUID() })).toMatchObject({ released: 0 });
    expect(await operator.expect(200, 'POST', '/operations/stock-arrivals', { merchantId, skuIds: ['sku-other'] })).toMatchObject({ released: 0 });
    expect((await buyer.expect(200, 'GET', `/orders/${order.id}`)).status).toBe('PAUSED');
    expect(await operator.expect(200, 'POST', '/operations/stock-arrivals', { merchantId, skuIds: ['sku-ring'] })).toMatchObject({ released: 1 });
    expect((await buyer.expect(200, 'GET', `/orders/${order.id}`)).pauseReleases.at(-1)).toMatchObject({ trigger: 'STOCK_ARRIVED' });
  });

  it('keeps a group-buy order paused when the merchant claims the group formed; only the operator\'s call releases it', async () => {
    const groupId = `grp-${randomUUID().slice(0, 8)}`;
    const order = await placeOrder('COD', { attributes: { groupBuyId: groupId } });
    expect(order.pause).toMatchObject({ reason: 'WAITING_FOR_GROUP' });
    expect(await main.request('POST', `/merchant/orders/${order.id}/resume`, { trigger: 'GROUP_FORMED' })).toMatchObject({ status: 403, body: { code: 'NOT_THE_FACT_OWNER' } });
    // Logistics refuses it (409 paused, or 404 before it has heard of the order): it never ships.
    expect((await main.request('POST', '/merchant/shipments', { orderIds: [order.id], carrier: 'JD_LOGISTICS' })).status).toBeGreaterThanOrEqual(400);
    expect((await buyer.expect(200, 'GET', `/orders/${order.id}`)).status).toBe('PAUSED');
    expect(await operator.expect(200, 'POST', `/group-buys/${groupId}/formed`)).toMatchObject({ released: 1 });
    expect((await buyer.expect(200, 'GET', `/orders/${order.id}`)).status).toBe('WAITING_OUTBOUND');
  });

  it('makes merchant releases carry their data, keeps it and shows it on the order; a sub-account without OPERATE_ORDERS cannot release', async () => {
    const certificate = await paused('AWAITING_CERTIFICATE');
    expect(await viewer.request('POST', `/merchant/orders/${certificate.id}/resume`, { trigger: 'CERTIFICATE_UPLOADED', certificate: { number: 'NGTC-1', imageReference: 'img://c/1.jpg' } })).toMatchObject({ status: 403, body: { code: 'PERMISSION_REQUIRED' } });
    expect(await main.request('POST', `/merchant/orders/${certificate.id}/resume`, { trigger: 'CERTIFICATE_UPLOADED' })).toMatchObject({ status: 422, body: { code: 'RELEASE_DATA_REQUIRED' } });
    expect(await main.request('POST', `/merchant/orders/${certificate.id}/resume`, { trigger: 'CERTIFICATE_UPLOADED', certificate: { number: 'NGTC-2026-0042' } })).toMatchObject({ status: 400 });
    expect((await buyer.expect(200, 'GET', `/orders/${certificate.id}`)).status).toBe('PAUSED');
    const released = await main.expect(200, 'POST', `/merchant/orders/${certificate.id}/resume`, { trigger: 'CERTIFICATE_UPLOADED', certificate: { number: 'NGTC-2026-0042', imageReference: 'img://certificates/0042.jpg' } });
    expect(released.status).toBe('WAITING_OUTBOUND');
    const shown = { reason: 'AWAITING_CERTIFICATE', trigger: 'CERTIFICATE_UPLOADED', certificate: { number: 'NGTC-2026-0042', imageReference: 'img://certificates/0042.jpg' }, by: expect.stringMatching(/^merchant:/) };
    expect(released.pauseReleases).toEqual([expect.objectContaining(shown)]);
    expect((await buyer.expect(200, 'GET', `/orders/${certificate.id}`)).pauseReleases).toEqual([expect.objectContaining(shown)]);

    const batch = await paused('AWAITING_BATCH_NUMBER');
    expect(await main.request('POST', `/merchant/orders/${batch.id}/resume`, { trigger: 'BATCH_NUMBER_UPLOADED', batchNumber: '   ' })).toMatchObject({ status: 422, body: { code: 'RELEASE_DATA_REQUIRED' } });
    await main.expect(200, 'POST', `/merchant/orders/${batch.id}/resume`, { trigger: 'BATCH_NUMBER_UPLOADED', batchNumber: 'LOT-20261101-A' });
    expect((await main.expect(200, 'GET', `/merchant/orders/${batch.id}`)).pauseReleases).toEqual([expect.objectContaining({ trigger: 'BATCH_NUMBER_UPLOADED', batchNumber: 'LOT-20261101-A' })]);

    const reserved = await placeOrder('COD');
    await main.expect(200, 'POST', `/merchant/orders/${reserved.id}/pause`, { reason: 'BEFORE_RESERVED_DELIVERY_TIME', releaseAt: new Date(Date.now() + 86_400_000).toISOString() });
    await main.expect(200, 'POST', `/merchant/orders/${reserved.id}/resume`, { trigger: 'EARLY_RELEASE_REQUESTED', evidence: { kind: 'BUYER_AGREEMENT', reference: 'chat-2026-0007' } });
    expect((await buyer.expect(200, 'GET', `/orders/${reserved.id}`)).pauseReleases).toEqual([expect.objectContaining({ trigger: 'EARLY_RELEASE_REQUESTED', evidence: { kind: 'BUYER_AGREEMENT', reference: 'chat-2026-0007' } })]);
  });

  it('follows the carrier actually used: placed without a fulfilment, shipped with SF, nothing may change after outbound (domain.md §1.6)', async () => {
    const order = await placeOrder('CREDIT');
    expect(order.fulfilment).toBeNull();
    await shipOrder(main, buyer, order.id);
    const shipped = await waitForStatus(buyer, order.id, 'SHIPPED');
    expect(shipped.shipmentCarrier).toBe('SF');
    for (const change of [{ address: { province: '广东省', city: '深圳市', county: '南山区', detail: '新地址 9 号' } }, { address: { province: '广东省', city: '深圳市', county: '福田区', detail: '海岸城 3 栋' } }, { phone: '13700000000' }]) {
      const refused = await main.request('PATCH', `/merchant/orders/${order.id}/consignee`, change);
      expect(refused).toMatchObject({ status: 409, body: { code: 'CONSIGNEE_LOCKED_AFTER_OUTBOUND', mayChange: { addressFromLevel: null, detail: false } } });
    }
    expect((await buyer.expect(200, 'GET', `/orders/${order.id}`)).consignee.address.detail).toBe('海岸城 3 栋');
  });

  it('sends the negotiated-cancellation SMS to the buyer through the SMS port; the buyer reads and objects through the links', async () => {
    const order = await placeOrder('COD');
    const request = await main.expect(201, 'POST', '/merchant/cancellation-requests', { orderId: order.id, reason: 'OUT_OF_STOCK_OVERSOLD_OR_DEFECTIVE' });
    expect(request.link).toBe(`/api/v1/merchant/cancellation-requests/${request.id}`);
    const sms = await waitUntil(async () => {
      const messages = await operator.expect(200, 'GET', `/admin/sms?phone=${buyerPhone}`);
      return messages.find((m: { body: string }) => m.body.includes(request.id)) ?? undefined;
    }, 'the cancellation SMS to reach the SMS port');
    expect(sms.body).toContain(order.id.slice(0, 8));

    // The buyer finds it on the order, in the list, and by its link; another buyer cannot.
    const view = await buyer.expect(200, 'GET', `/orders/${order.id}`);
    expect(view.cancellationRequests).toEqual([expect.objectContaining({ id: request.id, status: 'PENDING', link: `/api/v1/cancellation-requests/${request.id}` })]);
    expect((await buyer.expect(200, 'GET', `/cancellation-requests?orderId=${order.id}`)).items.map((r: any) => r.id)).toEqual([request.id]);
    await followLinks(buyer, view);
    const strangerName = `stranger-${randomUUID().slice(0, 8)}`;
    await operator.expect(201, 'POST', '/buyers', { username: strangerName, password: 'buyer-password', name: '路人甲', phone: '13600000001', creditLimit: 0 });
    const stranger = await gateway.login(strangerName, 'buyer-password');
    expect((await stranger.request('GET', `/cancellation-requests/${request.id}`)).status).toBe(404);
    expect((await stranger.expect(200, 'GET', '/cancellation-requests')).items).toEqual([]);
    expect((await main.request('GET', `/cancellation-requests/${request.id}`)).status).toBe(403);

    // The merchant's list links to the merchant's routes, and they resolve for the merchant.
    const listed = (await main.expect(200, 'GET', `/merchant/orders?orderId=${order.id}`)).items[0];
    expect(listed.cancellationRequestLink).toBe(`/api/v1/merchant/cancellation-requests/${request.id}`);
    await followLinks(main, listed);
    expect((await main.expect(200, 'GET', `/merchant/cancellation-requests?orderId=${order.id}`)).items.map((r: any) => r.id)).toEqual([request.id]);

    const objected = await buyer.expect(200, 'POST', `/cancellation-requests/${request.id}/object`);
    expect(objected.status).toBe('REJECTED');
    expect((await main.expect(200, 'GET', `/merchant/cancellation-requests/${request.id}`)).status).toBe('REJECTED');
  });

  it('sends the verification code through the SMS port to the calling account', async () => {
    await main.expect(201, 'POST', '/merchant/sms-verifications', { purpose: 'EXTRA_VIRTUAL_NUMBERS' });
    const messages = await operator.expect(200, 'GET', `/admin/sms?phone=${merchantPhone}`);
    expect(messages.some((m: { body: string }) => /verification code \d{6}/.test(m.body))).toBe(true);
    // A sub-account needs the grant of what the code unlocks.
    expect(await viewer.request('POST', '/merchant/sms-verifications', { purpose: 'OTHER_CONTACTS' })).toMatchObject({ status: 403, body: { code: 'PERMISSION_REQUIRED' } });
  });

  it('points the merchant\'s after-sales links at the merchant routes, the buyer\'s at the buyer routes, and every link resolves for its reader', async () => {
    const order = await placeOrder('CREDIT');
    await shipOrder(main, buyer, order.id);
    await deliverOrder(publisher, buyer, order.id);
    const shipped = await buyer.expect(200, 'GET', `/orders/${order.id}`);
    const applied = await buyer.expect(201, 'POST', '/after-sales', { orderId: order.id, type: 'RETURN_AND_REFUND', lines: [{ lineId: shipped.lines[0].id, quantity: 1 }], reason: 'DEFECTIVE', evidence: ['img://evidence/1.jpg'] });
    const listed = await waitUntil(async () => {
      const item = (await main.expect(200, 'GET', `/merchant/orders?orderId=${order.id}`)).items[0];
      return item.afterSalesLinks.length > 0 ? item : undefined;
    }, 'the after-sales link in the merchant list');
    expect(listed.afterSalesLinks).toEqual([`/api/v1/merchant/after-sales/${applied.id}`]);
    await followLinks(main, listed);
    await followLinks(main, await main.expect(200, 'GET', `/merchant/orders/${order.id}`));
    const buyerView = await buyer.expect(200, 'GET', `/orders/${order.id}`);
    expect(buyerView.afterSales.map((a: any) => a.link)).toEqual([`/api/v1/after-sales/${applied.id}`]);
    await followLinks(buyer, buyerView);
  });

  /** Every `/api/v1/…` string anywhere in `body` must answer 200 to `reader`. */
  async function followLinks(reader: GatewayClient, body: unknown): Promise<void> {
    const links = new Set<string>();
    const walk = (value: unknown): void => {
      if (typeof value === 'string' && value.startsWith('/api/v1/')) links.add(value);
      else if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') Object.values(value).forEach(walk);
    };
    walk(body);
    expect(links.size).toBeGreaterThan(0);
    for (const link of links) {
      const result = await reader.request('GET', link.slice('/api/v1'.length));
      expect({ link, status: result.status }).toEqual({ link, status: 200 });
    }
  }
});
