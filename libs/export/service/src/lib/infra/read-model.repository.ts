import { EntityManager } from 'typeorm';
import type { OrderLineSnapshot } from '@orderline/shared/contracts';
import type { TransactionScope } from '@orderline/shared/messaging';
import { prepared } from '@orderline/shared/persistence';

export interface ReadModelOrder {
  orderId: string;
  merchantId: string;
  buyerId: string;
  status: string;
  paymentMethod: string;
  creditPlan: string | null;
  goodsTotal: number;
  freight: number;
  discountTotal: number;
  payable: number;
  placedAt: string | Date;
  kinds: string[];
  fulfilment: string | null;
  buyerNote: string | null;
  consignee: ReadModelConsignee | null;
}

export interface ReadModelConsignee {
  name: string;
  phone: string;
  province: string;
  city: string;
  county: string;
  town: string | null;
  detail: string;
}

type At = string | Date;

/**
 * An order's row and its lines, in one statement (a redelivered OrderPlaced inserts neither
 * again). The lines are a data-modifying `WITH` part: the table has no foreign key to the order
 * row, and both run on the statement's one snapshot. The row counts a refund applied before
 * it, and says so (`refunded_first`) so the caller can count the refunded quantities per line.
 */
const INSERT_ORDER_WITH_LINES = prepared(`WITH lines AS (
    INSERT INTO export_order_line (line_id, order_id, position, sku_id, title, unit_price, quantity, line_total)
    SELECT l.line_id, $1, l.position, l.sku_id, l.title, l.unit_price, l.quantity, l.line_total
    FROM unnest($22::uuid[], $23::int[], $24::text[], $25::text[], $26::bigint[], $27::int[], $28::bigint[]) AS l(line_id, position, sku_id, title, unit_price, quantity, line_total)
    ON CONFLICT (line_id) DO NOTHING)
  INSERT INTO export_order (order_id, merchant_id, buyer_id, status, payment_method, credit_plan, goods_total, freight, discount_total, payable, placed_at, kinds,
     fulfilment, buyer_note, consignee_name, consignee_phone, province, city, county, town, address_detail, refunded_amount, updated_at)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
     (SELECT coalesce(sum(amount), 0) FROM export_refund WHERE order_id = $1),
     -- Topics are consumed independently: a refund applied earlier still counts for "last change".
     GREATEST($11::timestamptz, (SELECT max(completed_at) FROM export_refund WHERE order_id = $1)))
   ON CONFLICT (order_id) DO NOTHING
   RETURNING EXISTS (SELECT 1 FROM export_refund WHERE order_id = $1) AS refunded_first`);

/**
 * The export read model (domain.md §5): `export_order`, `export_order_line`, `export_refund`,
 * `export_shipment`, `export_shipping_alert`, written only by the events the export service
 * consumes, inside the consumer's transaction (the scope it is given). Writes are
 * idempotent (a redelivered event changes nothing) and `updated_at` only moves forward,
 * because topics are consumed independently and a replay may interleave them differently.
 * A write whose answer nothing reads goes without waiting for it (`sendWrite`): a batch of
 * events costs one round trip at its commit instead of one per write (issue 19).
 */
export class ExportReadModel {
  constructor(private readonly scope: TransactionScope) {}

  private get manager(): EntityManager {
    return this.scope.manager;
  }

  private write(sql: string, values: unknown[]): Promise<void> {
    return this.scope.sendWrite({ sql, values });
  }

  /** A new order row with its lines; refunds that arrived first are folded in. */
  async insertOrder(order: ReadModelOrder, lines: readonly OrderLineSnapshot[]): Promise<void> {
    const consignee = order.consignee;
    // One statement for the row and its lines (they were two round trips per order, issue 19).
    const inserted: Array<{ refunded_first: boolean }> = await this.manager.query(INSERT_ORDER_WITH_LINES, [
      order.orderId,
      order.merchantId,
      order.buyerId,
      order.status,
      order.paymentMethod,
      order.creditPlan,
      order.goodsTotal,
      order.freight,
      order.discountTotal,
      order.payable,
      order.placedAt,
      order.kinds,
      order.fulfilment,
      order.buyerNote,
      consignee?.name ?? null,
      consignee?.phone ?? null,
      consignee?.province ?? null,
      consignee?.city ?? null,
      consignee?.county ?? null,
      consignee?.town ?? null,
      consignee?.detail ?? null,
      lines.map((line) => line.lineId),
      lines.map((_, position) => position),
      lines.map((line) => line.skuId),
      lines.map((line) => line.title),
      lines.map((line) => line.unitPrice),
      lines.map((line) => line.quantity),
      lines.map((line) => line.lineTotal),
    ]);
    // Only when a refund of the order was applied before it (a statement per order otherwise, issue 19);
    // a redelivered OrderPlaced inserts nothing and finds its lines already counted.
    if (!inserted[0]?.refunded_first) return;
    await this.write(
      `UPDATE export_order_line l SET refunded_quantity = r.quantity
       FROM (SELECT (line->>'lineId')::uuid AS line_id, sum((line->>'quantity')::int) AS quantity
             FROM export_refund, jsonb_array_elements(lines) AS line WHERE order_id = $1 GROUP BY 1) r
       WHERE l.line_id = r.line_id`,
      [order.orderId],
    );
  }

  async setConsignee(orderId: string, consignee: ReadModelConsignee, at: At): Promise<void> {
    await this.write(
      `UPDATE export_order SET consignee_name = $2, consignee_phone = $3, province = $4, city = $5, county = $6, town = $7, address_detail = $8, updated_at = GREATEST(updated_at, $9::timestamptz) WHERE order_id = $1`,
      [orderId, consignee.name, consignee.phone, consignee.province, consignee.city, consignee.county, consignee.town, consignee.detail, at],
    );
  }

  markPaid(orderId: string, amount: number, at: At): Promise<void> {
    return this.setColumns(orderId, `status = 'WAITING_OUTBOUND', paid_amount = $2, paid_at = $3, updated_at = GREATEST(updated_at, $3::timestamptz)`, [amount, at]);
  }

  markPaused(orderId: string, reason: string, at: At): Promise<void> {
    return this.setColumns(orderId, `status = 'PAUSED', pause_reason = $2, updated_at = GREATEST(updated_at, $3::timestamptz)`, [reason, at]);
  }

  markResumed(orderId: string, at: At): Promise<void> {
    return this.setColumns(orderId, `status = 'WAITING_OUTBOUND', pause_reason = NULL, updated_at = GREATEST(updated_at, $2::timestamptz)`, [at]);
  }

  markCancelled(orderId: string, reason: string, at: At): Promise<void> {
    return this.setColumns(orderId, `status = 'CANCELLED', cancel_reason = $2, cancelled_at = $3, updated_at = GREATEST(updated_at, $3::timestamptz)`, [reason, at]);
  }

  markShipped(orderId: string, at: At): Promise<void> {
    return this.setColumns(orderId, `status = 'SHIPPED', shipped_at = coalesce(shipped_at, $2), updated_at = GREATEST(updated_at, $2::timestamptz)`, [at]);
  }

  markDelivered(orderId: string, at: At): Promise<void> {
    return this.setColumns(orderId, `status = 'DELIVERED', delivered_at = $2, updated_at = GREATEST(updated_at, $2::timestamptz)`, [at]);
  }

  markCompleted(orderId: string, at: At): Promise<void> {
    return this.setColumns(orderId, `status = 'COMPLETED', completed_at = $2, updated_at = GREATEST(updated_at, $2::timestamptz)`, [at]);
  }

  /** Records a refund once (false when it was already recorded) and adds it to its order and lines. */
  async addRefund(refund: { refundId: string; orderId: string; amount: number; afterSalesId: string | null; lines: Array<{ lineId: string; quantity: number }>; completedAt: At }): Promise<boolean> {
    const inserted: unknown[] = await this.manager.query(
      prepared(`INSERT INTO export_refund (refund_id, order_id, amount, after_sales_id, lines, completed_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (refund_id) DO NOTHING RETURNING refund_id`),
      [refund.refundId, refund.orderId, refund.amount, refund.afterSalesId, JSON.stringify(refund.lines), refund.completedAt],
    );
    if (inserted.length === 0) return false;
    await this.write(`UPDATE export_order SET refunded_amount = refunded_amount + $2, updated_at = GREATEST(updated_at, $3::timestamptz) WHERE order_id = $1`, [refund.orderId, refund.amount, refund.completedAt]);
    for (const line of refund.lines) {
      await this.write(`UPDATE export_order_line SET refunded_quantity = refunded_quantity + $2 WHERE line_id = $1`, [line.lineId, line.quantity]);
    }
    return true;
  }

  async upsertShipment(shipment: { shipmentId: string; orderId: string; carrier: string; waybillNo: string; dispatchedAt: At }): Promise<void> {
    await this.write(
      `INSERT INTO export_shipment (shipment_id, order_id, carrier, waybill_no, dispatched_at, tracking_status, tracking_at) VALUES ($1, $2, $3, $4, $5, 'DISPATCHED', $5)
     ON CONFLICT (shipment_id) DO UPDATE SET carrier = EXCLUDED.carrier, waybill_no = EXCLUDED.waybill_no`,
      [shipment.shipmentId, shipment.orderId, shipment.carrier, shipment.waybillNo, shipment.dispatchedAt],
    );
  }

  async markShipmentDelivered(shipmentId: string, at: At): Promise<void> {
    await this.write(`UPDATE export_shipment SET delivered_at = $2, tracking_status = 'DELIVERED', tracking_at = $2 WHERE shipment_id = $1`, [shipmentId, at]);
  }

  async insertShippingAlert(alert: { alertId: string; orderId: string; merchantId: string; kind: 'WARNING' | 'TIMEOUT'; shipBy: string; raisedAt: At; detail: string | null }): Promise<void> {
    await this.write(
      `INSERT INTO export_shipping_alert (alert_id, order_id, merchant_id, kind, ship_by, raised_at, detail) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (alert_id) DO NOTHING`,
      [alert.alertId, alert.orderId, alert.merchantId, alert.kind, alert.shipBy, alert.raisedAt, alert.detail],
    );
  }

  /** One compensation (赔付) by its id: a redelivered event changes nothing. */
  async insertCompensation(compensation: { compensationId: string; orderId: string; merchantId: string; kind: string; amount: number; reason: string; grantedBy: string; grantedAt: At }): Promise<void> {
    await this.write(
      `INSERT INTO export_compensation (compensation_id, order_id, merchant_id, kind, amount, reason, status, granted_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'GRANTED', $7, $8) ON CONFLICT (compensation_id) DO NOTHING`,
      [compensation.compensationId, compensation.orderId, compensation.merchantId, compensation.kind, compensation.amount, compensation.reason, compensation.grantedBy, compensation.grantedAt],
    );
  }

  /** One LOC sign-up per order (its id is the order's): a redelivered event changes nothing. */
  async insertLocSignup(signup: { orderId: string; merchantId: string; kind: string; skuId: string; title: string; name: string | null; phone: string | null; idType: string | null; idNumber: string | null; classDate: string; signedUpAt: At }): Promise<void> {
    await this.write(
      `INSERT INTO export_loc_signup (signup_id, merchant_id, activity_id, order_id, name, phone, signed_up_at, kind, title, id_type, id_number, class_date)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (signup_id) DO NOTHING`,
      // The order id twice: the sign-up id column is text, the order id column uuid.
      [signup.orderId, signup.merchantId, signup.skuId, signup.orderId, signup.name, signup.phone, signup.signedUpAt, signup.kind, signup.title, signup.idType, signup.idNumber, signup.classDate],
    );
  }

  /** Events of one order on the orders topic arrive in order (one partition per key), so each sets its columns. */
  private async setColumns(orderId: string, assignments: string, values: unknown[]): Promise<void> {
    await this.write(`UPDATE export_order SET ${assignments} WHERE order_id = $1`, [orderId, ...values]);
  }
}
