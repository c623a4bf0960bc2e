import { randomUUID } from 'node:crypto';
import { OrderPaid, OrderPlaced, ReceiptAutoConfirmed, ShipmentDelivered, ShipmentDispatched } from '@orderline/shared/contracts';
import { EmbeddedService } from '@orderline/shared/service-testing';
import { PLATFORM_CLOCK, Principal, SystemClock } from '@orderline/shared/service-kit';
import { ReceiptTimers } from './app/receipt-timers';
import { ShipmentChanges } from './app/shipment-changes';
import { ShipOrders } from './app/ship-orders';
import { LogisticsServiceConfig } from './logistics-config';
import { LOGISTICS_SERVICE_NAME, LogisticsServiceModule } from './logistics-service.module';

// Handler tier: the logistics service's real module on PGlite and the in-process bus, fed the
// order events it keeps a copy of; no HTTP, no Kafka.
describe('logistics handlers: outbound, delivery, receipt', () => {
  const merchantId = randomUUID();
  const merchant: Principal = { accountId: randomUUID(), role: 'MERCHANT', merchantId, accountKind: 'MAIN' };
  let service: EmbeddedService;

  const paidOrder = async () => {
    const orderId = randomUUID();
    const buyerId = randomUUID();
    const line = { lineId: randomUUID(), skuId: 'sku-kettle', title: 'kettle', unitPrice: 19_900, quantity: 1, lineTotal: 19_900 };
    const consigneeSealed = service.seal({ name: '张三', phone: '13812345678', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } });
    await service.publish(OrderPlaced, { orderId, merchantId, buyerId, paymentMethod: 'ONLINE', payable: 19_900, freight: 0, lines: [line], consigneeSealed });
    await service.publish(OrderPaid, { orderId, buyerId, paymentMethod: 'ONLINE', amount: 19_900 });
    expect(await service.bus.drained(20_000)).toBe(true);
    return orderId;
  };

  beforeAll(async () => {
    service = await EmbeddedService.start({ name: LOGISTICS_SERVICE_NAME, register: (options) => LogisticsServiceModule.register(options), configClass: LogisticsServiceConfig });
  }, 60_000);

  afterAll(() => service?.stop());

  it('ships a paid order with a third-party waybill, records its delivery, and auto-confirms receipt when the window passes', async () => {
    const orderId = await paidOrder();
    const waybillNo = `SF${Date.now()}`;
    const shipped = await service.get(ShipOrders).execute({ orderIds: [orderId], carrier: 'SF', waybillNo }, merchant);
    expect(shipped.results).toEqual([expect.objectContaining({ orderId, status: 'SHIPPED', waybillNo })]);
    const dispatched = await service.event(ShipmentDispatched, (payload) => payload.orderId === orderId);
    expect(dispatched.payload).toMatchObject({ carrier: 'SF', waybillNo, shipmentId: shipped.results[0].shipmentId });

    await service.get(ShipmentChanges).recordCarrierEvent({ eventId: `evt-${orderId}`, carrier: 'SF', waybillNo, status: 'DELIVERED', occurredAt: new Date().toISOString() });
    await service.event(ShipmentDelivered, (payload) => payload.orderId === orderId);

    // domain.md §3: receipt is confirmed automatically once the window after delivery passes.
    (service.get<SystemClock>(PLATFORM_CLOCK as never) as SystemClock).advanceBy(30 * 86_400_000);
    await service.get(ReceiptTimers).fireDue();
    expect((await service.event(ReceiptAutoConfirmed, (payload) => payload.orderId === orderId)).payload).toMatchObject({ shipmentId: dispatched.payload.shipmentId });
  }, 60_000);

  it('refuses to ship an order it has not seen paid', async () => {
    const orderId = randomUUID();
    const shipped = await service.get(ShipOrders).execute({ orderIds: [orderId], carrier: 'SF', waybillNo: 'SF000000001' }, merchant).catch((error) => error);
    expect(shipped).toMatchObject({ status: expect.any(Number) });
    expect(shipped.status).toBeGreaterThanOrEqual(400);
    expect(shipped.status).toBeLessThan(500);
    expect(service.published(ShipmentDispatched).some((envelope) => envelope.payload.orderId === orderId)).toBe(false);
  }, 30_000);
});
