import { EntityManager } from 'typeorm';
import { returnedRows, selectEntity } from '@orderline/shared/persistence';
import { OrderRecord } from './order.entity';

/**
 * Orders (`customer_order`): the reads and writes the use cases need beyond loading and saving
 * one record. Every function takes the caller's `EntityManager`, so it runs in the use case's
 * transaction and keeps its locks.
 */

/** Loads an order with a row lock, so concurrent commands on one order take turns. */
export async function lockOrder(manager: EntityManager, orderId: string): Promise<OrderRecord | null> {
  return selectEntity(manager, OrderRecord, 'id = $1', [orderId], { forUpdate: true });
}

/**
 * Finds paused orders an operator's platform fact releases (domain.md §1.5), locked and
 * skipping rows another transaction holds, oldest pause first.
 */
export async function pausedOrdersFor(
  manager: EntityManager,
  filter: { reasons: readonly string[]; province?: string; merchantId?: string; skuIds?: readonly string[] },
  batch: number,
): Promise<string[]> {
  const rows: Array<{ id: string }> = await manager.query(
    `SELECT o.id FROM customer_order o
      WHERE o.status = 'PAUSED' AND (o.pause ->> 'reason') = ANY($1::text[])
        AND ($2::text IS NULL OR o.consignee_address ->> 'province' = $2)
        AND ($3::uuid IS NULL OR o.merchant_id = $3)
        AND ($4::text[] IS NULL OR EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = o.id AND l.sku_id = ANY($4::text[])))
      ORDER BY (o.pause ->> 'pausedAt'), o.id
      LIMIT $5 FOR UPDATE SKIP LOCKED`,
    [filter.reasons, filter.province ?? null, filter.merchantId ?? null, filter.skuIds ?? null, batch],
  );
  return rows.map((row) => row.id);
}

/** The paused gift orders shipped later with a main order (domain.md §1.5 MAIN_ITEM_DELIVERED). */
export async function pausedGiftOrdersOf(manager: EntityManager, mainOrderId: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await manager.query(
    `SELECT id FROM customer_order WHERE special_attributes -> 'giftShippedLater' ->> 'mainOrderId' = $1 AND special_attributes ? 'giftShippedLater' AND status = 'PAUSED'`,
    [mainOrderId],
  );
  return rows.map((row) => row.id);
}

/** How many child orders of a subscription are neither completed nor cancelled. */
export async function openChildOrderCount(manager: EntityManager, parentOrderId: string): Promise<number> {
  const [row]: Array<{ n: number }> = await manager.query(`SELECT count(*)::int AS n FROM customer_order WHERE parent_order_id = $1 AND status NOT IN ('COMPLETED', 'CANCELLED')`, [parentOrderId]);
  return row.n;
}

/** The orders of a group-buy group not yet formed, locked, oldest first (domain.md §1.3). */
export async function lockUnformedGroupOrders(manager: EntityManager, groupId: string): Promise<string[]> {
  const rows: Array<{ id: string }> = await manager.query(
    `SELECT id FROM customer_order WHERE special_attributes -> 'groupBuy' ->> 'groupId' = $1 AND (special_attributes -> 'groupBuy' ->> 'formed')::boolean IS NOT TRUE ORDER BY created_at FOR UPDATE`,
    [groupId],
  );
  return rows.map((row) => row.id);
}

/** Sets or clears an order's risk flag; false when there is no such order. */
export async function setRiskFlag(manager: EntityManager, orderId: string, flagged: boolean, reason: string | null): Promise<boolean> {
  const result = await manager.query(`UPDATE customer_order SET risk_flag = $2, risk_reason = $3 WHERE id = $1 RETURNING id`, [orderId, flagged, reason]);
  return returnedRows(result).length > 0;
}

/** Adds a refund to the order's refunded amount (fen). */
export async function addRefundedAmount(manager: EntityManager, orderId: string, amount: number): Promise<void> {
  await manager.query(`UPDATE customer_order SET refunded_amount = refunded_amount + $2 WHERE id = $1`, [orderId, amount]);
}
