import { randomUUID } from 'node:crypto';
import { ShipmentDelivered } from '@orderline/shared/contracts';
import { EventPublisher } from './event-publisher';
import { answerOrConnectionLoss, GatewayClient } from './gateway-client';
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

/**
 * Drives the return of one unit of a line through every step (apply → approve → return waybill
 * → receipt) while services die and come back. A failed answer (5xx, a dead server, or a 409/404
 * after a step that may have committed before the service died) is resolved by `recover` (wait
 * a moment, or for the platform to be back) and then reading where the request stands.
 * Returns the after-sales id once the refund is granted (REFUND_PENDING or REFUNDED).
 */
export async function returnThroughFailures(buyer: GatewayClient, merchant: GatewayClient, orderId: string, lineId: string, recover: () => Promise<unknown>): Promise<string> {
  let id: string | undefined;
  let status = 'NONE';
  for (let attempt = 0; attempt < 2_000; attempt++) {
    if (status === 'REFUND_PENDING' || status === 'REFUNDED') return id!;
    const answer = await answerOrConnectionLoss(() => {
      if (!id) return buyer.request('POST', '/after-sales', { orderId, type: 'RETURN_AND_REFUND', lines: [{ lineId, quantity: 1 }], reason: 'DEFECTIVE' });
      if (status === 'REQUESTED') return merchant.request('POST', `/merchant/after-sales/${id}/approve`);
      if (status === 'APPROVED') return buyer.request('POST', `/after-sales/${id}/return-shipment`, { carrier: 'SF', waybillNo: `SFR${orderId.slice(0, 8)}` });
      if (status === 'RETURN_IN_TRANSIT') return merchant.request('POST', `/merchant/after-sales/${id}/confirm-receipt`, {});
      throw new Error(`return ${id} reached ${status}`);
    });
    if (answer.status >= 200 && answer.status < 300) {
      id = answer.body.id;
      status = answer.body.status;
      continue;
    }
    if (answer.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, 1_000 * (answer.body.retryAfterSeconds ?? 1)));
      continue;
    }
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 409 && answer.status !== 404) throw new Error(`return of ${orderId}/${lineId}: ${answer.status} ${JSON.stringify(answer.body)}`);
    await recover();
    // The step may have committed before the service died: read where the request stands.
    const listed = await answerOrConnectionLoss(() => buyer.request('GET', `/after-sales?orderId=${orderId}&limit=10`));
    if (listed.status !== 200) continue;
    const mine = listed.body.items.find((r: any) => r.lines[0].lineId === lineId && r.status !== 'REJECTED');
    if (mine) {
      id = mine.id;
      status = mine.status;
    }
  }
  throw new Error(`return of ${orderId}/${lineId} did not finish`);
}
