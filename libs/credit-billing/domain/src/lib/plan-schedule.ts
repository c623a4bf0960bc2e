import { applyRateHalfUp, assertFen, Fen } from '@orderline/shared/money';
import { addDays, assertCalendarDate, CalendarDate, isBefore, nthStatementDayAfter } from './calendar-date';
import { assertValidCreditProduct, CreditProduct } from './credit-product';
import { BillingCycle, billingCycleProblem } from './credit-line';
import { Loan, LoanPeriod, LoanTerms } from './loan';

export class PlanScheduleError extends Error {}

/** What a capture needs to book a loan (domain.md §4.2 "the hold becomes a loan with its plan"). */
export interface BookLoanInput {
  loanId: string;
  orderId: string;
  /** The captured amount: the hold, or the shipped part of it. */
  principal: Fen;
  /** The capture date (platform time). */
  bookedOn: CalendarDate;
  product: CreditProduct;
  /** INSTALLMENT: the N the buyer chose; ignored for DEFERRED. */
  periodCount?: number;
  cycle: BillingCycle;
}

/**
 * Why a plan cannot be offered for this amount, or undefined. Checked when the hold is placed
 * so capture never fails: every installment period must carry at least one fen of principal,
 * because a zero-principal period is voided (domain.md §4.5 rule 2) and would never exist.
 */
export function planProblem(product: CreditProduct, principal: Fen, periodCount?: number): string | undefined {
  assertValidCreditProduct(product);
  if (!Number.isSafeInteger(principal) || principal <= 0) return 'principal must be a positive integer number of fen';
  if (product.planType === 'DEFERRED') return undefined;
  if (periodCount === undefined || !product.allowedPeriodCounts.includes(periodCount)) {
    return `period count must be one of ${product.allowedPeriodCounts.join(', ')} for product ${product.code}`;
  }
  if (principal < periodCount) return `principal ${principal} fen cannot be spread over ${periodCount} periods`;
  return undefined;
}

/** domain.md §4.3: floor(P / N) per period, the remainder added to the first period. */
export function installmentPrincipals(principal: Fen, periodCount: number): Fen[] {
  assertFen(principal, 'principal');
  if (!Number.isInteger(periodCount) || periodCount < 1) throw new PlanScheduleError(`period count must be a positive integer, got ${periodCount}`);
  const each = Math.floor(principal / periodCount);
  const remainder = principal - each * periodCount;
  return Array.from({ length: periodCount }, (_, i) => (i === 0 ? each + remainder : each));
}

function newPeriod(index: number, statementDate: CalendarDate, dueOffsetDays: number, principal: Fen, fee: Fen): LoanPeriod {
  return {
    index,
    statementDate,
    dueDate: addDays(statementDate, dueOffsetDays),
    status: 'SCHEDULED',
    principal,
    fee,
    lateFee: 0,
    paidPrincipal: 0,
    paidFee: 0,
    paidLateFee: 0,
    creditedPrincipal: 0,
    lateFeeChargedThrough: null,
  };
}

/** Books the loan of a capture with its whole plan (domain.md §4.3). */
export function bookLoan(input: BookLoanInput): Loan {
  const { product, principal, bookedOn, cycle } = input;
  assertCalendarDate(bookedOn, 'booking date');
  const cycleProblem = billingCycleProblem(cycle);
  if (cycleProblem) throw new PlanScheduleError(cycleProblem);
  const problem = planProblem(product, principal, input.periodCount);
  if (problem) throw new PlanScheduleError(problem);

  if (product.planType === 'DEFERRED') {
    // §4.3 DEFERRED: the whole principal on the first statement day strictly after booking,
    // with the deferral fee = round(P × deferral rate) billed with it.
    const statementDate = nthStatementDayAfter(bookedOn, cycle.statementDay, 1);
    const period = newPeriod(1, statementDate, cycle.dueOffsetDays, principal, applyRateHalfUp(principal, product.deferralFeeRatePpm));
    // §4.3: "the interest-free period runs from booking to that due date"; a product may
    // shorten it with interestFreeDays, never lengthen it past the due date.
    const shortened = product.interestFreeDays === null ? period.dueDate : addDays(bookedOn, product.interestFreeDays);
    const interestFreeUntil = isBefore(shortened, period.dueDate) ? shortened : period.dueDate;
    return newLoan(input, termsOf(product, 1, product.deferralFeeRatePpm, cycle), [period], interestFreeUntil);
  }

  const periodCount = input.periodCount as number;
  const feeRatePpm = product.feeRatePpmByPeriodCount[periodCount];
  // §4.3 INSTALLMENT: the fee of every period is round(P × rate_N), on the whole principal.
  const fee = applyRateHalfUp(principal, feeRatePpm);
  const periods = installmentPrincipals(principal, periodCount).map((periodPrincipal, i) =>
    newPeriod(i + 1, nthStatementDayAfter(bookedOn, cycle.statementDay, i + 1), cycle.dueOffsetDays, periodPrincipal, fee),
  );
  return newLoan(input, termsOf(product, periodCount, feeRatePpm, cycle), periods, null);
}

function termsOf(product: CreditProduct, periodCount: number, feeRatePpm: number, cycle: BillingCycle): LoanTerms {
  return {
    productCode: product.code,
    planType: product.planType,
    periodCount,
    feeRatePpm,
    lateFeeRatePpmPerDay: product.lateFeeRatePpmPerDay,
    refundAllocationRule: product.refundAllocationRule,
    dueOffsetDays: cycle.dueOffsetDays,
  };
}

function newLoan(input: BookLoanInput, terms: LoanTerms, periods: LoanPeriod[], interestFreeUntil: CalendarDate | null): Loan {
  return {
    loanId: input.loanId,
    orderId: input.orderId,
    terms,
    bookedOn: input.bookedOn,
    bookedPrincipal: input.principal,
    interestFreeUntil,
    periods,
    offsetPrincipal: 0,
    refundedPrincipal: 0,
    writtenOffPrincipal: 0,
    appliedRefundIds: [],
  };
}
