import { applyRateHalfUp, Fen } from '@orderline/shared/money';
import { addDays, assertCalendarDate, CalendarDate, daysBetween, isBefore } from './calendar-date';
import { Loan, LoanPeriod, unpaidPrincipalOf, withPeriods } from './loan';
import { movePeriod } from './period-process';

/** Late fees charged to one period by one accrual (one posting per period and accrual). */
export interface LateFeeCharge {
  loanId: string;
  periodIndex: number;
  /** First and last day charged for, inclusive. */
  fromDay: CalendarDate;
  throughDay: CalendarDate;
  days: number;
  /** round(overdue principal × late rate) for each day (§4.4). */
  perDay: Fen;
  amount: Fen;
}

export interface DailyChargesResult {
  loan: Loan;
  /** Periods that turned OVERDUE with this accrual. */
  becameOverdue: number[];
  lateFees: LateFeeCharge[];
}

/**
 * Brings a loan to the start of `today` (domain.md §4.4): a BILLED period unpaid after its
 * due date is OVERDUE from the start of the next day, and at the start of each later day a
 * late fee for the day just completed = round(overdue principal × late rate) is added.
 *
 * Every operation on a loan (statement, repayment, refund) runs this first for its own day,
 * so the overdue principal cannot have changed during the days charged here: each day's
 * fee is the same rounded figure. Running it twice for the same day adds nothing.
 */
export function accrueDailyCharges(loan: Loan, today: CalendarDate): DailyChargesResult {
  assertCalendarDate(today, 'today');
  const becameOverdue: number[] = [];
  const lateFees: LateFeeCharge[] = [];
  const changed: LoanPeriod[] = [];
  for (const original of loan.periods) {
    let period = original;
    if (period.status === 'BILLED' && isBefore(period.dueDate, today)) {
      period = movePeriod(period, 'FALL_DUE');
      becameOverdue.push(period.index);
    }
    if (period.status === 'OVERDUE') {
      const fromDay = addDays(period.lateFeeChargedThrough ?? period.dueDate, 1);
      const throughDay = addDays(today, -1);
      const days = daysBetween(fromDay, throughDay) + 1;
      if (days > 0) {
        const perDay = applyRateHalfUp(unpaidPrincipalOf(period), loan.terms.lateFeeRatePpmPerDay);
        const amount = perDay * days;
        period = { ...period, lateFee: period.lateFee + amount, lateFeeChargedThrough: throughDay };
        if (amount > 0) lateFees.push({ loanId: loan.loanId, periodIndex: period.index, fromDay, throughDay, days, perDay, amount });
      }
    }
    if (period !== original) changed.push(period);
  }
  return { loan: changed.length > 0 ? withPeriods(loan, changed) : loan, becameOverdue, lateFees };
}
