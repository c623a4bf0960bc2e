import { randomUUID } from 'node:crypto';
import { AfterSalesApproved, AfterSalesRequested, OrderPaid, OrderPlaced, OrderShipped, RefundCompleted, ReturnReceived, ReturnShipmentRegistered } from '@orderline/shared/contracts';
import { EmbeddedService } from '@orderline/shared/service-testing';
import { Principal } from '@orderline/shared/service-kit';
import { AfterSalesQueries } from './app/after-sales-queries';
import { AfterSalesRequests } from './app/after-sales-requests';
import { AfterSalesConfig } from './after-sales-config';
import { AFTER_SALES_SERVICE_NAME, AfterSalesServiceModule } from './after-sales-service.module';

// Handler tier: the after-sales service's real module on PGlite and the in-process bus, fed the
// order events it keeps facts from; no HTTP, no Kafka.
describe('after-sales handlers: return request → refund', () => {
  const merchantId = randomUUID();
  const buyerId = randomUUID();
  const merchant: Principal = { accountId: randomUUID(), role: 'MERCHANT', merchantId, accountKind: 'MAIN' };
  const buyer: Principal = { accountId: randomUUID(), role: 'BUYER', buyerId };
  let service: EmbeddedService;

  const shippedOrder = async () => {
    const orderId = randomUUID();
    const lines = [
      { lineId: randomUUID(), skuId: 'sku-kettle', title: 'kettle', unitPrice: 19_900, quantity: 2, lineTotal: 39_800 },
      { lineId: randomUUID(), skuId: 'sku-cup', title: 'cup', unitPrice: 1_500, quantity: 1, lineTotal: 1_500 },
    ];
    await service.publish(OrderPlaced, { orderId, merchantId, buyerId, paymentMethod: 'ONLINE', payable: 41_300, freight: 0, lines });
    await service.publish(OrderPaid, { orderId, buyerId, paymentMethod: 'ONLINE', amount: 41_300 });
    await service.publish(OrderShipped, { orderId, buyerId, shipmentId: `shp-${orderId.slice(0, 8)}`, shippedAmount: 41_300, freight: 0 });
    expect(await service.bus.drained(20_000)).toBe(true);
    return { orderId, lines };
  };

  beforeAll(async () => {
    service = await EmbeddedService.start({ name: AFTER_SALES_SERVICE_NAME, register: (options) => AfterSalesServiceModule.register(options), configClass: AfterSalesConfig });
  }, 60_000);

  afterAll(() => service?.stop());

  it('takes a return of one kettle through approval, the return parcel and its receipt to a refund of its price', async () => {
    const { orderId, lines } = await shippedOrder();
    const requests = service.get(AfterSalesRequests);
    const id = await requests.apply({ orderId, type: 'RETURN_AND_REFUND', lines: [{ lineId: lines[0].lineId, quantity: 1 }], reason: 'DEFECTIVE' }, buyer);
    await service.event(AfterSalesRequested, (payload) => payload.afterSalesId === id);

    await requests.approve(id, merchant);
    await service.event(AfterSalesApproved, (payload) => payload.afterSalesId === id);
    await requests.registerReturnShipment(id, { carrier: 'SF', waybillNo: 'SF12345678' }, buyer);
    await service.event(ReturnShipmentRegistered, (payload) => payload.afterSalesId === id);
    await requests.confirmReceipt(id, {}, merchant);
    await service.event(ReturnReceived, (payload) => payload.afterSalesId === id);

    const refund = await service.event(RefundCompleted, (payload) => payload.afterSalesId === id);
    expect(refund.payload).toMatchObject({ orderId, buyerId, paymentMethod: 'ONLINE', amount: 19_900, lines: [expect.objectContaining({ lineId: lines[0].lineId, quantity: 1 })] });
    expect(await service.get(AfterSalesQueries).get(id, buyer)).toMatchObject({ status: 'REFUNDED' });
  }, 60_000);

  it('refuses a second request for more than is left to return, and a step out of order', async () => {
    const { orderId, lines } = await shippedOrder();
    const requests = service.get(AfterSalesRequests);
    await expect(requests.apply({ orderId, type: 'RETURN_AND_REFUND', lines: [{ lineId: lines[1].lineId, quantity: 2 }], reason: 'DEFECTIVE' }, buyer)).rejects.toMatchObject({ code: 'QUANTITY_NOT_RETURNABLE', status: 409 });
    const id = await requests.apply({ orderId, type: 'RETURN_AND_REFUND', lines: [{ lineId: lines[1].lineId, quantity: 1 }], reason: 'DEFECTIVE' }, buyer);
    await expect(requests.confirmReceipt(id, {}, merchant)).rejects.toMatchObject({ status: 409 });
  }, 30_000);
});
