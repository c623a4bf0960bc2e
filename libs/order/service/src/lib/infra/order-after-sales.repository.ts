import { EntityManager } from 'typeorm';
import type { AfterSalesRequestType } from '@orderline/shared/contracts';

/**
 * After-sales as the order keeps it (`order_after_sales`, `order_refund`, domain.md §1.10):
 * each request of an order with its latest state, and each completed refund once by its id.
 */

export interface OrderAfterSalesRow {
  after_sales_id: string;
  type: AfterSalesRequestType;
  status: string;
  lines: unknown;
  requested_at: Date;
}

export interface OrderRefundRow {
  refund_id: string;
  after_sales_id: string | null;
  amount: string | number;
  lines: unknown;
  refunded_at: Date;
}

/** Records a new request of a known order; a replay or an unknown order changes nothing. */
export async function recordAfterSalesRequest(
  manager: EntityManager,
  request: { afterSalesId: string; orderId: string; type: string; lines: unknown; requestedAt: string },
): Promise<void> {
  await manager.query(
    `INSERT INTO order_after_sales (after_sales_id, order_id, type, status, lines, requested_at, updated_at)
     SELECT $1, id, $3, 'REQUESTED', $4, $5, $5 FROM customer_order WHERE id = $2
     ON CONFLICT (after_sales_id) DO NOTHING`,
    [request.afterSalesId, request.orderId, request.type, JSON.stringify(request.lines), request.requestedAt],
  );
}

/** Later states only move forward in time: an older event never overwrites a newer state. */
export async function moveAfterSalesStatus(manager: EntityManager, afterSalesId: string, status: string, at: string): Promise<void> {
  await manager.query(`UPDATE order_after_sales SET status = $2, updated_at = $3 WHERE after_sales_id = $1 AND updated_at <= $3`, [afterSalesId, status, at]);
}

/** Records a refund of a known order once by its id; false for a replay or an unknown order. */
export async function recordRefund(
  manager: EntityManager,
  refund: { refundId: string; orderId: string; afterSalesId: string | null; amount: number; lines: unknown; refundedAt: string },
): Promise<boolean> {
  const inserted = await manager.query(
    `INSERT INTO order_refund (refund_id, order_id, after_sales_id, amount, lines, refunded_at)
     SELECT $1, id, $3, $4, $5, $6 FROM customer_order WHERE id = $2
     ON CONFLICT (refund_id) DO NOTHING RETURNING refund_id`,
    [refund.refundId, refund.orderId, refund.afterSalesId, refund.amount, JSON.stringify(refund.lines), refund.refundedAt],
  );
  const rows = Array.isArray(inserted[0]) ? inserted[0] : inserted;
  return rows.length > 0;
}

export async function afterSalesOfOrder(manager: EntityManager, orderId: string): Promise<OrderAfterSalesRow[]> {
  return manager.query(`SELECT after_sales_id, type, status, lines, requested_at FROM order_after_sales WHERE order_id = $1 ORDER BY requested_at, after_sales_id`, [orderId]);
}

export async function refundsOfOrder(manager: EntityManager, orderId: string): Promise<OrderRefundRow[]> {
  return manager.query(`SELECT refund_id, after_sales_id, amount, lines, refunded_at FROM order_refund WHERE order_id = $1 ORDER BY refunded_at, refund_id`, [orderId]);
}
