import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MerchantOrdersQuery, ORDER_LIST_STATUSES } from '@orderline/order/contract';
import { DomainError, NotFoundError, Principal } from '@orderline/shared/service-kit';

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt))) throw new DomainError('VALIDATION_FAILED', 400, 'cursor is not valid', { errors: [{ field: 'cursor', message: 'cursor is not valid' }] });
  return { createdAt, id };
}

/**
 * The merchant's order list (domain.md §1.10): newest first, keyset-paginated, filtered by
 * status tab and payment method, with counts per status and the pause reason of paused orders.
 * Consumer fields are masked by the gateway.
 */
@Injectable()
export class MerchantOrderList {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: MerchantOrdersQuery, caller: Principal) {
    if (caller.role !== 'MERCHANT' || !caller.merchantId) throw new NotFoundError('orders');
    const limit = Number(query.limit ?? 20);
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const rows = await this.dataSource.query(
      `SELECT id, status, payment_method, payable, freight, goods_total, buyer_id, consignee_name, consignee_phone, consignee_address, pause, buyer_note, created_at
       FROM customer_order
       WHERE merchant_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR payment_method = $3)
         AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $6`,
      [caller.merchantId, query.status ?? null, query.paymentMethod ?? null, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    const counts = Object.fromEntries(ORDER_LIST_STATUSES.map((status) => [status, 0]));
    for (const row of await this.dataSource.query(`SELECT status, count(*)::int AS n FROM customer_order WHERE merchant_id = $1 GROUP BY status`, [caller.merchantId])) counts[row.status] = row.n;
    const page = rows.slice(0, limit);
    return {
      items: page.map((row: Record<string, any>) => ({
        id: row.id,
        status: row.status,
        paymentMethod: row.payment_method,
        goodsTotal: Number(row.goods_total),
        freight: Number(row.freight),
        payable: Number(row.payable),
        buyerId: row.buyer_id,
        buyerNote: row.buyer_note,
        pause: row.pause,
        consignee: { name: row.consignee_name, phone: row.consignee_phone, address: row.consignee_address },
        createdAt: row.created_at.toISOString(),
      })),
      counts,
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].created_at, page[page.length - 1].id) : null,
    };
  }
}
