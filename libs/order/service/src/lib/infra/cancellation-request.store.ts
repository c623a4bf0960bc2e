import { EntityManager } from 'typeorm';

export interface CancellationRequestRow {
  id: string;
  order_id: string;
  merchant_id: string;
  buyer_id: string;
  status: string;
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
