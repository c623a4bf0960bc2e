import { EntityManager } from 'typeorm';

/**
 * The merchant's order list (domain.md §1.10) as stored: one row per order with what the list
 * shows, the tab counts folded from `order_status_delta` (see order-status-counts.migration.ts),
 * and the waiting orders a merged shipment may group.
 */

export interface MerchantOrderListFilter {
  merchantId: string;
  status: string | null;
  paymentMethod: string | null;
  /** The keyset of the last row of the previous page. */
  after: { at: Date | string; id: string } | null;
  /** Rows to read (a page and one more, to know whether there is a next page). */
  rows: number;
  from: string | null;
  to: string | null;
  orderId: string | null;
  buyerId: string | null;
  skuId: string | null;
  riskFlag: boolean | null;
  kind: string | null;
  hasBuyerNote: boolean | null;
  hasRefund: boolean | null;
  lateShippingReported: boolean | null;
  shippingDeadline: string | null;
  now: Date;
  warningUntil: Date;
  hasAfterSales: boolean | null;
}

export type MerchantOrderListRow = Record<string, any>;

export async function merchantOrderListRows(manager: EntityManager, filter: MerchantOrderListFilter): Promise<MerchantOrderListRow[]> {
  return manager.query(
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
      filter.merchantId,
      filter.status,
      filter.paymentMethod,
      filter.after?.at ?? null,
      filter.after?.id ?? null,
      filter.rows,
      filter.from,
      filter.to,
      filter.orderId,
      filter.buyerId,
      filter.skuId,
      filter.riskFlag,
      filter.kind,
      filter.hasBuyerNote,
      filter.hasRefund,
      filter.lateShippingReported,
      filter.shippingDeadline,
      filter.now,
      filter.warningUntil,
      filter.hasAfterSales,
    ],
  );
}

/** The buyer's own orders, newest first from `after` (the `customer_order_buyer` index). */
export async function buyerOrderListRows(
  manager: EntityManager,
  filter: { buyerId: string; status: string | null; after: { at: Date | string; id: string } | null; rows: number },
): Promise<MerchantOrderListRow[]> {
  return manager.query(
    `SELECT id, merchant_id, status, payment_method, credit_plan, credit_periods, credit_hold_id, goods_total, freight, discount_total, payable, refunded_amount,
            cancel_reason, cancelled_by, created_at,
            (SELECT json_agg(json_build_object('skuId', l.sku_id, 'title', l.title, 'unitPrice', l.unit_price, 'quantity', l.quantity) ORDER BY l.position) FROM order_line l WHERE l.order_id = customer_order.id) AS lines
       FROM customer_order
      WHERE buyer_id = $1 AND ($2::text IS NULL OR status = $2)
        AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
      ORDER BY created_at DESC, id DESC LIMIT $5`,
    [filter.buyerId, filter.status, filter.after?.at ?? null, filter.after?.id ?? null, filter.rows],
  );
}

/** The merchant's order count per status (tab counts). */
export async function orderStatusCounts(manager: EntityManager, merchantId: string): Promise<Array<{ status: string; n: number }>> {
  return manager.query(`SELECT status, sum(delta)::int AS n FROM order_status_delta WHERE merchant_id = $1 GROUP BY status`, [merchantId]);
}

/**
 * Folds the status deltas of up to `merchants` merchants into one row per status. Rows a
 * concurrent transaction adds meanwhile stay unfolded and still count.
 */
export async function foldOrderStatusCounts(manager: EntityManager, merchants: number): Promise<number> {
  const result = await manager.query(
    `WITH dirty AS (SELECT DISTINCT merchant_id FROM order_status_delta WHERE NOT folded LIMIT $1),
            moved AS (DELETE FROM order_status_delta d USING dirty WHERE d.merchant_id = dirty.merchant_id RETURNING d.merchant_id, d.status, d.delta),
            folded AS (INSERT INTO order_status_delta (merchant_id, status, delta, folded)
                       SELECT merchant_id, status, sum(delta), true FROM moved GROUP BY merchant_id, status HAVING sum(delta) <> 0 RETURNING 1)
       SELECT count(*)::int AS n FROM dirty`,
    [merchants],
  );
  return result[0].n;
}

/** The merchant's orders waiting for outbound to one of `phones`, oldest first. */
export async function waitingOrdersWithPhones(
  manager: EntityManager,
  merchantId: string,
  phones: string[],
): Promise<Array<{ id: string; fulfilment: string | null; consignee_name: string; consignee_phone: string; consignee_address: unknown }>> {
  return manager.query(
    `SELECT id, fulfilment, consignee_name, consignee_phone, consignee_address FROM customer_order
       WHERE merchant_id = $1 AND status = 'WAITING_OUTBOUND' AND consignee_phone = ANY($2::text[]) ORDER BY created_at LIMIT 5000`,
    [merchantId, phones],
  );
}
