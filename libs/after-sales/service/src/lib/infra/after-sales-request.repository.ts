import { EntityManager } from 'typeorm';
import { AfterSalesCommand, AfterSalesStatus, AfterSalesType } from '@orderline/after-sales/domain';
import type { ReplacementReceipt, TrackingStatus } from '@orderline/shared/contracts';
import { TimerFailures } from '@orderline/shared/messaging';
import { KeysetPosition } from '@orderline/shared/service-kit';

export interface HistoryEntry {
  from: AfterSalesStatus | null;
  to: AfterSalesStatus;
  command: AfterSalesCommand | 'APPLY';
  actor: string;
  at: string;
  note?: string;
}

export interface AfterSalesRecord {
  id: string;
  orderId: string;
  merchantId: string;
  buyerId: string;
  type: AfterSalesType;
  status: AfterSalesStatus;
  reason: string;
  description: string | null;
  evidence: string[];
  lines: Array<{ lineId: string; quantity: number }>;
  reviewDeadline: Date;
  review: { decision: 'APPROVED' | 'REJECTED'; by: 'MERCHANT' | 'SYSTEM'; reason?: string; at: string } | null;
  returnShipment: { carrier: string; waybillNo: string; pickup: boolean; at: string } | null;
  receipt: { condition: 'OK' | 'PROBLEM'; note?: string; at: string } | null;
  returnTracking: ReturnTrackingEntry[];
  replacement: ReplacementRecord | null;
  history: HistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}

/** A carrier event of the return parcel (ReturnParcelTracked). */
export interface ReturnTrackingEntry {
  status: TrackingStatus;
  occurredAt: string;
  location?: string;
}

/** An exchange's replacement parcel (ReplacementShipped, then ReplacementReceived). */
export interface ReplacementRecord {
  shipmentId: string;
  carrier: string;
  waybillNo: string;
  shippedAt: string;
  receivedBy: ReplacementReceipt | null;
  receivedAt: string | null;
}

export function recordOf(row: Record<string, unknown>): AfterSalesRecord {
  return {
    id: row.id as string,
    orderId: row.order_id as string,
    merchantId: row.merchant_id as string,
    buyerId: row.buyer_id as string,
    type: row.type as AfterSalesType,
    status: row.status as AfterSalesStatus,
    reason: row.reason as string,
    description: (row.description as string | null) ?? null,
    evidence: row.evidence as string[],
    lines: row.lines as AfterSalesRecord['lines'],
    reviewDeadline: new Date(row.review_deadline as string),
    review: (row.review as AfterSalesRecord['review']) ?? null,
    returnShipment: (row.return_shipment as AfterSalesRecord['returnShipment']) ?? null,
    receipt: (row.receipt as AfterSalesRecord['receipt']) ?? null,
    returnTracking: (row.return_tracking as ReturnTrackingEntry[]) ?? [],
    replacement: (row.replacement as ReplacementRecord | null) ?? null,
    history: row.history as HistoryEntry[],
    createdAt: new Date(row.created_at as string),
    updatedAt: new Date(row.updated_at as string),
  };
}

export async function findRequest(manager: EntityManager, id: string, lock = false): Promise<AfterSalesRecord | undefined> {
  const rows = await manager.query(`SELECT * FROM after_sales_request WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? recordOf(rows[0]) : undefined;
}

/** Units per line held by the order's requests: returned or being returned (domain.md §3). */
export async function heldUnits(manager: EntityManager, orderId: string): Promise<Map<string, number>> {
  const rows: Array<{ line_id: string; units: string }> = await manager.query(
    `SELECT l ->> 'lineId' AS line_id, sum((l ->> 'quantity')::int) AS units
       FROM after_sales_request r, jsonb_array_elements(r.lines) l
      WHERE r.order_id = $1 AND r.status <> 'REJECTED'
      GROUP BY 1`,
    [orderId],
  );
  return new Map(rows.map((r) => [r.line_id, Number(r.units)]));
}

/** The columns a step may set beside the status (jsonb documents of the review, return and receipt). */
export type RequestChanges = Partial<Record<'review' | 'return_shipment' | 'receipt' | 'replacement', unknown>>;

/** Writes a moved request: its new status and what the step changed, on the row and on `request`. */
export async function saveRequestStep(manager: EntityManager, request: AfterSalesRecord, at: Date, changes: RequestChanges): Promise<void> {
  const columns = Object.keys(changes);
  const sets = columns.map((column, i) => `, ${column} = $${i + 4}`).join('');
  await manager.query(`UPDATE after_sales_request SET status = $2, updated_at = $3${sets} WHERE id = $1`, [
    request.id,
    request.status,
    at,
    ...columns.map((c) => JSON.stringify((changes as Record<string, unknown>)[c])),
  ]);
  if (changes.review !== undefined) request.review = changes.review as AfterSalesRecord['review'];
  if (changes.return_shipment !== undefined) request.returnShipment = changes.return_shipment as AfterSalesRecord['returnShipment'];
  if (changes.receipt !== undefined) request.receipt = changes.receipt as AfterSalesRecord['receipt'];
  if (changes.replacement !== undefined) request.replacement = changes.replacement as ReplacementRecord;
}

/**
 * Adds a return-parcel carrier event, kept in time order (carriers send them in any order);
 * a redelivered event changes nothing (the inbox already ignores it, this is the second guard).
 */
export async function appendReturnTracking(manager: EntityManager, requestId: string, entry: ReturnTrackingEntry): Promise<void> {
  await manager.query(
    `UPDATE after_sales_request SET return_tracking = (
        SELECT coalesce(jsonb_agg(e ORDER BY e ->> 'occurredAt'), '[]'::jsonb) FROM jsonb_array_elements(return_tracking || $2::jsonb) e)
      WHERE id = $1 AND NOT return_tracking @> $2::jsonb`,
    [requestId, JSON.stringify([entry])],
  );
}

/** Appends one entry to the request's history (kept on the row, oldest first). */
export async function appendRequestHistory(manager: EntityManager, request: AfterSalesRecord, entry: HistoryEntry): Promise<void> {
  await manager.query(`UPDATE after_sales_request SET history = history || $2::jsonb WHERE id = $1`, [request.id, JSON.stringify([entry])]);
  request.history.push(entry);
}

/** A new request, REQUESTED, with its first history entry. */
export async function insertRequest(
  manager: EntityManager,
  request: Pick<AfterSalesRecord, 'id' | 'orderId' | 'merchantId' | 'buyerId' | 'type' | 'reason' | 'description' | 'evidence' | 'lines' | 'reviewDeadline' | 'history' | 'createdAt'>,
): Promise<void> {
  await manager.query(
    `INSERT INTO after_sales_request (id, order_id, merchant_id, buyer_id, type, status, reason, description, evidence, lines, review_deadline, history, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'REQUESTED', $6, $7, $8, $9, $10, $11, $12, $12)`,
    [
      request.id,
      request.orderId,
      request.merchantId,
      request.buyerId,
      request.type,
      request.reason,
      request.description,
      JSON.stringify(request.evidence),
      JSON.stringify(request.lines),
      request.reviewDeadline,
      JSON.stringify(request.history),
      request.createdAt,
    ],
  );
}

/**
 * Claims the request whose review deadline passed first (domain.md §3), skipping those locked
 * by another instance and those whose approval failed recently (backing off in `timer_failure`).
 */
export async function claimNextReviewDue(manager: EntityManager, job: string, now: Date): Promise<string | undefined> {
  const [row]: Array<{ id: string }> = await manager.query(
    `SELECT id FROM after_sales_request WHERE status = 'REQUESTED' AND review_deadline <= $1 AND ${TimerFailures.notBackingOff(job, 'after_sales_request.id', '$1')}
          ORDER BY review_deadline LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [now],
  );
  return row?.id;
}

export interface RequestListFilter {
  /** Whose requests: a buyer's or a merchant's (an id missing on the principal matches none). */
  owner: { buyerId: string | undefined } | { merchantId: string | undefined };
  status?: string;
  type?: string;
  orderId?: string;
  /** Keyset position: requests older than (at, id). */
  before?: KeysetPosition;
  /** Rows to read (one more than a page tells whether another page follows). */
  limit: number;
}

/** Requests newest first, by buyer or merchant and the list's filters. */
export async function listRequests(manager: EntityManager, filter: RequestListFilter): Promise<AfterSalesRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if ('buyerId' in filter.owner) add('buyer_id = ?', filter.owner.buyerId);
  else add('merchant_id = ?', filter.owner.merchantId);
  if (filter.status) add('status = ?', filter.status);
  if (filter.type) add('type = ?', filter.type);
  if (filter.orderId) add('order_id = ?', filter.orderId);
  if (filter.before) {
    params.push(filter.before.at, filter.before.id);
    where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  const rows = await manager.query(`SELECT * FROM after_sales_request WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${filter.limit}`, params);
  return rows.map(recordOf);
}
