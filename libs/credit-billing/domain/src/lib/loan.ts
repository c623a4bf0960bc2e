import { Fen, RatePpm, sumFen } from '@orderline/shared/money';
import { CalendarDate } from './calendar-date';
import { PlanType, RefundAllocationRule } from './credit-product';
import { movePeriod } from './period-process';

/**
 * domain.md §4.3 period states: SCHEDULED (not yet on a statement), BILLED (on an issued
 * statement, not yet due), OVERDUE (past due, not fully paid), PAID, VOIDED.
 *
 * PAID means "nothing left to pay": a billed period whose last fen was settled by a refund
 * credit is PAID too. VOIDED is only for periods removed from the plan before they were
 * billed (§4.5 rule 2) — a billed period stays on its issued statement (§4.5 rule 3).
 */
export type PeriodStatus = 'SCHEDULED' | 'BILLED' | 'OVERDUE' | 'PAID' | 'VOIDED';

/** One period of a loan's plan. All amounts are fen. */
export interface LoanPeriod {
  /** 1-based position in the plan. */
  readonly index: number;
  /** The statement day the period is (or was) billed on. */
  readonly statementDate: CalendarDate;
  /** statementDate + the account's due offset (domain.md §4.3). */
  readonly dueDate: CalendarDate;
  readonly status: PeriodStatus;
  /**
   * The period's principal. While SCHEDULED it is rewritten by refunds (§4.5 rule 2); once
   * billed it is the figure on the issued statement and never changes — later refund
   * reductions are recorded in `creditedPrincipal` (§4.5 rule 3). 0 when VOIDED.
   */
  readonly principal: Fen;
  /** Fee of the period; 0 when VOIDED (§4.5 rule 5). */
  readonly fee: Fen;
  /** Late fees charged so far (§4.4); never refunded (§4.5 rule 5). */
  readonly lateFee: Fen;
  readonly paidPrincipal: Fen;
  readonly paidFee: Fen;
  readonly paidLateFee: Fen;
  /** Refund reductions of billed principal (§4.5 rule 3): shown as credits on the next statement. */
  readonly creditedPrincipal: Fen;
  /** The last day a late fee was charged for; null until the first one (§4.4). */
  readonly lateFeeChargedThrough: CalendarDate | null;
}

/** The terms a loan was booked under, copied from its credit product at capture. */
export interface LoanTerms {
  readonly productCode: string;
  readonly planType: PlanType;
  /** 1 for DEFERRED. */
  readonly periodCount: number;
  /** INSTALLMENT: fee per period (rate_N); DEFERRED: the deferral fee rate (§4.3). */
  readonly feeRatePpm: RatePpm;
  readonly lateFeeRatePpmPerDay: RatePpm;
  readonly refundAllocationRule: RefundAllocationRule;
  readonly dueOffsetDays: number;
}

/** A captured credit hold: a loan with its repayment plan (domain.md §4.2, §4.3). */
export interface Loan {
  readonly loanId: string;
  readonly orderId: string;
  readonly terms: LoanTerms;
  readonly bookedOn: CalendarDate;
  readonly bookedPrincipal: Fen;
  /** DEFERRED: the last day of the interest-free period (inclusive); null for INSTALLMENT. */
  readonly interestFreeUntil: CalendarDate | null;
  readonly periods: readonly LoanPeriod[];
  /** Refund money that reduced unpaid principal (§4.6 "offset by refunds"). */
  readonly offsetPrincipal: Fen;
  /** Every refund applied so far, including the part that went to the balance (§4.5 rule 5 P′). */
  readonly refundedPrincipal: Fen;
  readonly writtenOffPrincipal: Fen;
  /** Refund ids already applied, for idempotency (§4.5 rule 7). */
  readonly appliedRefundIds: readonly string[];
}

/** What is still owed on a period, per component. */
export interface PeriodOwed {
  lateFee: Fen;
  fee: Fen;
  principal: Fen;
  total: Fen;
}

export function unpaidPrincipalOf(period: LoanPeriod): Fen {
  if (period.status === 'VOIDED') return 0;
  return period.principal - period.paidPrincipal - period.creditedPrincipal;
}

export function owedOf(period: LoanPeriod): PeriodOwed {
  if (period.status === 'VOIDED') return { lateFee: 0, fee: 0, principal: 0, total: 0 };
  const lateFee = period.lateFee - period.paidLateFee;
  const fee = period.fee - period.paidFee;
  const principal = unpaidPrincipalOf(period);
  return { lateFee, fee, principal, total: lateFee + fee + principal };
}

/** Billed or overdue periods with nothing left to pay become PAID (see {@link PeriodStatus}). */
export function withSettledStatus(period: LoanPeriod): LoanPeriod {
  if ((period.status === 'BILLED' || period.status === 'OVERDUE') && owedOf(period).total === 0) return movePeriod(period, 'SETTLE');
  return period;
}

/** Principal booked and not yet repaid, offset, or written off (domain.md §4.1 outstanding). */
export function outstandingPrincipalOf(loan: Loan): Fen {
  return sumFen(loan.periods.map(unpaidPrincipalOf));
}

export function repaidPrincipalOf(loan: Loan): Fen {
  return sumFen(loan.periods.map((period) => period.paidPrincipal));
}

/** Everything the buyer still owes on the loan right now (billed, overdue and scheduled). */
export function owedTotalOf(loan: Loan): Fen {
  return sumFen(loan.periods.map((period) => owedOf(period).total));
}

/** A loan is settled when no period has anything left to pay (LoanSettled). */
export function isLoanSettled(loan: Loan): boolean {
  return loan.periods.every((period) => period.status === 'PAID' || period.status === 'VOIDED');
}

/** How much more may still be refunded against the loan (§4.5 rule 7). */
export function refundableOf(loan: Loan): Fen {
  return loan.bookedPrincipal - loan.refundedPrincipal;
}

/** Replaces periods by index, keeping order. */
export function withPeriods(loan: Loan, changed: readonly LoanPeriod[]): Loan {
  const byIndex = new Map(changed.map((period) => [period.index, period]));
  return { ...loan, periods: loan.periods.map((period) => byIndex.get(period.index) ?? period) };
}

/**
 * domain.md §4.6: booked principal = repaid + offset by refunds + outstanding + written off,
 * plus the consistency of every period's figures. Empty when the loan is sound.
 */
export function loanProblems(loan: Loan): string[] {
  const problems: string[] = [];
  const repaid = repaidPrincipalOf(loan);
  const outstanding = outstandingPrincipalOf(loan);
  const accounted = repaid + loan.offsetPrincipal + outstanding + loan.writtenOffPrincipal;
  if (accounted !== loan.bookedPrincipal) {
    problems.push(
      `booked ${loan.bookedPrincipal} ≠ repaid ${repaid} + offset ${loan.offsetPrincipal} + outstanding ${outstanding} + written off ${loan.writtenOffPrincipal}`,
    );
  }
  if (loan.refundedPrincipal > loan.bookedPrincipal) problems.push(`refunds ${loan.refundedPrincipal} exceed booked principal ${loan.bookedPrincipal}`);
  if (loan.offsetPrincipal > loan.refundedPrincipal) problems.push(`offset ${loan.offsetPrincipal} exceeds refunds ${loan.refundedPrincipal}`);
  for (const period of loan.periods) {
    const where = `period ${period.index}`;
    const figures = [period.principal, period.fee, period.lateFee, period.paidPrincipal, period.paidFee, period.paidLateFee, period.creditedPrincipal];
    if (figures.some((amount) => !Number.isSafeInteger(amount) || amount < 0)) problems.push(`${where}: amounts must be non-negative integer fen`);
    const owed = owedOf(period);
    if (owed.principal < 0 || owed.fee < 0 || owed.lateFee < 0) problems.push(`${where}: paid or credited more than charged`);
    if (period.status === 'VOIDED' && (period.principal !== 0 || period.fee !== 0)) problems.push(`${where}: a voided period keeps no principal or fee`);
    if (period.status === 'SCHEDULED') {
      if (period.principal <= 0) problems.push(`${where}: a scheduled period must have principal`);
      if (period.paidPrincipal + period.paidFee + period.paidLateFee + period.creditedPrincipal + period.lateFee !== 0) problems.push(`${where}: a scheduled period cannot be paid, credited or late`);
    }
    if (period.status === 'PAID' && owed.total !== 0) problems.push(`${where}: PAID with ${owed.total} still owed`);
    if ((period.status === 'BILLED' || period.status === 'OVERDUE') && owed.total === 0) problems.push(`${where}: ${period.status} with nothing owed`);
  }
  return problems;
}
