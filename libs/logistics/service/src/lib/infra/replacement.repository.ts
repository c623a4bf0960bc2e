import { EntityManager } from 'typeorm';
import { ReplacementStatus } from '@orderline/logistics/domain';
import type { ReplacementReceipt } from '@orderline/shared/contracts';

/** An exchange's replacement as logistics keeps it (domain replacement.ts). */
export interface ReplacementRow {
  afterSalesId: string;
  orderId: string;
  merchantId: string;
  buyerId: string;
  lines: Array<{ lineId: string; quantity: number }>;
  status: ReplacementStatus;
  requestedAt: Date;
  shipmentId: string | null;
  shippedAt: Date | null;
  receivedBy: ReplacementReceipt | null;
  receivedAt: Date | null;
}

const REPLACEMENT_COLUMNS = `after_sales_id AS "afterSalesId", order_id AS "orderId", merchant_id AS "merchantId", buyer_id AS "buyerId", lines, status,
  requested_at AS "requestedAt", shipment_id AS "shipmentId", shipped_at AS "shippedAt", received_by AS "receivedBy", received_at AS "receivedAt"`;

/** `ReplacementRequested`: waiting for the merchant's outbound; a second delivery of the request changes nothing. */
export async function insertReplacement(manager: EntityManager, row: Pick<ReplacementRow, 'afterSalesId' | 'orderId' | 'merchantId' | 'buyerId' | 'lines' | 'requestedAt'>): Promise<void> {
  await manager.query(
    `INSERT INTO replacement (after_sales_id, order_id, merchant_id, buyer_id, lines, status, requested_at) VALUES ($1, $2, $3, $4, $5, 'WAITING_OUTBOUND', $6) ON CONFLICT (after_sales_id) DO NOTHING`,
    [row.afterSalesId, row.orderId, row.merchantId, row.buyerId, JSON.stringify(row.lines), row.requestedAt],
  );
}

export async function loadReplacement(manager: EntityManager, afterSalesId: string, lock = false): Promise<ReplacementRow | undefined> {
  const [row] = await manager.query(`SELECT ${REPLACEMENT_COLUMNS} FROM replacement WHERE after_sales_id = $1${lock ? ' FOR UPDATE' : ''}`, [afterSalesId]);
  return row;
}

/** A merchant's replacements, oldest request first (the order they should leave in), optionally of one status. */
export async function listReplacements(manager: EntityManager, merchantId: string, status: ReplacementStatus | undefined, limit: number): Promise<ReplacementRow[]> {
  return manager.query(
    `SELECT ${REPLACEMENT_COLUMNS} FROM replacement WHERE merchant_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY requested_at, after_sales_id LIMIT ${Number(limit)}`,
    [merchantId, status ?? null],
  );
}

export async function markReplacementShipped(manager: EntityManager, replacement: ReplacementRow, shipmentId: string, at: Date): Promise<void> {
  await manager.query(`UPDATE replacement SET status = $2, shipment_id = $3, shipped_at = $4 WHERE after_sales_id = $1`, [replacement.afterSalesId, replacement.status, shipmentId, at]);
}

export async function markReplacementReceived(manager: EntityManager, replacement: ReplacementRow, receivedBy: ReplacementReceipt, at: Date): Promise<void> {
  await manager.query(`UPDATE replacement SET status = $2, received_by = $3, received_at = $4 WHERE after_sales_id = $1`, [replacement.afterSalesId, replacement.status, receivedBy, at]);
}
