import { Injectable } from '@nestjs/common';
import {
  AfterSalesApproved,
  AfterSalesRejected,
  AfterSalesRequested,
  AfterSalesRequestedPayload,
  EventEnvelope,
  RefundCompleted,
  RefundCompletedPayload,
  ReplacementReceived,
  ReplacementShipped,
  ReturnReceived,
  ReturnShipmentRegistered,
} from '@orderline/shared/contracts';
import { EventHandlerBinding, onEvent, TransactionScope } from '@orderline/shared/messaging';
import { moveAfterSalesStatus, recordAfterSalesRequest, recordRefund } from '../infra/order-after-sales.repository';
import { addRefundedAmount } from '../infra/order.repository';

/**
 * After-sales shown on the order (domain.md §1.10 "after-sales link", §3): every request of an
 * order with its type and latest state, and each `RefundCompleted` recorded once by its refund
 * id, adding to the order's refunded amount. The order's status does not move: after-sales
 * hangs off a shipped order in any state (§1.2).
 */
@Injectable()
export class ApplyAfterSalesEvents {
  bindings(): EventHandlerBinding[] {
    return [
      onEvent(AfterSalesRequested, (event, scope) => this.requested(event, scope)),
      onEvent(AfterSalesApproved, (event, scope) => this.moved(scope, event.payload.afterSalesId, 'APPROVED', event.occurredAt)),
      onEvent(AfterSalesRejected, (event, scope) => this.moved(scope, event.payload.afterSalesId, 'REJECTED', event.occurredAt)),
      onEvent(ReturnShipmentRegistered, (event, scope) => this.moved(scope, event.payload.afterSalesId, 'RETURN_IN_TRANSIT', event.occurredAt)),
      onEvent(ReturnReceived, (event, scope) => this.moved(scope, event.payload.afterSalesId, event.payload.condition === 'OK' ? 'RETURN_RECEIVED' : 'RETURN_DISPUTED', event.occurredAt)),
      onEvent(RefundCompleted, (event, scope) => this.refunded(event, scope)),
      // An exchange goes on in logistics after the goods came back (issue 18 item 2): the order shows where it stands.
      onEvent(ReplacementShipped, (event, scope) => this.moved(scope, event.payload.afterSalesId, 'REPLACEMENT_SHIPPED', event.occurredAt)),
      onEvent(ReplacementReceived, (event, scope) => this.moved(scope, event.payload.afterSalesId, 'EXCHANGED', event.occurredAt)),
    ];
  }

  async requested(event: EventEnvelope<AfterSalesRequestedPayload>, scope: TransactionScope): Promise<void> {
    const request = event.payload;
    await recordAfterSalesRequest(scope.manager, { afterSalesId: request.afterSalesId, orderId: request.orderId, type: request.type, lines: request.lines, requestedAt: event.occurredAt });
  }

  private async moved(scope: TransactionScope, afterSalesId: string, status: string, at: string): Promise<void> {
    await moveAfterSalesStatus(scope.manager, afterSalesId, status, at);
  }

  async refunded(event: EventEnvelope<RefundCompletedPayload>, scope: TransactionScope): Promise<void> {
    const refund = event.payload;
    const recorded = await recordRefund(scope.manager, { refundId: refund.refundId, orderId: refund.orderId, afterSalesId: refund.afterSalesId ?? null, amount: refund.amount, lines: refund.lines, refundedAt: event.occurredAt });
    if (!recorded) return; // a replay, or an order this service never had
    await addRefundedAmount(scope.manager, refund.orderId, refund.amount);
    if (refund.afterSalesId) await this.moved(scope, refund.afterSalesId, 'REFUNDED', event.occurredAt);
  }
}
