import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { CreditHoldPlaced, OrderCancelled, OrderPaid, OrderPaused, OrderPlaced, OrderResumed, OrderShipped, ShipmentDispatched } from '@orderline/shared/contracts';
import { familyValues } from '@orderline/shared/metrics';
import { EmbeddedService, eventually } from '@orderline/shared/service-testing';
import { Principal } from '@orderline/shared/service-kit';
import { CancelOrder } from './app/cancel-order';
import { GetOrder } from './app/get-order';
import { MerchantCatalog } from './app/merchant-catalog';
import { MerchantOperations } from './app/merchant-operations';
import { OrderPayments } from './app/order-payments';
import { PlaceOrder } from './app/place-order';
import { PlacementPacing } from './app/placement-pacing';
import { OrderServiceConfig } from './order-service-config';
import { ORDER_SERVICE_NAME, OrderServiceModule } from './order-service.module';

/** Marks a pool client whose statements `statementsOf` sees, and the statements of the work it watches. */
const watched = Symbol('watched');
const watch = new AsyncLocalStorage<string[]>();

// Handler tier: the order service's real module on PGlite and the in-process bus, no HTTP, no Kafka.
describe('order service handlers: place, pay, pause, ship, cancel', () => {
  const merchantId = randomUUID();
  const merchant: Principal = { accountId: randomUUID(), role: 'MERCHANT', merchantId, accountKind: 'MAIN' };
  const buyer: Principal = { accountId: randomUUID(), role: 'BUYER', buyerId: randomUUID() };
  const operator: Principal = { accountId: randomUUID(), role: 'OPERATOR' };
  const consignee = { name: '张三', phone: '13812345678', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } };
  let service: EmbeddedService;

  const statusOf = async (orderId: string) => (await service.get(GetOrder).execute(orderId, buyer)).status;
  const placement = () => service.get(PlaceOrder).execute({ merchantId, items: [{ skuId: 'sku-kettle', quantity: 2 }], consignee, paymentMethod: 'ONLINE' }, buyer);
  const place = async () => (await placement()).orderId;

  beforeAll(async () => {
    service = await EmbeddedService.start({ name: ORDER_SERVICE_NAME, register: (options) => OrderServiceModule.register(options), configClass: OrderServiceConfig });
    await service.get(MerchantCatalog).putSku('sku-kettle', { title: 'Electric kettle 1.7 L', unitPrice: 19_900, listed: true }, merchant);
  }, 60_000);

  afterAll(() => service?.stop());

  /** The statements `work` sends to the service's database (not the relay's or the timers', which run beside it). */
  async function statementsOf<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const statements: string[] = [];
    const pool = (service.get(DataSource).driver as PostgresDriver).master as Pool;
    const listen = (client: PoolClient & { [watched]?: true }) => {
      if (client[watched]) return;
      client[watched] = true;
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      client.query = ((...args: unknown[]) => {
        const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text: string }).text;
        watch.getStore()?.push(text.trim());
        return query(...args);
      }) as never;
    };
    pool.on('acquire', listen);
    try {
      const result = await watch.run(statements, work);
      return { result, statements };
    } finally {
      pool.off('acquire', listen);
    }
  }

  it('answers a placement from what its transaction wrote, exactly as the order reads back', async () => {
    const placed = await placement();
    expect(placed.written).toBeDefined();
    const answer = await service.get(GetOrder).answerToPlacement(placed, buyer);
    expect(answer).toEqual(await service.get(GetOrder).execute(placed.orderId, buyer));
    expect(answer).toMatchObject({ status: 'UNPAID', refundedAmount: 0, pauseReleases: [], history: [{ from: null, to: 'UNPAID', reason: 'PLACED' }], lines: [{ skuId: 'sku-kettle', quantity: 2 }] });
  });

  it('writes a placement that takes no stock and redeems no coupon with one statement and no transaction; one that takes stock in a transaction (issue 19)', async () => {
    const untracked = await statementsOf(placement);
    // The catalog read (before the unit of work) and the one write of the order, its lines, history and events.
    expect(untracked.statements).toEqual([expect.stringContaining('JOIN catalog_sku'), expect.stringMatching(/^WITH write_0 AS \(INSERT INTO "customer_order"/)]);
    const answer = await service.get(GetOrder).answerToPlacement(untracked.result, buyer);
    expect(answer).toEqual(await service.get(GetOrder).execute(untracked.result.orderId, buyer));
    await service.event(OrderPlaced, (payload) => payload.orderId === untracked.result.orderId);

    // A tracked SKU's stock is taken in the order's transaction: the order's row is written before it.
    await service.get(MerchantCatalog).putSku('sku-kettle-tracked', { title: 'Electric kettle 1.7 L (tracked)', unitPrice: 19_900, listed: true, stock: 5 }, merchant);
    const tracked = await statementsOf(() => service.get(PlaceOrder).execute({ merchantId, items: [{ skuId: 'sku-kettle-tracked', quantity: 2 }], consignee, paymentMethod: 'ONLINE' }, buyer));
    expect(tracked.statements).toEqual([
      expect.stringContaining('JOIN catalog_sku'),
      'START TRANSACTION',
      expect.stringMatching(/^INSERT INTO "customer_order"/),
      expect.stringMatching(/^UPDATE catalog_sku SET stock/),
      expect.stringMatching(/^INSERT INTO order_stock_taken/),
      expect.stringMatching(/^WITH write_0 AS \(INSERT INTO "order_line"/),
      'COMMIT',
    ]);
    expect(await service.get(GetOrder).answerToPlacement(tracked.result, buyer)).toEqual(await service.get(GetOrder).execute(tracked.result.orderId, buyer));
  });

  it('places an order priced from the catalog, takes its payment, pauses and releases it, and ships it when logistics dispatches', async () => {
    const orderId = await place();
    expect(await statusOf(orderId)).toBe('UNPAID');
    const placed = await service.event(OrderPlaced, (payload) => payload.orderId === orderId);
    expect(placed.payload).toMatchObject({ merchantId, buyerId: buyer.buyerId, paymentMethod: 'ONLINE', lines: [{ skuId: 'sku-kettle', quantity: 2, unitPrice: 19_900, lineTotal: 39_800 }] });

    await service.get(OrderPayments).pay(orderId, buyer);
    expect(await statusOf(orderId)).toBe('WAITING_OUTBOUND');
    expect((await service.event(OrderPaid, (payload) => payload.orderId === orderId)).payload.amount).toBe(placed.payload.payable);

    await service.get(MerchantOperations).pause(orderId, { reason: 'OUT_OF_STOCK' }, merchant);
    expect(await statusOf(orderId)).toBe('PAUSED');
    await service.event(OrderPaused, (payload) => payload.orderId === orderId && payload.reason === 'OUT_OF_STOCK');
    expect(await service.get(MerchantOperations).stockArrived({ merchantId }, operator)).toMatchObject({ released: 1 });
    expect(await statusOf(orderId)).toBe('WAITING_OUTBOUND');
    await service.event(OrderResumed, (payload) => payload.orderId === orderId);

    await service.publish(ShipmentDispatched, { shipmentId: `shp-${orderId.slice(0, 8)}`, orderId, carrier: 'JD_LOGISTICS', waybillNo: 'JD0001' });
    await eventually(async () => (await statusOf(orderId)) === 'SHIPPED', 'the order to be SHIPPED');
    await service.event(OrderShipped, (payload) => payload.orderId === orderId);
  }, 60_000);

  it('cancels an unpaid order for its buyer, and refuses to cancel it twice', async () => {
    const orderId = await place();
    await service.get(CancelOrder).execute(orderId, 'NO_LONGER_WANTED', buyer);
    expect(await statusOf(orderId)).toBe('CANCELLED');
    expect((await service.event(OrderCancelled, (payload) => payload.orderId === orderId)).payload).toMatchObject({ orderId });
    await expect(service.get(CancelOrder).execute(orderId, 'NO_LONGER_WANTED', buyer)).rejects.toMatchObject({ status: 409 });
  }, 30_000);
});

describe('order service handlers: placement pacing (PLACEMENT_PACING_LAG_MS set)', () => {
  const merchantId = randomUUID();
  const merchant: Principal = { accountId: randomUUID(), role: 'MERCHANT', merchantId, accountKind: 'MAIN' };
  const buyer: Principal = { accountId: randomUUID(), role: 'BUYER', buyerId: randomUUID() };
  const consignee = { name: '张三', phone: '13812345678', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } };
  let service: EmbeddedService;

  beforeAll(async () => {
    service = await EmbeddedService.start({
      name: ORDER_SERVICE_NAME,
      register: (options) => OrderServiceModule.register(options),
      configClass: OrderServiceConfig,
      // A target of 1 ms: any decision that is not instantaneous is late.
      env: { PLACEMENT_PACING_LAG_MS: '1', PLACEMENT_PACING_MAX_DELAY_MS: '30000' },
    });
    await service.get(MerchantCatalog).putSku('sku-kettle', { title: 'Electric kettle 1.7 L', unitPrice: 19_900, listed: true }, merchant);
  }, 60_000);

  afterAll(() => service?.stop());

  it('measures the lag from a CREDIT placement to its credit decision as the order service applies it', async () => {
    const pacing = service.get(PlacementPacing);
    const { orderId } = await service.get(PlaceOrder).execute({ merchantId, items: [{ skuId: 'sku-kettle', quantity: 1 }], consignee, paymentMethod: 'CREDIT', credit: { plan: 'INSTALLMENT', periods: 6 } }, buyer);
    expect(pacing.state.awaiting).toBe(1);
    // Credit-billing decides 50 ms or more after the placement.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await service.publish(CreditHoldPlaced, { holdId: randomUUID(), orderId, creditAccountId: randomUUID(), amount: 19_900, availableAfter: 0 });
    await eventually(async () => (await service.get(GetOrder).execute(orderId, buyer)).status === 'WAITING_OUTBOUND', 'the order to be held');
    expect(pacing.state.awaiting).toBe(0);
    // The sample placement-pacing.spec.ts turns into a wait (not asserted here: it lapses a second after the decision).
    expect(pacing.state.smoothedLagMs).toBeGreaterThanOrEqual(50);
    // ... and the operator's histogram of the buyer's wait for a decision counts it.
    const counts = await familyValues('orderline_credit_decision_seconds');
    expect(counts.find((sample) => sample.metricName === 'orderline_credit_decision_seconds_count' && sample.labels.decision === 'hold_placed')?.value).toBe(1);
  }, 60_000);
});
