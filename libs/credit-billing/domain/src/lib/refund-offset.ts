import { applyRateHalfUp, assertFen, Fen } from '@orderline/shared/money';
import { assertCalendarDate, CalendarDate, isAfter } from './calendar-date';
import { RefundAllocationRule } from './credit-product';
import { isLoanSettled, Loan, LoanPeriod, refundableOf, unpaidPrincipalOf, withSettledStatus } from './loan';
import { accrueDailyCharges, LateFeeCharge } from './overdue';
import { StatementCredit } from './statement';
import { movePeriod } from './period-process';

/** A completed refund of (part of) a credit order, as `RefundCompleted` reports it. */
export interface Refund {
  refundId: string;
  amount: Fen;
  /** The day the refund is applied (platform time). */
  on: CalendarDate;
}

export class RefundOffsetError extends Error {}

function assertRefund(refund: Refund): void {
  if (typeof refund.refundId !== 'string' || refund.refundId === '') throw new RefundOffsetError('a refund needs an id');
  assertFen(refund.amount, 'refund amount');
  if (refund.amount <= 0) throw new RefundOffsetError('a refund must be positive');
  assertCalendarDate(refund.on, 'refund date');
}

// ---------------------------------------------------------------------------------------
// domain.md §4.5 rule 1: not yet captured → the refund releases the hold.
// ---------------------------------------------------------------------------------------

/** A credit hold not yet captured (domain.md §4.2). */
export interface CreditHold {
  holdId: string;
  orderId: string;
  /** What is still held. */
  amount: Fen;
  appliedRefundIds: readonly string[];
}

export type HoldRefundResult =
  | { kind: 'DUPLICATE'; duplicate: true; hold: CreditHold; released: 0 }
  | { kind: 'HOLD_RELEASED'; duplicate: false; hold: CreditHold; released: Fen; fullyReleased: boolean };

/**
 * domain.md §4.5 rule 1: before capture a refund is a cancellation and releases the hold.
 * A refund smaller than the hold releases only its own amount: the rest stays held for the
 * shipment still to be captured (a partial refund must not free limit that a later capture
 * needs). Idempotent by refund id (rule 7).
 */
export function refundHold(hold: CreditHold, refund: Refund): HoldRefundResult {
  assertRefund(refund);
  if (hold.appliedRefundIds.includes(refund.refundId)) return { kind: 'DUPLICATE', duplicate: true, hold, released: 0 };
  const released = Math.min(refund.amount, hold.amount);
  const remaining = hold.amount - released;
  return {
    kind: 'HOLD_RELEASED',
    duplicate: false,
    hold: { ...hold, amount: remaining, appliedRefundIds: [...hold.appliedRefundIds, refund.refundId] },
    released,
    fullyReleased: remaining === 0,
  };
}

// ---------------------------------------------------------------------------------------
// domain.md §4.5 rules 2-7: a captured loan.
// ---------------------------------------------------------------------------------------

/** Where a principal offset was taken from (domain.md §4.5 rule 2 order). */
export type OffsetSource = 'OVERDUE' | 'SCHEDULED' | 'BILLED';

/** The change of one period's unpaid principal. */
export interface PrincipalOffset {
  periodIndex: number;
  source: OffsetSource;
  unpaidBefore: Fen;
  unpaidAfter: Fen;
  /**
   * unpaidBefore − unpaidAfter. Under REAMORTIZE the first scheduled period can grow by a
   * few fen (less than the number of scheduled periods) because the new remainder of the
   * floor division lands on it (§4.5 rule 2); the offsets still sum to what was taken.
   */
  offset: Fen;
}

export interface FeeReduction {
  periodIndex: number;
  feeBefore: Fen;
  feeAfter: Fen;
  /** Part of the reduction the buyer had already paid: returned to the balance (§4.5 rule 5). */
  paidFeeReturned: Fen;
}

interface RefundOutcomeBase {
  loan: Loan;
  refundId: string;
}

export interface RefundDuplicate extends RefundOutcomeBase {
  kind: 'DUPLICATE';
  duplicate: true;
}

export interface RefundRejected extends RefundOutcomeBase {
  kind: 'REJECTED';
  duplicate: false;
  reason: 'EXCEEDS_REFUNDABLE_PRINCIPAL';
  refundable: Fen;
}

export interface RefundApplied extends RefundOutcomeBase {
  kind: 'APPLIED';
  duplicate: false;
  amount: Fen;
  on: CalendarDate;
  /** The loan's periods before the refund (after bringing it to `on`) and after it. */
  periodsBefore: readonly LoanPeriod[];
  periodsAfter: readonly LoanPeriod[];
  principalOffsets: PrincipalOffset[];
  /** Refund money that reduced unpaid principal: min(R, U). */
  principalOffset: Fen;
  /** R − U: principal the buyer had already repaid (§4.5 rule 4). */
  principalToBalance: Fen;
  feeReductions: FeeReduction[];
  feeRefundToBalance: Fen;
  /** Everything this refund puts on the account balance. */
  balanceCredit: Fen;
  /** Reductions of already billed amounts, to show on the next statement (§4.5 rule 3). */
  statementCredits: StatementCredit[];
  /** Late fees charged while bringing the loan to `on` before the refund. */
  lateFeesCharged: LateFeeCharge[];
  /** True when this refund left nothing to pay on a loan that still owed (LoanSettled). */
  loanSettled: boolean;
}

export type RefundOffsetResult = RefundDuplicate | RefundRejected | RefundApplied;

/** A working copy of a period while one refund is being applied. */
type PeriodDraft = { -readonly [K in keyof LoanPeriod]: LoanPeriod[K] };

/**
 * New principals of the scheduled periods after taking `taken` from them (domain.md §4.5
 * rule 2). Input and output are in plan order; a zero means the period is voided.
 */
export function spreadScheduledPrincipal(principals: readonly Fen[], taken: Fen, rule: RefundAllocationRule): Fen[] {
  const total = principals.reduce((sum, p) => sum + p, 0);
  if (taken < 0 || taken > total) throw new RefundOffsetError(`cannot take ${taken} from scheduled principal ${total}`);
  if (principals.length === 0) return [];
  if (rule === 'REAMORTIZE') {
    // The count stays; S − r re-spread with floor division, the remainder on the first.
    const left = total - taken;
    const each = Math.floor(left / principals.length);
    return principals.map((_, i) => (i === 0 ? left - each * (principals.length - 1) : each));
  }
  const result = [...principals];
  const order = result.map((_, i) => i);
  if (rule === 'LAST_FIRST') order.reverse();
  let left = taken;
  for (const i of order) {
    const take = Math.min(left, result[i]);
    result[i] -= take;
    left -= take;
  }
  return result;
}

/**
 * Applies a completed refund to a captured loan (domain.md §4.5). The refund reduces
 * principal only: overdue first (oldest first), then the scheduled periods by the product's
 * rule, then billed-not-due periods; what is left is principal already repaid and goes to
 * the balance. Fees follow rule 5; late fees are never refunded.
 */
export function applyRefundToLoan(loan: Loan, refund: Refund): RefundOffsetResult {
  assertRefund(refund);
  // Rule 7: the same refund id changes nothing the second time.
  if (loan.appliedRefundIds.includes(refund.refundId)) return { kind: 'DUPLICATE', duplicate: true, loan, refundId: refund.refundId };
  // Rule 7: refunds of one order never exceed what the loan's principal was.
  const refundable = refundableOf(loan);
  if (refund.amount > refundable) {
    return { kind: 'REJECTED', duplicate: false, loan, refundId: refund.refundId, reason: 'EXCEEDS_REFUNDABLE_PRINCIPAL', refundable };
  }

  const accrued = accrueDailyCharges(loan, refund.on);
  const before = accrued.loan;
  const periods: PeriodDraft[] = before.periods.map((period) => ({ ...period }));
  const offsets: PrincipalOffset[] = [];
  const credits = new Map<number, StatementCredit>();
  const creditOf = (index: number): StatementCredit => {
    const existing = credits.get(index) ?? { loanId: loan.loanId, periodIndex: index, refundId: refund.refundId, principal: 0, fee: 0, creditedOn: refund.on };
    credits.set(index, existing);
    return existing;
  };
  let left = refund.amount;

  const creditBilled = (status: 'OVERDUE' | 'BILLED') => {
    for (const period of periods) {
      if (period.status !== status || left === 0) continue;
      const unpaidBefore = unpaidPrincipalOf(period);
      const take = Math.min(left, unpaidBefore);
      if (take === 0) continue;
      // Rule 3: the issued statement is unchanged; the reduction is a credit on the next one.
      period.creditedPrincipal += take;
      left -= take;
      offsets.push({ periodIndex: period.index, source: status, unpaidBefore, unpaidAfter: unpaidBefore - take, offset: take });
      creditOf(period.index).principal += take;
    }
  };

  // Rule 2: overdue principal first, oldest period first.
  creditBilled('OVERDUE');

  // Rule 2: then the scheduled periods by the product's rule.
  const scheduled = periods.filter((period) => period.status === 'SCHEDULED');
  const scheduledTotal = scheduled.reduce((sum, period) => sum + period.principal, 0);
  const takenFromScheduled = Math.min(left, scheduledTotal);
  left -= takenFromScheduled;
  if (takenFromScheduled > 0) {
    const spread = spreadScheduledPrincipal(
      scheduled.map((period) => period.principal),
      takenFromScheduled,
      loan.terms.refundAllocationRule,
    );
    scheduled.forEach((period, i) => {
      const unpaidBefore = period.principal;
      // Under any rule a period left with zero principal is voided, with its fee.
      if (spread[i] === 0) Object.assign(period, { status: movePeriod(period, 'VOID').status, principal: 0 });
      else period.principal = spread[i];
      if (spread[i] !== unpaidBefore) {
        offsets.push({ periodIndex: period.index, source: 'SCHEDULED', unpaidBefore, unpaidAfter: spread[i], offset: unpaidBefore - spread[i] });
      }
    });
  }

  // Rule 2/3: then billed-not-due periods.
  creditBilled('BILLED');

  // Rule 4: the rest was principal already repaid: it goes to the balance.
  const principalToBalance = left;
  const refundedPrincipal = loan.refundedPrincipal + refund.amount;

  // Rule 5: fees.
  const reducedPrincipal = loan.bookedPrincipal - refundedPrincipal; // P′
  const feeReductions: FeeReduction[] = [];
  const setFee = (period: PeriodDraft, feeAfter: Fen) => {
    if (feeAfter === period.fee) return;
    const paidFeeReturned = Math.max(0, period.paidFee - feeAfter);
    feeReductions.push({ periodIndex: period.index, feeBefore: period.fee, feeAfter, paidFeeReturned });
    if (period.status !== 'SCHEDULED' && period.status !== 'VOIDED') creditOf(period.index).fee += period.fee - feeAfter;
    period.fee = feeAfter;
    period.paidFee -= paidFeeReturned;
  };
  const withinInterestFree = loan.interestFreeUntil !== null && !isAfter(refund.on, loan.interestFreeUntil);
  for (const period of periods) {
    if (period.status === 'VOIDED') setFee(period, 0);
    else if (loan.terms.planType === 'INSTALLMENT' && period.status === 'SCHEDULED') {
      // INSTALLMENT: scheduled fees are recomputed on P′; billed or overdue fees stay.
      setFee(period, applyRateHalfUp(reducedPrincipal, loan.terms.feeRatePpm));
    } else if (loan.terms.planType === 'DEFERRED' && withinInterestFree) {
      // DEFERRED: inside the interest-free period the deferral fee follows P′, even when
      // billed or paid (a full refund returns all of it); afterwards it stays.
      setFee(period, applyRateHalfUp(reducedPrincipal, loan.terms.feeRatePpm));
    }
  }
  const feeRefundToBalance = feeReductions.reduce((sum, reduction) => sum + reduction.paidFeeReturned, 0);

  const periodsAfter = periods.map((period) => withSettledStatus(period));
  const after: Loan = {
    ...before,
    periods: periodsAfter,
    offsetPrincipal: loan.offsetPrincipal + (refund.amount - principalToBalance),
    refundedPrincipal,
    appliedRefundIds: [...loan.appliedRefundIds, refund.refundId],
  };
  return {
    kind: 'APPLIED',
    duplicate: false,
    loan: after,
    refundId: refund.refundId,
    amount: refund.amount,
    on: refund.on,
    periodsBefore: before.periods,
    periodsAfter,
    principalOffsets: offsets.sort((a, b) => a.periodIndex - b.periodIndex),
    principalOffset: refund.amount - principalToBalance,
    principalToBalance,
    feeReductions,
    feeRefundToBalance,
    balanceCredit: principalToBalance + feeRefundToBalance,
    statementCredits: [...credits.values()].sort((a, b) => a.periodIndex - b.periodIndex),
    lateFeesCharged: accrued.lateFees,
    loanSettled: isLoanSettled(after) && !isLoanSettled(before),
  };
}
