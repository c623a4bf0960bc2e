import { Fen } from '@orderline/shared/money';
import { addDays, CalendarDate, isAfter, partsOf } from '../lib/calendar-date';
import { availableOf, BillingCycle, decideHold } from '../lib/credit-line';
import { CreditProduct } from '../lib/credit-product';
import { accountBalances, buyerBalanceOf, holdPlacedPosting, holdReleasedPosting, ledgerProblems, loanBookedPostings, loanInvariantProblems, Posting, refundOffsetPostings, repaymentPostings, statementPostings } from '../lib/ledger';
import { Loan, loanProblems, outstandingPrincipalOf } from '../lib/loan';
import { bookLoan, planProblem } from '../lib/plan-schedule';
import { applyRefundToLoan, CreditHold, refundHold, RefundOffsetResult } from '../lib/refund-offset';
import { allocateRepayment, RepaymentAllocation } from '../lib/repayment-allocation';
import { IssuedStatement, issueStatement, StatementCredit } from '../lib/statement';

/** One order's credit hold as the application layer keeps it (domain.md §4.2). */
export interface SimulatedHold extends CreditHold {
  /** The payable amount the hold was placed for. */
  readonly placed: Fen;
  readonly status: 'ACTIVE' | 'RELEASED' | 'CAPTURED';
  readonly product: CreditProduct;
  readonly periodCount?: number;
  readonly loanId?: string;
}

export type PlaceHoldOutcome = 'PLACED' | 'DECLINED' | 'PLAN_REFUSED' | 'DUPLICATE';
export type ShipOutcome = { kind: 'CAPTURED'; loan: Loan; released: Fen } | { kind: 'IGNORED' };
export type CancelOutcome = { kind: 'RELEASED'; released: Fen } | { kind: 'IGNORED' };
export type OrderRefundOutcome =
  | { kind: 'HOLD_RELEASED'; released: Fen }
  | { kind: 'DUPLICATE' }
  | { kind: 'IGNORED' }
  | RefundOffsetResult;
export type RepayOutcome = { kind: 'APPLIED'; allocation: RepaymentAllocation } | { kind: 'DUPLICATE' };
export type SchedulerOutcome = { kind: 'ISSUED'; issued: IssuedStatement } | { kind: 'ALREADY_ISSUED'; rerun: IssuedStatement } | { kind: 'NOT_A_STATEMENT_DAY' };

export interface CreditLineSetup {
  limit: Fen;
  cycle: BillingCycle;
  /** The platform clock at the start (the scheduler has already run for this day). */
  today: CalendarDate;
  accountId?: string;
}

/**
 * A test-only credit account that plays the application layer over the pure domain, the way
 * the service handlers would (load, decide with the domain, save): the limit, holds per
 * order, loans, balance, pending statement credits, issued statements, the ledger, and the
 * platform clock with a statement scheduler that issues every statement day in order.
 *
 * `held` and `outstanding` are kept incrementally from what each domain call reports (like
 * the account row's columns), so {@link problems} can compare them with the holds, the loans
 * and the ledger. Idempotency that belongs to the application layer (one hold per order, one
 * capture per order, one repayment per id) is keyed exactly like the service's unique keys;
 * the ledger's unique posting keys are the backstop ("posted twice").
 */
export class SimulatedCreditLine {
  readonly accountId: string;
  readonly limit: Fen;
  readonly cycle: BillingCycle;
  today: CalendarDate;
  held: Fen = 0;
  outstanding: Fen = 0;
  balance: Fen = 0;
  holds: SimulatedHold[] = [];
  loans: Loan[] = [];
  postings: Posting[] = [];
  pendingCredits: StatementCredit[] = [];
  statements: IssuedStatement[] = [];
  /** Fees and late fees the balance paid when statements were issued (domain.md §4.5 rule 6 caveat). */
  feesPaidFromBalance: Fen = 0;
  /** Paid fees returned to the balance by refunds (§4.5 rule 5). */
  feeRefundsToBalance: Fen = 0;
  private postingKeys = new Set<string>();

  constructor(setup: CreditLineSetup) {
    this.accountId = setup.accountId ?? 'A1';
    this.limit = setup.limit;
    this.cycle = setup.cycle;
    this.today = setup.today;
  }

  /** An independent copy (loans and periods are immutable values, so sharing them is safe). */
  clone(): SimulatedCreditLine {
    const copy = new SimulatedCreditLine({ limit: this.limit, cycle: this.cycle, today: this.today, accountId: this.accountId });
    Object.assign(copy, {
      held: this.held,
      outstanding: this.outstanding,
      balance: this.balance,
      holds: [...this.holds],
      loans: [...this.loans],
      postings: [...this.postings],
      pendingCredits: [...this.pendingCredits],
      statements: [...this.statements],
      feesPaidFromBalance: this.feesPaidFromBalance,
      feeRefundsToBalance: this.feeRefundsToBalance,
      postingKeys: new Set(this.postingKeys),
    });
    return copy;
  }

  available(): Fen {
    return availableOf({ limit: this.limit, held: this.held, outstanding: this.outstanding });
  }

  hold(orderId: string): SimulatedHold | undefined {
    return this.holds.find((hold) => hold.orderId === orderId);
  }

  loanOf(orderId: string): Loan | undefined {
    const loanId = this.hold(orderId)?.loanId;
    return loanId === undefined ? undefined : this.loans.find((loan) => loan.loanId === loanId);
  }

  /** Outstanding principal minus balance (domain.md §4.5 rule 6). */
  principalOwed(): Fen {
    return this.loans.reduce((sum, loan) => sum + outstandingPrincipalOf(loan), 0) - this.balance;
  }

  // --- events ---------------------------------------------------------------------------

  /** `OrderPlaced` (credit): a hold of the payable amount, or a decline (§4.2). */
  placeHold(input: { orderId: string; amount: Fen; product: CreditProduct; periodCount?: number }): PlaceHoldOutcome {
    if (this.hold(input.orderId)) return 'DUPLICATE';
    // The plan is checked when the hold is placed, so that the capture never fails.
    if (planProblem(input.product, input.amount, input.periodCount) !== undefined) return 'PLAN_REFUSED';
    const decision = decideHold({ limit: this.limit, held: this.held, outstanding: this.outstanding }, input.amount);
    if (!decision.granted) return 'DECLINED';
    const holdId = `hold-${input.orderId}`;
    this.post(holdPlacedPosting({ accountId: this.accountId, holdId, amount: input.amount }));
    this.holds.push({ holdId, orderId: input.orderId, amount: input.amount, placed: input.amount, appliedRefundIds: [], status: 'ACTIVE', product: input.product, periodCount: input.periodCount });
    this.held += input.amount;
    return 'PLACED';
  }

  /** `OrderCancelled` before shipment: the hold is released, nothing is billed (§4.2). */
  cancel(orderId: string): CancelOutcome {
    const hold = this.hold(orderId);
    if (!hold || hold.status !== 'ACTIVE') return { kind: 'IGNORED' };
    this.post(holdReleasedPosting({ accountId: this.accountId, holdId: hold.holdId, releaseId: 'cancelled', amount: hold.amount }));
    this.held -= hold.amount;
    this.replaceHold({ ...hold, amount: 0, status: 'RELEASED' });
    return { kind: 'RELEASED', released: hold.amount };
  }

  /** `OrderShipped`: captures `principal` of the hold as a loan and releases the rest (§4.2). */
  ship(orderId: string, principal: Fen): ShipOutcome {
    const hold = this.hold(orderId);
    if (!hold || hold.status !== 'ACTIVE') return { kind: 'IGNORED' };
    if (principal > hold.amount) throw new Error(`cannot capture ${principal} of a hold of ${hold.amount}`);
    const loan = bookLoan({ loanId: `loan-${orderId}`, orderId, principal, bookedOn: this.today, product: hold.product, periodCount: hold.periodCount, cycle: this.cycle });
    this.post(...loanBookedPostings({ accountId: this.accountId, holdId: hold.holdId, loan }));
    const released = hold.amount - principal;
    if (released > 0) this.post(holdReleasedPosting({ accountId: this.accountId, holdId: hold.holdId, releaseId: 'not-shipped', amount: released }));
    this.held -= hold.amount;
    this.outstanding += loan.bookedPrincipal;
    this.loans.push(loan);
    this.replaceHold({ ...hold, amount: 0, status: 'CAPTURED', loanId: loan.loanId });
    return { kind: 'CAPTURED', loan, released };
  }

  /** `RefundCompleted` (§4.5): before capture it releases the hold (rule 1), after it offsets the loan. */
  refund(orderId: string, refundId: string, amount: Fen): OrderRefundOutcome {
    const hold = this.hold(orderId);
    if (!hold || hold.status === 'RELEASED') return { kind: 'IGNORED' };
    // Rule 7 across the hold and the loan: a refund id already used to release the hold
    // must not be applied again to the loan captured later.
    if (hold.status === 'CAPTURED' && hold.appliedRefundIds.includes(refundId)) return { kind: 'DUPLICATE' };
    if (hold.status === 'ACTIVE') {
      const result = refundHold(hold, { refundId, amount, on: this.today });
      if (result.kind === 'DUPLICATE') return { kind: 'DUPLICATE' };
      this.post(holdReleasedPosting({ accountId: this.accountId, holdId: hold.holdId, releaseId: `refund-${refundId}`, amount: result.released }));
      this.held -= result.released;
      this.replaceHold({ ...hold, ...result.hold, status: result.fullyReleased ? 'RELEASED' : 'ACTIVE' });
      return { kind: 'HOLD_RELEASED', released: result.released };
    }
    const loan = this.loans.find((candidate) => candidate.loanId === hold.loanId) as Loan;
    const result = applyRefundToLoan(loan, { refundId, amount, on: this.today });
    if (result.kind === 'APPLIED') {
      this.replaceLoan(result.loan);
      this.balance += result.balanceCredit;
      this.outstanding -= result.principalOffset;
      this.feeRefundsToBalance += result.feeRefundToBalance;
      this.pendingCredits.push(...result.statementCredits);
      this.post(...refundOffsetPostings(this.accountId, result));
    }
    return result;
  }

  /** A repayment through the gateway, idempotent by its id (the ledger's posting key). */
  repay(repaymentId: string, amount: Fen, preferredLoanId?: string): RepayOutcome {
    if (this.postingKeys.has(`repayment:${repaymentId}`)) return { kind: 'DUPLICATE' };
    const allocation = allocateRepayment({ loans: this.loans, amount, on: this.today, preferredLoanId });
    this.loans = allocation.loans;
    this.balance += allocation.toBalance;
    this.outstanding -= allocation.principalRepaid;
    this.post(...repaymentPostings({ accountId: this.accountId, repaymentId, allocation, source: 'CASH' }));
    return { kind: 'APPLIED', allocation };
  }

  // --- the clock and the statement scheduler ---------------------------------------------

  isStatementDay(day: CalendarDate): boolean {
    return partsOf(day).day === this.cycle.statementDay;
  }

  /** Moves the platform clock; the scheduler issues every statement day passed, in order. */
  advanceTo(day: CalendarDate): void {
    while (isAfter(day, this.today)) {
      this.today = addDays(this.today, 1);
      this.runScheduler();
    }
  }

  /**
   * The statement scheduler's run for today (at the start of the day). A statement day is
   * issued once (the scheduler's unique key is the statement date); a re-run still asks the
   * domain for that day's statement so the caller can check it changes nothing.
   */
  runScheduler(): SchedulerOutcome {
    if (!this.isStatementDay(this.today)) return { kind: 'NOT_A_STATEMENT_DAY' };
    const issued = issueStatement({
      accountId: this.accountId,
      statementDate: this.today,
      dueOffsetDays: this.cycle.dueOffsetDays,
      balance: this.balance,
      loans: this.loans,
      creditsSinceLastStatement: this.pendingCredits,
    });
    if (this.statements.some((existing) => existing.statement.statementDate === this.today)) return { kind: 'ALREADY_ISSUED', rerun: issued };
    this.pendingCredits = [];
    this.loans = issued.loans;
    this.balance = issued.statement.balanceAfter;
    this.outstanding -= issued.balancePayment.principalRepaid;
    this.feesPaidFromBalance += issued.balancePayment.feePaid + issued.balancePayment.lateFeePaid;
    this.post(...statementPostings({ accountId: this.accountId, statementId: this.today, issued }));
    this.statements.push(issued);
    return { kind: 'ISSUED', issued };
  }

  // --- invariants -----------------------------------------------------------------------

  /**
   * Every account-level invariant: domain.md §4.6 per loan and for the ledger, §4.1
   * available + outstanding + held = limit with each figure agreeing with the holds, the
   * loans and the ledger, and a balance that is never negative and is what the ledger says.
   */
  problems(): string[] {
    const problems = [...ledgerProblems(this.postings)];
    const byLoan = new Map<string, Posting[]>();
    for (const candidate of this.postings) {
      for (const loanId of new Set(candidate.entries.map((entry) => entry.loanId).filter((id): id is string => id !== undefined))) {
        byLoan.set(loanId, [...(byLoan.get(loanId) ?? []), candidate]);
      }
    }
    for (const loan of this.loans) {
      problems.push(...loanProblems(loan).map((p) => `${loan.loanId}: ${p}`));
      // Only the loan's own postings matter to its figures; the whole ledger is checked above.
      problems.push(...loanInvariantProblems(loan, byLoan.get(loan.loanId) ?? []).map((p) => `${loan.loanId}: ${p}`));
    }

    const ledger = accountBalances(this.postings);
    const heldByHolds = this.holds.reduce((sum, hold) => sum + (hold.status === 'ACTIVE' ? hold.amount : 0), 0);
    const outstandingByLoans = this.loans.reduce((sum, loan) => sum + outstandingPrincipalOf(loan), 0);
    if (this.held !== heldByHolds) problems.push(`held ${this.held}, active holds ${heldByHolds}`);
    if (this.held !== (ledger.get('CREDIT_HOLD_RESERVED') ?? 0)) problems.push(`held ${this.held}, ledger reserves ${ledger.get('CREDIT_HOLD_RESERVED') ?? 0}`);
    if (this.outstanding !== outstandingByLoans) problems.push(`outstanding ${this.outstanding}, loans say ${outstandingByLoans}`);
    if (this.outstanding !== (ledger.get('LOAN_PRINCIPAL_RECEIVABLE') ?? 0)) problems.push(`outstanding ${this.outstanding}, ledger says ${ledger.get('LOAN_PRINCIPAL_RECEIVABLE') ?? 0}`);
    const available = this.available();
    if (available + this.outstanding + this.held !== this.limit) problems.push(`available ${available} + outstanding ${this.outstanding} + held ${this.held} ≠ limit ${this.limit}`);
    for (const hold of this.holds) {
      if (hold.amount < 0 || hold.amount > hold.placed) problems.push(`${hold.holdId}: holds ${hold.amount} of ${hold.placed}`);
    }

    if (this.balance < 0) problems.push(`balance ${this.balance} < 0`);
    const ledgerBalance = buyerBalanceOf(this.postings);
    if (ledgerBalance !== this.balance) problems.push(`balance ${this.balance}, ledger says ${ledgerBalance}`);
    return problems;
  }

  /** Everything an event could change (postings are append-only, so their keys suffice). */
  snapshot(): string {
    return JSON.stringify([this.today, this.held, this.outstanding, this.balance, this.holds, this.loans, this.pendingCredits, this.statements.length, this.postings.map((p) => p.postingKey)]);
  }

  // --- internals ------------------------------------------------------------------------

  private post(...postings: Posting[]): void {
    for (const candidate of postings) {
      this.postings.push(candidate);
      this.postingKeys.add(candidate.postingKey);
    }
  }

  private replaceHold(hold: SimulatedHold): void {
    this.holds = this.holds.map((existing) => (existing.orderId === hold.orderId ? hold : existing));
  }

  private replaceLoan(loan: Loan): void {
    this.loans = this.loans.map((existing) => (existing.loanId === loan.loanId ? loan : existing));
  }
}
