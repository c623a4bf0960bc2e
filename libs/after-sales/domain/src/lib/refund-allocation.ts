import { allocateLargestRemainder, Fen, MoneyError, multiplyFen, sumFen } from '@orderline/shared/money';

/**
 * What the buyer paid for each line (domain.md §3 "partial returns"): the amount actually
 * paid for the shipped goods, order-level discounts and freight included, spread over the
 * lines in proportion to their gross value (unit price × quantity) with largest-remainder
 * rounding. Because discounts and freight are both spread by the same weights, a line's
 * share of the payment is exactly paid × gross / Σ gross before rounding, so one
 * largest-remainder split of the paid amount gives every line's paid price: never negative,
 * never more than paid, summing to the paid amount to the fen.
 */
export interface PaidOrder {
  /** What the buyer paid for the goods that shipped (goods + freight − discounts). */
  paid: Fen;
  /** Freight included in `paid` (only used to show each line's share). */
  freight: Fen;
  lines: ReadonlyArray<{ lineId: string; unitPrice: Fen; quantity: number }>;
}

export interface LinePayment {
  lineId: string;
  quantity: number;
  /** unit price × quantity. */
  gross: Fen;
  /** This line's share of the freight (largest remainder by gross). */
  freightShare: Fen;
  /** gross + freight share − paid: the line's share of the order-level discounts. */
  discountShare: Fen;
  /** What the buyer paid for the line; the most its refunds can reach. */
  paid: Fen;
}

export function allocatePaymentToLines(order: PaidOrder): LinePayment[] {
  if (order.lines.length === 0) throw new MoneyError('an order without lines has nothing to allocate');
  const gross = order.lines.map((line) => multiplyFen(line.unitPrice, line.quantity));
  // Free lines only (gross 0 everywhere): spread by quantity so the split stays defined.
  const weights = sumFen(gross) > 0 ? gross : order.lines.map((line) => line.quantity);
  const paid = allocateLargestRemainder(order.paid, weights);
  const freight = allocateLargestRemainder(Math.min(order.freight, order.paid), weights);
  return order.lines.map((line, i) => ({ lineId: line.lineId, quantity: line.quantity, gross: gross[i], freightShare: freight[i], discountShare: gross[i] + freight[i] - paid[i], paid: paid[i] }));
}

/**
 * The refund for `quantity` more units of a line of which `alreadyRefunded` units were
 * refunded before. Units share the line's paid amount cumulatively: the first n units are
 * worth floor(paid × n / Q), so units returned one by one add up to exactly the line's paid
 * amount and a line can never be refunded more than was paid for it.
 */
export function refundForUnits(line: Pick<LinePayment, 'paid' | 'quantity'>, alreadyRefunded: number, quantity: number): Fen {
  if (!Number.isInteger(quantity) || quantity < 1) throw new MoneyError(`quantity must be a positive integer, got ${quantity}`);
  if (!Number.isInteger(alreadyRefunded) || alreadyRefunded < 0) throw new MoneyError(`already refunded units must be a non-negative integer, got ${alreadyRefunded}`);
  if (alreadyRefunded + quantity > line.quantity) throw new MoneyError(`cannot refund ${quantity} more of ${line.quantity} units when ${alreadyRefunded} were refunded`);
  const worth = (units: number) => Number((BigInt(line.paid) * BigInt(units)) / BigInt(line.quantity));
  return worth(alreadyRefunded + quantity) - worth(alreadyRefunded);
}

export interface RefundLineRequest {
  lineId: string;
  quantity: number;
}

export interface RefundedLineAmount {
  lineId: string;
  quantity: number;
  amount: Fen;
}

export interface RefundCalculation {
  lines: RefundedLineAmount[];
  amount: Fen;
}

/**
 * Prices a refund of `request` lines, given what earlier refunds of the order took
 * (units per line and total). Refuses anything that would refund more than was paid for
 * a line or for the order (domain.md §3: the sum of all refunds never exceeds what was paid).
 */
export function calculateRefund(order: PaidOrder, earlier: { unitsByLine: ReadonlyMap<string, number>; total: Fen }, request: readonly RefundLineRequest[]): RefundCalculation {
  const payments = allocatePaymentToLines(order);
  const lines = request.map((wanted) => {
    const line = payments.find((p) => p.lineId === wanted.lineId);
    if (!line) throw new MoneyError(`line ${wanted.lineId} is not part of what was paid for`);
    return { lineId: wanted.lineId, quantity: wanted.quantity, amount: refundForUnits(line, earlier.unitsByLine.get(wanted.lineId) ?? 0, wanted.quantity) };
  });
  const amount = sumFen(lines.map((l) => l.amount));
  if (earlier.total + amount > order.paid) throw new MoneyError(`refunds of ${earlier.total + amount} fen would exceed the ${order.paid} fen paid`);
  return { lines, amount };
}
