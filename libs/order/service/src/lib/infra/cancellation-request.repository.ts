import { EntityManager } from 'typeorm';
import type { NegotiatedCancellationStatus } from '@orderline/shared/platform-rules';

export interface CancellationRequestRow {
  id: string;
  order_id: string;
  merchant_id: string;
  buyer_id: string;
  status: NegotiatedCancellationStatus;
  document: Record<string, any>;
}

/** Who is reading: a buyer sees the requests on their orders, a merchant its own, an operator all. */
export type CancellationRequestReader = { buyerId: string } | { merchantId: string } | 'ALL';

/** Negotiated cancellation requests (domain.md §1.4) a reader may see, newest first. */
export async function findCancellationRequests(
  manager: EntityManager,
  reader: CancellationRequestReader,
  filter: { id?: string; orderId?: string; status?: string },
  limit = 100,
): Promise<CancellationRequestRow[]> {
  return manager.query(
    `SELECT id, order_id, merchant_id, buyer_id, status, document FROM cancellation_request
      WHERE ($1::uuid IS NULL OR buyer_id = $1) AND ($2::uuid IS NULL OR merchant_id = $2)
        AND ($3::uuid IS NULL OR id = $3) AND ($4::uuid IS NULL OR order_id = $4) AND ($5::text IS NULL OR status = $5)
      ORDER BY submitted_at DESC, id LIMIT $6`,
    [
      reader !== 'ALL' && 'buyerId' in reader ? reader.buyerId : null,
      reader !== 'ALL' && 'merchantId' in reader ? reader.merchantId : null,
      filter.id ?? null,
      filter.orderId ?? null,
      filter.status ?? null,
      limit,
    ],
  );
}

export async function pendingCancellationRequestCount(manager: EntityManager, orderId: string): Promise<number> {
  const [{ pending }] = await manager.query(`SELECT count(*)::int AS pending FROM cancellation_request WHERE order_id = $1 AND status = 'PENDING'`, [orderId]);
  return pending;
}

export async function insertCancellationRequest(
  manager: EntityManager,
  request: { id: string; orderId: string; merchantId: string; buyerId: string; reason: string; document: unknown; objectionDeadline: Date; submittedAt: Date },
): Promise<void> {
  await manager.query(
    `INSERT INTO cancellation_request (id, order_id, merchant_id, buyer_id, status, reason, document, objection_deadline, submitted_at) VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $8)`,
    [request.id, request.orderId, request.merchantId, request.buyerId, request.reason, JSON.stringify(request.document), request.objectionDeadline, request.submittedAt],
  );
}

/** One request, locked for the transaction that closes it. */
export async function lockCancellationRequest(manager: EntityManager, id: string): Promise<Omit<CancellationRequestRow, 'status'> | undefined> {
  const [row] = await manager.query(`SELECT id, order_id, merchant_id, buyer_id, document FROM cancellation_request WHERE id = $1 FOR UPDATE`, [id]);
  return row;
}

/** Saves a closed request: its status, its document (which is its history) and when it closed. */
export async function saveClosedCancellationRequest(manager: EntityManager, id: string, closed: { status: string; closedAt?: Date }): Promise<void> {
  await manager.query(`UPDATE cancellation_request SET status = $2, document = $3, closed_at = $4 WHERE id = $1`, [id, closed.status, JSON.stringify(closed), closed.closedAt ?? null]);
}
