import { randomUUID } from 'node:crypto';
import { answerOf, type PathResponse } from '@orderline/shared/api-client';
import { ShipmentDelivered } from '@orderline/shared/contracts';
import { EventPublisher } from './event-publisher';
import { answerOrConnectionLoss, GatewayClient } from './gateway-client';
import { waitUntil } from './infrastructure';

/** A merchant with a logged-in main account. */
export async function merchantAccount(gateway: GatewayClient, operator: GatewayClient): Promise<{ id: string; client: GatewayClient }> {
  const username = `as-${randomUUID().slice(0, 8)}`;
  const merchant = await answerOf(operator.api.POST('/api/v1/merchants', { body: { name: `After-sales shop ${username}`, mainAccount: { username, password: 'merchant-password', phone: '13900000000' } } }), 201);
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
export async function shipOrder(merchant: GatewayClient, buyer: GatewayClient, orderId: string) {
  await answerOf(merchant.api.POST('/api/v1/merchant/shipments', { body: { orderIds: [orderId], carrier: 'SF', waybillNo: nextSfWaybillNo() } }), 201);
  const refundable = await refundableOf(buyer, orderId);
  if (refundable.status !== 'SHIPPED') throw new Error(`after-sales answered ${refundable.status} right after ${orderId} shipped`);
  return refundable;
}

/** What after-sales knows of an order: shipped, delivered, what is refundable. */
export async function refundableOf(buyer: GatewayClient, orderId: string) {
  return answerOf(buyer.api.GET('/api/v1/after-sales/refundable', { params: { query: { orderId } } }), 200);
}

/** The carrier reports delivery (third-party carrier: the order becomes DELIVERED). */
export async function deliverOrder(publisher: EventPublisher, buyer: GatewayClient, orderId: string): Promise<void> {
  await publisher.publish(ShipmentDelivered, { shipmentId: `shp-${orderId.slice(0, 8)}`, orderId, carrierKind: 'THIRD_PARTY' }, 'logistics-service');
  await waitUntil(async () => {
    const refundable = await refundableOf(buyer, orderId);
    return refundable.delivered ? true : undefined;
  }, `after-sales to see ${orderId} delivered`);
}

/** Return and refund through every step: apply → approve → return waybill → receipt. */
export async function returnAndRefund(buyer: GatewayClient, merchant: GatewayClient, orderId: string, lines: Array<{ lineId: string; quantity: number }>) {
  const applied = await answerOf(buyer.api.POST('/api/v1/after-sales', { body: { orderId, type: 'RETURN_AND_REFUND', lines, reason: 'DEFECTIVE', evidence: ['img://evidence/1.jpg'] } }), 201);
  const request = { params: { path: { id: applied.id } } };
  await answerOf(merchant.api.POST('/api/v1/merchant/after-sales/{id}/approve', request), 200);
  await answerOf(buyer.api.POST('/api/v1/after-sales/{id}/return-shipment', { ...request, body: { carrier: 'SF', waybillNo: `SFR${Date.now()}` } }), 200);
  return answerOf(merchant.api.POST('/api/v1/merchant/after-sales/{id}/confirm-receipt', { ...request, body: {} }), 200);
}

/** Waits until the request is REFUNDED (ONLINE settles asynchronously) and returns it. */
export async function refunded(buyer: GatewayClient, afterSalesId: string) {
  return waitUntil(async () => {
    const request = await answerOf(buyer.api.GET('/api/v1/after-sales/{id}', { params: { path: { id: afterSalesId } } }), 200);
    // A REFUNDED request carries its refund: the type says so from here on.
    return request.status === 'REFUNDED' && request.refund ? { ...request, refund: request.refund } : undefined;
  }, `after-sales ${afterSalesId} to be refunded`);
}

/** A loan as its buyer reads it. */
export type LoanView = PathResponse<'/api/v1/credit/loans', 'get'>[number];

export async function loanOf(buyer: GatewayClient, orderId: string, ready: (loan: LoanView) => boolean = () => true, timeoutMs = 30_000): Promise<LoanView> {
  return waitUntil(async () => {
    const [loan] = await answerOf(buyer.api.GET('/api/v1/credit/loans', { params: { query: { orderId } } }), 200);
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
