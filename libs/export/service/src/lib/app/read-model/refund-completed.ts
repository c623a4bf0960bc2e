import { RefundCompleted } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';

/** Refunded amount per order and quantity per line; kept even when the order is not known yet. */
export const refundCompleted = onEvent(RefundCompleted, async (event, scope) => {
  const p = event.payload;
  // An order's refunds may be applied by another partition's consumer at the same moment.
  await scope.manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`export-order:${p.orderId}`]);
  const inserted: unknown[] = await scope.manager.query(
    `INSERT INTO export_refund (refund_id, order_id, amount, after_sales_id, lines, completed_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (refund_id) DO NOTHING RETURNING refund_id`,
    [p.refundId, p.orderId, p.amount, p.afterSalesId ?? null, JSON.stringify(p.lines), event.occurredAt],
  );
  if (inserted.length === 0) return;
  await scope.manager.query(`UPDATE export_order SET refunded_amount = refunded_amount + $2, updated_at = GREATEST(updated_at, $3::timestamptz) WHERE order_id = $1`, [p.orderId, p.amount, event.occurredAt]);
  for (const line of p.lines) {
    await scope.manager.query(`UPDATE export_order_line SET refunded_quantity = refunded_quantity + $2 WHERE line_id = $1`, [line.lineId, line.quantity]);
  }
}, { lockKey: (event) => `export-order:${event.payload.orderId}` });
