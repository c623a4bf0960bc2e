import { Fen } from '@orderline/shared/money';
import { addDays, CalendarDate, isAfter } from '../lib/calendar-date';
import { BillingCycle } from '../lib/credit-line';
import { CreditProduct } from '../lib/credit-product';
import { buyerBalanceOf, ledgerProblems, loanBookedPostings, loanInvariantProblems, Posting, refundOffsetPostings, repaymentPostings, holdPlacedPosting, statementPostings } from '../lib/ledger';
import { Loan, loanProblems } from '../lib/loan';
import { bookLoan } from '../lib/plan-schedule';
import { applyRefundToLoan, Refund, RefundOffsetResult } from '../lib/refund-offset';
import { allocateRepayment, RepaymentAllocation } from '../lib/repayment-allocation';
import { IssuedStatement, issueStatement, StatementCredit } from '../lib/statement';

/**
 * A test harness that plays the application layer: it keeps one account's loans, balance,
 * pending statement credits and ledger, and feeds them through the pure domain functions in
 * the order the service would (test-only; the real handlers live in the service lib).
 */
export class SimulatedAccount {
  balance: Fen = 0;
  loans: Loan[] = [];
  postings: Posting[] = [];
  pendingCredits: StatementCredit[] = [];
  statements: IssuedStatement[] = [];
  private sequence = 0;

  constructor(
    readonly cycle: BillingCycle,
    readonly accountId = 'A1',
  ) {}

  loan(loanId: string): Loan {
    const found = this.loans.find((loan) => loan.loanId === loanId);
    if (!found) throw new Error(`no loan ${loanId}`);
    return found;
  }

  private replace(loan: Loan): void {
    this.loans = this.loans.map((existing) => (existing.loanId === loan.loanId ? loan : existing));
  }

  capture(input: { loanId: string; principal: Fen; bookedOn: CalendarDate; product: CreditProduct; periodCount?: number }): Loan {
    const loan = bookLoan({ ...input, orderId: `order-${input.loanId}`, cycle: this.cycle });
    this.postings.push(holdPlacedPosting({ accountId: this.accountId, holdId: `hold-${input.loanId}`, amount: input.principal }));
    this.postings.push(...loanBookedPostings({ accountId: this.accountId, holdId: `hold-${input.loanId}`, loan }));
    this.loans.push(loan);
    return loan;
  }

  issueStatement(statementDate: CalendarDate): IssuedStatement {
    const issued = issueStatement({
      accountId: this.accountId,
      statementDate,
      dueOffsetDays: this.cycle.dueOffsetDays,
      balance: this.balance,
      loans: this.loans,
      creditsSinceLastStatement: this.pendingCredits,
    });
    this.pendingCredits = [];
    this.loans = issued.loans;
    this.balance = issued.statement.balanceAfter;
    this.postings.push(...statementPostings({ accountId: this.accountId, statementId: `S${++this.sequence}`, issued }));
    this.statements.push(issued);
    return issued;
  }

  repay(amount: Fen, on: CalendarDate, preferredLoanId?: string): RepaymentAllocation {
    const allocation = allocateRepayment({ loans: this.loans, amount, on, preferredLoanId });
    this.loans = allocation.loans;
    this.balance += allocation.toBalance;
    this.postings.push(...repaymentPostings({ accountId: this.accountId, repaymentId: `R${++this.sequence}`, allocation, source: 'CASH' }));
    return allocation;
  }

  refund(loanId: string, refund: Refund): RefundOffsetResult {
    const result = applyRefundToLoan(this.loan(loanId), refund);
    if (result.kind === 'APPLIED') {
      this.replace(result.loan);
      this.balance += result.balanceCredit;
      this.pendingCredits.push(...result.statementCredits);
      this.postings.push(...refundOffsetPostings(this.accountId, result));
    }
    return result;
  }

  /** Issues every statement due in (from, to], one statement day at a time. */
  runStatementsThrough(from: CalendarDate, to: CalendarDate): void {
    for (let day = addDays(from, 1); !isAfter(day, to); day = addDays(day, 1)) {
      if (Number(day.slice(8, 10)) === this.cycle.statementDay) this.issueStatement(day);
    }
  }

  /** Outstanding principal minus balance (domain.md §4.5 rule 6). */
  principalOwed(): Fen {
    return this.loans.reduce((sum, loan) => sum + loan.periods.reduce((s, p) => s + (p.status === 'VOIDED' ? 0 : p.principal - p.paidPrincipal - p.creditedPrincipal), 0), 0) - this.balance;
  }

  /** Every invariant of §4.6 plus the account balance the ledger implies. */
  problems(): string[] {
    const problems = [...ledgerProblems(this.postings)];
    for (const loan of this.loans) {
      problems.push(...loanProblems(loan).map((p) => `${loan.loanId}: ${p}`));
      problems.push(...loanInvariantProblems(loan, this.postings).map((p) => `${loan.loanId}: ${p}`));
    }
    if (this.balance < 0) problems.push(`balance ${this.balance} < 0`);
    const ledgerBalance = buyerBalanceOf(this.postings);
    if (ledgerBalance !== this.balance) problems.push(`balance ${this.balance}, ledger says ${ledgerBalance}`);
    return problems;
  }
}
