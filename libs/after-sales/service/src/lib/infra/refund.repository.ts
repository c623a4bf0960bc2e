import { EntityManager } from 'typeorm';
import { EarlierRefunds, earlierRefundsOf, RefundedLineAmount } from '@orderline/after-sales/domain';

/** A refund row as the read side shows it (`refund`: the decision, apart from its settlements). */
export type RefundRow = Record<string, any>;

/** What the order's refunds granted so far took (units per line, total): loads the rows, the domain sums. */
export async function earlierRefunds(manager: EntityManager, orderId: string): Promise<EarlierRefunds> {
  const rows: Array<{ amount: string; lines: Array<{ lineId: string; quantity: number }> }> = await manager.query(`SELECT amount, lines FROM refund WHERE order_id = $1`, [orderId]);
  return earlierRefundsOf(rows.map((row) => ({ amount: Number(row.amount), lines: row.lines })));
}

export interface GrantedRefundRow {
  id: string;
  afterSalesId: string;
  orderId: string;
  buyerId: string;
  paymentMethod: string;
  amount: number;
  lines: RefundedLineAmount[];
  reason: string;
  grantedAt: Date;
}

export async function insertGrantedRefund(manager: EntityManager, refund: GrantedRefundRow): Promise<void> {
  await manager.query(
    `INSERT INTO refund (id, after_sales_id, order_id, buyer_id, payment_method, amount, lines, reason, status, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'GRANTED', $9)`,
    [refund.id, refund.afterSalesId, refund.orderId, refund.buyerId, refund.paymentMethod, refund.amount, JSON.stringify(refund.lines), refund.reason, refund.grantedAt],
  );
}

/** Locks a refund still GRANTED (nothing when it completed already: completing happens once). */
export async function lockGrantedRefund(manager: EntityManager, refundId: string): Promise<{ afterSalesId: string; amount: number; lines: RefundedLineAmount[] } | undefined> {
  const [refund] = await manager.query(`SELECT after_sales_id, amount, lines FROM refund WHERE id = $1 AND status = 'GRANTED' FOR UPDATE`, [refundId]);
  return refund ? { afterSalesId: refund.after_sales_id, amount: Number(refund.amount), lines: refund.lines } : undefined;
}

export async function markRefundCompleted(manager: EntityManager, refundId: string, at: Date): Promise<void> {
  await manager.query(`UPDATE refund SET status = 'COMPLETED', completed_at = $2 WHERE id = $1`, [refundId, at]);
}

/** The sum of the order's completed refunds. */
export async function completedRefundTotal(manager: EntityManager, orderId: string): Promise<number> {
  const [{ total }] = await manager.query(`SELECT coalesce(sum(amount), 0)::bigint AS total FROM refund WHERE order_id = $1 AND status = 'COMPLETED'`, [orderId]);
  return Number(total);
}

/** The request a refund belongs to. */
export async function requestIdOfRefund(manager: EntityManager, refundId: string): Promise<string | undefined> {
  const [row] = await manager.query(`SELECT after_sales_id FROM refund WHERE id = $1`, [refundId]);
  return row?.after_sales_id;
}

export async function refundsOfRequests(manager: EntityManager, afterSalesIds: string[]): Promise<RefundRow[]> {
  return manager.query(`SELECT * FROM refund WHERE after_sales_id = ANY($1::uuid[])`, [afterSalesIds]);
}
