import { EntityManager } from 'typeorm';
import { OrderPaymentFacts } from '@orderline/after-sales/domain';
import type { OrderLineSnapshot } from '@orderline/shared/contracts';
import type { TransactionScope } from '@orderline/shared/messaging';
import { prepared } from '@orderline/shared/persistence';
import { PaymentMethod } from '@orderline/shared/platform-rules';

/** A line of `OrderPlaced` as the copy keeps it: the event's shape without the coupon share. */
export type OrderLineFact = Omit<OrderLineSnapshot, 'discount'>;

/** What after-sales knows of an order, from the order service's events (its own copy, `as_order`). */
export interface OrderFacts extends OrderPaymentFacts {
  orderId: string;
  merchantId: string;
  buyerId: string;
  paymentMethod: PaymentMethod;
  creditPlan: string | null;
  status: 'PLACED' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'COMPLETED' | 'CANCELLED';
  delivered: boolean;
  lines: OrderLineFact[];
  shippedLines: Array<{ lineId: string; quantity: number }> | null;
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

/** The order copy; `lock` takes its row lock (two applications for one order queue on it). */
export async function findOrder(manager: EntityManager, orderId: string, lock = false): Promise<OrderFacts | undefined> {
  const rows = await manager.query(`SELECT * FROM as_order WHERE order_id = $1${lock ? ' FOR UPDATE' : ''}`, [orderId]);
  return rows[0] ? orderOf(rows[0]) : undefined;
}

export interface PlacedOrder {
  orderId: string;
  merchantId: string;
  buyerId: string;
  paymentMethod: string;
  creditPlan: string | null;
  payable: number;
  freight: number;
  lines: OrderLineFact[];
}

/**
 * `OrderPlaced`: the copy starts PLACED; a redelivery changes nothing. This and `recordOrderPaid`
 * go without waiting for their answers (`sendWrite`): a batch of events writes its copies in one
 * round trip at its commit (issue 19).
 */
export async function insertPlacedOrder(scope: TransactionScope, order: PlacedOrder, at: Date): Promise<void> {
  await scope.sendWrite({
    sql: `INSERT INTO as_order (order_id, merchant_id, buyer_id, payment_method, credit_plan, status, payable, freight, lines, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'PLACED', $6, $7, $8, $9) ON CONFLICT (order_id) DO NOTHING`,
    values: [order.orderId, order.merchantId, order.buyerId, order.paymentMethod, order.creditPlan, order.payable, order.freight, JSON.stringify(order.lines), at],
  });
}

export async function recordOrderPaid(scope: TransactionScope, orderId: string, amount: number, at: Date): Promise<void> {
  await scope.sendWrite({ sql: `UPDATE as_order SET paid = $2, status = CASE WHEN status = 'PLACED' THEN 'PAID' ELSE status END, updated_at = $3 WHERE order_id = $1`, values: [orderId, amount, at] });
}

export async function recordOrderShipped(
  manager: EntityManager,
  shipped: { orderId: string; shippedAmount: number; freight: number | null; lines: Array<{ lineId: string; quantity: number }> | null },
  at: Date,
): Promise<void> {
  await manager.query(prepared(`UPDATE as_order SET status = 'SHIPPED', shipped_amount = $2, shipped_freight = $3, shipped_lines = $4, updated_at = $5 WHERE order_id = $1`), [
    shipped.orderId,
    shipped.shippedAmount,
    shipped.freight,
    shipped.lines ? JSON.stringify(shipped.lines) : null,
    at,
  ]);
}

/** A completed order stays completed; a delivery is remembered for the refund-only rule. */
export async function recordOrderDeliveredOrCompleted(manager: EntityManager, orderId: string, status: 'DELIVERED' | 'COMPLETED', at: Date): Promise<void> {
  await manager.query(
    prepared(`UPDATE as_order SET status = CASE WHEN status = 'COMPLETED' THEN status ELSE $2 END, delivered = delivered OR $3, updated_at = $4 WHERE order_id = $1 AND status <> 'CANCELLED'`),
    [orderId, status, status === 'DELIVERED', at],
  );
}

export async function recordOrderCancelled(manager: EntityManager, orderId: string, at: Date): Promise<void> {
  await manager.query(prepared(`UPDATE as_order SET status = 'CANCELLED', updated_at = $2 WHERE order_id = $1`), [orderId, at]);
}

/** The credit loan of an order (`LoanBooked`), named on its refunds for credit-billing. */
export async function recordCreditLoan(manager: EntityManager, orderId: string, loanId: string): Promise<void> {
  await manager.query(prepared(`INSERT INTO as_credit_loan (order_id, loan_id) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING`), [orderId, loanId]);
}

export async function creditLoanOf(manager: EntityManager, orderId: string): Promise<string | undefined> {
  const [loan] = await manager.query(prepared(`SELECT loan_id FROM as_credit_loan WHERE order_id = $1`), [orderId]);
  return loan?.loan_id as string | undefined;
}
