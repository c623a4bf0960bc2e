import { Fen, sumFen } from '@orderline/shared/money';
import { CalendarDate, nextStatementDayAfter } from './calendar-date';
import { availableOf, BillingCycle, decideHold } from './credit-line';
import { CreditProduct } from './credit-product';
import { holdPlacedPosting, holdReleasedPosting, loanBookedPostings, Posting, refundOffsetPostings, repaymentPostings, statementPostings } from './ledger';
import { Loan, LoanPeriod, outstandingPrincipalOf } from './loan';
import { accrueDailyCharges } from './overdue';
import { bookLoan, planProblem } from './plan-schedule';
import { applyRefundToLoan, refundHold, RefundApplied } from './refund-offset';
import { allocateRepayment, currentlyDueOf, maximumRepaymentOf, RepaymentAllocation } from './repayment-allocation';
import { issueStatement, Statement, StatementCredit } from './statement';

/**
 * The credit account aggregate (domain.md §4.1-§4.6): the one place where the credit rules are
 * put together. Each command takes the account as loaded and returns the account after it,
 * the ledger postings to append and the events to publish; the service handlers only load,
 * call and save, and the property tests drive these same functions.
 */

export type AccountHoldStatus = 'ACTIVE' | 'RELEASED' | 'CAPTURED';

/** One order's hold on the line (domain.md §4.2). */
export interface AccountHold {
  readonly holdId: string;
  readonly orderId: string;
  /** The payable amount held when it was placed. */
  readonly amount: Fen;
  readonly captured: Fen;
  readonly released: Fen;
  readonly status: AccountHoldStatus;
  readonly productCode: string | null;
  readonly periodCount: number | null;
  /** Why it ended (set when nothing is held any more). */
  readonly releaseReason: string | null;
  /**
   * Refund ids that released part of this hold (§4.5 rule 7). Within one load; the service's
   * refund table (unique refund id) keeps the same rule across loads.
   */
  readonly appliedRefundIds: readonly string[];
}

/** What a hold still holds. */
export function stillHeldOf(hold: Pick<AccountHold, 'amount' | 'captured' | 'released'>): Fen {
  return hold.amount - hold.captured - hold.released;
}

/** A refund credit not yet shown on a statement; `id` is the store's, absent until saved. */
export interface PendingStatementCredit {
  readonly id?: string;
  readonly credit: StatementCredit;
}

export interface CreditAccount {
  readonly accountId: string;
  readonly limit: Fen;
  readonly cycle: BillingCycle;
  /** Sum of what active holds still hold. */
  readonly held: Fen;
  /** Principal booked and not yet repaid, offset or written off. */
  readonly outstanding: Fen;
  /** Money owed to the buyer (§4.1). */
  readonly balance: Fen;
  readonly nextStatementDate: CalendarDate | null;
  readonly lastStatementDate: CalendarDate | null;
  /** The holds the command acts on (a store loads the order's hold). */
  readonly holds: readonly AccountHold[];
  /**
   * The account's open loans, plus the loan a refund acts on even when settled. Commands that
   * act on loans (catch-up, repayment, refund after capture) need every open loan.
   */
  readonly loans: readonly Loan[];
  readonly pendingCredits: readonly PendingStatementCredit[];
}

/** What the aggregate publishes; the service maps each to its contract event. */
export type CreditAccountEvent =
  | { type: 'CreditHoldPlaced'; holdId: string; orderId: string; amount: Fen; availableAfter: Fen }
  | { type: 'CreditHoldDeclined'; orderId: string; amount: Fen; available: Fen; reason: 'INSUFFICIENT_AVAILABLE_LIMIT' | 'PLAN_NOT_AVAILABLE' }
  | { type: 'CreditHoldReleased'; holdId: string; orderId: string; amount: Fen; reason: string; availableAfter: Fen }
  | { type: 'LoanBooked'; loan: Loan; releasedFromHold: Fen }
  | { type: 'RefundOffsetApplied'; refundId: string; orderId: string; loanId: string; amount: Fen; principalOffset: Fen; balanceCredit: Fen; periodsBefore: readonly LoanPeriod[]; periodsAfter: readonly LoanPeriod[] }
  | { type: 'RefundOffsetRefused'; refundId: string; orderId: string; loanId: string; amount: Fen; reason: 'EXCEEDS_REFUNDABLE_PRINCIPAL'; refundable: Fen }
  | { type: 'StatementIssued'; statementId: string; statement: Statement }
  | { type: 'RepaymentReceived'; repaymentId: string; amount: Fen; principalRepaid: Fen; toBalance: Fen }
  | { type: 'LoanSettled'; loanId: string; orderId: string };

/** A statement issued by a command, with the pending credits it showed. */
export interface AccountStatement {
  statementId: string;
  statement: Statement;
  creditIds: string[];
}

export interface AccountChange<O> {
  outcome: O;
  account: CreditAccount;
  /** Append-only; a store keeps posting keys unique. */
  postings: Posting[];
  events: CreditAccountEvent[];
  statements: AccountStatement[];
  /** Refund reductions of billed amounts to show on the next statement (§4.5 rule 3). */
  newCredits: StatementCredit[];
  /** Balance payments made by the command (§4.4 "a balance never sits beside money owed"). */
  balancePayments: RepaymentAllocation[];
}

/** Every command runs on a platform day; ids of what it creates come from the caller. */
export interface CommandContext {
  on: CalendarDate;
  newId: () => string;
}

/** The working copy of one command: applies domain results and collects what to save. */
class AccountWork {
  account: CreditAccount;
  readonly postings: Posting[] = [];
  readonly events: CreditAccountEvent[] = [];
  readonly statements: AccountStatement[] = [];
  readonly newCredits: StatementCredit[] = [];
  readonly balancePayments: RepaymentAllocation[] = [];

  constructor(account: CreditAccount) {
    this.account = account;
  }

  done<O>(outcome: O): AccountChange<O> {
    return { outcome, account: this.account, postings: this.postings, events: this.events, statements: this.statements, newCredits: this.newCredits, balancePayments: this.balancePayments };
  }

  set(changes: Partial<CreditAccount>): void {
    this.account = { ...this.account, ...changes };
  }

  available(): Fen {
    return availableOf({ limit: this.account.limit, held: this.account.held, outstanding: this.account.outstanding });
  }

  holdOf(orderId: string): AccountHold | undefined {
    return this.account.holds.find((hold) => hold.orderId === orderId);
  }

  loanOf(orderId: string): Loan | undefined {
    return this.account.loans.find((loan) => loan.orderId === orderId);
  }

  putHold(hold: AccountHold): void {
    const known = this.account.holds.some((existing) => existing.holdId === hold.holdId);
    this.set({ holds: known ? this.account.holds.map((existing) => (existing.holdId === hold.holdId ? hold : existing)) : [...this.account.holds, hold] });
  }

  /** Replaces (or adds) loans and recomputes outstanding over the account's loans. */
  putLoans(loans: readonly Loan[]): void {
    const byId = new Map(loans.map((loan) => [loan.loanId, loan]));
    const merged = this.account.loans.map((loan) => byId.get(loan.loanId) ?? loan);
    for (const loan of loans) if (!this.account.loans.some((existing) => existing.loanId === loan.loanId)) merged.push(loan);
    this.set({ loans: merged, outstanding: sumFen(merged.map(outstandingPrincipalOf)) });
  }

  settled(loanIds: readonly string[], loans: readonly Loan[]): void {
    for (const loanId of loanIds) this.events.push({ type: 'LoanSettled', loanId, orderId: (loans.find((loan) => loan.loanId === loanId) as Loan).orderId });
  }

  /** Releases `amount` of an active hold; what is left of it ends the hold (§4.2). */
  release(hold: AccountHold, amount: Fen, reason: string, releaseId: string, appliedRefundIds = hold.appliedRefundIds): void {
    const released = hold.released + amount;
    const ended = stillHeldOf({ ...hold, released }) === 0;
    this.putHold({ ...hold, released, appliedRefundIds, ...(ended ? { status: hold.captured > 0 ? 'CAPTURED' : 'RELEASED', releaseReason: reason } : {}) });
    this.set({ held: this.account.held - amount });
    this.postings.push(holdReleasedPosting({ accountId: this.account.accountId, holdId: hold.holdId, releaseId, amount }));
    this.events.push({ type: 'CreditHoldReleased', holdId: hold.holdId, orderId: hold.orderId, amount, reason, availableAfter: this.available() });
  }

  statementDue(on: CalendarDate): boolean {
    return this.account.nextStatementDate !== null && this.account.nextStatementDate <= on;
  }

  /** Issues the next statement (its day has come); the balance pays it (§4.4). */
  issueNextStatement(context: CommandContext): void {
    const { account } = this;
    const statementDate = account.nextStatementDate as CalendarDate;
    const issued = issueStatement({
      accountId: account.accountId,
      statementDate,
      dueOffsetDays: account.cycle.dueOffsetDays,
      balance: account.balance,
      loans: account.loans,
      creditsSinceLastStatement: account.pendingCredits.map((pending) => pending.credit),
    });
    const statementId = context.newId();
    this.putLoans(issued.loans);
    this.set({
      balance: issued.statement.balanceAfter,
      lastStatementDate: statementDate,
      nextStatementDate: nextStatementDayAfter(statementDate, account.cycle.statementDay),
      pendingCredits: [],
    });
    this.statements.push({ statementId, statement: issued.statement, creditIds: account.pendingCredits.flatMap((pending) => (pending.id === undefined ? [] : [pending.id])) });
    this.postings.push(...statementPostings({ accountId: account.accountId, statementId, issued }));
    this.events.push({ type: 'StatementIssued', statementId, statement: issued.statement });
    this.settled(issued.balancePayment.settledLoanIds, issued.loans);
  }

  /**
   * "A balance never sits beside money owed" (§4.4): the balance pays what is billed or
   * overdue as of the day (late fees included), in the repayment order.
   */
  payOwedFromBalance(context: CommandContext): void {
    const { account } = this;
    if (account.balance <= 0) return;
    const owed = currentlyDueOf(account.loans.map((loan) => accrueDailyCharges(loan, context.on).loan));
    const amount = Math.min(account.balance, owed);
    if (amount === 0) return;
    const allocation = allocateRepayment({ loans: account.loans, amount, on: context.on });
    this.putLoans(allocation.loans);
    this.set({ balance: account.balance - amount });
    this.balancePayments.push(allocation);
    this.postings.push(...repaymentPostings({ accountId: account.accountId, repaymentId: `balance:${context.newId()}`, allocation, source: 'BALANCE' }));
    this.settled(allocation.settledLoanIds, allocation.loans);
  }

  /** §4.4 decisions: every statement whose day has come (oldest first), then the balance pays. */
  catchUp(context: CommandContext): number {
    let issued = 0;
    while (this.statementDue(context.on)) {
      this.issueNextStatement(context);
      issued++;
    }
    this.payOwedFromBalance(context);
    return issued;
  }
}

/** A new line (§4.1): its first statement day is the first one strictly after it opened (§4.3). */
export function openAccount(input: { accountId: string; limit: Fen; cycle: BillingCycle; openedOn: CalendarDate }): CreditAccount {
  return {
    accountId: input.accountId,
    limit: input.limit,
    cycle: input.cycle,
    held: 0,
    outstanding: 0,
    balance: 0,
    nextStatementDate: nextStatementDayAfter(input.openedOn, input.cycle.statementDay),
    lastStatementDate: null,
    holds: [],
    loans: [],
    pendingCredits: [],
  };
}

// --- holds (§4.2) ------------------------------------------------------------------------

export type PlaceHoldOutcome = 'PLACED' | 'DECLINED' | 'PLAN_REFUSED' | 'DUPLICATE';

/**
 * `OrderPlaced` (credit): the payable amount is held, or the order is declined. The plan is
 * checked here so that the capture can always book it (§4.3); `product` is null when no
 * product is offered for the plan.
 */
export function placeHold(
  account: CreditAccount,
  command: { holdId: string; orderId: string; amount: Fen; product: CreditProduct | null; periodCount?: number },
): AccountChange<PlaceHoldOutcome> {
  const work = new AccountWork(account);
  if (work.holdOf(command.orderId)) return work.done('DUPLICATE');
  const { product } = command;
  if (!product || planProblem(product, command.amount, command.periodCount) !== undefined) {
    work.events.push({ type: 'CreditHoldDeclined', orderId: command.orderId, amount: command.amount, available: work.available(), reason: 'PLAN_NOT_AVAILABLE' });
    return work.done('PLAN_REFUSED');
  }
  const decision = decideHold({ limit: account.limit, held: account.held, outstanding: account.outstanding }, command.amount);
  if (!decision.granted) {
    work.events.push({ type: 'CreditHoldDeclined', orderId: command.orderId, amount: command.amount, available: decision.available, reason: decision.reason });
    return work.done('DECLINED');
  }
  work.putHold({
    holdId: command.holdId,
    orderId: command.orderId,
    amount: command.amount,
    captured: 0,
    released: 0,
    status: 'ACTIVE',
    productCode: product.code,
    periodCount: product.planType === 'INSTALLMENT' ? (command.periodCount ?? null) : 1,
    releaseReason: null,
    appliedRefundIds: [],
  });
  work.set({ held: account.held + command.amount });
  work.postings.push(holdPlacedPosting({ accountId: account.accountId, holdId: command.holdId, amount: command.amount }));
  work.events.push({ type: 'CreditHoldPlaced', holdId: command.holdId, orderId: command.orderId, amount: command.amount, availableAfter: decision.availableAfter });
  return work.done('PLACED');
}

export type CancelOutcome = { kind: 'RELEASED'; released: Fen } | { kind: 'IGNORED' };

/** `OrderCancelled` before shipment: the hold is released, nothing is billed (§4.2). */
export function cancelHold(account: CreditAccount, command: { orderId: string }): AccountChange<CancelOutcome> {
  const work = new AccountWork(account);
  const hold = work.holdOf(command.orderId);
  // Declined orders never had a hold; a released or captured hold has nothing to let go.
  if (!hold || hold.status !== 'ACTIVE') return work.done({ kind: 'IGNORED' });
  const released = stillHeldOf(hold);
  work.release(hold, released, 'ORDER_CANCELLED', 'cancel');
  return work.done({ kind: 'RELEASED', released });
}

export type CaptureOutcome = { kind: 'CAPTURED'; loan: Loan | null; released: Fen; refunds: RefundOutcome[] } | { kind: 'IGNORED' };

/**
 * `OrderShipped` captures the hold (§4.2): the shipped amount becomes a loan with its plan,
 * what the shipment did not carry is released, and refunds that arrived before the loan
 * existed (`parkedRefunds`, in arrival order) are applied now (§4.5 rule 7).
 */
export function captureHold(
  account: CreditAccount,
  command: { orderId: string; shipmentId: string; shippedAmount: Fen; loanId: string; product: CreditProduct; parkedRefunds?: readonly { refundId: string; amount: Fen }[] },
  context: CommandContext,
): AccountChange<CaptureOutcome> {
  const work = new AccountWork(account);
  const hold = work.holdOf(command.orderId);
  // Not a credit order, or already captured (a second shipment of an order captures nothing more).
  if (!hold || hold.status !== 'ACTIVE' || hold.captured > 0) return work.done({ kind: 'IGNORED' });
  const stillHeld = stillHeldOf(hold);
  const captured = Math.min(command.shippedAmount, stillHeld);
  const release = stillHeld - captured;
  let loan: Loan | null = null;
  if (captured > 0) {
    loan = bookLoan({
      loanId: command.loanId,
      orderId: hold.orderId,
      principal: captured,
      bookedOn: context.on,
      product: command.product,
      periodCount: hold.periodCount ?? undefined,
      cycle: account.cycle,
    });
    work.putHold({ ...hold, captured, ...(release === 0 ? { status: 'CAPTURED' as const } : {}) });
    // The account's other loans need not be loaded to book one: outstanding grows by it.
    work.set({ loans: [...work.account.loans, loan], outstanding: account.outstanding + captured, held: account.held - captured });
    work.postings.push(...loanBookedPostings({ accountId: account.accountId, holdId: hold.holdId, loan }));
    work.events.push({ type: 'LoanBooked', loan, releasedFromHold: release });
  }
  if (release > 0) {
    // A partial shipment captures its part and releases the rest (§4.2).
    work.release(work.holdOf(command.orderId) as AccountHold, release, captured > 0 ? 'PARTIAL_SHIPMENT' : 'NOTHING_SHIPPED', `shipment:${command.shipmentId}`);
  }
  const refunds = (command.parkedRefunds ?? []).map((refund) => applyRefundWith(work, { ...refund, orderId: hold.orderId }, context));
  return work.done({ kind: 'CAPTURED', loan, released: release, refunds });
}

// --- refunds (§4.5) ----------------------------------------------------------------------

export type RefundOutcome =
  | { kind: 'HOLD_RELEASED'; released: Fen }
  /** No loan and no active hold yet: the refund waits for the capture (rule 7). */
  | { kind: 'PARKED' }
  | { kind: 'DUPLICATE' }
  | { kind: 'REJECTED'; reason: 'EXCEEDS_REFUNDABLE_PRINCIPAL'; refundable: Fen; loanId: string }
  | { kind: 'APPLIED'; applied: RefundApplied };

/**
 * `RefundCompleted` of a credit order (§4.5), on the account brought up to `on` first (§4.4
 * decisions): before capture it releases (part of) the hold (rule 1); after it the loan is
 * offset by the product's rule, fees follow, repaid principal goes to the balance — which
 * then pays whatever is owed.
 *
 * `afterShipment`: the refund is known to be for shipped goods, so an active hold means only
 * that `OrderShipped` has not arrived yet (it travels on another topic and may come second):
 * the refund is parked and applied at capture (rule 7), never taken for a cancellation.
 */
export type RefundCommand = { refundId: string; orderId: string; amount: Fen; afterShipment?: boolean };

export function applyRefund(account: CreditAccount, command: RefundCommand, context: CommandContext): AccountChange<RefundOutcome> {
  const work = new AccountWork(account);
  return work.done(applyRefundWith(work, command, context));
}

function applyRefundWith(work: AccountWork, command: RefundCommand, context: CommandContext): RefundOutcome {
  work.catchUp(context);
  const refund = { refundId: command.refundId, amount: command.amount, on: context.on };
  const hold = work.holdOf(command.orderId);
  // Rule 7 across the hold and the loan: a refund id that released the hold is not applied again.
  if (hold?.appliedRefundIds.includes(command.refundId)) return { kind: 'DUPLICATE' };
  const loan = work.loanOf(command.orderId);
  if (!loan) {
    if (!hold || hold.status !== 'ACTIVE' || hold.captured > 0 || command.afterShipment) return { kind: 'PARKED' };
    // Rule 1: not captured yet — the refund releases (part of) the hold.
    const result = refundHold({ holdId: hold.holdId, orderId: hold.orderId, amount: stillHeldOf(hold), appliedRefundIds: hold.appliedRefundIds }, refund);
    if (result.kind === 'DUPLICATE') return { kind: 'DUPLICATE' };
    work.release(hold, result.released, 'REFUND_BEFORE_CAPTURE', `refund:${command.refundId}`, result.hold.appliedRefundIds);
    return { kind: 'HOLD_RELEASED', released: result.released };
  }
  const result = applyRefundToLoan(loan, refund);
  if (result.kind === 'DUPLICATE') return { kind: 'DUPLICATE' };
  if (result.kind === 'REJECTED') {
    work.events.push({ type: 'RefundOffsetRefused', refundId: command.refundId, orderId: command.orderId, loanId: loan.loanId, amount: command.amount, reason: result.reason, refundable: result.refundable });
    return { kind: 'REJECTED', reason: result.reason, refundable: result.refundable, loanId: loan.loanId };
  }
  work.putLoans([result.loan]);
  work.set({ balance: work.account.balance + result.balanceCredit, pendingCredits: [...work.account.pendingCredits, ...result.statementCredits.map((credit) => ({ credit }))] });
  work.newCredits.push(...result.statementCredits);
  work.postings.push(...refundOffsetPostings(work.account.accountId, result));
  work.events.push({
    type: 'RefundOffsetApplied',
    refundId: command.refundId,
    orderId: command.orderId,
    loanId: loan.loanId,
    amount: command.amount,
    principalOffset: result.principalOffset,
    balanceCredit: result.balanceCredit,
    periodsBefore: result.periodsBefore,
    periodsAfter: result.periodsAfter,
  });
  if (result.loanSettled) work.events.push({ type: 'LoanSettled', loanId: loan.loanId, orderId: loan.orderId });
  // §4.4: a balance never sits beside money owed — what the refund put on it pays at once.
  if (result.balanceCredit > 0) work.payOwedFromBalance(context);
  return { kind: 'APPLIED', applied: result };
}

// --- repayments and statements (§4.4) ----------------------------------------------------

/**
 * A confirmed repayment: the account is brought up to `on` (statements, the balance paying),
 * then the cash is allocated oldest due first; what is left goes to the balance.
 */
export function receiveRepayment(account: CreditAccount, command: { repaymentId: string; amount: Fen; preferredLoanId?: string }, context: CommandContext): AccountChange<RepaymentAllocation> {
  const work = new AccountWork(account);
  work.catchUp(context);
  const allocation = allocateRepayment({ loans: work.account.loans, amount: command.amount, on: context.on, preferredLoanId: command.preferredLoanId });
  work.putLoans(allocation.loans);
  work.set({ balance: sumFen([work.account.balance, allocation.toBalance]) });
  work.postings.push(...repaymentPostings({ accountId: account.accountId, repaymentId: command.repaymentId, allocation, source: 'CASH' }));
  work.events.push({ type: 'RepaymentReceived', repaymentId: command.repaymentId, amount: command.amount, principalRepaid: allocation.principalRepaid, toBalance: allocation.toBalance });
  work.settled(allocation.settledLoanIds, allocation.loans);
  return work.done(allocation);
}

/** The most a repayment may be now (docs/money-bounds-and-repayments.md), on a caught-up account. */
export function maximumRepaymentOfAccount(account: CreditAccount, input: { on: CalendarDate; pending: Fen; overpaymentCap: Fen }): Fen {
  return maximumRepaymentOf({ loans: account.loans, on: input.on, balance: account.balance, pending: input.pending, overpaymentCap: input.overpaymentCap });
}

/** Whether a statement day has come for the account and is not issued yet. */
export function statementDue(account: Pick<CreditAccount, 'nextStatementDate'>, on: CalendarDate): boolean {
  return account.nextStatementDate !== null && account.nextStatementDate <= on;
}

/**
 * §4.4 decisions ("time-based work catches up before it is read or acted on"): every statement
 * whose day has come, oldest first, then the balance pays what is owed. Returns how many
 * statements were issued. Running it again on the same day changes nothing.
 */
export function catchUpAccount(account: CreditAccount, context: CommandContext): AccountChange<number> {
  const work = new AccountWork(account);
  return work.done(work.catchUp(context));
}

/**
 * The background statement run's step for one account: the next due statement, and once none
 * is due any more, the balance pays what is owed (one statement per step, so a failure is
 * recorded against one statement day).
 */
export function runStatementStep(account: CreditAccount, context: CommandContext): AccountChange<boolean> {
  const work = new AccountWork(account);
  const due = work.statementDue(context.on);
  if (due) work.issueNextStatement(context);
  if (!work.statementDue(context.on)) work.payOwedFromBalance(context);
  return work.done(due);
}

/** Loans of `after` that are new or changed since `before` (domain values are immutable). */
export function changedLoansOf(before: CreditAccount, after: CreditAccount): Loan[] {
  const old = new Map(before.loans.map((loan) => [loan.loanId, loan]));
  return after.loans.filter((loan) => old.get(loan.loanId) !== loan);
}
