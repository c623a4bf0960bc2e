import { afterSalesLink, cancellationRequestLink } from './reader-links';
import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { MerchantOrdersQuery, ORDER_LIST_STATUSES } from '@orderline/order/contract';
import { Address, mergedShipmentCandidates, shippingDeadlineState } from '@orderline/order/domain';
import { Clock, decodeKeysetCursor, encodeKeysetCursor, NotFoundError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { OrderServiceConfig } from '../order-service-config';

function flag(value: string | undefined): boolean | null {
  return value === undefined ? null : value === 'true';
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
    @Inject(SERVICE_CONFIG) private readonly config: OrderServiceConfig,
  ) {}

  async list(query: MerchantOrdersQuery, caller: Principal) {
    if (caller.role !== 'MERCHANT' || !caller.merchantId) throw new NotFoundError('orders');
    const limit = Number(query.limit ?? 20);
    const after = query.cursor ? decodeKeysetCursor(query.cursor) : null;
    const now = this.clock.now();
    const rows = await this.dataSource.query(
      `SELECT id, status, payment_method, payable, freight, goods_total, buyer_id, consignee_name, consignee_phone, consignee_address, pause, buyer_note, created_at, risk_flag,
              kinds, promised_ship_by, shipping_timed_out_at, refunded_amount, cancel_reason, cancelled_by, special_attributes -> 'crossBorder' AS cross_border,
              (SELECT new_ship_by FROM late_shipping_report r WHERE r.order_id = customer_order.id) AS reported_ship_by,
              (SELECT json_agg(json_build_object('skuId', l.sku_id, 'title', l.title, 'unitPrice', l.unit_price, 'quantity', l.quantity) ORDER BY l.position) FROM order_line l WHERE l.order_id = customer_order.id) AS lines,
              (SELECT json_agg(a.after_sales_id ORDER BY a.requested_at) FROM order_after_sales a WHERE a.order_id = customer_order.id) AS after_sales_ids,
              (SELECT json_agg(DISTINCT r.after_sales_id) FROM order_refund r WHERE r.order_id = customer_order.id AND r.after_sales_id IS NOT NULL) AS refund_after_sales_ids,
              (SELECT c.id FROM cancellation_request c WHERE c.order_id = customer_order.id ORDER BY c.submitted_at DESC LIMIT 1) AS cancellation_request_id
       FROM customer_order
       WHERE merchant_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR payment_method = $3)
         AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid))
         AND ($7::timestamptz IS NULL OR created_at >= $7) AND ($8::timestamptz IS NULL OR created_at < $8)
         AND ($9::uuid IS NULL OR id = $9) AND ($10::uuid IS NULL OR buyer_id = $10)
         AND ($12::boolean IS NULL OR risk_flag = $12)
         AND ($11::text IS NULL OR EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = customer_order.id AND l.sku_id = $11))
         AND ($13::text IS NULL OR kinds @> ARRAY[$13::text])
         AND ($14::boolean IS NULL OR (buyer_note IS NOT NULL AND buyer_note <> '') = $14)
         AND ($15::boolean IS NULL OR (refunded_amount > 0) = $15)
         AND ($16::boolean IS NULL OR EXISTS (SELECT 1 FROM late_shipping_report r WHERE r.order_id = customer_order.id) = $16)
         AND ($20::boolean IS NULL OR EXISTS (SELECT 1 FROM order_after_sales a WHERE a.order_id = customer_order.id) = $20)
         AND ($17::text IS NULL OR ($17 = 'TIMED_OUT' AND status IN ('WAITING_OUTBOUND', 'PAUSED') AND promised_ship_by < $18)
                                 OR ($17 = 'WARNING' AND status IN ('WAITING_OUTBOUND', 'PAUSED') AND promised_ship_by >= $18 AND promised_ship_by <= $19))
       ORDER BY created_at DESC, id DESC LIMIT $6`,
      [
        caller.merchantId,
        query.status ?? null,
        query.paymentMethod ?? null,
        after?.at ?? null,
        after?.id ?? null,
        limit + 1,
        query.from ?? null,
        query.to ?? null,
        query.orderId ?? null,
        query.buyerId ?? null,
        query.skuId ?? null,
        query.riskFlag === undefined ? null : query.riskFlag === 'true',
        query.kind ?? null,
        flag(query.hasBuyerNote),
        flag(query.hasRefund),
        flag(query.lateShippingReported),
        query.shippingDeadline ?? null,
        now,
        new Date(now.getTime() + this.config.SHIPPING_WARNING_WINDOW_SECONDS * 1000),
        flag(query.hasAfterSales),
      ],
    );
    const counts = Object.fromEntries(ORDER_LIST_STATUSES.map((status) => [status, 0])) as Record<(typeof ORDER_LIST_STATUSES)[number], number>;
    // Tab counts from the folded status deltas (see order-status-counts.migration.ts).
    for (const row of await this.dataSource.query(`SELECT status, sum(delta)::int AS n FROM order_status_delta WHERE merchant_id = $1 GROUP BY status`, [caller.merchantId])) counts[row.status as keyof typeof counts] = row.n;
    const page = rows.slice(0, limit);
    const mergeGroups = await this.mergeGroups(caller.merchantId, page.filter((row: Record<string, any>) => row.status === 'WAITING_OUTBOUND').map((row: Record<string, any>) => row.consignee_phone));
    const policy = { warningWindowMs: this.config.SHIPPING_WARNING_WINDOW_SECONDS * 1000 };
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
          row.promised_ship_by && ['WAITING_OUTBOUND', 'PAUSED'].includes(row.status)
            ? ((view) => ({ state: view.state, deadline: view.deadline.toISOString() }))(shippingDeadlineState({ promisedShipBy: row.promised_ship_by }, now, policy))
            : null,
        kinds: row.kinds,
        // Bonded info of cross-border orders (§1.10).
        bonded: row.cross_border ? Boolean(row.cross_border.bonded) : null,
        // Unit prices per line (§1.10).
        lines: row.lines ?? [],
        refundedAmount: Number(row.refunded_amount),
        // After-sales and cancellation links (§1.10).
        afterSalesLinks: [...new Set<string>([...(row.after_sales_ids ?? []), ...(row.refund_after_sales_ids ?? [])])].map((id) => afterSalesLink(id, caller)),
        cancellation: row.cancel_reason ? { reason: row.cancel_reason, by: row.cancelled_by } : null,
        cancellationRequestLink: row.cancellation_request_id ? cancellationRequestLink(row.cancellation_request_id, caller) : null,
        // domain.md §1.9: orders that can ship together share a group id.
        mergeGroup: mergeGroups.get(row.id) ?? null,
        createdAt: row.created_at.toISOString(),
      })),
      counts,
      nextCursor: rows.length > limit ? encodeKeysetCursor({ at: page[page.length - 1].created_at, id: page[page.length - 1].id }) : null,
    };
  }

  /**
   * Folds the status deltas of up to `merchants` merchants into one row per status (run by the
   * order timers). Rows a concurrent transaction adds meanwhile stay unfolded and still count.
   */
  async foldStatusCounts(merchants = 500): Promise<number> {
    const result = await this.dataSource.query(
      `WITH dirty AS (SELECT DISTINCT merchant_id FROM order_status_delta WHERE NOT folded LIMIT $1),
            moved AS (DELETE FROM order_status_delta d USING dirty WHERE d.merchant_id = dirty.merchant_id RETURNING d.merchant_id, d.status, d.delta),
            folded AS (INSERT INTO order_status_delta (merchant_id, status, delta, folded)
                       SELECT merchant_id, status, sum(delta), true FROM moved GROUP BY merchant_id, status HAVING sum(delta) <> 0 RETURNING 1)
       SELECT count(*)::int AS n FROM dirty`,
      [merchants],
    );
    return result[0].n;
  }

  /**
   * Merged-shipment candidates (domain.md §1.9) for the page's orders waiting for outbound. A
   * group shares one phone, so only the waiting orders with the page's phones are looked at
   * (an index lookup), not every waiting order of the merchant.
   */
  private async mergeGroups(merchantId: string, phones: string[]): Promise<Map<string, string>> {
    if (phones.length === 0) return new Map();
    const waiting = await this.dataSource.query(
      `SELECT id, fulfilment, consignee_name, consignee_phone, consignee_address FROM customer_order
       WHERE merchant_id = $1 AND status = 'WAITING_OUTBOUND' AND consignee_phone = ANY($2::text[]) ORDER BY created_at LIMIT 5000`,
      [merchantId, [...new Set(phones)]],
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
