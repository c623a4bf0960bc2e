import fc from 'fast-check';
import { Fen } from '@orderline/shared/money';
import { addDays, CalendarDate, isAfter, isBefore, nextStatementDayAfter, partsOf } from './calendar-date';
import { creditProduct, CreditProduct, RefundAllocationRule, REFUND_ALLOCATION_RULES } from './credit-product';
import { accountBalances } from './ledger';
import { Loan, outstandingPrincipalOf } from './loan';
import { accrueDailyCharges } from './overdue';
import { currentlyDueOf } from './repayment-allocation';
import { applyRefund, cancelHold, captureHold, catchUpAccount, placeHold, receiveRepayment, stillHeldOf } from './credit-account';
import { RepaymentAllocation } from './repayment-allocation';
import { InMemoryCreditBook } from '../testing/in-memory-credit-book';

/**
 * Issue 4 "Property-based tests": random histories of holds, captures, cancellations,
 * repayments, partial and full refunds (duplicated and reordered), statement runs and clock
 * moves on one credit account, with every invariant asserted after every step (domain.md
 * §4.1-§4.6). Model-based: fast-check generates the commands, a small model predicts what
 * each event must do, and every event goes to the production credit account aggregate
 * (`credit-account.ts`) — the same functions the service handlers call — kept in an
 * {@link InMemoryCreditBook} (test persistence, no rules).
 *
 *   CREDIT_PROPERTY_RUNS  histories per run (default 10 000)
 *   FC_SEED, FC_PATH      replay a reported failure (fast-check prints both)
 */
const RUNS = Number(process.env.CREDIT_PROPERTY_RUNS ?? 10_000);
const SEED = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const PATH = process.env.FC_PATH;
const MAX_STEPS = 25;

// --- the model ---------------------------------------------------------------------------

interface SentRefund {
  refundId: string;
  amount: Fen;
}

/** What the model expects of one order (independently of the domain's own bookkeeping). */
interface OrderModel {
  orderId: string;
  payable: Fen;
  product: CreditProduct;
  periodCount?: number;
  state: 'HELD' | 'CAPTURED' | 'RELEASED' | 'DECLINED' | 'PLAN_REFUSED';
  stillHeld: Fen;
  captured: Fen;
  /** Refunds applied to the loan (§4.5 rule 7: never more than `captured`). */
  refundedToLoan: Fen;
  releasedByRefunds: Fen;
  /** Every RefundCompleted sent for the order, applied or not, for duplicates. */
  refunds: SentRefund[];
}

interface HistoryModel {
  limit: Fen;
  orders: OrderModel[];
  repayments: { repaymentId: string; amount: Fen }[];
  /** Money the buyer paid in. */
  cashIn: Fen;
  /** Refund money applied to loans (hold releases excluded). */
  refundedToLoans: Fen;
  next: number;
}

/** The account under test; a fork (rule 6, reordering) replaces the line it plays on. */
interface Real {
  line: InMemoryCreditBook;
}

type HistoryCommand = fc.Command<HistoryModel, Real>;

const ordersIn = (m: Readonly<HistoryModel>, ...states: OrderModel['state'][]) => m.orders.filter((order) => states.includes(order.state));
const pickFrom = <T>(items: readonly T[], pick: number): T => items[pick % items.length];
const minPrincipalOf = (order: OrderModel) => order.periodCount ?? 1;
const loanOf = (real: Real, order: OrderModel): Loan => real.line.loanOf(order.orderId) as Loan;

// --- the handlers' calls: the production aggregate on the stored account ----------------

const send = {
  placeHold: (book: InMemoryCreditBook, input: { orderId: string; amount: Fen; product: CreditProduct; periodCount?: number }) =>
    book.run((account) => placeHold(account, { holdId: `hold-${input.orderId}`, ...input })),
  cancel: (book: InMemoryCreditBook, orderId: string) => book.run((account) => cancelHold(account, { orderId })),
  ship: (book: InMemoryCreditBook, order: OrderModel, shippedAmount: Fen) =>
    book.run((account, context) => captureHold(account, { orderId: order.orderId, shipmentId: `ship-${order.orderId}`, shippedAmount, loanId: `loan-${order.orderId}`, product: order.product }, context)),
  refund: (book: InMemoryCreditBook, orderId: string, refundId: string, amount: Fen) => book.run((account, context) => applyRefund(account, { refundId, orderId, amount }, context)),
  /** A repayment id is credited once (the service's repayment row status). */
  repay: (book: InMemoryCreditBook, repaymentId: string, amount: Fen, preferredLoanId?: string): { kind: 'APPLIED'; allocation: RepaymentAllocation } | { kind: 'DUPLICATE' } => {
    if (book.creditedRepayments.has(repaymentId)) return { kind: 'DUPLICATE' };
    const allocation = book.run((account, context) => receiveRepayment(account, { repaymentId, amount, preferredLoanId }, context));
    book.creditedRepayments.add(repaymentId);
    return { kind: 'APPLIED', allocation };
  },
};

/** What the balance paid by itself in the postings from `from` on (§4.4). */
const paidFromBalanceSince = (book: InMemoryCreditBook, from: number): Fen =>
  book.postings.slice(from).reduce((sum, posting) => sum + (posting.kind === 'BALANCE_PAYMENT' ? posting.entries.filter((e) => e.account === 'BUYER_BALANCE' && e.side === 'DEBIT').reduce((s, e) => s + e.amount, 0) : 0), 0);

/** Statistics, so the run shows the interesting cases really happened. */
const stats = { histories: 0, steps: 0, rule6Strict: 0, rule6WithFeeCaveat: 0, reorders: 0, duplicates: 0, refundsApplied: 0, overdueSeen: 0, statementsIssued: 0 };

function fail(what: string, detail?: unknown): never {
  throw new Error(detail === undefined ? what : `${what}: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`);
}

/** Every invariant, after every step. */
function assertInvariants(m: Readonly<HistoryModel>, real: Real, after: string): void {
  stats.steps++;
  const line = real.line;
  // §4.6 ledger balanced + per loan booked = repaid + offset + outstanding + written off (loan
  // and ledger agree); §4.1 available + outstanding + held = limit; balance ≥ 0 and = ledger.
  const problems = line.problems();
  if (problems.length > 0) fail(`after ${after}`, problems.join('\n'));

  let held = 0;
  for (const order of m.orders) {
    const hold = line.hold(order.orderId);
    if (order.state === 'HELD') held += order.stillHeld;
    if (order.state === 'DECLINED' || order.state === 'PLAN_REFUSED') {
      if (hold) fail(`after ${after}: ${order.orderId} was declined but holds`, hold);
      continue;
    }
    if (!hold) fail(`after ${after}: no hold for ${order.orderId}`);
    if (order.state === 'HELD' && (hold.status !== 'ACTIVE' || stillHeldOf(hold) !== order.stillHeld)) fail(`after ${after}: hold of ${order.orderId}`, { hold, order });
    if (order.state === 'RELEASED' && hold.status !== 'RELEASED') fail(`after ${after}: ${order.orderId} not released`, hold);
    if (order.releasedByRefunds > order.payable) fail(`after ${after}: refunds released more than ${order.orderId} held`);
    if (order.state !== 'CAPTURED') continue;
    const loan = loanOf(real, order);
    // Refunds of an order never exceed what it paid (§4.5 rule 7).
    if (loan.bookedPrincipal !== order.captured) fail(`after ${after}: ${order.orderId} booked ${loan.bookedPrincipal}, captured ${order.captured}`);
    if (loan.refundedPrincipal !== order.refundedToLoan) fail(`after ${after}: ${order.orderId} refunded ${loan.refundedPrincipal}, model ${order.refundedToLoan}`);
    if (order.refundedToLoan > order.captured) fail(`after ${after}: ${order.orderId} refunded ${order.refundedToLoan} > paid ${order.captured}`);
    if (loan.periods.some((p) => p.status === 'OVERDUE')) stats.overdueSeen++;
  }
  if (line.held !== held) fail(`after ${after}: held ${line.held}, model ${held}`);
  if (line.available() + line.outstanding + line.held !== m.limit) fail(`after ${after}: available + outstanding + held ≠ limit ${m.limit}`);

  // Period states follow the clock (§4.3, §4.4): brought to today, nothing is still scheduled
  // for a statement day that has passed, nothing billed is past due, and every overdue period
  // is past due with late fees charged for every completed overdue day (none on the first).
  const yesterday = addDays(line.today, -1);
  for (const loan of line.loans) {
    for (const p of accrueDailyCharges(loan, line.today).loan.periods) {
      const where = `after ${after}: ${loan.loanId} period ${p.index} ${p.status}`;
      if (p.status === 'SCHEDULED' && !isAfter(p.statementDate, line.today)) fail(`${where} on ${line.today}, statement day ${p.statementDate}`);
      if (p.status === 'BILLED' && (isAfter(p.statementDate, line.today) || isBefore(p.dueDate, line.today))) fail(`${where} on ${line.today}, due ${p.dueDate}`);
      const chargedThrough = isBefore(p.dueDate, yesterday) ? yesterday : null;
      if (p.status === 'OVERDUE' && (!isBefore(p.dueDate, line.today) || p.lateFeeChargedThrough !== chargedThrough)) fail(`${where} on ${line.today}, due ${p.dueDate}, late fees through ${p.lateFeeChargedThrough}`);
    }
  }

  // Money in = money used: every fen paid in or refunded is on a loan (paid or offset) or in the balance.
  const paid = line.loans.reduce((s, l) => s + l.periods.reduce((t, p) => t + p.paidPrincipal + p.paidFee + p.paidLateFee, 0), 0);
  const offset = line.loans.reduce((s, l) => s + l.offsetPrincipal, 0);
  if (m.cashIn + m.refundedToLoans !== paid + offset + line.balance) {
    fail(`after ${after}: money not conserved`, { cashIn: m.cashIn, refunded: m.refundedToLoans, paid, offset, balance: line.balance });
  }
}

/** Runs an event that must change nothing (a duplicate, a refused over-refund, a stale event). */
function assertChangesNothing(real: Real, what: string, event: () => { kind: string }, expected: string[]): void {
  stats.duplicates++;
  const before = real.line.snapshot();
  const outcome = event();
  if (!expected.includes(outcome.kind)) fail(`${what}: expected ${expected.join('/')}, got ${outcome.kind}`);
  if (real.line.snapshot() !== before) fail(`${what} changed the account`);
}

// --- commands ----------------------------------------------------------------------------

class PlaceHold implements HistoryCommand {
  constructor(
    readonly amount: Fen,
    readonly plan: { product: CreditProduct; periodCount?: number },
  ) {}
  check = () => true;
  run(m: HistoryModel, real: Real): void {
    const orderId = `O${++m.next}`;
    const { product, periodCount } = this.plan;
    const order: OrderModel = { orderId, payable: this.amount, product, periodCount, state: 'HELD', stillHeld: this.amount, captured: 0, refundedToLoan: 0, releasedByRefunds: 0, refunds: [] };
    // Every installment period must carry a fen; otherwise the limit decides (§4.2).
    const heldNow = ordersIn(m, 'HELD').reduce((s, o) => s + o.stillHeld, 0);
    const expected = periodCount !== undefined && this.amount < periodCount ? 'PLAN_REFUSED' : this.amount <= m.limit - heldNow - real.line.outstanding ? 'PLACED' : 'DECLINED';
    const before = real.line.snapshot();
    const outcome = send.placeHold(real.line, { orderId, amount: this.amount, product, periodCount });
    if (outcome !== expected) fail(`hold ${orderId} of ${this.amount}: expected ${expected}, got ${outcome}`);
    if (outcome !== 'PLACED') {
      if (real.line.snapshot() !== before) fail(`a ${outcome} hold changed the account`);
      order.state = outcome === 'DECLINED' ? 'DECLINED' : 'PLAN_REFUSED';
      order.stillHeld = 0;
    }
    m.orders.push(order);
    assertInvariants(m, real, this.toString());
  }
  toString = () => `PlaceHold(${this.amount}, ${this.plan.product.planType} ${this.plan.periodCount ?? ''} ${this.plan.product.refundAllocationRule})`;
}

/** A hold of exactly the available limit, a fen less or a fen more (§4.2: the boundary). */
class PlaceHoldAtLimit implements HistoryCommand {
  constructor(
    readonly delta: -1 | 0 | 1,
    readonly plan: { product: CreditProduct; periodCount?: number },
  ) {}
  check = () => true;
  run(m: HistoryModel, real: Real): void {
    const amount = real.line.available() + this.delta;
    if (amount > 0) new PlaceHold(amount, this.plan).run(m, real);
    else assertInvariants(m, real, this.toString());
  }
  toString = () => `PlaceHoldAtLimit(${this.delta}, ${this.plan.product.planType} ${this.plan.periodCount ?? ''} ${this.plan.product.refundAllocationRule})`;
}

class DuplicatePlaceHold implements HistoryCommand {
  constructor(readonly pick: number) {}
  check = (m: Readonly<HistoryModel>) => ordersIn(m, 'HELD', 'CAPTURED', 'RELEASED').length > 0;
  run(m: HistoryModel, real: Real): void {
    const order = pickFrom(ordersIn(m, 'HELD', 'CAPTURED', 'RELEASED'), this.pick);
    assertChangesNothing(real, `duplicate OrderPlaced ${order.orderId}`, () => ({ kind: send.placeHold(real.line, { orderId: order.orderId, amount: order.payable, product: order.product, periodCount: order.periodCount }) }), ['DUPLICATE']);
    assertInvariants(m, real, this.toString());
  }
  toString = () => `DuplicatePlaceHold(${this.pick})`;
}

class Cancel implements HistoryCommand {
  constructor(readonly pick: number) {}
  check = (m: Readonly<HistoryModel>) => ordersIn(m, 'HELD').length > 0;
  run(m: HistoryModel, real: Real): void {
    const order = pickFrom(ordersIn(m, 'HELD'), this.pick);
    const outcome = send.cancel(real.line, order.orderId);
    if (outcome.kind !== 'RELEASED' || outcome.released !== order.stillHeld) fail(`cancel ${order.orderId}`, { outcome, order });
    order.state = 'RELEASED';
    order.stillHeld = 0;
    assertInvariants(m, real, this.toString());
  }
  toString = () => `Cancel(${this.pick})`;
}

class StaleCancel implements HistoryCommand {
  constructor(readonly pick: number) {}
  check = (m: Readonly<HistoryModel>) => ordersIn(m, 'CAPTURED', 'RELEASED').length > 0;
  run(m: HistoryModel, real: Real): void {
    // A duplicated OrderCancelled, or one after the shipment: nothing left to release.
    const order = pickFrom(ordersIn(m, 'CAPTURED', 'RELEASED'), this.pick);
    assertChangesNothing(real, `stale OrderCancelled ${order.orderId}`, () => send.cancel(real.line, order.orderId), ['IGNORED']);
    assertInvariants(m, real, this.toString());
  }
  toString = () => `StaleCancel(${this.pick})`;
}

class Ship implements HistoryCommand {
  /** `percent` of what is still held is shipped (100: the whole order). */
  constructor(
    readonly pick: number,
    readonly percent: number,
  ) {}
  check = (m: Readonly<HistoryModel>) => ordersIn(m, 'HELD').some((o) => o.stillHeld >= minPrincipalOf(o));
  run(m: HistoryModel, real: Real): void {
    const order = pickFrom(
      ordersIn(m, 'HELD').filter((o) => o.stillHeld >= minPrincipalOf(o)),
      this.pick,
    );
    const principal = Math.min(order.stillHeld, Math.max(minPrincipalOf(order), Math.floor((order.stillHeld * this.percent) / 100)));
    const outcome = send.ship(real.line, order, principal);
    if (outcome.kind !== 'CAPTURED' || outcome.loan?.bookedPrincipal !== principal || outcome.released !== order.stillHeld - principal) fail(`ship ${order.orderId}`, outcome);
    Object.assign(order, { state: 'CAPTURED', captured: principal, stillHeld: 0 });
    assertInvariants(m, real, this.toString());
  }
  toString = () => `Ship(${this.pick}, ${this.percent}%)`;
}

class DuplicateShip implements HistoryCommand {
  constructor(readonly pick: number) {}
  check = (m: Readonly<HistoryModel>) => ordersIn(m, 'CAPTURED').length > 0;
  run(m: HistoryModel, real: Real): void {
    const order = pickFrom(ordersIn(m, 'CAPTURED'), this.pick);
    assertChangesNothing(real, `duplicate OrderShipped ${order.orderId}`, () => send.ship(real.line, order, order.captured), ['IGNORED']);
    assertInvariants(m, real, this.toString());
  }
  toString = () => `DuplicateShip(${this.pick})`;
}

type RefundSize = 'partial' | 'full' | 'over';

/** The amount of a refund of `size` when `refundable` is left (≥ 1). */
function refundAmount(size: RefundSize, refundable: Fen, fraction: number, extra: number): Fen {
  if (size === 'full') return Math.max(1, refundable);
  if (size === 'over') return refundable + 1 + extra;
  return Math.max(1, Math.floor(refundable * fraction));
}

/** Applies a RefundCompleted the model expects to apply or be refused, and checks what it did. */
function sendRefund(m: HistoryModel, real: Real, order: OrderModel, amount: Fen, refundId = `RF${++m.next}`): void {
  order.refunds.push({ refundId, amount });
  if (order.state === 'HELD') {
    // §4.5 rule 1: not captured yet, the refund releases (that part of) the hold.
    const outcome = send.refund(real.line, order.orderId, refundId, amount);
    const released = Math.min(amount, order.stillHeld);
    if (outcome.kind !== 'HOLD_RELEASED' || outcome.released !== released) fail(`refund ${refundId} of held ${order.orderId}`, outcome);
    order.stillHeld -= released;
    order.releasedByRefunds += released;
    if (order.stillHeld === 0) order.state = 'RELEASED';
    return;
  }
  const refundable = order.captured - order.refundedToLoan;
  if (amount > refundable) {
    // §4.5 rule 7: never more than the loan's principal; a refused refund changes nothing.
    assertChangesNothing(real, `over-refund ${refundId} of ${order.orderId}`, () => send.refund(real.line, order.orderId, refundId, amount), ['REJECTED']);
    return;
  }
  const unpaidBefore = outstandingPrincipalOf(loanOf(real, order));
  const balanceBefore = real.line.balance;
  const postingsBefore = real.line.postings.length;
  const sent = send.refund(real.line, order.orderId, refundId, amount);
  if (sent.kind !== 'APPLIED') fail(`refund ${refundId} of ${amount} on ${order.orderId} not applied`, sent.kind);
  const outcome = sent.applied;
  stats.refundsApplied++;
  // Rule 2-4: unpaid principal is offset first, only R − U (principal already repaid) goes to the balance.
  if (outcome.principalOffset !== Math.min(amount, unpaidBefore) || outcome.principalToBalance !== Math.max(0, amount - unpaidBefore)) {
    fail(`refund ${refundId}: offset ${outcome.principalOffset} + to balance ${outcome.principalToBalance} for R ${amount}, U ${unpaidBefore}`);
  }
  if (outcome.principalOffsets.reduce((s, o) => s + o.offset, 0) !== outcome.principalOffset) fail(`refund ${refundId}: the period offsets do not sum`);
  // What the refund put on the balance, less what the balance then paid of what was owed (§4.4).
  if (real.line.balance !== balanceBefore + outcome.principalToBalance + outcome.feeRefundToBalance - paidFromBalanceSince(real.line, postingsBefore)) fail(`refund ${refundId}: balance`);
  // Rule 2, predicted by the model: overdue principal first, then the scheduled periods by the
  // product's rule (the model's own spread), billed-not-due periods last.
  const before = outcome.periodsBefore;
  const unpaid = (p: Loan['periods'][number]) => (p.status === 'VOIDED' ? 0 : p.principal - p.paidPrincipal - p.creditedPrincipal);
  const overdue = before.filter((p) => p.status === 'OVERDUE').reduce((sum, p) => sum + unpaid(p), 0);
  const scheduled = before.filter((p) => p.status === 'SCHEDULED');
  const taken = Math.min(Math.max(0, amount - overdue), scheduled.reduce((sum, p) => sum + p.principal, 0));
  const expectedScheduled = taken === 0 ? scheduled.map((p) => p.principal) : modelSpread(scheduled.map((p) => p.principal), taken, order.product.refundAllocationRule);
  const actualScheduled = scheduled.map((p) => (outcome.loan.periods.find((q) => q.index === p.index) as Loan['periods'][number]).principal);
  if (JSON.stringify(actualScheduled) !== JSON.stringify(expectedScheduled)) {
    fail(`refund ${refundId} of ${amount} (${order.product.refundAllocationRule}): scheduled principals ${actualScheduled}, model ${expectedScheduled}`);
  }
  // Rule 5: late fees are never refunded.
  const lateFees = (loan: Loan) => loan.periods.map((p) => [p.lateFee, p.paidLateFee]);
  if (JSON.stringify(lateFees(outcome.loan)) !== JSON.stringify(outcome.periodsBefore.map((p) => [p.lateFee, p.paidLateFee]))) fail(`refund ${refundId} changed late fees`);
  order.refundedToLoan += amount;
  m.refundedToLoans += amount;
}

/**
 * The model of §4.5 rule 2 for the scheduled periods (written from the spec, not taken from
 * the domain): REAMORTIZE keeps the count and spreads what is left evenly, the floor-division
 * remainder on the first; LAST_FIRST and NEXT_FIRST take whole amounts from the last or the
 * next period first. A period left with nothing is voided (principal 0).
 */
function modelSpread(principals: readonly Fen[], taken: Fen, rule: RefundAllocationRule): Fen[] {
  if (rule === 'REAMORTIZE') {
    const left = principals.reduce((sum, p) => sum + p, 0) - taken;
    const each = Math.floor(left / principals.length);
    return principals.map((_, i) => (i === 0 ? left - each * (principals.length - 1) : each));
  }
  const spread = [...principals];
  let left = taken;
  for (let k = 0; k < spread.length; k++) {
    const i = rule === 'LAST_FIRST' ? spread.length - 1 - k : k;
    const take = Math.min(left, spread[i]);
    spread[i] -= take;
    left -= take;
  }
  return spread;
}

class Refund implements HistoryCommand {
  constructor(
    readonly pick: number,
    readonly size: RefundSize,
    readonly fraction: number,
    readonly extra: number,
  ) {}
  check = (m: Readonly<HistoryModel>) => ordersIn(m, 'HELD', 'CAPTURED').length > 0;
  run(m: HistoryModel, real: Real): void {
    const order = pickFrom(ordersIn(m, 'HELD', 'CAPTURED'), this.pick);
    const refundable = order.state === 'HELD' ? order.stillHeld : order.captured - order.refundedToLoan;
    sendRefund(m, real, order, refundAmount(this.size, refundable, this.fraction, this.extra));
    assertInvariants(m, real, this.toString());
  }
  toString = () => `Refund(${this.pick}, ${this.size}, ${this.fraction.toFixed(3)}, +${this.extra})`;
}

class DuplicateRefund implements HistoryCommand {
  /** Replays an earlier RefundCompleted, possibly long after (reordered), possibly with another amount. */
  constructor(
    readonly pick: number,
    readonly which: number,
    readonly otherAmount: number | null,
  ) {}
  check = (m: Readonly<HistoryModel>) => m.orders.some((o) => o.refunds.length > 0);
  run(m: HistoryModel, real: Real): void {
    const order = pickFrom(
      m.orders.filter((o) => o.refunds.length > 0),
      this.pick,
    );
    const sent = pickFrom(order.refunds, this.which);
    const applied = real.line.hold(order.orderId)?.appliedRefundIds.includes(sent.refundId) || real.line.loanOf(order.orderId)?.appliedRefundIds.includes(sent.refundId);
    // An applied id changes nothing whatever the amount (rule 7); a refused one is refused again.
    const amount = applied && this.otherAmount !== null ? this.otherAmount : sent.amount;
    // A refund for an order whose hold was let go waits (parked) for a capture that never comes.
    const expected = applied ? ['DUPLICATE'] : order.state === 'RELEASED' ? ['PARKED'] : ['REJECTED'];
    assertChangesNothing(real, `duplicate RefundCompleted ${sent.refundId} of ${order.orderId}`, () => send.refund(real.line, order.orderId, sent.refundId, amount), expected);
    assertInvariants(m, real, this.toString());
  }
  toString = () => `DuplicateRefund(${this.pick}, ${this.which}, ${this.otherAmount})`;
}

type RepaySize = 'due' | 'half' | 'over' | 'any';

class Repay implements HistoryCommand {
  constructor(
    readonly size: RepaySize,
    readonly extra: number,
    readonly preferred: number | null,
  ) {}
  check = (m: Readonly<HistoryModel>) => ordersIn(m, 'CAPTURED').length > 0;
  run(m: HistoryModel, real: Real): void {
    const due = currentlyDueOf(real.line.loans);
    const amount = { due, half: Math.floor(due / 2), over: due + this.extra, any: this.extra }[this.size];
    if (amount > 0) {
      const repaymentId = `P${++m.next}`;
      const preferredLoanId = this.preferred === null ? undefined : loanOf(real, pickFrom(ordersIn(m, 'CAPTURED'), this.preferred)).loanId;
      const outcome = send.repay(real.line, repaymentId, amount, preferredLoanId);
      if (outcome.kind !== 'APPLIED') fail(`repayment ${repaymentId} not applied`);
      const { allocation } = outcome;
      if (allocation.lateFeePaid + allocation.feePaid + allocation.principalRepaid + allocation.toBalance !== amount) fail(`repayment ${repaymentId} lost a fen`, allocation);
      // §4.4: only money beyond what is currently owed goes to the balance.
      if (allocation.toBalance > 0 && currentlyDueOf(real.line.loans) !== 0) fail(`repayment ${repaymentId}: ${allocation.toBalance} to the balance while still owing`);
      m.repayments.push({ repaymentId, amount });
      m.cashIn += amount;
    }
    assertInvariants(m, real, this.toString());
  }
  toString = () => `Repay(${this.size}, ${this.extra}, ${this.preferred})`;
}

class DuplicateRepay implements HistoryCommand {
  constructor(readonly pick: number) {}
  check = (m: Readonly<HistoryModel>) => m.repayments.length > 0;
  run(m: HistoryModel, real: Real): void {
    const { repaymentId, amount } = pickFrom(m.repayments, this.pick);
    assertChangesNothing(real, `duplicate repayment ${repaymentId}`, () => send.repay(real.line, repaymentId, amount), ['DUPLICATE']);
    assertInvariants(m, real, this.toString());
  }
  toString = () => `DuplicateRepay(${this.pick})`;
}

class MoveClock implements HistoryCommand {
  /** `days` > 0, or 0 for "to the next statement day". */
  constructor(readonly days: number) {}
  check = () => true;
  run(m: HistoryModel, real: Real): void {
    const line = real.line;
    const to = this.days === 0 ? nextStatementDayAfter(line.today, line.cycle.statementDay) : addDays(line.today, this.days);
    const statementsBefore = line.statements.length;
    let expected = 0;
    for (let day = addDays(line.today, 1); day <= to; day = addDays(day, 1)) if (partsOf(day).day === line.cycle.statementDay) expected++;
    line.advanceTo(to);
    stats.statementsIssued += line.statements.length - statementsBefore;
    if (line.today !== to || line.statements.length - statementsBefore !== expected) fail(`clock to ${to}: ${line.statements.length - statementsBefore} statements, expected ${expected}`);
    for (const issued of line.statements.slice(statementsBefore)) {
      const s = issued.statement;
      if (s.amountDue !== s.newCharges + s.carriedOver - s.balanceApplied || s.amountDue < 0 || s.sentToBuyer !== s.amountDue > 0) fail(`statement ${s.statementDate}`, s);
    }
    assertInvariants(m, real, this.toString());
  }
  toString = () => (this.days === 0 ? 'MoveClock(next statement day)' : `MoveClock(+${this.days})`);
}

class RerunScheduler implements HistoryCommand {
  check = () => true;
  run(m: HistoryModel, real: Real): void {
    // A second scheduler run on the same day (a restart, a second instance): nothing is issued twice.
    // Nothing is issued or billed twice, today's late fees were charged already, and the
    // balance already paid what it could.
    assertChangesNothing(real, `scheduler re-run on ${real.line.today}`, () => ({ kind: `${real.line.run(catchUpAccount)} statements` }), ['0 statements']);
    assertInvariants(m, real, this.toString());
  }
  toString = () => 'RerunScheduler';
}

/**
 * domain.md §4.5 rule 6: the same refund before or after a statement day leaves the same
 * principal owed (outstanding principal minus balance). The account is forked on the eve of
 * the next statement day: one copy gets the refund that evening, the other on the statement
 * day after the statement. What may differ (rule 6's own caveat, see refund-offset.spec
 * "what differs is ...") is the fee of the period billed meanwhile — and when the balance
 * pays a new statement, it pays fees and late fees too, which moves principal owed by
 * exactly those fees. So: principal owed = before − R, adjusted only by the fees the balance
 * paid and the paid fees refunds returned; where those agree, principal owed is identical.
 */
class RefundAcrossStatementDay implements HistoryCommand {
  constructor(
    readonly pick: number,
    readonly size: RefundSize,
    readonly fraction: number,
    readonly keep: 'before' | 'after',
  ) {}
  check = (m: Readonly<HistoryModel>) => ordersIn(m, 'CAPTURED').some((o) => o.captured > o.refundedToLoan);
  run(m: HistoryModel, real: Real): void {
    const order = pickFrom(
      ordersIn(m, 'CAPTURED').filter((o) => o.captured > o.refundedToLoan),
      this.pick,
    );
    const statementDay = nextStatementDayAfter(real.line.today, real.line.cycle.statementDay);
    real.line.advanceTo(addDays(statementDay, -1));
    const amount = Math.min(refundAmount(this.size === 'over' ? 'full' : this.size, order.captured - order.refundedToLoan, this.fraction, 0), order.captured - order.refundedToLoan);
    const pre = real.line;
    const forks = { before: pre.clone(), after: pre.clone() };
    const models = { before: structuredCloneModel(m), after: structuredCloneModel(m) };

    sendRefund(models.before, { line: forks.before }, orderIn(models.before, order), amount, `RF${m.next + 1}`);
    forks.before.advanceTo(statementDay);
    forks.after.advanceTo(statementDay);
    sendRefund(models.after, { line: forks.after }, orderIn(models.after, order), amount, `RF${m.next + 1}`);
    for (const timing of ['before', 'after'] as const) assertInvariants(models[timing], { line: forks[timing] }, `${this.toString()} [${timing}]`);

    const owed = (line: InMemoryCreditBook) => line.principalOwed();
    const feeMoves = (line: InMemoryCreditBook) => line.feeMovesOfBalance() - pre.feeMovesOfBalance();
    for (const timing of ['before', 'after'] as const) {
      const expected = owed(pre) - amount + feeMoves(forks[timing]);
      if (owed(forks[timing]) !== expected) fail(`rule 6 (${timing}): principal owed ${owed(forks[timing])}, expected ${owed(pre)} − ${amount} + fees ${feeMoves(forks[timing])}`);
    }
    if (feeMoves(forks.before) === feeMoves(forks.after)) {
      stats.rule6Strict++;
      if (owed(forks.before) !== owed(forks.after)) fail(`rule 6: principal owed ${owed(forks.before)} before, ${owed(forks.after)} after the statement day`);
    } else stats.rule6WithFeeCaveat++;

    real.line = forks[this.keep];
    Object.assign(m, models[this.keep]);
    m.next++;
  }
  toString = () => `RefundAcrossStatementDay(${this.pick}, ${this.size}, ${this.fraction.toFixed(3)}, keep ${this.keep})`;
}

/**
 * Two refunds of one order arriving in either order on the same day leave the same account:
 * the same periods, fees, late fees, balance, credits per period and ledger balances.
 */
class TwoRefundsEitherOrder implements HistoryCommand {
  constructor(
    readonly pick: number,
    readonly first: number,
    readonly second: number,
    readonly keep: 0 | 1,
  ) {}
  check = (m: Readonly<HistoryModel>) => ordersIn(m, 'CAPTURED').some((o) => o.captured - o.refundedToLoan >= 2);
  run(m: HistoryModel, real: Real): void {
    stats.reorders++;
    const order = pickFrom(
      ordersIn(m, 'CAPTURED').filter((o) => o.captured - o.refundedToLoan >= 2),
      this.pick,
    );
    const refundable = order.captured - order.refundedToLoan;
    const a = Math.min(refundable - 1, Math.max(1, Math.floor(refundable * this.first)));
    const b = Math.max(1, Math.floor((refundable - a) * this.second));
    const [idA, idB] = [`RF${m.next + 1}`, `RF${m.next + 2}`];
    const forks = [real.line.clone(), real.line.clone()];
    const models = [structuredCloneModel(m), structuredCloneModel(m)];
    sendRefund(models[0], { line: forks[0] }, orderIn(models[0], order), a, idA);
    sendRefund(models[0], { line: forks[0] }, orderIn(models[0], order), b, idB);
    sendRefund(models[1], { line: forks[1] }, orderIn(models[1], order), b, idB);
    sendRefund(models[1], { line: forks[1] }, orderIn(models[1], order), a, idA);
    forks.forEach((line, i) => assertInvariants(models[i], { line }, `${this.toString()} [order ${i}]`));
    const [one, other] = forks.map(comparable);
    if (one !== other) fail(`refunds ${a} and ${b} of ${order.orderId} in either order differ`, { one, other });
    real.line = forks[this.keep];
    Object.assign(m, models[this.keep]);
    m.next += 2;
  }
  toString = () => `TwoRefundsEitherOrder(${this.pick}, ${this.first.toFixed(3)}, ${this.second.toFixed(3)})`;
}

function structuredCloneModel(m: Readonly<HistoryModel>): HistoryModel {
  // Products are plain data; a deep copy keeps the forks apart.
  return structuredClone(m) as HistoryModel;
}

function orderIn(m: HistoryModel, order: OrderModel): OrderModel {
  return m.orders.find((candidate) => candidate.orderId === order.orderId) as OrderModel;
}

/** The account's figures with the refund ids (which differ by order of arrival) taken out. */
function comparable(line: InMemoryCreditBook): string {
  const credits = new Map<string, [Fen, Fen]>();
  for (const { credit } of line.account.pendingCredits) {
    const key = `${credit.loanId}#${credit.periodIndex}`;
    const [principal, fee] = credits.get(key) ?? [0, 0];
    credits.set(key, [principal + credit.principal, fee + credit.fee]);
  }
  return JSON.stringify({
    loans: line.loans.map((loan) => ({ ...loan, appliedRefundIds: [...loan.appliedRefundIds].sort() })),
    balance: line.balance,
    held: line.held,
    outstanding: line.outstanding,
    credits: [...credits.entries()].sort(),
    ledger: [...accountBalances(line.postings).entries()].sort(),
  });
}

// --- arbitraries -------------------------------------------------------------------------

const ruleArb: fc.Arbitrary<RefundAllocationRule> = fc.constantFrom(...REFUND_ALLOCATION_RULES);
const lateFeeRateArb = fc.constantFrom(0, 500, 500, 1_234);

const planArb: fc.Arbitrary<{ product: CreditProduct; periodCount?: number }> = fc.oneof(
  {
    weight: 7,
    arbitrary: fc
      .record({ rule: ruleArb, rate: fc.constantFrom(0, 5_000, 5_000, 7_777), late: lateFeeRateArb, periodCount: fc.constantFrom(3, 6, 12, 24) })
      .map(({ rule, rate, late, periodCount }) => ({
        product: creditProduct('INSTALLMENT', { feeRatePpmByPeriodCount: { 3: rate, 6: rate, 12: rate + 1, 24: rate + 2 }, lateFeeRatePpmPerDay: late, refundAllocationRule: rule }),
        periodCount,
      })),
  },
  {
    weight: 3,
    arbitrary: fc
      .record({ rule: ruleArb, rate: fc.constantFrom(0, 0, 10_000, 12_345), late: lateFeeRateArb, interestFreeDays: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }) })
      .map(({ rule, rate, late, interestFreeDays }) => ({
        product: creditProduct('DEFERRED', { deferralFeeRatePpm: rate, interestFreeDays, lateFeeRatePpmPerDay: late, refundAllocationRule: rule }),
      })),
  },
);

const amountArb = fc.oneof(
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }) }, // around N: plans refused, 1-fen periods
  { weight: 6, arbitrary: fc.integer({ min: 41, max: 300_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 300_001, max: 2_500_000 }) }, // often over the limit
);
const pickArb = fc.nat({ max: 15 });
const fractionArb = fc.double({ min: 0, max: 1, noNaN: true });
const refundSizeArb = fc.constantFrom<RefundSize>('partial', 'partial', 'full', 'over');
const daysArb = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 20 }) }, { weight: 3, arbitrary: fc.integer({ min: 21, max: 70 }) }, { weight: 1, arbitrary: fc.integer({ min: 71, max: 800 }) });

const weighted = <T>(weight: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T>[] => Array.from({ length: weight }, () => arbitrary);

const placeHoldArb = fc.tuple(amountArb, planArb).map(([amount, plan]) => new PlaceHold(amount, plan));
const shipArb = fc.tuple(pickArb, fc.oneof(fc.constant(100), fc.integer({ min: 1, max: 100 }))).map(([pick, percent]) => new Ship(pick, percent));

const commandArbs: fc.Arbitrary<HistoryCommand>[] = [
  ...weighted(4, placeHoldArb),
  ...weighted(4, shipArb),
  ...weighted(1, fc.tuple(fc.constantFrom<-1 | 0 | 1>(-1, 0, 1), planArb).map(([delta, plan]) => new PlaceHoldAtLimit(delta, plan))),
  ...weighted(1, pickArb.map((pick) => new Cancel(pick))),
  ...weighted(4, fc.tuple(pickArb, refundSizeArb, fractionArb, fc.nat({ max: 10_000 })).map(([pick, size, fraction, extra]) => new Refund(pick, size, fraction, extra))),
  ...weighted(4, fc.tuple(fc.constantFrom<RepaySize>('due', 'half', 'over', 'any'), fc.integer({ min: 1, max: 50_000 }), fc.option(pickArb, { nil: null })).map(([size, extra, preferred]) => new Repay(size, extra, preferred))),
  ...weighted(3, daysArb.map((days) => new MoveClock(days))),
  ...weighted(2, fc.constant(new MoveClock(0))),
  ...weighted(1, fc.constant(new RerunScheduler())),
  ...weighted(1, pickArb.map((pick) => new DuplicatePlaceHold(pick))),
  ...weighted(1, pickArb.map((pick) => new StaleCancel(pick))),
  ...weighted(1, pickArb.map((pick) => new DuplicateShip(pick))),
  ...weighted(2, fc.tuple(pickArb, pickArb, fc.option(fc.integer({ min: 1, max: 500_000 }), { nil: null })).map(([pick, which, other]) => new DuplicateRefund(pick, which, other))),
  ...weighted(1, pickArb.map((pick) => new DuplicateRepay(pick))),
  ...weighted(2, fc.tuple(pickArb, refundSizeArb, fractionArb, fc.constantFrom<'before' | 'after'>('before', 'after')).map(([pick, size, fraction, keep]) => new RefundAcrossStatementDay(pick, size, fraction, keep))),
  ...weighted(1, fc.tuple(pickArb, fractionArb, fractionArb, fc.constantFrom<0 | 1>(0, 1)).map(([pick, first, second, keep]) => new TwoRefundsEitherOrder(pick, first, second, keep))),
];

/**
 * A history: an opening of one or two orders placed and shipped (so that most of the random
 * commands find something to act on), then up to MAX_STEPS − 4 random commands. Every part
 * shrinks.
 */
const historyArb = fc.tuple(
  fc.array(fc.tuple(placeHoldArb, shipArb), { minLength: 1, maxLength: 2 }),
  fc.commands(commandArbs, { maxCommands: MAX_STEPS - 4, size: 'max' }),
);

const accountArb = fc.record({
  limit: fc.integer({ min: 50_000, max: 2_000_000 }),
  statementDay: fc.integer({ min: 1, max: 28 }),
  dueOffsetDays: fc.integer({ min: 1, max: 27 }),
  startOffset: fc.integer({ min: 0, max: 1_500 }),
});

describe('credit line histories (fast-check, domain.md §4.1-§4.6 after every step)', () => {
  it(`holds every invariant over ${RUNS} random histories of holds, captures, repayments, refunds (duplicated, reordered), statements and clock moves`, () => {
    fc.assert(
      fc.property(accountArb, historyArb, (account, [opening, commands]) => {
        stats.histories++;
        const setup = () => {
          const line = new InMemoryCreditBook({ limit: account.limit, cycle: { statementDay: account.statementDay, dueOffsetDays: account.dueOffsetDays }, today: addDays('2023-01-01', account.startOffset) as CalendarDate });
          const model: HistoryModel = { limit: account.limit, orders: [], repayments: [], cashIn: 0, refundedToLoans: 0, next: 0 };
          return { model, real: { line } };
        };
        fc.modelRun(setup, [...opening.flat(), ...commands]);
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }), ...(PATH === undefined ? {} : { path: PATH }) },
    );
    expect(stats.histories).toBeGreaterThanOrEqual(RUNS);
    if (RUNS >= 1_000) {
      // The interesting cases must really occur (10 000 runs give about 4 200 strict and 400
      // fee-caveat rule 6 forks, 2 300 reorderings, 20 000 duplicates, 24 000 refunds).
      expect(stats.rule6Strict).toBeGreaterThan(RUNS / 5);
      expect(stats.rule6WithFeeCaveat).toBeGreaterThan(RUNS / 100);
      expect(stats.reorders).toBeGreaterThan(RUNS / 10);
      expect(stats.duplicates).toBeGreaterThan(RUNS);
      expect(stats.refundsApplied).toBeGreaterThan(RUNS);
      expect(stats.statementsIssued).toBeGreaterThan(RUNS);
      expect(stats.overdueSeen).toBeGreaterThan(RUNS / 10);
    }
  }, 600_000);
});
