import { EventConsignee, openPersonalData, OrderPlaced } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';

/**
 * A new order row and its lines (domain.md §5 read model). Refunds that arrived first (the
 * after-sales topic is consumed independently) are folded in.
 */
export const orderPlaced = (personalDataSecret: string) =>
  onEvent(OrderPlaced, async (event, scope) => {
    const p = event.payload;
    const consignee = p.consigneeSealed ? openPersonalData<EventConsignee>(p.consigneeSealed, personalDataSecret) : undefined;
    // An order's refunds may be applied by another partition's consumer at the same moment.
    await scope.manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`export-order:${p.orderId}`]);
    const address = consignee?.address;
    await scope.manager.query(
      `INSERT INTO export_order (order_id, merchant_id, buyer_id, status, payment_method, credit_plan, goods_total, freight, discount_total, payable, placed_at, kinds,
         fulfilment, buyer_note, consignee_name, consignee_phone, province, city, county, town, address_detail, refunded_amount, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
         (SELECT coalesce(sum(amount), 0) FROM export_refund WHERE order_id = $1),
       -- Topics are consumed independently: a refund applied earlier still counts for "last change".
       GREATEST($11::timestamptz, (SELECT max(completed_at) FROM export_refund WHERE order_id = $1)))
       ON CONFLICT (order_id) DO NOTHING`,
      [
        p.orderId,
        p.merchantId,
        p.buyerId,
        // domain.md §1.2: cash on delivery waits for outbound at once.
        p.paymentMethod === 'COD' ? 'WAITING_OUTBOUND' : 'UNPAID',
        p.paymentMethod,
        p.credit?.plan ?? null,
        p.goodsTotal ?? p.lines.reduce((sum, line) => sum + line.lineTotal, 0),
        p.freight,
        p.discountTotal ?? 0,
        p.payable,
        event.occurredAt,
        p.kinds ?? [],
        p.fulfilment ?? null,
        p.buyerNote ?? null,
        consignee?.name ?? null,
        consignee?.phone ?? null,
        address?.province ?? null,
        address?.city ?? null,
        address?.county ?? null,
        address?.town ?? null,
        address?.detail ?? null,
      ],
    );
    await scope.manager.query(
      `INSERT INTO export_order_line (line_id, order_id, position, sku_id, title, unit_price, quantity, line_total)
       SELECT l.line_id, $1, l.position, l.sku_id, l.title, l.unit_price, l.quantity, l.line_total
       FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::bigint[], $7::int[], $8::bigint[]) AS l(line_id, position, sku_id, title, unit_price, quantity, line_total)
       ON CONFLICT (line_id) DO NOTHING`,
      [
        p.orderId,
        p.lines.map((line) => line.lineId),
        p.lines.map((_, position) => position),
        p.lines.map((line) => line.skuId),
        p.lines.map((line) => line.title),
        p.lines.map((line) => line.unitPrice),
        p.lines.map((line) => line.quantity),
        p.lines.map((line) => line.lineTotal),
      ],
    );
    await scope.manager.query(
      `UPDATE export_order_line l SET refunded_quantity = r.quantity
       FROM (SELECT (line->>'lineId')::uuid AS line_id, sum((line->>'quantity')::int) AS quantity
             FROM export_refund, jsonb_array_elements(lines) AS line WHERE order_id = $1 GROUP BY 1) r
       WHERE l.line_id = r.line_id`,
      [p.orderId],
    );
  }, { lockKey: (event) => `export-order:${event.payload.orderId}` });
