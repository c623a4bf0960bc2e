import { EntityManager } from 'typeorm';
import { returnedRows } from '@orderline/shared/persistence';
import { TimerFailures } from '@orderline/shared/messaging';

/** One order in a shipment, with its receipt timer (auto-confirm deadline, extension, closing) and, when voided, why. */
export interface ShipmentOrderRow {
  shipmentId: string;
  orderId: string;
  lines: Array<{ lineId: string; skuId: string; title: string; quantity: number }>;
  receiptExtendedAt: Date | null;
  autoConfirmAt: Date | null;
  closedAt: Date | null;
  closedReason: string | null;
  voidedAt: Date | null;
  voidReason: string | null;
  /** Set on an exchange's replacement: the after-sales request it answers (the order has its own live row). */
  afterSalesId: string | null;
}

const SHIPMENT_ORDER_COLUMNS = `shipment_id AS "shipmentId", order_id AS "orderId", lines, receipt_extended_at AS "receiptExtendedAt", auto_confirm_at AS "autoConfirmAt",
  closed_at AS "closedAt", closed_reason AS "closedReason", voided_at AS "voidedAt", void_reason AS "voidReason", after_sales_id AS "afterSalesId"`;

export async function loadShipmentOrders(manager: EntityManager, shipmentId: string, includeVoided = false): Promise<ShipmentOrderRow[]> {
  return manager.query(`SELECT ${SHIPMENT_ORDER_COLUMNS} FROM shipment_order WHERE shipment_id = $1${includeVoided ? '' : ' AND voided_at IS NULL'} ORDER BY order_id`, [shipmentId]);
}

/** The live (not voided) shipment of an order, if it shipped (an exchange's replacement is not the order's shipment). */
export async function liveShipmentOrder(manager: EntityManager, orderId: string, lock = false): Promise<ShipmentOrderRow | undefined> {
  const [row] = await manager.query(`SELECT ${SHIPMENT_ORDER_COLUMNS} FROM shipment_order WHERE order_id = $1 AND voided_at IS NULL AND after_sales_id IS NULL${lock ? ' FOR UPDATE' : ''}`, [orderId]);
  return row;
}

export async function insertShipmentOrder(manager: EntityManager, shipmentId: string, orderId: string, lines: ShipmentOrderRow['lines'], afterSalesId: string | null = null): Promise<void> {
  await manager.query(`INSERT INTO shipment_order (shipment_id, order_id, lines, after_sales_id) VALUES ($1, $2, $3, $4)`, [shipmentId, orderId, JSON.stringify(lines), afterSalesId]);
}

/** The shipment's orders whose receipt timer still runs, locked for a recomputation. */
export async function lockOpenShipmentOrders(manager: EntityManager, shipmentId: string): Promise<ShipmentOrderRow[]> {
  return manager.query(`SELECT ${SHIPMENT_ORDER_COLUMNS} FROM shipment_order WHERE shipment_id = $1 AND closed_at IS NULL AND voided_at IS NULL FOR UPDATE`, [shipmentId]);
}

/** An intercepted parcel: its receipt is never confirmed automatically. */
export async function closeReceiptIntercepted(manager: EntityManager, shipmentId: string, orderId: string, at: Date): Promise<void> {
  await manager.query(`UPDATE shipment_order SET closed_at = $3, closed_reason = 'INTERCEPTED', auto_confirm_at = NULL WHERE shipment_id = $1 AND order_id = $2`, [shipmentId, orderId, at]);
}

/** Delivered by the platform carrier: the order service completes the order itself. */
export async function closeReceiptDeliveredByPlatform(manager: EntityManager, shipmentId: string, orderId: string, at: Date, deliveredAt: Date): Promise<void> {
  await manager.query(`UPDATE shipment_order SET closed_at = $3, closed_reason = 'DELIVERED_BY_PLATFORM_CARRIER', auto_confirm_at = $4 WHERE shipment_id = $1 AND order_id = $2`, [shipmentId, orderId, at, deliveredAt]);
}

export async function closeReceiptAutoConfirmed(manager: EntityManager, shipmentId: string, orderId: string, at: Date): Promise<void> {
  await manager.query(`UPDATE shipment_order SET closed_at = $3, closed_reason = 'AUTO_CONFIRMED' WHERE shipment_id = $1 AND order_id = $2`, [shipmentId, orderId, at]);
}

/** The order completed (buyer, platform carrier or our timer): its open receipt timer closes (an exchange's replacement keeps its own). */
export async function closeReceiptOrderCompleted(manager: EntityManager, orderId: string, at: Date): Promise<void> {
  await manager.query(`UPDATE shipment_order SET closed_at = $2, closed_reason = 'ORDER_COMPLETED' WHERE order_id = $1 AND closed_at IS NULL AND voided_at IS NULL AND after_sales_id IS NULL`, [orderId, at]);
}

export async function setAutoConfirmAt(manager: EntityManager, shipmentId: string, orderId: string, autoConfirmAt: Date | null): Promise<void> {
  await manager.query(`UPDATE shipment_order SET auto_confirm_at = $3 WHERE shipment_id = $1 AND order_id = $2`, [shipmentId, orderId, autoConfirmAt]);
}

/** The buyer's one-time extension: when it was taken and the deadline it moved to. */
export async function recordReceiptExtension(manager: EntityManager, shipmentId: string, orderId: string, extendedAt: Date, autoConfirmAt: Date): Promise<void> {
  await manager.query(`UPDATE shipment_order SET receipt_extended_at = $3, auto_confirm_at = $4 WHERE shipment_id = $1 AND order_id = $2`, [shipmentId, orderId, extendedAt, autoConfirmAt]);
}

/**
 * Claims the receipt deadline reached first, skipping rows another instance holds and orders
 * whose firing failed recently (backing off in `timer_failure`).
 */
export async function claimNextDueReceipt(manager: EntityManager, job: string, now: Date): Promise<{ shipmentId: string; orderId: string; autoConfirmAt: Date; afterSalesId: string | null } | undefined> {
  const [row] = await manager.query(
    `SELECT shipment_id AS "shipmentId", order_id AS "orderId", auto_confirm_at AS "autoConfirmAt", after_sales_id AS "afterSalesId" FROM shipment_order
          WHERE closed_at IS NULL AND voided_at IS NULL AND auto_confirm_at <= $1 AND ${TimerFailures.notBackingOff(job, 'shipment_order.order_id', '$1')}
          ORDER BY auto_confirm_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [now],
  );
  return row;
}

/**
 * `DispatchRejected`: the order stopped before the dispatch reached it, so this shipment's
 * claim on it is voided (reason kept, timer closed). True when a live claim was voided.
 */
export async function voidShipmentOrder(manager: EntityManager, shipmentId: string, orderId: string, reason: string, at: Date): Promise<boolean> {
  const result = await manager.query(
    `UPDATE shipment_order SET voided_at = $3, void_reason = $4, closed_at = COALESCE(closed_at, $3), closed_reason = COALESCE(closed_reason, 'VOIDED')
        WHERE shipment_id::text = $1 AND order_id = $2 AND voided_at IS NULL RETURNING order_id`,
    [shipmentId, orderId, at, reason],
  );
  return returnedRows(result).length > 0;
}


