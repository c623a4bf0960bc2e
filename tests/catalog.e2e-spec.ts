import { shipOrder } from './support/after-sales-steps';
import { queryDatabase } from './support/databases';
import { createBuyer, GatewayClient, operatorOf, TEST_CONSIGNEE, waitForStatus } from './support/gateway-client';
import { infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(180_000);

/**
 * domain.md §1.1a through the gateway on real Kafka + PostgreSQL: the platform prices every
 * order from the merchant's catalog, freight rule and coupons; stock and coupons come back on
 * cancellation; only the merchant (or a sub-account with MANAGE_CATALOG) changes its catalog.
 */
describe('merchant catalog, freight rule and coupons (real Kafka + PostgreSQL)', () => {
  let stack: { gatewayUrl: string; databaseUrl(db: string): string; stop(): Promise<void> };
  let gateway: GatewayClient;
  let operator: GatewayClient;
  let merchantId: string;
  let shop: GatewayClient;
  let buyer: GatewayClient;
  let buyerId: string;

  beforeAll(async () => {
    stack = await startStack({ ...infrastructure(), ...isolation('catalog'), basePort: 5700, logDir: 'tmp/test-logs/catalog', env: { DATABASE_POOL_SIZE: '5', LOG_LEVEL: 'warn', TEST_CLOCK: '1' } });
    gateway = new GatewayClient(stack.gatewayUrl);
    operator = await operatorOf(gateway);
    ({ merchantId, client: shop } = await newMerchant('cat'));
    ({ client: buyer, buyerId } = await createBuyer(gateway, operator, 10_000_000));
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function newMerchant(prefix: string): Promise<{ merchantId: string; client: GatewayClient }> {
    const username = `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
    const merchant = await operator.expect(201, 'POST', '/merchants', { name: `Catalog shop ${username}`, mainAccount: { username, password: 'merchant-password', phone: '13900000000' } });
    return { merchantId: merchant.id, client: await gateway.login(username, 'merchant-password') };
  }

  /** The one place this suite builds a `POST /orders` body: SKUs and quantities only. */
  function orderOf(items: Array<{ skuId: string; quantity: number }>, extra: Record<string, unknown> = {}, merchant = merchantId) {
    return { merchantId: merchant, items, consignee: TEST_CONSIGNEE, paymentMethod: 'ONLINE', ...extra };
  }

  const ordersOfBuyer = async (id: string) => Number((await queryDatabase(stack.databaseUrl('order'), `SELECT count(*) AS n FROM customer_order WHERE buyer_id = $1`, [id]))[0].n);
  const stockOf = async (client: GatewayClient, skuId: string) => ((await client.expect(200, 'GET', '/merchant/catalog/skus?limit=200')).items as any[]).find((sku) => sku.skuId === skuId)?.stock;

  it('prices the order itself: a Kettle at unitPrice 1 is impossible, buyer-sent prices, freight and fees are refused', async () => {
    await shop.expect(200, 'PUT', '/merchant/catalog/skus/kettle', { title: 'Kettle', unitPrice: 19_900, listed: true, attributes: { colour: 'white', volume: '1.7 L' } });
    const before = await ordersOfBuyer(buyerId);
    for (const body of [
      orderOf([{ skuId: 'kettle', quantity: 1, unitPrice: 1 } as never]),
      orderOf([{ skuId: 'kettle', quantity: 1, title: 'Kettle' } as never]),
      orderOf([{ skuId: 'kettle', quantity: 1 }], { freight: 0 }),
      orderOf([{ skuId: 'kettle', quantity: 1 }], { serviceFees: [{ feeType: 'INSTALLATION', amount: 0, skuIds: ['kettle'] }] }),
      orderOf([{ skuId: 'kettle', quantity: 1 }], { attributes: { crossBorder: true } }),
    ]) {
      const refused = await buyer.request('POST', '/orders', body);
      expect(refused).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    }
    expect(await ordersOfBuyer(buyerId)).toBe(before);

    const placed = await buyer.expect(201, 'POST', '/orders', orderOf([{ skuId: 'kettle', quantity: 2 }]));
    expect(placed).toMatchObject({ goodsTotal: 39_800, freight: 0, payable: 39_800, discountTotal: 0, lines: [{ skuId: 'kettle', title: 'Kettle', unitPrice: 19_900, quantity: 2, lineTotal: 39_800 }] });
    // The snapshot is the catalog's as it was: a later price change does not touch it.
    await shop.expect(200, 'PUT', '/merchant/catalog/skus/kettle', { title: 'Kettle (new)', unitPrice: 25_000, listed: true });
    const snapshot = await buyer.expect(200, 'GET', `/orders/${placed.id}/lines/${placed.lines[0].id}/snapshot`);
    expect(snapshot).toMatchObject({ title: 'Kettle', unitPrice: 19_900, attributes: { colour: 'white', volume: '1.7 L' } });
    expect((await buyer.expect(200, 'GET', `/orders/${placed.id}`)).payable).toBe(39_800);
  });

  it('refuses unknown, delisted and out-of-stock SKUs with their codes and stores nothing', async () => {
    await shop.expect(200, 'PUT', '/merchant/catalog/skus/mug', { title: 'Mug', unitPrice: 1_500, listed: true, stock: 2 });
    await shop.expect(200, 'PUT', '/merchant/catalog/skus/old-teapot', { title: 'Old teapot', unitPrice: 9_000, listed: false });
    const before = await ordersOfBuyer(buyerId);
    expect(await buyer.request('POST', '/orders', orderOf([{ skuId: 'mug', quantity: 1 }, { skuId: 'ghost', quantity: 1 }]))).toMatchObject({ status: 422, body: { code: 'SKU_NOT_FOUND', skuId: 'ghost' } });
    expect(await buyer.request('POST', '/orders', orderOf([{ skuId: 'old-teapot', quantity: 1 }]))).toMatchObject({ status: 422, body: { code: 'SKU_DELISTED', skuId: 'old-teapot' } });
    expect(await buyer.request('POST', '/orders', orderOf([{ skuId: 'mug', quantity: 3 }]))).toMatchObject({ status: 422, body: { code: 'OUT_OF_STOCK', skuId: 'mug' } });
    // The mug is taken before the missing SKU fails: the whole order rolls back, stock included.
    expect(await buyer.request('POST', '/orders', orderOf([{ skuId: 'mug', quantity: 2 }, { skuId: 'old-teapot', quantity: 1 }]))).toMatchObject({ status: 422, body: { code: 'SKU_DELISTED' } });
    expect(await ordersOfBuyer(buyerId)).toBe(before);
    expect(await stockOf(shop, 'mug')).toBe(2);
    // Another merchant's SKU of the same id is not this merchant's.
    const other = await newMerchant('oth');
    await other.client.expect(200, 'PUT', '/merchant/catalog/skus/teacup', { title: 'Teacup', unitPrice: 100, listed: true });
    expect(await buyer.request('POST', '/orders', orderOf([{ skuId: 'teacup', quantity: 1 }]))).toMatchObject({ status: 422, body: { code: 'SKU_NOT_FOUND' } });
  });

  it('takes stock atomically at placement and gives it back on every cancellation before shipment', async () => {
    await shop.expect(200, 'PUT', '/merchant/catalog/skus/lamp', { title: 'Lamp', unitPrice: 5_000, listed: true, stock: 3 });
    // Five buyers race for three lamps: exactly three orders are placed.
    const racers = await Promise.all(Array.from({ length: 5 }, () => createBuyer(gateway, operator, 1_000_000)));
    const results = await Promise.all(racers.map(({ client }) => client.request('POST', '/orders', orderOf([{ skuId: 'lamp', quantity: 1 }]))));
    expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 422, 422]);
    expect(results.filter((r) => r.status === 422).every((r) => r.body.code === 'OUT_OF_STOCK')).toBe(true);
    expect(await stockOf(shop, 'lamp')).toBe(0);

    // Buyer cancellation gives the stock back, once.
    const winner = racers[results.findIndex((r) => r.status === 201)];
    const won = results.find((r) => r.status === 201)!.body;
    await winner.client.expect(200, 'POST', `/orders/${won.id}/cancel`, { reason: 'NO_LONGER_WANTED' });
    expect(await stockOf(shop, 'lamp')).toBe(1);
    expect(await winner.client.request('POST', `/orders/${won.id}/cancel`, { reason: 'NO_LONGER_WANTED' })).toMatchObject({ status: 409 });
    expect(await stockOf(shop, 'lamp')).toBe(1);

    // Declined credit cancels the order (system path): the stock comes back too.
    const poor = await createBuyer(gateway, operator, 100);
    const declined = await poor.client.expect(201, 'POST', '/orders', orderOf([{ skuId: 'lamp', quantity: 1 }], { paymentMethod: 'CREDIT', credit: { plan: 'DEFERRED' } }));
    expect(await stockOf(shop, 'lamp')).toBe(0);
    await waitForStatus(poor.client, declined.id, 'CANCELLED');
    expect(await stockOf(shop, 'lamp')).toBe(1);

    // Untracked stock (null) is never refused.
    await shop.expect(200, 'PUT', '/merchant/catalog/skus/lamp', { title: 'Lamp', unitPrice: 5_000, listed: true, stock: null });
    await buyer.expect(201, 'POST', '/orders', orderOf([{ skuId: 'lamp', quantity: 50 }]));
  });

  it('charges freight by the merchant rule: flat below the threshold, free from it on, none without a rule', async () => {
    const fresh = await newMerchant('frt');
    await fresh.client.expect(200, 'PUT', '/merchant/catalog/skus/pot', { title: 'Pot', unitPrice: 3_000, listed: true });
    expect((await buyer.expect(201, 'POST', '/orders', orderOf([{ skuId: 'pot', quantity: 1 }], {}, fresh.merchantId))).freight).toBe(0);
    expect(await fresh.client.expect(200, 'PUT', '/merchant/freight-rule', { amount: 800, freeAbove: 5_000 })).toEqual({ amount: 800, freeAbove: 5_000 });
    expect(await buyer.expect(201, 'POST', '/orders', orderOf([{ skuId: 'pot', quantity: 1 }], {}, fresh.merchantId))).toMatchObject({ goodsTotal: 3_000, freight: 800, payable: 3_800 });
    expect(await buyer.expect(201, 'POST', '/orders', orderOf([{ skuId: 'pot', quantity: 2 }], {}, fresh.merchantId))).toMatchObject({ goodsTotal: 6_000, freight: 0, payable: 6_000 });
    // Bounded money: a price or freight past the documented maximum is refused, nothing changes.
    expect(await fresh.client.request('PUT', '/merchant/freight-rule', { amount: 99_999_999_999 })).toMatchObject({ status: 400 });
    expect(await fresh.client.request('PUT', '/merchant/catalog/skus/pot', { title: 'Pot', unitPrice: 1_000_000_001, listed: true })).toMatchObject({ status: 400 });
    expect(await fresh.client.expect(200, 'GET', '/merchant/freight-rule')).toEqual({ amount: 800, freeAbove: 5_000 });
  });

  it('applies a coupon as an order-level discount by largest remainder, once per buyer, and gives it back on cancellation', async () => {
    const { merchantId: couponShop, client: owner } = await newMerchant('cpn');
    for (const [skuId, unitPrice] of [['a', 1_000], ['b', 2_000], ['c', 3_000]] as const) await owner.expect(200, 'PUT', `/merchant/catalog/skus/${skuId}`, { title: skuId.toUpperCase(), unitPrice, listed: true });
    const { now } = await operator.expect(200, 'GET', '/admin/clock');
    const validFrom = new Date(Date.parse(now) - 3_600_000).toISOString();
    const validTo = new Date(Date.parse(now) + 86_400_000).toISOString();
    await owner.expect(201, 'POST', '/merchant/coupons', { code: 'SAVE1001', amountOff: 1_001, minimumSpend: 5_000, validFrom, validTo, quantity: 2 });
    expect(await owner.request('POST', '/merchant/coupons', { code: 'SAVE1001', amountOff: 5, minimumSpend: 0, validFrom, validTo, quantity: 1 })).toMatchObject({ status: 409, body: { code: 'COUPON_CODE_TAKEN' } });
    await owner.expect(201, 'POST', '/merchant/coupons', { code: 'LATER', amountOff: 100, minimumSpend: 0, validFrom: validTo, validTo: new Date(Date.parse(validTo) + 86_400_000).toISOString(), quantity: 5 });
    const all = [{ skuId: 'a', quantity: 1 }, { skuId: 'b', quantity: 1 }, { skuId: 'c', quantity: 1 }];

    const first = await createBuyer(gateway, operator, 1_000_000);
    const placed = await first.client.expect(201, 'POST', '/orders', orderOf(all, { couponCode: 'SAVE1001' }, couponShop));
    // 1 001 × 1/6, 2/6, 3/6 = 166.83, 333.67, 500.5: the two fen left go to the largest remainders.
    expect(placed).toMatchObject({ goodsTotal: 6_000, discountTotal: 1_001, payable: 4_999, couponCode: 'SAVE1001' });
    expect(placed.lines.map((l: any) => l.discount)).toEqual([167, 334, 500]);
    expect(await first.client.request('POST', '/orders', orderOf(all, { couponCode: 'SAVE1001' }, couponShop))).toMatchObject({ status: 422, body: { code: 'COUPON_ALREADY_USED' } });
    expect(await first.client.request('POST', '/orders', orderOf([{ skuId: 'a', quantity: 1 }], { couponCode: 'SAVE1001' }, couponShop))).toMatchObject({ status: 422, body: { code: 'COUPON_MINIMUM_SPEND_NOT_MET' } });
    expect(await first.client.request('POST', '/orders', orderOf(all, { couponCode: 'LATER' }, couponShop))).toMatchObject({ status: 422, body: { code: 'COUPON_NOT_VALID_NOW' } });
    expect(await first.client.request('POST', '/orders', orderOf(all, { couponCode: 'NOSUCH' }, couponShop))).toMatchObject({ status: 422, body: { code: 'COUPON_NOT_FOUND' } });

    const second = await createBuyer(gateway, operator, 1_000_000);
    await second.client.expect(201, 'POST', '/orders', orderOf(all, { couponCode: 'SAVE1001' }, couponShop));
    const third = await createBuyer(gateway, operator, 1_000_000);
    expect(await third.client.request('POST', '/orders', orderOf(all, { couponCode: 'SAVE1001' }, couponShop))).toMatchObject({ status: 422, body: { code: 'COUPON_EXHAUSTED' } });
    expect((await owner.expect(200, 'GET', '/merchant/coupons')).find((c: any) => c.code === 'SAVE1001')).toMatchObject({ quantity: 2, remaining: 0 });

    // The first buyer cancels: the coupon is back, for them and for the count.
    await first.client.expect(200, 'POST', `/orders/${placed.id}/cancel`, { reason: 'ORDERED_BY_MISTAKE' });
    expect((await owner.expect(200, 'GET', '/merchant/coupons')).find((c: any) => c.code === 'SAVE1001')).toMatchObject({ remaining: 1 });
    const again = await first.client.expect(201, 'POST', '/orders', orderOf(all, { couponCode: 'SAVE1001' }, couponShop));
    expect(again.payable).toBe(4_999);
    const [event] = await queryDatabase(stack.databaseUrl('order'), `SELECT envelope FROM outbox_event WHERE envelope::jsonb ->> 'type' = 'OrderPlaced' AND envelope::jsonb -> 'payload' ->> 'orderId' = $1`, [again.id]);
    const payload = (typeof event.envelope === 'string' ? JSON.parse(event.envelope) : event.envelope).payload;
    expect(payload).toMatchObject({ payable: 4_999, discountTotal: 1_001 });
    expect(payload.lines.map((l: any) => l.discount)).toEqual([167, 334, 500]);

    // After shipment, after-sales refunds each line by what was paid for it: its total less its discount share.
    await first.client.expect(200, 'POST', `/orders/${again.id}/pay`);
    const refundable = await shipOrder(owner, first.client, again.id);
    expect(refundable).toMatchObject({ paid: 4_999 });
    expect(refundable.lines.map((l: any) => [l.skuId, l.paid, l.discountShare])).toEqual([
      ['a', 833, 167],
      ['b', 1_666, 334],
      ['c', 2_500, 500],
    ]);
  });

  it('lets only the merchant change its catalog: a sub-account needs MANAGE_CATALOG, buyers and other merchants cannot', async () => {
    const sub = await shop.expect(201, 'POST', `/merchants/${merchantId}/sub-accounts`, { username: `catsub-${Math.random().toString(36).slice(2, 8)}`, password: 'sub-password', phone: '13900000007' });
    await shop.expect(200, 'PUT', `/merchants/${merchantId}/sub-accounts/${sub.id}/permissions`, { permissions: ['VIEW_ORDERS'] });
    const clerk = await gateway.login(sub.username, 'sub-password');
    const sku = { title: 'Kettle', unitPrice: 1, listed: true };
    expect(await clerk.request('PUT', '/merchant/catalog/skus/kettle', sku)).toMatchObject({ status: 403, body: { code: 'PERMISSION_REQUIRED', permission: 'MANAGE_CATALOG' } });
    expect(await clerk.request('PUT', '/merchant/freight-rule', { amount: 0 })).toMatchObject({ status: 403, body: { code: 'PERMISSION_REQUIRED' } });
    expect(await clerk.request('POST', '/merchant/coupons', { code: 'FREEBIE', amountOff: 100_000, minimumSpend: 0, validFrom: '2020-01-01T00:00:00Z', validTo: '2099-01-01T00:00:00Z', quantity: 1 })).toMatchObject({ status: 403 });
    expect(await buyer.request('PUT', '/merchant/catalog/skus/kettle', sku)).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(await operator.request('PUT', '/merchant/catalog/skus/kettle', sku)).toMatchObject({ status: 403 });
    // The clerk can read the catalog it works with.
    expect((await clerk.expect(200, 'GET', '/merchant/catalog/skus')).items.find((s: any) => s.skuId === 'kettle')).toMatchObject({ unitPrice: 25_000 });

    // Another merchant's PUT only ever writes its own catalog.
    const rival = await newMerchant('rvl');
    await rival.client.expect(200, 'PUT', '/merchant/catalog/skus/kettle', sku);
    expect((await rival.client.expect(200, 'GET', '/merchant/catalog/skus')).items.map((s: any) => [s.skuId, s.unitPrice, s.merchantId])).toEqual([['kettle', 1, rival.merchantId]]);
    expect((await buyer.expect(201, 'POST', '/orders', orderOf([{ skuId: 'kettle', quantity: 1 }]))).payable).toBe(25_000);

    // With the grant the sub-account manages the catalog.
    await shop.expect(200, 'PUT', `/merchants/${merchantId}/sub-accounts/${sub.id}/permissions`, { permissions: ['VIEW_ORDERS', 'MANAGE_CATALOG'] });
    await waitUntil(async () => (await clerk.request('PUT', '/merchant/catalog/skus/kettle', { title: 'Kettle', unitPrice: 21_000, listed: true })).status === 200 || undefined, 'the grant to apply');
    expect((await buyer.expect(201, 'POST', '/orders', orderOf([{ skuId: 'kettle', quantity: 1 }]))).payable).toBe(21_000);
  });
});
