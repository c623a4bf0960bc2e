import { Fen, MAX_FEN } from '@orderline/shared/money';
import { CompensationKind } from '@orderline/shared/platform-rules';
import { Decision, veto } from '@orderline/shared/process';

/**
 * Compensation (赔付) to the buyer of an order (domain.md §1.8, §5 "compensation"): the three
 * kinds of the export center's 赔付单信息, each a record of the order service because each is
 * bounded by what the order paid, which this service owns (ADR 0019).
 *
 * - LATE_SHIPPING (延迟发货赔付): raised by the platform when an order times out without
 *   shipping (the shipping time-out rule, §1.8), once per order, with the amount of
 *   `lateShippingCompensationAmount`. A late-shipping report made in advance (延迟发货报备)
 *   covers the order: no compensation (Decision; the FAQ's point of reporting is to avoid it).
 * - ADVANCE (先行赔付): the platform pays first on the merchant's behalf; an operator records it.
 * - DIRECT (商家直赔): the merchant pays the buyer directly; the merchant records it.
 *
 * Bounds (Decision): each amount is whole fen in 1..MAX_FEN and the compensation of one order,
 * all kinds together, never exceeds what the order paid (its payable once it was paid); an
 * order that never paid (UNPAID, or cancelled before paying) cannot be compensated.
 */
export { COMPENSATION_KINDS } from '@orderline/shared/platform-rules';
export type { CompensationKind };

/**
 * The late-shipping amount: a share of what the order paid, in basis points (1/100 %), rounded
 * down to whole fen, raised to a floor and held under a cap, and never more than what is left
 * of the order's bound. Integer arithmetic only; the configuration is validated at start-up.
 */
export interface LateShippingCompensationPolicy {
  /** Share of the paid amount, 0..10 000 basis points (default 3 000 = 30 %). */
  rateBasisPoints: number;
  /** The least a late order is compensated (fen; default 500 = 5 yuan). */
  floorFen: Fen;
  /** The most a late order is compensated (fen; default 50 000 = 500 yuan). */
  capFen: Fen;
}

export const DEFAULT_LATE_SHIPPING_COMPENSATION: LateShippingCompensationPolicy = { rateBasisPoints: 3_000, floorFen: 500, capFen: 50_000 };

const BASIS_POINTS = 10_000;

export function lateShippingPolicyProblem(policy: LateShippingCompensationPolicy): string | undefined {
  const { rateBasisPoints, floorFen, capFen } = policy;
  if (!Number.isSafeInteger(rateBasisPoints) || rateBasisPoints < 0 || rateBasisPoints > BASIS_POINTS) return `the rate must be 0..${BASIS_POINTS} basis points, got ${rateBasisPoints}`;
  if (!Number.isSafeInteger(floorFen) || floorFen < 0 || floorFen > MAX_FEN) return `the floor must be whole fen 0..${MAX_FEN}, got ${floorFen}`;
  if (!Number.isSafeInteger(capFen) || capFen < floorFen || capFen > MAX_FEN) return `the cap must be whole fen from the floor (${floorFen}) to ${MAX_FEN}, got ${capFen}`;
  return undefined;
}

/** What the order paid: nothing before it was paid, its payable once it was (COD: what the courier collects). */
export interface CompensationOrder {
  paidAmount: Fen;
  /** The compensation of this order so far, all kinds. */
  compensatedAmount: Fen;
}

/** The late-shipping amount for an order that paid `paidAmount` (0 when nothing is left to give). */
export function lateShippingCompensationAmount(order: CompensationOrder, policy: LateShippingCompensationPolicy = DEFAULT_LATE_SHIPPING_COMPENSATION): Fen {
  const problem = lateShippingPolicyProblem(policy);
  if (problem) throw new Error(`late-shipping compensation policy: ${problem}`);
  // MAX_FEN × 10 000 stays below 2^53, so the product is exact.
  const share = Math.floor((order.paidAmount * policy.rateBasisPoints) / BASIS_POINTS);
  const amount = Math.min(policy.capFen, Math.max(policy.floorFen, share));
  return Math.max(0, Math.min(amount, order.paidAmount - order.compensatedAmount));
}

export interface CompensationRequest {
  amount: Fen;
}

/** Whether `request` may be granted on `order` (ADVANCE and DIRECT; LATE_SHIPPING is computed). */
export function decideCompensation(order: CompensationOrder, request: CompensationRequest): Decision<{ amount: Fen }> {
  if (!Number.isSafeInteger(request.amount) || request.amount < 1 || request.amount > MAX_FEN) return veto('COMPENSATION_AMOUNT_INVALID', `a compensation is whole fen from 1 to ${MAX_FEN}`);
  if (order.paidAmount <= 0) return veto('COMPENSATION_ORDER_NOT_PAID', 'only an order that was paid can be compensated');
  const left = order.paidAmount - order.compensatedAmount;
  if (request.amount > left) {
    return veto('COMPENSATION_EXCEEDS_PAID', `the compensation of an order never exceeds what it paid (${order.paidAmount} fen); ${Math.max(0, left)} fen can still be granted`);
  }
  return { allowed: true, amount: request.amount };
}
