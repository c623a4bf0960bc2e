import { EntityManager } from 'typeorm';
import type { CompensationKind } from '@orderline/order/domain';

/** One compensation of an order as `order_compensation` keeps it (docs/compensation.md). */
export interface CompensationRow {
  id: string;
  order_id: string;
  kind: CompensationKind;
  amount: string | number;
  reason: string;
  granted_by: string;
  granted_at: Date;
}

export interface NewCompensation {
  id: string;
  orderId: string;
  kind: CompensationKind;
  amount: number;
  reason: string;
  grantedBy: string;
  idempotencyKey: string | null;
  grantedAt: Date;
}

/** Every compensation of an order, oldest first. */
export async function compensationsOfOrder(manager: EntityManager, orderId: string): Promise<CompensationRow[]> {
  return manager.query(`SELECT id, order_id, kind, amount, reason, granted_by, granted_at FROM order_compensation WHERE order_id = $1 ORDER BY granted_at, id`, [orderId]);
}

/** What the order was compensated so far, all kinds (fen). */
export async function compensatedAmountOf(manager: EntityManager, orderId: string): Promise<number> {
  const [row] = await manager.query(`SELECT coalesce(sum(amount), 0)::bigint AS total FROM order_compensation WHERE order_id = $1`, [orderId]);
  return Number(row.total);
}

/** The compensation an earlier request with the same key (or, for LATE_SHIPPING, the order) already created. */
export async function findExistingCompensation(manager: EntityManager, key: { orderId: string; kind: CompensationKind; grantedBy: string; idempotencyKey: string | null }): Promise<CompensationRow | undefined> {
  if (key.kind === 'LATE_SHIPPING') {
    const [row] = await manager.query(`SELECT id, order_id, kind, amount, reason, granted_by, granted_at FROM order_compensation WHERE order_id = $1 AND kind = 'LATE_SHIPPING'`, [key.orderId]);
    return row;
  }
  if (!key.idempotencyKey) return undefined;
  const [row] = await manager.query(
    `SELECT id, order_id, kind, amount, reason, granted_by, granted_at FROM order_compensation WHERE order_id = $1 AND kind = $2 AND granted_by = $3 AND idempotency_key = $4`,
    [key.orderId, key.kind, key.grantedBy, key.idempotencyKey],
  );
  return row;
}

/** Callers hold the order's row lock, so the natural keys cannot race; the indexes stay as the last word. */
export async function insertCompensation(manager: EntityManager, compensation: NewCompensation): Promise<void> {
  await manager.query(
    `INSERT INTO order_compensation (id, order_id, kind, amount, reason, granted_by, idempotency_key, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [compensation.id, compensation.orderId, compensation.kind, compensation.amount, compensation.reason, compensation.grantedBy, compensation.idempotencyKey, compensation.grantedAt],
  );
}

/**
 * What the order paid (docs/compensation.md): its payable once it left UNPAID, nothing while
 * UNPAID or when it was cancelled before paying. COD counts what the courier collects.
 */
export async function paidAmountOf(manager: EntityManager, order: { id: string; status: string; payable: number }): Promise<number> {
  if (order.status === 'UNPAID') return 0;
  if (order.status === 'CANCELLED') {
    const [unpaid] = await manager.query(`SELECT 1 FROM order_status_history WHERE order_id = $1 AND from_status = 'UNPAID' AND to_status = 'CANCELLED' LIMIT 1`, [order.id]);
    if (unpaid) return 0;
  }
  return order.payable;
}
