import { AfterSalesType } from './after-sales-process';

/** What after-sales knows of an order, built from the order service's events. */
export interface OrderFactsForAfterSales {
  status: 'PLACED' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'COMPLETED' | 'CANCELLED';
  /** A delivery event (妥投) arrived. */
  delivered: boolean;
  /** Units of each line that shipped (the returnable universe). */
  shippedLines: ReadonlyArray<{ lineId: string; quantity: number }>;
}

export interface ApplicationProblem {
  code: string;
  status: 409 | 422;
  reason: string;
  returnable?: Array<{ lineId: string; quantity: number }>;
}

/**
 * Whether a buyer may apply (domain.md §1.2, §3): only for a shipped order, only for lines
 * and quantities that shipped and are not already returned or being returned; refund-only
 * is for goods never delivered. `held` = units per line held by the order's other requests
 * (every status but REJECTED).
 */
export function applicationProblem(order: OrderFactsForAfterSales, held: ReadonlyMap<string, number>, type: AfterSalesType, lines: ReadonlyArray<{ lineId: string; quantity: number }>): ApplicationProblem | undefined {
  if (!['SHIPPED', 'DELIVERED', 'COMPLETED'].includes(order.status)) {
    return { code: 'ORDER_NOT_SHIPPED', status: 409, reason: `after-sales applies to shipped orders; this order is ${order.status === 'CANCELLED' ? 'cancelled' : 'not shipped yet'} (a buyer cancels an unshipped order instead)` };
  }
  if (type === 'REFUND_ONLY' && (order.delivered || order.status !== 'SHIPPED')) {
    return { code: 'REFUND_ONLY_NOT_AFTER_DELIVERY', status: 409, reason: 'refund-only is for goods never delivered; this order was delivered or received — apply for a return and refund instead' };
  }
  const ids = lines.map((l) => l.lineId);
  if (new Set(ids).size !== ids.length) return { code: 'DUPLICATE_LINE', status: 422, reason: 'each line may appear once in a request' };
  const returnable = order.shippedLines.map((line) => ({ lineId: line.lineId, quantity: Math.max(0, line.quantity - (held.get(line.lineId) ?? 0)) }));
  for (const wanted of lines) {
    const line = returnable.find((r) => r.lineId === wanted.lineId);
    if (!line) return { code: 'UNKNOWN_ORDER_LINE', status: 422, reason: `line ${wanted.lineId} is not a shipped line of this order`, returnable };
    if (wanted.quantity > line.quantity) {
      return { code: 'QUANTITY_NOT_RETURNABLE', status: 409, reason: `line ${wanted.lineId}: ${wanted.quantity} asked, ${line.quantity} left (the rest is already returned or being returned)`, returnable };
    }
  }
  return undefined;
}
