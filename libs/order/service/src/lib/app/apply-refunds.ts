import { Injectable } from '@nestjs/common';
import { EventEnvelope, RefundCompleted, RefundCompletedPayload } from '@orderline/shared/contracts';
import { EventHandlerBinding, onEvent, TransactionScope } from '@orderline/shared/messaging';

/**
 * After-sales refunds shown on the order (domain.md §1.10 "after-sales link", §3): each
 * `RefundCompleted` is recorded once by its refund id and adds to the order's refunded amount.
 * The order's status does not move: after-sales hangs off a shipped order in any state.
 */
@Injectable()
export class ApplyRefunds {
  bindings(): EventHandlerBinding[] {
    return [onEvent(RefundCompleted, (event, scope) => this.refunded(event, scope))];
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
  }
}
