import { assertFen, Fen } from '@orderline/shared/money';
import { CalendarDate, compareDates } from './calendar-date';
import { isLoanSettled, Loan, LoanPeriod, owedOf, withPeriods, withSettledStatus } from './loan';
import { accrueDailyCharges, LateFeeCharge } from './overdue';

/** What one repayment paid on one period. */
export interface RepaymentPortion {
  loanId: string;
  periodIndex: number;
  lateFee: Fen;
  fee: Fen;
  principal: Fen;
}

export interface RepaymentAllocation {
  loans: Loan[];
  portions: RepaymentPortion[];
  lateFeePaid: Fen;
  feePaid: Fen;
  /** Repaid principal restores the available limit by this much (domain.md §4.4). */
  principalRepaid: Fen;
  /** Money beyond what is currently owed (domain.md §4.4: it goes to the balance). */
  toBalance: Fen;
  /** Late fees charged while bringing the loans to `on` before allocating. */
  lateFeesCharged: LateFeeCharge[];
  /** Loans with nothing left to pay after this repayment that still owed before it. */
  settledLoanIds: string[];
}

export interface RepaymentInput {
  /** The account's loans. */
  loans: readonly Loan[];
  amount: Fen;
  on: CalendarDate;
  /** The buyer may name a loan: its periods are paid first, then the rest as usual. */
  preferredLoanId?: string;
}

const STATUS_RANK: Partial<Record<LoanPeriod['status'], number>> = { OVERDUE: 0, BILLED: 1 };

/**
 * domain.md §4.4: allocated oldest due first (overdue, then billed), late fee, then fee, then
 * principal within a period; scheduled periods are never paid early; what is left goes to
 * the balance. The balance paying a new statement uses the same allocation.
 */
export function allocateRepayment(input: RepaymentInput): RepaymentAllocation {
  assertFen(input.amount, 'repayment');
  if (input.amount < 0) throw new RangeError('a repayment cannot be negative');
  const lateFeesCharged: LateFeeCharge[] = [];
  const loans = input.loans.map((loan) => {
    const accrued = accrueDailyCharges(loan, input.on);
    lateFeesCharged.push(...accrued.lateFees);
    return accrued.loan;
  });
  const settledBefore = new Set(loans.filter(isLoanSettled).map((loan) => loan.loanId));

  const candidates = loans
    .flatMap((loan) => loan.periods.filter((period) => STATUS_RANK[period.status] !== undefined).map((period) => ({ loan, period })))
    .sort((a, b) => {
      const preferred = Number(b.loan.loanId === input.preferredLoanId) - Number(a.loan.loanId === input.preferredLoanId);
      return (
        preferred ||
        (STATUS_RANK[a.period.status] as number) - (STATUS_RANK[b.period.status] as number) ||
        compareDates(a.period.dueDate, b.period.dueDate) ||
        compareDates(a.loan.bookedOn, b.loan.bookedOn) ||
        a.loan.loanId.localeCompare(b.loan.loanId) ||
        a.period.index - b.period.index
      );
    });

  let left = input.amount;
  const portions: RepaymentPortion[] = [];
  const changedByLoan = new Map<string, LoanPeriod[]>();
  for (const { loan, period } of candidates) {
    if (left === 0) break;
    const owed = owedOf(period);
    const lateFee = Math.min(left, owed.lateFee);
    left -= lateFee;
    const fee = Math.min(left, owed.fee);
    left -= fee;
    const principal = Math.min(left, owed.principal);
    left -= principal;
    if (lateFee + fee + principal === 0) continue;
    portions.push({ loanId: loan.loanId, periodIndex: period.index, lateFee, fee, principal });
    const paid = withSettledStatus({
      ...period,
      paidLateFee: period.paidLateFee + lateFee,
      paidFee: period.paidFee + fee,
      paidPrincipal: period.paidPrincipal + principal,
    });
    changedByLoan.set(loan.loanId, [...(changedByLoan.get(loan.loanId) ?? []), paid]);
  }

  const after = loans.map((loan) => {
    const changed = changedByLoan.get(loan.loanId);
    return changed ? withPeriods(loan, changed) : loan;
  });
  return {
    loans: after,
    portions,
    lateFeePaid: portions.reduce((sum, p) => sum + p.lateFee, 0),
    feePaid: portions.reduce((sum, p) => sum + p.fee, 0),
    principalRepaid: portions.reduce((sum, p) => sum + p.principal, 0),
    toBalance: left,
    lateFeesCharged,
    settledLoanIds: after.filter((loan) => isLoanSettled(loan) && !settledBefore.has(loan.loanId)).map((loan) => loan.loanId),
  };
}

/** What the account owes right now on billed and overdue periods (not scheduled ones). */
export function currentlyDueOf(loans: readonly Loan[]): Fen {
  return loans.reduce((sum, loan) => sum + loan.periods.filter((p) => STATUS_RANK[p.status] !== undefined).reduce((s, p) => s + owedOf(p).total, 0), 0);
}

export interface RepaymentBoundInput {
  loans: readonly Loan[];
  /** The platform day of the repayment: overdue periods and late fees are brought to it first. */
  on: CalendarDate;
  balance: Fen;
  /** Repayments initiated but not yet confirmed: money already on its way. */
  pending: Fen;
  /** How much a buyer may hold as balance through over-repayment (configuration). */
  overpaymentCap: Fen;
}

/**
 * The most a repayment may be (decision, docs/money-bounds-and-repayments.md): what can be
 * paid now under domain.md §4.4 (billed and overdue periods with their fees and late fees, as
 * of `on`; scheduled periods are not paid early) plus room for the balance to grow up to the
 * overpayment cap, less what pending repayments already bring. Never below zero.
 */
export function maximumRepaymentOf(input: RepaymentBoundInput): Fen {
  const due = currentlyDueOf(input.loans.map((loan) => accrueDailyCharges(loan, input.on).loan));
  const balanceRoom = Math.max(0, input.overpaymentCap - input.balance);
  return Math.max(0, due + balanceRoom - input.pending);
}
