import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MerchantOrdersQuery, ORDER_LIST_STATUSES } from '@orderline/order/contract';
import { Address, mergedShipmentCandidates, shippingDeadlineState } from '@orderline/order/domain';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { SHIPPING_PROMISE_MS } from './order-flags';

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
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {}

  async list(query: MerchantOrdersQuery, caller: Principal) {
    if (caller.role !== 'MERCHANT' || !caller.merchantId) throw new NotFoundError('orders');
    const limit = Number(query.limit ?? 20);
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const rows = await this.dataSource.query(
      `SELECT id, status, payment_method, payable, freight, goods_total, buyer_id, consignee_name, consignee_phone, consignee_address, pause, buyer_note, created_at, risk_flag,
              (SELECT new_ship_by FROM late_shipping_report r WHERE r.order_id = customer_order.id) AS reported_ship_by,
              (SELECT min(h.at) FROM order_status_history h WHERE h.order_id = customer_order.id AND h.to_status = 'WAITING_OUTBOUND') AS ready_at
       FROM customer_order
       WHERE merchant_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR payment_method = $3)
         AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid))
         AND ($7::timestamptz IS NULL OR created_at >= $7) AND ($8::timestamptz IS NULL OR created_at < $8)
         AND ($9::uuid IS NULL OR id = $9) AND ($10::uuid IS NULL OR buyer_id = $10)
         AND ($12::boolean IS NULL OR risk_flag = $12)
         AND ($11::text IS NULL OR EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = customer_order.id AND l.sku_id = $11))
       ORDER BY created_at DESC, id DESC LIMIT $6`,
      [
        caller.merchantId,
        query.status ?? null,
        query.paymentMethod ?? null,
        after?.createdAt ?? null,
        after?.id ?? null,
        limit + 1,
        query.from ?? null,
        query.to ?? null,
        query.orderId ?? null,
        query.buyerId ?? null,
        query.skuId ?? null,
        query.riskFlag === undefined ? null : query.riskFlag === 'true',
      ],
    );
    const counts = Object.fromEntries(ORDER_LIST_STATUSES.map((status) => [status, 0]));
    for (const row of await this.dataSource.query(`SELECT status, count(*)::int AS n FROM customer_order WHERE merchant_id = $1 GROUP BY status`, [caller.merchantId])) counts[row.status] = row.n;
    const page = rows.slice(0, limit);
    const mergeGroups = await this.mergeGroups(caller.merchantId);
    const now = this.clock.now();
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
        riskFlag: row.risk_flag,
        lateShippingReportedShipBy: row.reported_ship_by ? row.reported_ship_by.toISOString() : null,
        consignee: { name: row.consignee_name, phone: row.consignee_phone, address: row.consignee_address },
        // domain.md §1.8 shipping warnings and time-outs, for orders still to ship.
        shippingDeadline:
          row.ready_at && ['WAITING_OUTBOUND', 'PAUSED'].includes(row.status)
            ? ((view) => ({ state: view.state, deadline: view.deadline.toISOString() }))(shippingDeadlineState({ promisedShipBy: new Date(row.ready_at.getTime() + SHIPPING_PROMISE_MS) }, now))
            : null,
        // domain.md §1.9: orders that can ship together share a group id.
        mergeGroup: mergeGroups.get(row.id) ?? null,
        createdAt: row.created_at.toISOString(),
      })),
      counts,
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].created_at, page[page.length - 1].id) : null,
    };
  }

  /** Merged-shipment candidates (domain.md §1.9) among the merchant's orders waiting for outbound. */
  private async mergeGroups(merchantId: string): Promise<Map<string, string>> {
    const waiting = await this.dataSource.query(
      `SELECT id, fulfilment, consignee_name, consignee_phone, consignee_address FROM customer_order WHERE merchant_id = $1 AND status = 'WAITING_OUTBOUND' ORDER BY created_at LIMIT 5000`,
      [merchantId],
    );
    const groups = mergedShipmentCandidates(
      waiting.map((row: Record<string, any>) => ({
        orderId: row.id,
        merchantId,
        status: 'WAITING_OUTBOUND' as const,
        carrier: row.fulfilment === 'THIRD_PARTY' ? ('THIRD_PARTY' as const) : ('JD_LOGISTICS' as const),
        consignee: { name: row.consignee_name, phone: row.consignee_phone, address: row.consignee_address as Address },
      })),
    );
    const byOrder = new Map<string, string>();
    for (const group of groups) {
      const id = createHash('sha256').update(group.key).digest('hex').slice(0, 12);
      for (const orderId of group.orderIds) byOrder.set(orderId, id);
    }
    return byOrder;
  }
}
