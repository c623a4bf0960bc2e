import { EntityManager } from 'typeorm';
import { AfterSalesCommand, AfterSalesStatus, AfterSalesType, PaidOrder } from '@orderline/after-sales/domain';

export interface OrderLineFact {
  lineId: string;
  skuId: string;
  title: string;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
}

/** What after-sales knows of an order, from the order service's events (its own copy). */
export interface OrderFacts {
  orderId: string;
  merchantId: string;
  buyerId: string;
  paymentMethod: 'ONLINE' | 'COD' | 'CREDIT';
  creditPlan: string | null;
  status: 'PLACED' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'COMPLETED' | 'CANCELLED';
  delivered: boolean;
  payable: number;
  freight: number;
  paid: number | null;
  shippedAmount: number | null;
  shippedFreight: number | null;
  lines: OrderLineFact[];
  shippedLines: Array<{ lineId: string; quantity: number }> | null;
}

export interface HistoryEntry {
  from: AfterSalesStatus | null;
  to: AfterSalesStatus;
  command: AfterSalesCommand | 'APPLY';
  actor: string;
  at: string;
  note?: string;
}

export interface AfterSalesRecord {
  id: string;
  orderId: string;
  merchantId: string;
  buyerId: string;
  type: AfterSalesType;
  status: AfterSalesStatus;
  reason: string;
  description: string | null;
  evidence: string[];
  lines: Array<{ lineId: string; quantity: number }>;
  reviewDeadline: Date;
  review: { decision: 'APPROVED' | 'REJECTED'; by: 'MERCHANT' | 'SYSTEM'; reason?: string; at: string } | null;
  returnShipment: { carrier: string; waybillNo: string; pickup: boolean; at: string } | null;
  receipt: { condition: 'OK' | 'PROBLEM'; note?: string; at: string } | null;
  history: HistoryEntry[];
  createdAt: Date;
  updatedAt: Date;
}

const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function orderOf(row: Record<string, unknown>): OrderFacts {
  return {
    orderId: row.order_id as string,
    merchantId: row.merchant_id as string,
    buyerId: row.buyer_id as string,
    paymentMethod: row.payment_method as OrderFacts['paymentMethod'],
    creditPlan: (row.credit_plan as string | null) ?? null,
    status: row.status as OrderFacts['status'],
    delivered: Boolean(row.delivered),
    payable: num(row.payable),
    freight: num(row.freight),
    paid: numOrNull(row.paid),
    shippedAmount: numOrNull(row.shipped_amount),
    shippedFreight: numOrNull(row.shipped_freight),
    lines: row.lines as OrderLineFact[],
    shippedLines: (row.shipped_lines as OrderFacts['shippedLines']) ?? null,
  };
}

export function recordOf(row: Record<string, unknown>): AfterSalesRecord {
  return {
    id: row.id as string,
    orderId: row.order_id as string,
    merchantId: row.merchant_id as string,
    buyerId: row.buyer_id as string,
    type: row.type as AfterSalesType,
    status: row.status as AfterSalesStatus,
    reason: row.reason as string,
    description: (row.description as string | null) ?? null,
    evidence: row.evidence as string[],
    lines: row.lines as AfterSalesRecord['lines'],
    reviewDeadline: new Date(row.review_deadline as string),
    review: (row.review as AfterSalesRecord['review']) ?? null,
    returnShipment: (row.return_shipment as AfterSalesRecord['returnShipment']) ?? null,
    receipt: (row.receipt as AfterSalesRecord['receipt']) ?? null,
    history: row.history as HistoryEntry[],
    createdAt: new Date(row.created_at as string),
    updatedAt: new Date(row.updated_at as string),
  };
}

export async function findOrder(manager: EntityManager, orderId: string, lock = false): Promise<OrderFacts | undefined> {
  const rows = await manager.query(`SELECT * FROM as_order WHERE order_id = $1${lock ? ' FOR UPDATE' : ''}`, [orderId]);
  return rows[0] ? orderOf(rows[0]) : undefined;
}

export async function findRequest(manager: EntityManager, id: string, lock = false): Promise<AfterSalesRecord | undefined> {
  const rows = await manager.query(`SELECT * FROM after_sales_request WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? recordOf(rows[0]) : undefined;
}

/** Units per line held by the order's requests: returned or being returned (domain.md §3). */
export async function heldUnits(manager: EntityManager, orderId: string): Promise<Map<string, number>> {
  const rows: Array<{ line_id: string; units: string }> = await manager.query(
    `SELECT l ->> 'lineId' AS line_id, sum((l ->> 'quantity')::int) AS units
       FROM after_sales_request r, jsonb_array_elements(r.lines) l
      WHERE r.order_id = $1 AND r.status <> 'REJECTED'
      GROUP BY 1`,
    [orderId],
  );
  return new Map(rows.map((r) => [r.line_id, Number(r.units)]));
}

/** Units per line and the total of the refunds already granted for the order. */
export async function earlierRefunds(manager: EntityManager, orderId: string): Promise<{ unitsByLine: Map<string, number>; total: number }> {
  const rows: Array<{ amount: string; lines: Array<{ lineId: string; quantity: number }> }> = await manager.query(`SELECT amount, lines FROM refund WHERE order_id = $1`, [orderId]);
  const unitsByLine = new Map<string, number>();
  let total = 0;
  for (const row of rows) {
    total += Number(row.amount);
    for (const line of row.lines) unitsByLine.set(line.lineId, (unitsByLine.get(line.lineId) ?? 0) + line.quantity);
  }
  return { unitsByLine, total };
}

/** The shipped goods and what was paid for them: the base of every refund of the order. */
export function paidOrderOf(order: OrderFacts): PaidOrder {
  const shipped = order.shippedLines ?? order.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
  return {
    // What the shipment captured/charged: the whole payable for a whole order (freight included).
    paid: order.shippedAmount ?? order.paid ?? order.payable,
    freight: order.shippedFreight ?? (order.shippedLines ? 0 : order.freight),
    lines: shipped.flatMap((s) => {
      const line = order.lines.find((l) => l.lineId === s.lineId);
      return line ? [{ lineId: s.lineId, unitPrice: line.unitPrice, quantity: s.quantity }] : [];
    }),
  };
}

/** The columns a step may set beside the status (jsonb documents of the review, return and receipt). */
export type RequestChanges = Partial<Record<'review' | 'return_shipment' | 'receipt', unknown>>;

/** Writes a moved request: its new status and what the step changed, on the row and on `request`. */
export async function saveRequestStep(manager: EntityManager, request: AfterSalesRecord, at: Date, changes: RequestChanges): Promise<void> {
  const columns = Object.keys(changes);
  const sets = columns.map((column, i) => `, ${column} = $${i + 4}`).join('');
  await manager.query(`UPDATE after_sales_request SET status = $2, updated_at = $3${sets} WHERE id = $1`, [
    request.id,
    request.status,
    at,
    ...columns.map((c) => JSON.stringify((changes as Record<string, unknown>)[c])),
  ]);
  if (changes.review !== undefined) request.review = changes.review as AfterSalesRecord['review'];
  if (changes.return_shipment !== undefined) request.returnShipment = changes.return_shipment as AfterSalesRecord['returnShipment'];
  if (changes.receipt !== undefined) request.receipt = changes.receipt as AfterSalesRecord['receipt'];
}

/** Appends one entry to the request's history (kept on the row, oldest first). */
export async function appendRequestHistory(manager: EntityManager, request: AfterSalesRecord, entry: HistoryEntry): Promise<void> {
  await manager.query(`UPDATE after_sales_request SET history = history || $2::jsonb WHERE id = $1`, [request.id, JSON.stringify([entry])]);
  request.history.push(entry);
}
