import { Fen } from '@orderline/shared/money';
import { PaidOrder } from './refund-allocation';

/**
 * What after-sales knows of an order's money and goods, from the order service's events:
 * the order as placed, what was paid, and what the shipment took (a partial shipment names
 * its lines, amount and freight; a whole one names none).
 */
export interface OrderPaymentFacts {
  payable: Fen;
  freight: Fen;
  paid: Fen | null;
  shippedAmount: Fen | null;
  shippedFreight: Fen | null;
  lines: ReadonlyArray<{ lineId: string; unitPrice: Fen; quantity: number }>;
  shippedLines: ReadonlyArray<{ lineId: string; quantity: number }> | null;
}

/**
 * The refund base of an order (domain.md §3 "partial returns"): the shipped goods and what
 * was paid for them. What the shipment captured/charged comes first; a whole order shipped
 * without a stated amount refunds against what was paid, or the payable (COD, freight
 * included). A partial shipment's freight is its own (none unless stated).
 */
export function paidOrderOf(order: OrderPaymentFacts): PaidOrder {
  const shipped = order.shippedLines ?? order.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
  return {
    paid: order.shippedAmount ?? order.paid ?? order.payable,
    freight: order.shippedFreight ?? (order.shippedLines ? 0 : order.freight),
    lines: shipped.flatMap((s) => {
      const line = order.lines.find((l) => l.lineId === s.lineId);
      return line ? [{ lineId: s.lineId, unitPrice: line.unitPrice, quantity: s.quantity }] : [];
    }),
  };
}

/** Units per line and the total of the refunds already granted for an order. */
export interface EarlierRefunds {
  unitsByLine: Map<string, number>;
  total: Fen;
}

/** Sums the order's granted refunds into what the next refund must leave room for. */
export function earlierRefundsOf(refunds: ReadonlyArray<{ amount: Fen; lines: ReadonlyArray<{ lineId: string; quantity: number }> }>): EarlierRefunds {
  const unitsByLine = new Map<string, number>();
  let total = 0;
  for (const refund of refunds) {
    total += refund.amount;
    for (const line of refund.lines) unitsByLine.set(line.lineId, (unitsByLine.get(line.lineId) ?? 0) + line.quantity);
  }
  return { unitsByLine, total };
}
