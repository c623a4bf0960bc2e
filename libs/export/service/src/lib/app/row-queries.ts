import { ExportType, exportTypeDefinition } from '@orderline/export/domain';

export interface RowQueryInput {
  type: ExportType;
  merchantId: string;
  from: Date;
  to: Date;
  filters: { status?: string[]; paymentMethod?: string[]; skuId?: string };
}

const ORDER_COLUMNS = `o.order_id AS "orderId", o.placed_at AS "placedAt", o.status, o.payment_method AS "paymentMethod", o.credit_plan AS "creditPlan",
  o.goods_total AS "goodsTotal", o.freight, o.discount_total AS "discountTotal", o.payable, o.paid_amount AS "paidAmount", o.paid_at AS "paidAt",
  o.kinds, o.fulfilment, o.buyer_note AS "buyerNote", o.pause_reason AS "pauseReason", o.cancel_reason AS "cancelReason",
  o.shipped_at AS "shippedAt", o.delivered_at AS "deliveredAt", o.completed_at AS "completedAt", o.refunded_amount AS "refundedAmount"`;
const CONSIGNEE_COLUMNS = `o.consignee_name AS "consigneeName", o.consignee_phone AS "consigneePhone", o.province, o.city, o.county, o.town, o.address_detail AS "addressDetail"`;
const LINE_COLUMNS = `l.line_id AS "lineId", l.sku_id AS "skuId", l.title, l.unit_price AS "unitPrice", l.quantity, l.line_total AS "lineTotal", l.refunded_quantity AS "refundedQuantity"`;

/**
 * The read-model query of one task: its rows in a stable order (time, then id), only the
 * merchant's own, inside the time range `[from, to)` and the filters. Read through a cursor.
 */
export function rowQuery(input: RowQueryInput): { sql: string; parameters: unknown[] } {
  const definition = exportTypeDefinition(input.type);
  const parameters: unknown[] = [input.merchantId, input.from, input.to];
  const where: string[] = [];
  const param = (value: unknown) => {
    parameters.push(value);
    return `$${parameters.length}`;
  };
  const orderFilters = (alias: string) => {
    if (definition.selector.status) where.push(`${alias}.status = ${param(definition.selector.status)}`);
    if (definition.selector.kind) where.push(`${param(definition.selector.kind)} = ANY(${alias}.kinds)`);
    if (input.filters.status?.length) where.push(`${alias}.status = ANY(${param(input.filters.status)}::text[])`);
    if (input.filters.paymentMethod?.length) where.push(`${alias}.payment_method = ANY(${param(input.filters.paymentMethod)}::text[])`);
    if (input.filters.skuId) where.push(`EXISTS (SELECT 1 FROM export_order_line f WHERE f.order_id = ${alias}.order_id AND f.sku_id = ${param(input.filters.skuId)})`);
  };
  const and = () => (where.length ? ` AND ${where.join(' AND ')}` : '');

  switch (definition.source) {
    case 'ORDERS':
      orderFilters('o');
      return {
        sql: `SELECT ${ORDER_COLUMNS}, ${CONSIGNEE_COLUMNS} FROM export_order o WHERE o.merchant_id = $1 AND o.placed_at >= $2 AND o.placed_at < $3${and()} ORDER BY o.placed_at, o.order_id`,
        parameters,
      };
    case 'ORDER_LINES':
      orderFilters('o');
      return {
        sql: `SELECT ${ORDER_COLUMNS}, ${LINE_COLUMNS}, ${CONSIGNEE_COLUMNS} FROM export_order o JOIN export_order_line l ON l.order_id = o.order_id
              WHERE o.merchant_id = $1 AND o.placed_at >= $2 AND o.placed_at < $3${and()} ORDER BY o.placed_at, o.order_id, l.position`,
        parameters,
      };
    case 'SHIPMENTS':
      orderFilters('o');
      return {
        sql: `SELECT o.order_id AS "orderId", o.placed_at AS "placedAt", o.status, s.shipment_id AS "shipmentId", s.carrier, s.waybill_no AS "waybillNo", s.dispatched_at AS "dispatchedAt",
                s.delivered_at AS "shipmentDeliveredAt", s.tracking_status AS "trackingStatus", s.tracking_at AS "trackingAt", ${CONSIGNEE_COLUMNS}
              FROM export_order o JOIN export_shipment s ON s.order_id = o.order_id
              WHERE o.merchant_id = $1 AND o.placed_at >= $2 AND o.placed_at < $3${and()} ORDER BY o.placed_at, o.order_id, s.dispatched_at, s.shipment_id`,
        parameters,
      };
    case 'SHIPPING_ALERTS':
      where.push(`a.kind = ${param(definition.selector.alertKind)}`);
      if (input.filters.status?.length) where.push(`o.status = ANY(${param(input.filters.status)}::text[])`);
      return {
        sql: `SELECT a.order_id AS "orderId", o.placed_at AS "placedAt", o.status, a.ship_by AS "shipBy", a.raised_at AS "raisedAt", a.detail
              FROM export_shipping_alert a LEFT JOIN export_order o ON o.order_id = a.order_id
              WHERE a.merchant_id = $1 AND a.raised_at >= $2 AND a.raised_at < $3${and()} ORDER BY a.raised_at, a.alert_id`,
        parameters,
      };
    case 'COMPENSATIONS':
      where.push(`c.kind = ${param(definition.selector.compensationKind)}`);
      if (input.filters.status?.length) where.push(`c.status = ANY(${param(input.filters.status)}::text[])`);
      return {
        sql: `SELECT c.compensation_id AS "compensationId", c.order_id AS "orderId", c.amount, c.reason, c.status AS "compensationStatus", c.created_at AS "createdAt"
              FROM export_compensation c WHERE c.merchant_id = $1 AND c.created_at >= $2 AND c.created_at < $3${and()} ORDER BY c.created_at, c.compensation_id`,
        parameters,
      };
    case 'LOC_SIGNUPS':
      return {
        sql: `SELECT s.signup_id AS "signupId", s.activity_id AS "activityId", s.order_id AS "orderId", s.name AS "signupName", s.phone AS "signupPhone", s.signed_up_at AS "signedUpAt"
              FROM export_loc_signup s WHERE s.merchant_id = $1 AND s.signed_up_at >= $2 AND s.signed_up_at < $3 ORDER BY s.signed_up_at, s.signup_id`,
        parameters,
      };
  }
}
