import { Injectable } from '@nestjs/common';
import {
  AfterSalesApproved,
  AfterSalesRejected,
  AfterSalesRequested,
  AfterSalesRequestedPayload,
  EventEnvelope,
  RefundCompleted,
  RefundCompletedPayload,
  ReturnReceived,
  ReturnShipmentRegistered,
} from '@orderline/shared/contracts';
import { EventHandlerBinding, onEvent, TransactionScope } from '@orderline/shared/messaging';

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
    ];
  }

  async requested(event: EventEnvelope<AfterSalesRequestedPayload>, scope: TransactionScope): Promise<void> {
    const request = event.payload;
    await scope.manager.query(
      `INSERT INTO order_after_sales (after_sales_id, order_id, type, status, lines, requested_at, updated_at)
       SELECT $1, id, $3, 'REQUESTED', $4, $5, $5 FROM customer_order WHERE id = $2
       ON CONFLICT (after_sales_id) DO NOTHING`,
      [request.afterSalesId, request.orderId, request.type, JSON.stringify(request.lines), event.occurredAt],
    );
  }

  /** Later states only move forward in time: an older event never overwrites a newer state. */
  private async moved(scope: TransactionScope, afterSalesId: string, status: string, at: string): Promise<void> {
    await scope.manager.query(`UPDATE order_after_sales SET status = $2, updated_at = $3 WHERE after_sales_id = $1 AND updated_at <= $3`, [afterSalesId, status, at]);
  }

  async refunded(event: EventEnvelope<RefundCompletedPayload>, scope: TransactionScope): Promise<void> {
    const refund = event.payload;
    const inserted = await scope.manager.query(
      `INSERT INTO order_refund (refund_id, order_id, after_sales_id, amount, lines, refunded_at)
       SELECT $1, id, $3, $4, $5, $6 FROM customer_order WHERE id = $2
       ON CONFLICT (refund_id) DO NOTHING RETURNING refund_id`,
      [refund.refundId, refund.orderId, refund.afterSalesId ?? null, refund.amount, JSON.stringify(refund.lines), event.occurredAt],
    );
    const rows = Array.isArray(inserted[0]) ? inserted[0] : inserted;
    if (rows.length === 0) return; // a replay, or an order this service never had
    await scope.manager.query(`UPDATE customer_order SET refunded_amount = refunded_amount + $2 WHERE id = $1`, [refund.orderId, refund.amount]);
    if (refund.afterSalesId) await this.moved(scope, refund.afterSalesId, 'REFUNDED', event.occurredAt);
  }
}
