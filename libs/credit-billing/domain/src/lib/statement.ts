import { assertFen, Fen, sumFen } from '@orderline/shared/money';
import { addDays, assertCalendarDate, CalendarDate, isBefore } from './calendar-date';
import { Loan, LoanPeriod, owedOf, withPeriods } from './loan';
import { accrueDailyCharges, LateFeeCharge } from './overdue';
import { allocateRepayment, RepaymentAllocation } from './repayment-allocation';
import { movePeriod } from './period-process';

/**
 * A refund reduction of an amount already billed (domain.md §4.5 rule 3): the issued
 * statement stays as it was and the reduction is shown on the next one.
 */
export interface StatementCredit {
  loanId: string;
  periodIndex: number;
  refundId: string;
  principal: Fen;
  /** A billed deferral fee recomputed inside the interest-free period (§4.5 rule 5). */
  fee: Fen;
  creditedOn: CalendarDate;
}

export class StatementError extends Error {}

export interface StatementLine {
  loanId: string;
  orderId: string;
  periodIndex: number;
  periodCount: number;
  dueDate: CalendarDate;
  /** Status once the statement is issued, before the balance pays it. */
  status: LoanPeriod['status'];
  principal: Fen;
  fee: Fen;
  lateFee: Fen;
  paid: Fen;
  credited: Fen;
  /** What is left to pay on the period (principal + fee + late fee − paid − credited). */
  owed: Fen;
}

/** An issued statement: an immutable document (domain.md §4.4). */
export interface Statement {
  accountId: string;
  statementDate: CalendarDate;
  dueDate: CalendarDate;
  /** Periods billed this cycle (principal + fee). */
  billedLines: StatementLine[];
  /** Earlier periods still unpaid: overdue amounts with their late fees. */
  carriedOverLines: StatementLine[];
  /** Credits since the last statement. */
  creditLines: StatementCredit[];
  newCharges: Fen;
  carriedOver: Fen;
  /** Shown for the buyer; already deducted from the lines' `owed`, never deducted twice. */
  credits: Fen;
  balanceBefore: Fen;
  balanceApplied: Fen;
  balanceAfter: Fen;
  /** newCharges' owed + carriedOver − balanceApplied. */
  amountDue: Fen;
  /** A statement with nothing to pay is recorded but not sent (domain.md §4.4). */
  sentToBuyer: boolean;
}

export interface IssueStatementInput {
  accountId: string;
  /** The statement day being issued (at its start, platform time). */
  statementDate: CalendarDate;
  dueOffsetDays: number;
  /** The account balance before the statement. */
  balance: Fen;
  /** The account's loans. */
  loans: readonly Loan[];
  /** Credits recorded since the last statement (from refund offsets). */
  creditsSinceLastStatement: readonly StatementCredit[];
}

export interface IssuedStatement {
  statement: Statement;
  /** The loans after billing, overdue transitions, late fees and the balance payment. */
  loans: Loan[];
  /** Fees that became receivable because their period was billed (ledger: fee charged). */
  billedPeriods: { loanId: string; periodIndex: number; principal: Fen; fee: Fen }[];
  lateFeesCharged: LateFeeCharge[];
  /** The balance paying the statement (domain.md §4.4), allocated like a repayment. */
  balancePayment: RepaymentAllocation;
}

function lineOf(loan: Loan, period: LoanPeriod): StatementLine {
  const owed = owedOf(period);
  return {
    loanId: loan.loanId,
    orderId: loan.orderId,
    periodIndex: period.index,
    periodCount: loan.terms.periodCount,
    dueDate: period.dueDate,
    status: period.status,
    principal: period.principal,
    fee: period.fee,
    lateFee: period.lateFee,
    paid: period.paidPrincipal + period.paidFee + period.paidLateFee,
    credited: period.creditedPrincipal,
    owed: owed.total,
  };
}

/**
 * Issues the statement of one statement day (domain.md §4.4): bills the scheduled periods
 * whose statement day has come, carries over what is overdue with its late fees, lists the
 * credits since the last statement, and lets the balance pay it.
 */
export function issueStatement(input: IssueStatementInput): IssuedStatement {
  assertCalendarDate(input.statementDate, 'statement date');
  assertFen(input.balance, 'balance');
  if (input.balance < 0) throw new RangeError('an account balance is never negative');
  const { statementDate } = input;

  const lateFeesCharged: LateFeeCharge[] = [];
  const billedPeriods: IssuedStatement['billedPeriods'] = [];
  const billedLines: StatementLine[] = [];
  const carriedOverLines: StatementLine[] = [];
  const billedLoans = input.loans.map((original) => {
    // §4.4: overdue transitions and late fees of the days before are settled first.
    const accrued = accrueDailyCharges(original, statementDate);
    lateFeesCharged.push(...accrued.lateFees);
    const loan = accrued.loan;
    const nowBilled: LoanPeriod[] = [];
    for (const period of loan.periods) {
      // §4.3: a period is billed on its own statement day. A missed statement day is not
      // folded into a later statement (its due date, and so its late fees, would predate
      // the bill): the scheduler issues missed days first, in order.
      if (period.status === 'SCHEDULED' && isBefore(period.statementDate, statementDate)) {
        throw new StatementError(`statement ${period.statementDate} of loan ${loan.loanId} must be issued before ${statementDate}`);
      }
      if (period.status === 'SCHEDULED' && period.statementDate === statementDate) {
        nowBilled.push(movePeriod(period, 'BILL'));
        billedPeriods.push({ loanId: loan.loanId, periodIndex: period.index, principal: period.principal, fee: period.fee });
      }
    }
    const after = nowBilled.length > 0 ? withPeriods(loan, nowBilled) : loan;
    const billedNow = new Set(nowBilled.map((period) => period.index));
    for (const period of after.periods) {
      if (billedNow.has(period.index)) billedLines.push(lineOf(after, period));
      else if ((period.status === 'BILLED' || period.status === 'OVERDUE') && owedOf(period).total > 0) carriedOverLines.push(lineOf(after, period));
    }
    return after;
  });

  const newCharges = sumFen(billedLines.map((line) => line.owed));
  const carriedOver = sumFen(carriedOverLines.map((line) => line.owed));
  const balanceApplied = Math.min(input.balance, newCharges + carriedOver);
  const balancePayment = allocateRepayment({ loans: billedLoans, amount: balanceApplied, on: statementDate });
  const amountDue = newCharges + carriedOver - balanceApplied;
  const creditLines = [...input.creditsSinceLastStatement];

  return {
    statement: {
      accountId: input.accountId,
      statementDate,
      dueDate: addDays(statementDate, input.dueOffsetDays),
      billedLines,
      carriedOverLines,
      creditLines,
      newCharges,
      carriedOver,
      credits: sumFen(creditLines.map((credit) => credit.principal + credit.fee)),
      balanceBefore: input.balance,
      balanceApplied,
      balanceAfter: input.balance - balanceApplied,
      amountDue,
      sentToBuyer: amountDue > 0,
    },
    loans: balancePayment.loans,
    billedPeriods,
    lateFeesCharged,
    balancePayment,
  };
}
