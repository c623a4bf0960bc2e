import { RefundCompleted, ShipmentDelivered, ShipmentDispatched } from '@orderline/shared/contracts';
import { queryDatabase } from './support/databases';
import { EventPublisher } from './support/event-publisher';
import { catalogItems, CatalogItem, createBuyer, GatewayClient, operatorOf, setFreightRule, SkuKinds, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(180_000);

/**
 * The order kinds and completions of domain.md §1.1/§1.2/§1.7/§1.8 through the gateway on real
 * Kafka + PostgreSQL: COD reconciliation, local-service vouchers, gifts shipped later,
 * subscriptions with child orders, service fees, shipping warnings/time-outs on the test clock,
 * and refunds learned from after-sales. Shipments are published as the logistics service would.
 */
describe('order life cycle: kinds, completions, fees, deadlines, refunds (real Kafka + PostgreSQL)', () => {
  let stack: { gatewayUrl: string; databaseUrl(db: string): string; stop(): Promise<void> };
  let operator: GatewayClient;
  let merchantId: string;
  let main: GatewayClient;
  let buyer: GatewayClient;
  let publisher: EventPublisher;
  const names = isolation('lifecycle');
  let shipments = 0;

  beforeAll(async () => {
    publisher = new EventPublisher(infrastructure().kafkaBrokers, names.topicPrefix);
    stack = await startStack({ ...infrastructure(), ...names, basePort: 5200, logDir: 'tmp/test-logs/order-lifecycle', env: { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'warn', TEST_CLOCK: '1', ORDER_TIMER_INTERVAL_MS: '200' } });
    const gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    const username = `lc-${Date.now().toString(36)}`;
    merchantId = (await operator.expect(201, 'POST', '/merchants', { name: 'Lifecycle Shop', mainAccount: { username, password: 'merchant-password', phone: '13900000000' } })).id;
    main = await gateway.login(username, 'merchant-password');
    buyer = (await createBuyer(gateway, operator, 1_000_000)).client;
  });

  afterAll(async () => {
    await publisher?.close();
    await stack?.stop();
  });

  /** An order of SKUs the merchant lists (domain.md §1.1a), with a flat freight of 500 fen. */
  async function order(paymentMethod: 'ONLINE' | 'COD', extra: Record<string, unknown> = {}, items: CatalogItem[] = [{ skuId: 'sku-kettle', title: 'Kettle', unitPrice: 10_000, quantity: 1 }]) {
    await setFreightRule(merchantId, 500);
    return {
      merchantId,
      items: await catalogItems(merchantId, items),
      consignee: { name: '王小明', phone: '13800138000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } },
      paymentMethod,
      ...extra,
    };
  }

  /** One unit of a SKU whose kinds are facts of the goods. */
  const goods = (skuId: string, kinds: SkuKinds) => [{ skuId, title: skuId, unitPrice: 10_000, quantity: 1, kinds }];

  async function paidOnline(extra: Record<string, unknown> = {}, items?: CatalogItem[]) {
    const placed = await buyer.expect(201, 'POST', '/orders', await order('ONLINE', extra, items));
    return buyer.expect(200, 'POST', `/orders/${placed.id}/pay`);
  }

  async function shipAndDeliver(orderId: string, carrierKind: 'PLATFORM' | 'THIRD_PARTY') {
    const shipmentId = `ship-lc-${++shipments}`;
    await publisher.publish(ShipmentDispatched, { shipmentId, orderId, carrier: carrierKind === 'PLATFORM' ? 'JD_LOGISTICS' : 'SF', waybillNo: `WB${shipments}` });
    await waitForStatus(buyer, orderId, 'SHIPPED');
    await publisher.publish(ShipmentDelivered, { shipmentId, orderId, carrierKind });
  }

  async function consumed(eventIds: string[]): Promise<number> {
    return (await queryDatabase(stack.databaseUrl('order'), `SELECT count(*)::int AS n FROM inbox_message WHERE event_id = ANY($1::uuid[])`, [eventIds]))[0].n;
  }

  async function advanceClock(seconds: number) {
    await operator.expect(200, 'POST', '/admin/clock', { advanceBySeconds: seconds });
  }

  async function outboxEvents(orderId: string, type: string) {
    return queryDatabase(stack.databaseUrl('order'), `SELECT envelope FROM outbox_event WHERE message_key = $1 AND event_type = $2 ORDER BY id`, [orderId, type]);
  }

  it('completes a COD order only when finance reconciles the collected cash, to the fen', async () => {
    const cod = await buyer.expect(201, 'POST', '/orders', await order('COD'));
    expect(cod.status).toBe('WAITING_OUTBOUND');
    expect(cod.promisedShipBy).not.toBeNull();
    await shipAndDeliver(cod.id, 'PLATFORM');
    // Platform delivery completes online and credit orders, not COD ones (domain.md §1.2).
    await waitForStatus(buyer, cod.id, 'DELIVERED');
    expect(await buyer.request('POST', `/orders/${cod.id}/confirm-receipt`)).toMatchObject({ status: 409, body: { code: 'COD_NOT_RECONCILED' } });
    expect(await main.request('POST', `/orders/${cod.id}/cod-reconciliation`, { collectedAmount: 10_500, settlementReference: 'S-1' })).toMatchObject({ status: 403 });
    const short = await operator.request('POST', `/orders/${cod.id}/cod-reconciliation`, { collectedAmount: 10_000, settlementReference: 'S-1' });
    expect(short).toMatchObject({ status: 409, body: { code: 'COD_AMOUNT_MISMATCH', payable: 10_500, collectedAmount: 10_000 } });
    expect(await operator.request('POST', `/orders/${cod.id}/cod-reconciliation`, { collectedAmount: 10.5, settlementReference: 'S-1' })).toMatchObject({ status: 400 });
    expect((await buyer.expect(200, 'GET', `/orders/${cod.id}`)).status).toBe('DELIVERED');
    const done = await operator.expect(200, 'POST', `/orders/${cod.id}/cod-reconciliation`, { collectedAmount: 10_500, settlementReference: 'COD-SETTLE-7' });
    expect(done).toMatchObject({ status: 'COMPLETED', codReconciliation: { collectedAmount: 10_500, settlementReference: 'COD-SETTLE-7' } });
    expect(await operator.request('POST', `/orders/${cod.id}/cod-reconciliation`, { collectedAmount: 10_500, settlementReference: 'COD-SETTLE-7' })).toMatchObject({ status: 409, body: { code: 'COD_ALREADY_RECONCILED' } });
    expect(await outboxEvents(cod.id, 'CodReconciled')).toHaveLength(1);
    expect(await outboxEvents(cod.id, 'OrderCompleted')).toHaveLength(1);

    const online = await paidOnline();
    await shipAndDeliver(online.id, 'THIRD_PARTY');
    await waitForStatus(buyer, online.id, 'DELIVERED');
    expect(await operator.request('POST', `/orders/${online.id}/cod-reconciliation`, { collectedAmount: 10_500, settlementReference: 'S-2' })).toMatchObject({ status: 409, body: { code: 'NOT_A_COD_ORDER' } });
  });

  it('redeems a local-service voucher with the buyer\'s code instead of shipping it', async () => {
    expect(await buyer.request('POST', '/orders', await order('COD', {}, goods('sku-spa-voucher', { localServiceVoucher: true })))).toMatchObject({ status: 422, body: { code: 'VOUCHER_NEEDS_PREPAYMENT' } });
    const placed = await buyer.expect(201, 'POST', '/orders', await order('ONLINE', {}, goods('sku-spa-voucher', { localServiceVoucher: true })));
    expect(placed.kinds).toEqual(['LOCAL_SERVICE_VOUCHER']);
    expect(placed.voucher).toEqual({ redeemedAt: null });
    expect(await main.request('POST', `/merchant/orders/${placed.id}/redeem`, { verificationCode: '00000000' })).toMatchObject({ status: 409, body: { code: 'VOUCHER_NOT_PAID' } });
    const paid = await buyer.expect(200, 'POST', `/orders/${placed.id}/pay`);
    const code: string = paid.voucher.verificationCode;
    expect(code).toMatch(/^\d{8}$/);
    // The merchant never sees the code: the buyer shows it in the shop.
    expect((await main.expect(200, 'GET', `/merchant/orders/${placed.id}`)).voucher).toEqual({ redeemedAt: null });
    const wrong = code === '12345678' ? '87654321' : '12345678';
    expect(await main.request('POST', `/merchant/orders/${placed.id}/redeem`, { verificationCode: wrong })).toMatchObject({ status: 422, body: { code: 'VERIFICATION_CODE_MISMATCH' } });
    expect(await main.request('POST', `/merchant/orders/${placed.id}/redeem`, { verificationCode: '12ab' })).toMatchObject({ status: 400 });
    expect((await buyer.expect(200, 'GET', `/orders/${placed.id}`)).status).toBe('WAITING_OUTBOUND');
    const redeemed = await main.expect(200, 'POST', `/merchant/orders/${placed.id}/redeem`, { verificationCode: code });
    expect(redeemed.status).toBe('COMPLETED');
    expect(redeemed.voucher.redeemedAt).toEqual(expect.any(String));
    expect(await main.request('POST', `/merchant/orders/${placed.id}/redeem`, { verificationCode: code })).toMatchObject({ status: 409 });
    expect(await outboxEvents(placed.id, 'VoucherRedeemed')).toHaveLength(1);

    // Nothing ships: a parcel for a voucher is refused by the process table and changes nothing.
    const other = await paidOnline({}, goods('sku-spa-voucher', { localServiceVoucher: true }));
    const parcel = await publisher.publish(ShipmentDispatched, { shipmentId: 'ship-voucher', orderId: other.id, carrier: 'JD_LOGISTICS', waybillNo: 'JDV1' });
    await waitUntil(async () => (await consumed([parcel])) === 1, 'the parcel event to be handled');
    expect((await buyer.expect(200, 'GET', `/orders/${other.id}`)).status).toBe('WAITING_OUTBOUND');
    const vouchers = await main.expect(200, 'GET', '/merchant/orders?kind=LOCAL_SERVICE_VOUCHER&limit=100');
    expect(vouchers.items.map((o: any) => o.id)).toEqual(expect.arrayContaining([placed.id, other.id]));
    expect(vouchers.items.every((o: any) => o.kinds.includes('LOCAL_SERVICE_VOUCHER'))).toBe(true);
  });

  it('holds a gift order until its main order is delivered (赠品后发)', async () => {
    const mainOrder = await paidOnline();
    expect(await buyer.request('POST', '/orders', await order('ONLINE', { attributes: { giftForOrderId: '00000000-0000-4000-8000-000000000001' } }))).toMatchObject({ status: 422, body: { code: 'GIFT_MAIN_ORDER_NOT_FOUND' } });
    const gift = await paidOnline({ attributes: { giftForOrderId: mainOrder.id } }, [{ skuId: 'sku-gift-mug', title: 'Gift mug', unitPrice: 0, quantity: 1 }]);
    expect(gift).toMatchObject({ status: 'PAUSED', pause: { reason: 'GIFT_SHIPPED_LATER' }, giftForOrderId: mainOrder.id, kinds: ['GIFT_SHIPPED_LATER'] });
    expect(await main.request('POST', `/merchant/orders/${gift.id}/resume`, { trigger: 'STOCK_ARRIVED' })).toMatchObject({ status: 403, body: { code: 'NOT_THE_FACT_OWNER' } });
    expect(await main.request('POST', `/merchant/orders/${gift.id}/resume`, { trigger: 'MAIN_ITEM_DELIVERED' })).toMatchObject({ status: 403, body: { code: 'NOT_THE_FACT_OWNER' } });
    await publisher.publish(ShipmentDispatched, { shipmentId: 'ship-main', orderId: mainOrder.id, carrier: 'SF', waybillNo: 'SF1' });
    await waitForStatus(buyer, mainOrder.id, 'SHIPPED');
    expect((await buyer.expect(200, 'GET', `/orders/${gift.id}`)).status).toBe('PAUSED');
    await publisher.publish(ShipmentDelivered, { shipmentId: 'ship-main', orderId: mainOrder.id, carrierKind: 'THIRD_PARTY' });
    const released = await waitForStatus(buyer, gift.id, 'WAITING_OUTBOUND');
    expect(released.history.at(-1)).toMatchObject({ from: 'PAUSED', to: 'WAITING_OUTBOUND', reason: 'RELEASED: MAIN_ITEM_DELIVERED', actor: 'system' });
  });

  it('holds a SIM-card order until the buyer\'s real-name check is approved, and lists it by kind', async () => {
    const sim = await paidOnline({}, goods('sku-sim', { simCard: true }));
    expect(sim).toMatchObject({ status: 'PAUSED', pause: { reason: 'AWAITING_REAL_NAME_CHECK' }, kinds: ['SIM_CARD'] });
    expect(await main.request('POST', `/merchant/orders/${sim.id}/resume`, { trigger: 'BATCH_NUMBER_UPLOADED', batchNumber: 'LOT-1' })).toMatchObject({ status: 409, body: { code: 'PAUSE_NOT_RELEASED_BY_TRIGGER' } });
    expect(await main.request('POST', `/merchant/orders/${sim.id}/resume`, { trigger: 'REAL_NAME_APPROVED' })).toMatchObject({ status: 422, body: { code: 'RELEASE_DATA_REQUIRED' } });
    expect((await main.expect(200, 'POST', `/merchant/orders/${sim.id}/resume`, { trigger: 'REAL_NAME_APPROVED', realNameCheck: { reference: 'rn-check-1' } })).status).toBe('WAITING_OUTBOUND');
    const gift = await paidOnline({}, goods('sku-engraved-phone', { topUpGift: true, customised: true }));
    expect(gift.kinds).toEqual(['TOP_UP_GIFT', 'CUSTOMISED']);
    expect((await main.expect(200, 'GET', '/merchant/orders?kind=SIM_CARD&limit=100')).items.map((o: any) => o.id)).toEqual([sim.id]);
    expect((await main.expect(200, 'GET', '/merchant/orders?kind=CUSTOMISED&limit=100')).items.map((o: any) => o.id)).toEqual([gift.id]);
  });

  it('prices delivery-and-install service fees and changes them while unpaid', async () => {
    const items = [
      { skuId: 'sku-washer', title: 'Washer', unitPrice: 200_000, quantity: 1, serviceFee: { feeType: 'INSTALLATION', amount: 5_000 } },
      { skuId: 'sku-hose', title: 'Hose', unitPrice: 1_000, quantity: 2 },
    ];
    // The fee is the merchant's, from the SKU that carries it (domain.md §1.1a); the buyer cannot send one.
    expect(await buyer.request('POST', '/orders', await order('ONLINE', { serviceFees: [{ feeType: 'INSTALLATION', amount: 0, skuIds: ['sku-washer'] }] }, items))).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const placed = await buyer.expect(201, 'POST', '/orders', await order('ONLINE', {}, items));
    expect(placed.payable).toBe(200_000 + 2_000 + 500 + 5_000);
    expect(placed.serviceFees).toEqual([{ feeType: 'INSTALLATION', amount: 5_000, skuIds: ['sku-washer'], appliesTo: [{ skuId: 'sku-washer', title: 'Washer', unitPrice: 200_000, quantity: 1 }] }]);
    const changed = await main.expect(200, 'PATCH', `/merchant/orders/${placed.id}/fees`, { freight: 0, serviceFees: [{ feeType: 'INSTALLATION', amount: 3_000 }, { feeType: 'HAUL_AWAY', amount: 1_000, skuIds: ['sku-washer'] }] });
    expect(changed.payable).toBe(200_000 + 2_000 + 0 + 3_000 + 1_000);
    expect(changed.serviceFees.map((fee: any) => [fee.feeType, fee.amount])).toEqual([['INSTALLATION', 3_000], ['HAUL_AWAY', 1_000]]);
    expect(await main.request('PATCH', `/merchant/orders/${placed.id}/fees`, { serviceFees: [{ feeType: 'DELIVERY_TO_FLOOR', amount: 800 }] })).toMatchObject({ status: 409, body: { code: 'SERVICE_FEE_SKUS_REQUIRED' } });
    expect(await main.request('PATCH', `/merchant/orders/${placed.id}/fees`, { serviceFees: [{ feeType: 'installation', amount: 800 }] })).toMatchObject({ status: 400 });
    const [event] = await outboxEvents(placed.id, 'OrderFeesChanged');
    expect(JSON.parse(event.envelope).payload).toMatchObject({ freight: 0, payable: 206_000 });
    const paid = await buyer.expect(200, 'POST', `/orders/${placed.id}/pay`);
    expect(paid.payable).toBe(206_000);

    const plain = await buyer.expect(201, 'POST', '/orders', await order('ONLINE'));
    expect(await main.request('PATCH', `/merchant/orders/${plain.id}/fees`, { serviceFees: [{ feeType: 'INSTALLATION', amount: 800, skuIds: ['sku-kettle'] }] })).toMatchObject({ status: 409, body: { code: 'SERVICE_FEE_NOT_OFFERED' } });
    expect(await main.request('PATCH', `/merchant/orders/${paid.id}/fees`, { freight: 0 })).toMatchObject({ status: 409, body: { code: 'FEE_CHANGE_ONLY_WHEN_UNPAID' } });
  });

  it('shows refunds from after-sales on the order and in the list, each refund once', async () => {
    const shipped = await paidOnline();
    await publisher.publish(ShipmentDispatched, { shipmentId: 'ship-refund', orderId: shipped.id, carrier: 'SF', waybillNo: 'SF9' });
    await waitForStatus(buyer, shipped.id, 'SHIPPED');
    const line = shipped.lines[0];
    const refund = { refundId: `rf-${shipped.id.slice(0, 8)}`, orderId: shipped.id, buyerId: shipped.buyerId, paymentMethod: 'ONLINE' as const, amount: 4_000, afterSalesId: 'as-1001', lines: [{ lineId: line.id, quantity: 1, amount: 4_000 }] };
    const deliveries = [
      await publisher.publish(RefundCompleted, refund),
      await publisher.publish(RefundCompleted, refund), // redelivered by after-sales: counted once
      await publisher.publish(RefundCompleted, { ...refund, refundId: `${refund.refundId}-b`, amount: 1_000, afterSalesId: 'as-1002' }),
    ];
    const refunded = await waitUntil(async () => {
      const view = await buyer.expect(200, 'GET', `/orders/${shipped.id}`);
      return view.refunds.length === 2 && view;
    }, 'both refunds to be recorded');
    await waitUntil(async () => (await consumed(deliveries)) === 3, 'all three deliveries to be consumed');
    expect((await buyer.expect(200, 'GET', `/orders/${shipped.id}`)).refundedAmount).toBe(5_000);
    expect(refunded.status).toBe('SHIPPED');
    expect(refunded.refunds.map((r: any) => [r.amount, r.link])).toEqual([
      [4_000, '/api/v1/after-sales/as-1001'],
      [1_000, '/api/v1/after-sales/as-1002'],
    ]);
    const listed = await main.expect(200, 'GET', '/merchant/orders?hasRefund=true&limit=100');
    const row = listed.items.find((o: any) => o.id === shipped.id);
    expect(row).toMatchObject({ refundedAmount: 5_000, lines: [{ skuId: 'sku-kettle', unitPrice: 10_000, quantity: 1 }] });
    expect(row.afterSalesLinks.sort()).toEqual(['/api/v1/merchant/after-sales/as-1001', '/api/v1/merchant/after-sales/as-1002']);
    expect(listed.items.every((o: any) => o.refundedAmount > 0)).toBe(true);
  });

  it('raises a shipping warning and then a time-out per order on the platform clock, once each, filterable in the list', async () => {
    const late = await buyer.expect(201, 'POST', '/orders', await order('COD', { buyerNote: 'ring twice' }));
    const deadline = Date.parse(late.promisedShipBy);
    expect(deadline - Date.parse(late.createdAt)).toBe(48 * 3_600_000);
    expect(await outboxEvents(late.id, 'ShippingWarningRaised')).toHaveLength(0);
    await advanceClock(25 * 3_600 + 60); // inside the 24 h warning window
    await waitUntil(async () => (await outboxEvents(late.id, 'ShippingWarningRaised')).length === 1, 'the warning to be raised');
    const warned = await main.expect(200, 'GET', '/merchant/orders?shippingDeadline=WARNING&limit=100');
    expect(warned.items.find((o: any) => o.id === late.id)).toMatchObject({ shippingDeadline: { state: 'WARNING' } });
    expect((await main.expect(200, 'GET', '/merchant/orders?shippingDeadline=TIMED_OUT&limit=100')).items.map((o: any) => o.id)).not.toContain(late.id);
    expect((await main.expect(200, 'GET', '/merchant/orders?hasBuyerNote=true&limit=100')).items.map((o: any) => o.id)).toContain(late.id);

    await advanceClock(24 * 3_600); // past the deadline
    await waitUntil(async () => (await outboxEvents(late.id, 'ShippingTimedOut')).length === 1, 'the time-out to be raised');
    const [timedOut] = await outboxEvents(late.id, 'ShippingTimedOut');
    expect(JSON.parse(timedOut.envelope).payload).toMatchObject({ orderId: late.id, merchantId, promisedShipBy: late.promisedShipBy });
    const overdue = await main.expect(200, 'GET', '/merchant/orders?shippingDeadline=TIMED_OUT&limit=100');
    expect(overdue.items.find((o: any) => o.id === late.id)).toMatchObject({ shippingDeadline: { state: 'TIMED_OUT' } });
    await advanceClock(3_600);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await outboxEvents(late.id, 'ShippingWarningRaised')).toHaveLength(1);
    expect(await outboxEvents(late.id, 'ShippingTimedOut')).toHaveLength(1);
    expect(await main.request('GET', '/merchant/orders?shippingDeadline=LATE')).toMatchObject({ status: 400 });
    expect(await main.request('GET', '/merchant/orders?kind=SPACESHIP')).toMatchObject({ status: 400 });
  });

  it('splits a paid subscription into child orders per period, released on their production dates; the parent completes with them', async () => {
    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    const firstProductionDate = new Date(Date.parse(now) + 86_400_000).toISOString();
    const subscription = { periods: 3, intervalDays: 30, firstProductionDate };
    const items = [{ skuId: 'sku-milk', title: 'Milk powder', unitPrice: 12_000, quantity: 6 }];
    expect(await buyer.request('POST', '/orders', await order('COD', { attributes: { subscription } }, items))).toMatchObject({ status: 422, body: { code: 'SUBSCRIPTION_NEEDS_ONLINE_PAYMENT' } });
    expect(await buyer.request('POST', '/orders', await order('ONLINE', { attributes: { subscription } }, [{ ...items[0], quantity: 7 }]))).toMatchObject({ status: 422, body: { code: 'SUBSCRIPTION_QUANTITY_UNEVEN' } });
    expect(await buyer.request('POST', '/orders', await order('ONLINE', { attributes: { subscription: { ...subscription, periods: 1 } } }, items))).toMatchObject({ status: 400 });

    const parent = await paidOnline({ attributes: { subscription } }, items);
    expect(parent.payable).toBe(72_000 + 500);
    expect(parent.subscription).toMatchObject({ role: 'PARENT', periods: 3 });
    const childIds: string[] = parent.subscription.childOrderIds;
    expect(childIds).toHaveLength(3);
    const children = await Promise.all(childIds.map((id) => buyer.expect(200, 'GET', `/orders/${id}`)));
    expect(children.map((c) => [c.subscription.period, c.status, c.pause?.reason, c.lines[0].quantity])).toEqual([
      [1, 'PAUSED', 'SUBSCRIPTION_PERIOD_NOT_DUE', 2],
      [2, 'PAUSED', 'SUBSCRIPTION_PERIOD_NOT_DUE', 2],
      [3, 'PAUSED', 'SUBSCRIPTION_PERIOD_NOT_DUE', 2],
    ]);
    // The children's shares add up to what the parent paid, to the fen.
    expect(children.reduce((sum, c) => sum + c.payable, 0)).toBe(parent.payable);
    expect(children.map((c) => c.pause.releaseAt)).toEqual([0, 30, 60].map((days) => new Date(Date.parse(firstProductionDate) + days * 86_400_000).toISOString()));
    // The parent never ships itself.
    await publisher.publish(ShipmentDispatched, { shipmentId: 'ship-parent', orderId: parent.id, carrier: 'JD_LOGISTICS', waybillNo: 'JDP' });
    const subscriptions = await main.expect(200, 'GET', '/merchant/orders?kind=SUBSCRIPTION&limit=100');
    expect(subscriptions.items.map((o: any) => o.id)).toEqual(expect.arrayContaining([parent.id, ...childIds]));

    for (const [index, childId] of childIds.entries()) {
      await advanceClock(index === 0 ? 86_400 + 60 : 30 * 86_400);
      await waitForStatus(buyer, childId, 'WAITING_OUTBOUND');
      if (index < 2) expect((await buyer.expect(200, 'GET', `/orders/${childIds[index + 1]}`)).status).toBe('PAUSED');
      await shipAndDeliver(childId, 'PLATFORM');
      await waitForStatus(buyer, childId, 'COMPLETED');
      if (index < 2) expect((await buyer.expect(200, 'GET', `/orders/${parent.id}`)).status).toBe('WAITING_OUTBOUND');
    }
    const completed = await waitForStatus(buyer, parent.id, 'COMPLETED');
    expect(completed.history.at(-1)).toMatchObject({ to: 'COMPLETED', reason: 'ALL_SUBSCRIPTION_PERIODS_COMPLETED' });
  });

  it('lists a buyer\'s own orders newest first with a keyset cursor and a status filter, to that buyer only', async () => {
    const gateway = new GatewayClient(stack.gatewayUrl);
    const other = (await createBuyer(gateway, operator, 1_000_000)).client;
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) placed.push((await other.expect(201, 'POST', '/orders', await order('ONLINE'))).id);
    await other.expect(200, 'POST', `/orders/${placed[1]}/pay`);
    const newestFirst = [...placed].reverse();

    const first = await other.expect(200, 'GET', '/orders?limit=2');
    expect(first.items.map((item: { id: string }) => item.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.items[0]).toMatchObject({ merchantId, status: 'UNPAID', paymentMethod: 'ONLINE', goodsTotal: 10_000, freight: 500, payable: 10_500, lines: [{ skuId: 'sku-kettle', title: 'Kettle', unitPrice: 10_000, quantity: 1 }] });
    expect(first.items[0]).not.toHaveProperty('consignee');
    const second = await other.expect(200, 'GET', `/orders?limit=2&cursor=${first.nextCursor}`);
    expect(second).toEqual({ items: [expect.objectContaining({ id: newestFirst[2] })], nextCursor: null });
    expect((await other.expect(200, 'GET', '/orders?status=WAITING_OUTBOUND')).items.map((item: { id: string }) => item.id)).toEqual([placed[1]]);

    // The first buyer pages through all of its own orders and meets none of the other's.
    const seen: string[] = [];
    for (let cursor: string | null = null, pages = 0; pages === 0 || cursor; pages++) {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await buyer.expect(200, 'GET', `/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    }
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.filter((id) => placed.includes(id))).toEqual([]);
    // The buyer comes from the token: a buyerId in the query is an unknown parameter, and a merchant has no buyer list.
    expect(await buyer.request('GET', `/orders?buyerId=${first.items[0].id}`)).toMatchObject({ status: 400 });
    expect(await main.request('GET', '/orders')).toMatchObject({ status: 403 });
    expect(await operator.request('GET', '/orders')).toMatchObject({ status: 403 });

    const forged = Buffer.from(`not-a-date|${placed[0]}`).toString('base64url');
    for (const query of ['limit=0', 'limit=101', 'limit=-1', 'limit=1e2', 'cursor=bogus', `cursor=${forged}`, "cursor=%27%20OR%201%3D1--", `cursor=${'A'.repeat(300)}`, 'status=LOST']) {
      const refused = await other.request('GET', `/orders?${query}`);
      expect({ query, status: refused.status, contentType: refused.contentType }).toEqual({ query, status: 400, contentType: expect.stringContaining('application/problem+json') });
    }
  });

  it('documents every order endpoint in /docs with an example answer', async () => {
    type Operation = { responses: Record<string, { content?: Record<string, { example?: unknown }> }> };
    const document = (await (await fetch(`${stack.gatewayUrl}/docs-json`)).json()) as { paths: Record<string, Record<string, Operation>> };
    const orderPaths = Object.keys(document.paths).filter((path) => /^\/api\/v1\/(orders|merchant\/orders|merchant\/cancellation-requests|cancellation-requests|group-buys)(\/|$)/.test(path));
    expect(orderPaths.length).toBeGreaterThanOrEqual(20);
    const withoutExample = orderPaths.flatMap((path) =>
      Object.entries(document.paths[path])
        .filter(([, operation]) => !Object.entries(operation.responses).some(([status, response]) => status.startsWith('2') && response.content?.['application/json']?.example !== undefined))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(withoutExample).toEqual([]);
  });

  it('keeps the tab counts equal to the orders themselves after every transition of this suite', async () => {
    const actual = await queryDatabase(stack.databaseUrl('order'), `SELECT status, count(*)::int AS n FROM customer_order WHERE merchant_id = $1 GROUP BY status`, [merchantId]);
    const expected = Object.fromEntries(['UNPAID', 'WAITING_OUTBOUND', 'PAUSED', 'SHIPPED', 'DELIVERED', 'COMPLETED', 'CANCELLED'].map((status) => [status, actual.find((row) => row.status === status)?.n ?? 0]));
    expect(expected.COMPLETED).toBeGreaterThan(5);
    expect((await main.expect(200, 'GET', '/merchant/orders?limit=1')).counts).toEqual(expected);
    // Folded by the order timers into one row per status, still the same counts.
    await waitUntil(async () => (await queryDatabase(stack.databaseUrl('order'), `SELECT count(*)::int AS n FROM order_status_delta WHERE merchant_id = $1 AND NOT folded`, [merchantId]))[0].n === 0, 'the deltas to be folded');
    expect((await main.expect(200, 'GET', '/merchant/orders?limit=1')).counts).toEqual(expected);
  });
});
