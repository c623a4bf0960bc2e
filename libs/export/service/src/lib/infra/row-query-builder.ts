import { ExportType, exportTypeDefinition } from '@orderline/export/domain';

export interface RowQueryInput {
  type: ExportType;
  merchantId: string;
  from: Date;
  to: Date;
  filters: { status?: string[]; paymentMethod?: string[]; skuId?: string };
}

export interface RowQuery {
  sql: string;
  parameters: unknown[];
  /** The column keys of each row, in SELECT order (rows come as arrays). */
  columns: string[];
}

type Select = Array<[expression: string, key: string]>;

// Times as ISO-8601 UTC text and arrays joined in SQL, so every reader (COPY, cursor, pages)
// hands the writer the same strings without parsing dates in Node.
const time = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const ORDER: Select = [
  ['o.order_id', 'orderId'],
  [time('o.placed_at'), 'placedAt'],
  ['o.status', 'status'],
  ['o.payment_method', 'paymentMethod'],
  ['o.credit_plan', 'creditPlan'],
  ['o.goods_total', 'goodsTotal'],
  ['o.freight', 'freight'],
  ['o.discount_total', 'discountTotal'],
  ['o.payable', 'payable'],
  ['o.paid_amount', 'paidAmount'],
  [time('o.paid_at'), 'paidAt'],
  [`array_to_string(o.kinds, '|')`, 'kinds'],
  ['o.fulfilment', 'fulfilment'],
  ['o.buyer_note', 'buyerNote'],
  ['o.pause_reason', 'pauseReason'],
  ['o.cancel_reason', 'cancelReason'],
  [time('o.shipped_at'), 'shippedAt'],
  [time('o.delivered_at'), 'deliveredAt'],
  [time('o.completed_at'), 'completedAt'],
  ['o.refunded_amount', 'refundedAmount'],
];
const CONSIGNEE: Select = [
  ['o.consignee_name', 'consigneeName'],
  ['o.consignee_phone', 'consigneePhone'],
  ['o.province', 'province'],
  ['o.city', 'city'],
  ['o.county', 'county'],
  ['o.town', 'town'],
  ['o.address_detail', 'addressDetail'],
];
const LINE: Select = [
  ['l.line_id', 'lineId'],
  ['l.sku_id', 'skuId'],
  ['l.title', 'title'],
  ['l.unit_price', 'unitPrice'],
  ['l.quantity', 'quantity'],
  ['l.line_total', 'lineTotal'],
  ['l.refunded_quantity', 'refundedQuantity'],
];
const SHIPMENT: Select = [
  ['o.order_id', 'orderId'],
  [time('o.placed_at'), 'placedAt'],
  ['o.status', 'status'],
  ['s.shipment_id', 'shipmentId'],
  ['s.carrier', 'carrier'],
  ['s.waybill_no', 'waybillNo'],
  [time('s.dispatched_at'), 'dispatchedAt'],
  [time('s.delivered_at'), 'shipmentDeliveredAt'],
  ['s.tracking_status', 'trackingStatus'],
  [time('s.tracking_at'), 'trackingAt'],
];
const ALERT: Select = [
  ['a.order_id', 'orderId'],
  [time('o.placed_at'), 'placedAt'],
  ['o.status', 'status'],
  [time('a.ship_by'), 'shipBy'],
  [time('a.raised_at'), 'raisedAt'],
  ['a.detail', 'detail'],
];
const COMPENSATION: Select = [
  ['c.compensation_id', 'compensationId'],
  ['c.order_id', 'orderId'],
  ['c.amount', 'amount'],
  ['c.reason', 'reason'],
  ['c.status', 'compensationStatus'],
  [time('c.created_at'), 'createdAt'],
];
const SIGNUP: Select = [
  ['s.signup_id', 'signupId'],
  ['s.kind', 'signupKind'],
  ['s.activity_id', 'activityId'],
  ['s.title', 'activityTitle'],
  ['s.order_id', 'orderId'],
  ['s.name', 'signupName'],
  ['s.phone', 'signupPhone'],
  ['s.id_type', 'idType'],
  ['s.id_number', 'idNumber'],
  [`to_char(s.class_date, 'YYYY-MM-DD')`, 'classDate'],
  [time('s.signed_up_at'), 'signedUpAt'],
];

function select(columns: Select): string {
  return columns.map(([expression, key]) => `${expression} AS "${key}"`).join(', ');
}

/**
 * The read-model query of one task: its rows in a stable order (time, then id), only the
 * merchant's own, inside the time range `[from, to)` and the filters.
 */
export function rowQuery(input: RowQueryInput): RowQuery {
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
  const build = (columns: Select, rest: string): RowQuery => ({ sql: `SELECT ${select(columns)} ${rest}`, parameters, columns: columns.map(([, key]) => key) });

  switch (definition.source) {
    case 'ORDERS':
      orderFilters('o');
      return build([...ORDER, ...CONSIGNEE], `FROM export_order o WHERE o.merchant_id = $1 AND o.placed_at >= $2 AND o.placed_at < $3${and()} ORDER BY o.placed_at, o.order_id`);
    case 'ORDER_LINES':
      orderFilters('o');
      return build(
        [...ORDER, ...LINE, ...CONSIGNEE],
        `FROM export_order o JOIN export_order_line l ON l.order_id = o.order_id WHERE o.merchant_id = $1 AND o.placed_at >= $2 AND o.placed_at < $3${and()} ORDER BY o.placed_at, o.order_id, l.position`,
      );
    case 'SHIPMENTS':
      orderFilters('o');
      return build(
        [...SHIPMENT, ...CONSIGNEE],
        `FROM export_order o JOIN export_shipment s ON s.order_id = o.order_id WHERE o.merchant_id = $1 AND o.placed_at >= $2 AND o.placed_at < $3${and()} ORDER BY o.placed_at, o.order_id, s.dispatched_at, s.shipment_id`,
      );
    case 'SHIPPING_ALERTS':
      where.push(`a.kind = ${param(definition.selector.alertKind)}`);
      if (input.filters.status?.length) where.push(`o.status = ANY(${param(input.filters.status)}::text[])`);
      return build(ALERT, `FROM export_shipping_alert a LEFT JOIN export_order o ON o.order_id = a.order_id WHERE a.merchant_id = $1 AND a.raised_at >= $2 AND a.raised_at < $3${and()} ORDER BY a.raised_at, a.alert_id`);
    case 'COMPENSATIONS':
      where.push(`c.kind = ${param(definition.selector.compensationKind)}`);
      if (input.filters.status?.length) where.push(`c.status = ANY(${param(input.filters.status)}::text[])`);
      return build(COMPENSATION, `FROM export_compensation c WHERE c.merchant_id = $1 AND c.created_at >= $2 AND c.created_at < $3${and()} ORDER BY c.created_at, c.compensation_id`);
    case 'LOC_SIGNUPS':
      if (definition.selector.signupKind) where.push(`s.kind = ${param(definition.selector.signupKind)}`);
      return build(SIGNUP, `FROM export_loc_signup s WHERE s.merchant_id = $1 AND s.signed_up_at >= $2 AND s.signed_up_at < $3${and()} ORDER BY s.signed_up_at, s.signup_id`);
  }
}
