import { Fen, multiplyFen, sumFen } from '@orderline/shared/money';
import { CreditPlanType, PaymentMethod } from '@orderline/shared/platform-rules';

export interface LineInput {
  skuId: string;
  title: string;
  unitPrice: Fen;
  quantity: number;
}

export interface PricedLine extends LineInput {
  lineTotal: Fen;
}

export interface OrderPrice {
  lines: PricedLine[];
  goodsTotal: Fen;
  freight: Fen;
  payable: Fen;
}

/** Payable = Σ unit price × quantity + freight (domain.md §1.1); discounts arrive later. */
export function priceOrder(lines: readonly LineInput[], freight: Fen, serviceFees: readonly Fen[] = []): OrderPrice {
  const priced = lines.map((line) => ({ ...line, lineTotal: multiplyFen(line.unitPrice, line.quantity) }));
  const goodsTotal = sumFen(priced.map((line) => line.lineTotal));
  // domain.md §1.1/§1.7: delivery-and-install service fees are part of what the buyer pays.
  return { lines: priced, goodsTotal, freight, payable: sumFen([goodsTotal, freight, ...serviceFees]) };
}

export type CreditTermsInput = { plan: CreditPlanType; periods?: number };

/** Checks the payment terms of a new order; returns a problem or undefined. */
export function paymentTermsProblem(paymentMethod: PaymentMethod, credit?: CreditTermsInput): string | undefined {
  if (paymentMethod !== 'CREDIT') return credit ? 'credit terms are only allowed with paymentMethod CREDIT' : undefined;
  if (!credit) return 'a CREDIT order needs credit terms: { plan: "DEFERRED" | "INSTALLMENT", periods? }';
  // domain.md §4.3: installments come in 3, 6, 12 or 24 periods; deferral has none.
  if (credit.plan === 'INSTALLMENT' && ![3, 6, 12, 24].includes(credit.periods ?? 0)) return 'an INSTALLMENT plan needs periods of 3, 6, 12 or 24';
  if (credit.plan === 'DEFERRED' && credit.periods !== undefined) return 'a DEFERRED plan has no periods';
  return undefined;
}
