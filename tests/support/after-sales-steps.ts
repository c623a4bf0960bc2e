import { randomUUID } from 'node:crypto';
import { ShipmentDelivered } from '@orderline/shared/contracts';
import { EventPublisher } from './event-publisher';
import { GatewayClient } from './gateway-client';
import { waitUntil } from './infrastructure';

/** A merchant with a logged-in main account. */
export async function merchantAccount(gateway: GatewayClient, operator: GatewayClient): Promise<{ id: string; client: GatewayClient }> {
  const username = `as-${randomUUID().slice(0, 8)}`;
  const merchant = await operator.expect<{ id: string }>(201, 'POST', '/merchants', { name: `After-sales shop ${username}`, mainAccount: { username, password: 'merchant-password', phone: '13900000000' } });
  return { id: merchant.id, client: await gateway.login(username, 'merchant-password') };
}

let waybills = 0;

/** A fresh SF waybill number in SF's format (SF + 13 digits), unique within and across test processes. */
export function nextSfWaybillNo(): string {
  return `SF${String(Date.now()).slice(-8)}${String(process.pid % 10)}${String(++waybills % 10_000).padStart(4, '0')}`;
}

/**
 * The merchant ships the order through the logistics service (`POST /merchant/shipments`,
 * carrier SF with a checked waybill number) and reads what is refundable at once: after-sales
 * asks logistics when its copy has not heard of the shipment yet (read-your-writes), so no retry.
 */
export async function shipOrder(merchant: GatewayClient, buyer: GatewayClient, orderId: string): Promise<any> {
  await merchant.expect(201, 'POST', '/merchant/shipments', { orderIds: [orderId], carrier: 'SF', waybillNo: nextSfWaybillNo() });
  const refundable = await buyer.expect(200, 'GET', `/after-sales/refundable?orderId=${orderId}`);
  if (refundable.status !== 'SHIPPED') throw new Error(`after-sales answered ${refundable.status} right after ${orderId} shipped`);
  return refundable;
}

/** The carrier reports delivery (third-party carrier: the order becomes DELIVERED). */
export async function deliverOrder(publisher: EventPublisher, buyer: GatewayClient, orderId: string): Promise<void> {
  await publisher.publish(ShipmentDelivered, { shipmentId: `shp-${orderId.slice(0, 8)}`, orderId, carrierKind: 'THIRD_PARTY' }, 'logistics-service');
  await waitUntil(async () => {
    const result = await buyer.request('GET', `/after-sales/refundable?orderId=${orderId}`);
    return result.status === 200 && result.body.delivered ? true : undefined;
  }, `after-sales to see ${orderId} delivered`);
}

/** Return and refund through every step: apply → approve → return waybill → receipt. */
export async function returnAndRefund(buyer: GatewayClient, merchant: GatewayClient, orderId: string, lines: Array<{ lineId: string; quantity: number }>): Promise<any> {
  const applied = await buyer.expect(201, 'POST', '/after-sales', { orderId, type: 'RETURN_AND_REFUND', lines, reason: 'DEFECTIVE', evidence: ['img://evidence/1.jpg'] });
  await merchant.expect(200, 'POST', `/merchant/after-sales/${applied.id}/approve`);
  await buyer.expect(200, 'POST', `/after-sales/${applied.id}/return-shipment`, { carrier: 'SF', waybillNo: `SFR${Date.now()}` });
  return merchant.expect(200, 'POST', `/merchant/after-sales/${applied.id}/confirm-receipt`, {});
}

/** Waits until the request is REFUNDED (ONLINE settles asynchronously) and returns it. */
export async function refunded(buyer: GatewayClient, afterSalesId: string): Promise<any> {
  return waitUntil(async () => {
    const request = await buyer.expect(200, 'GET', `/after-sales/${afterSalesId}`);
    return request.status === 'REFUNDED' ? request : undefined;
  }, `after-sales ${afterSalesId} to be refunded`);
}

export async function loanOf(buyer: GatewayClient, orderId: string, ready: (loan: any) => boolean = () => true, timeoutMs = 30_000): Promise<any> {
  return waitUntil(async () => {
    const [loan] = await buyer.expect(200, 'GET', `/credit/loans?orderId=${orderId}`);
    return loan && ready(loan) ? loan : undefined;
  }, `the loan of ${orderId}`, timeoutMs);
}
