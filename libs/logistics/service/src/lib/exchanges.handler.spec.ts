import { randomUUID } from 'node:crypto';
import { OrderCompleted, OrderPaid, OrderPlaced, ReplacementReceived, ReplacementRequested, ReplacementShipped, ReturnParcelTracked, ReturnShipmentRegistered, ShipmentDelivered, ShipmentDispatched } from '@orderline/shared/contracts';
import { EmbeddedService } from '@orderline/shared/service-testing';
import { PLATFORM_CLOCK, Principal, SystemClock } from '@orderline/shared/service-kit';
import { Exchanges } from './app/exchanges';
import { ReceiptTimers } from './app/receipt-timers';
import { ShipmentChanges } from './app/shipment-changes';
import { ShipOrders } from './app/ship-orders';
import { LogisticsServiceConfig } from './logistics-config';
import { LOGISTICS_SERVICE_NAME, LogisticsServiceModule } from './logistics-service.module';

// Handler tier (issue 18 item 2): the logistics module on PGlite and the in-process bus, fed
// after-sales' ReplacementRequested and ReturnShipmentRegistered; no HTTP, no Kafka.
describe('logistics handlers: exchanges\' replacements and return parcels', () => {
  const merchantId = randomUUID();
  const buyerId = randomUUID();
  const merchant: Principal = { accountId: randomUUID(), role: 'MERCHANT', merchantId, accountKind: 'MAIN' };
  let service: EmbeddedService;
  let serial = 0;
  const sfWaybill = () => `SF${String(Date.now()).slice(-9)}${String(++serial).padStart(4, '0')}`;

  /** A paid order shipped with SF, as logistics knows it. */
  const shippedOrder = async () => {
    const orderId = randomUUID();
    const line = { lineId: randomUUID(), skuId: 'sku-boots', title: 'boots', unitPrice: 29_900, quantity: 2, lineTotal: 59_800 };
    const consigneeSealed = service.seal({ name: '张三', phone: '13812345678', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } });
    await service.publish(OrderPlaced, { orderId, merchantId, buyerId, paymentMethod: 'ONLINE', payable: 59_800, freight: 0, lines: [line], consigneeSealed });
    await service.publish(OrderPaid, { orderId, buyerId, paymentMethod: 'ONLINE', amount: 59_800 });
    expect(await service.bus.drained(20_000)).toBe(true);
    await service.get(ShipOrders).execute({ orderIds: [orderId], carrier: 'SF', waybillNo: sfWaybill() }, merchant);
    return { orderId, lineId: line.lineId };
  };

  beforeAll(async () => {
    service = await EmbeddedService.start({ name: LOGISTICS_SERVICE_NAME, register: (options) => LogisticsServiceModule.register(options), configClass: LogisticsServiceConfig });
  }, 60_000);

  afterAll(() => service?.stop());

  it('lists a replacement once however often it is requested, ships it without telling the order service, and receives it by the §2.4 timer even after the order completed', async () => {
    const { orderId, lineId } = await shippedOrder();
    const afterSalesId = randomUUID();
    const requested = { afterSalesId, orderId, merchantId, buyerId, lines: [{ lineId, quantity: 1 }] };
    await service.publish(ReplacementRequested, requested);
    await service.publish(ReplacementRequested, requested);
    expect(await service.bus.drained(20_000)).toBe(true);
    const waiting = (await service.get(Exchanges).list({ status: 'WAITING_OUTBOUND' }, merchant)).items.filter((item) => item.afterSalesId === afterSalesId);
    expect(waiting).toEqual([expect.objectContaining({ orderId, lines: [{ lineId, skuId: 'sku-boots', title: 'boots', quantity: 1 }] })]);

    const waybillNo = sfWaybill();
    const shipped = await service.get(Exchanges).ship(afterSalesId, { carrier: 'SF', waybillNo }, merchant);
    expect(shipped).toMatchObject({ status: 'SHIPPED', shipment: { carrier: 'SF', waybillNo } });
    expect((await service.event(ReplacementShipped, (payload) => payload.afterSalesId === afterSalesId)).payload).toMatchObject({ orderId, waybillNo, shipmentId: shipped.shipment?.id });
    expect(service.published(ShipmentDispatched).filter((envelope) => envelope.payload.orderId === orderId)).toHaveLength(1);

    // The order completing closes the order's own parcel timer, not the replacement's.
    await service.publish(OrderCompleted, { orderId, merchantId, buyerId });
    await service.get(ShipmentChanges).recordCarrierEvent({ eventId: `evt-${afterSalesId}`, carrier: 'SF', waybillNo, status: 'DELIVERED', occurredAt: new Date().toISOString() });
    expect(await service.bus.drained(20_000)).toBe(true);
    expect(service.published(ShipmentDelivered).some((envelope) => envelope.payload.shipmentId === shipped.shipment?.id)).toBe(false);

    (service.get<SystemClock>(PLATFORM_CLOCK as never) as SystemClock).advanceBy(4 * 86_400_000);
    await service.get(ReceiptTimers).fireDue();
    expect((await service.event(ReplacementReceived, (payload) => payload.afterSalesId === afterSalesId)).payload).toMatchObject({ orderId, receivedBy: 'AUTO_CONFIRMED' });
    await expect(service.get(Exchanges).ship(afterSalesId, { carrier: 'JD_LOGISTICS' }, merchant)).rejects.toMatchObject({ code: 'REPLACEMENT_ALREADY_SHIPPED' });
  }, 60_000);

  it('tracks a return parcel, follows the buyer\'s corrected waybill, and leaves untracked a number another parcel carries', async () => {
    const { orderId } = await shippedOrder();
    const afterSalesId = randomUUID();
    const first = sfWaybill();
    const corrected = sfWaybill();
    await service.publish(ReturnShipmentRegistered, { afterSalesId, orderId, merchantId, carrier: 'SF', waybillNo: first, pickup: false });
    await service.publish(ReturnShipmentRegistered, { afterSalesId, orderId, merchantId, carrier: 'SF', waybillNo: corrected, pickup: false });
    expect(await service.bus.drained(20_000)).toBe(true);
    await expect(service.get(ShipmentChanges).recordCarrierEvent({ eventId: `evt-old-${afterSalesId}`, carrier: 'SF', waybillNo: first, status: 'IN_TRANSIT', occurredAt: new Date().toISOString() })).rejects.toMatchObject({ code: 'UNKNOWN_WAYBILL' });
    await service.get(ShipmentChanges).recordCarrierEvent({ eventId: `evt-new-${afterSalesId}`, carrier: 'SF', waybillNo: corrected, status: 'IN_TRANSIT', occurredAt: new Date().toISOString(), location: '深圳' });
    expect((await service.event(ReturnParcelTracked, (payload) => payload.afterSalesId === afterSalesId)).payload).toMatchObject({ orderId, carrier: 'SF', waybillNo: corrected, status: 'IN_TRANSIT', location: '深圳' });

    // A return waybill another parcel of the carrier already carries cannot be told apart on the feed: not tracked.
    const other = randomUUID();
    await service.publish(ReturnShipmentRegistered, { afterSalesId: other, orderId, merchantId, carrier: 'SF', waybillNo: corrected, pickup: false });
    expect(await service.bus.drained(20_000)).toBe(true);
    const untracked = await service.get(Exchanges).returnParcelsWithoutTracking(0, merchant);
    expect(untracked.items.map((item) => item.afterSalesId)).not.toContain(other);
    expect(untracked.items.map((item) => item.afterSalesId)).not.toContain(afterSalesId);
  }, 60_000);
});
