import { PaymentMethod } from '@orderline/shared/platform-rules';
import { Veto } from '@orderline/shared/process';
import { OrderStatus } from './order-status';

export interface CodReconciliationOrder {
  id: string;
  paymentMethod: PaymentMethod;
  status: OrderStatus;
  /** fen */
  payable: number;
}

/**
 * Finance reconciles the cash a courier collected for a delivered COD order (domain.md §1.2).
 * Decision: the collected amount must equal the payable to the fen; a short or excess collection
 * is a finance dispute, refused, and the order stays DELIVERED. A second reconciliation is
 * refused. Other payment methods are left to the order process (which has no such move for them).
 */
export function codReconciliationVeto(order: CodReconciliationOrder, collectedAmount: number): Veto | undefined {
  if (order.paymentMethod !== 'COD') return undefined;
  if (order.status === 'COMPLETED') return { code: 'COD_ALREADY_RECONCILED', reason: `order ${order.id} was reconciled already` };
  if (collectedAmount !== order.payable) {
    return { code: 'COD_AMOUNT_MISMATCH', reason: `the courier collected ${collectedAmount} fen but the order's payable is ${order.payable} fen; settle the difference before reconciling` };
  }
  return undefined;
}
