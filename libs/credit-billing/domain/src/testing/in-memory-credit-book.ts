import { Fen } from '@orderline/shared/money';
import { CalendarDate } from '../lib/calendar-date';
import { AccountChange, AccountHold, AccountStatement, applyRefund, captureHold, catchUpAccount, CommandContext, CreditAccount, openAccount, placeHold, receiveRepayment, RefundOutcome, stillHeldOf } from '../lib/credit-account';
import { CreditProduct } from '../lib/credit-product';
import { RepaymentAllocation } from '../lib/repayment-allocation';
import { availableOf, BillingCycle } from '../lib/credit-line';
import { accountBalances, buyerBalanceOf, ledgerProblems, loanInvariantProblems, Posting } from '../lib/ledger';
import { Loan, loanProblems, outstandingPrincipalOf } from '../lib/loan';

/**
 * Test persistence for one credit account: what the service's repositories keep (the account
 * with its holds and loans, the append-only ledger with unique posting keys, issued statements,
 * credited repayment ids) and the platform clock. It decides nothing: the tests call the
 * production aggregate (`credit-account.ts`) and {@link save} its change, as the handlers do.
 * {@link problems} holds the reference checks of domain.md §4.1 and §4.6.
 */
export class InMemoryCreditBook {
  account: CreditAccount;
  today: CalendarDate;
  postings: Posting[] = [];
  statements: AccountStatement[] = [];
  /** Repayment ids already credited (the service's repayment row status). */
  creditedRepayments = new Set<string>();
  private postingKeys = new Set<string>();
  private sequence = 0;

  constructor(setup: { limit: Fen; cycle: BillingCycle; today: CalendarDate; accountId?: string }) {
    this.account = openAccount({ accountId: setup.accountId ?? 'A1', limit: setup.limit, cycle: setup.cycle, openedOn: setup.today });
    this.today = setup.today;
  }

  /** An independent copy (the aggregate's values are immutable, so sharing them is safe). */
  clone(): InMemoryCreditBook {
    const copy = new InMemoryCreditBook({ limit: this.account.limit, cycle: this.account.cycle, today: this.today, accountId: this.account.accountId });
    Object.assign(copy, {
      account: this.account,
      postings: [...this.postings],
      statements: [...this.statements],
      creditedRepayments: new Set(this.creditedRepayments),
      postingKeys: new Set(this.postingKeys),
      sequence: this.sequence,
    });
    return copy;
  }

  context(): CommandContext {
    return { on: this.today, newId: () => `${this.account.accountId}-${++this.sequence}` };
  }

  /** Runs one aggregate command on the stored account and keeps its result. */
  run<O>(command: (account: CreditAccount, context: CommandContext) => AccountChange<O>): O {
    const change = command(this.account, this.context());
    this.account = change.account;
    for (const posting of change.postings) {
      // The ledger's unique posting key (ON CONFLICT DO NOTHING in the service).
      if (this.postingKeys.has(posting.postingKey)) continue;
      this.postingKeys.add(posting.postingKey);
      this.postings.push(posting);
    }
    this.statements.push(...change.statements);
    return change.outcome;
  }

  /** Moves the platform clock; the statement run catches the account up (§4.4). */
  advanceTo(day: CalendarDate): number {
    this.today = day;
    return this.run(catchUpAccount);
  }

  get cycle(): BillingCycle {
    return this.account.cycle;
  }
  get held(): Fen {
    return this.account.held;
  }
  get outstanding(): Fen {
    return this.account.outstanding;
  }
  get balance(): Fen {
    return this.account.balance;
  }
  get loans(): readonly Loan[] {
    return this.account.loans;
  }

  available(): Fen {
    return availableOf({ limit: this.account.limit, held: this.account.held, outstanding: this.account.outstanding });
  }

  hold(orderId: string): AccountHold | undefined {
    return this.account.holds.find((hold) => hold.orderId === orderId);
  }

  loanOf(orderId: string): Loan | undefined {
    return this.account.loans.find((loan) => loan.orderId === orderId);
  }

  /** Outstanding principal minus balance (domain.md §4.5 rule 6). */
  principalOwed(): Fen {
    return this.account.loans.reduce((sum, loan) => sum + outstandingPrincipalOf(loan), 0) - this.account.balance;
  }

  /** Fees and late fees the balance paid, less paid fees refunds returned to it (the ledger's figures). */
  feeMovesOfBalance(): Fen {
    let moves = 0;
    for (const posting of this.postings) {
      for (const entry of posting.entries) {
        if (posting.kind === 'BALANCE_PAYMENT' && (entry.account === 'FEE_RECEIVABLE' || entry.account === 'LATE_FEE_RECEIVABLE')) moves += entry.amount;
        if (posting.kind === 'FEE_REFUND' && entry.account === 'BUYER_BALANCE') moves -= entry.amount;
      }
    }
    return moves;
  }

  /**
   * The reference checks: domain.md §4.6 per loan and for the ledger; §4.1 available +
   * outstanding + held = limit with each figure agreeing with the holds, the loans and the
   * ledger; a balance never negative and what the ledger says.
   */
  problems(): string[] {
    const problems = [...ledgerProblems(this.postings)];
    const byLoan = new Map<string, Posting[]>();
    for (const candidate of this.postings) {
      for (const loanId of new Set(candidate.entries.map((entry) => entry.loanId).filter((id): id is string => id !== undefined))) {
        byLoan.set(loanId, [...(byLoan.get(loanId) ?? []), candidate]);
      }
    }
    for (const loan of this.account.loans) {
      problems.push(...loanProblems(loan).map((p) => `${loan.loanId}: ${p}`));
      problems.push(...loanInvariantProblems(loan, byLoan.get(loan.loanId) ?? []).map((p) => `${loan.loanId}: ${p}`));
    }
    const { held, outstanding, balance, limit } = this.account;
    const ledger = accountBalances(this.postings);
    const heldByHolds = this.account.holds.reduce((sum, hold) => sum + (hold.status === 'ACTIVE' ? stillHeldOf(hold) : 0), 0);
    const outstandingByLoans = this.account.loans.reduce((sum, loan) => sum + outstandingPrincipalOf(loan), 0);
    if (held !== heldByHolds) problems.push(`held ${held}, active holds ${heldByHolds}`);
    if (held !== (ledger.get('CREDIT_HOLD_RESERVED') ?? 0)) problems.push(`held ${held}, ledger reserves ${ledger.get('CREDIT_HOLD_RESERVED') ?? 0}`);
    if (outstanding !== outstandingByLoans) problems.push(`outstanding ${outstanding}, loans say ${outstandingByLoans}`);
    if (outstanding !== (ledger.get('LOAN_PRINCIPAL_RECEIVABLE') ?? 0)) problems.push(`outstanding ${outstanding}, ledger says ${ledger.get('LOAN_PRINCIPAL_RECEIVABLE') ?? 0}`);
    const available = this.available();
    if (available + outstanding + held !== limit) problems.push(`available ${available} + outstanding ${outstanding} + held ${held} ≠ limit ${limit}`);
    for (const hold of this.account.holds) {
      const still = stillHeldOf(hold);
      if (still < 0 || still > hold.amount) problems.push(`${hold.holdId}: holds ${still} of ${hold.amount}`);
      if (hold.status !== 'ACTIVE' && still !== 0) problems.push(`${hold.holdId}: ${hold.status} still holds ${still}`);
    }
    if (balance < 0) problems.push(`balance ${balance} < 0`);
    const ledgerBalance = buyerBalanceOf(this.postings);
    if (ledgerBalance !== balance) problems.push(`balance ${balance}, ledger says ${ledgerBalance}`);
    return problems;
  }

  /** Everything a command could change (postings are append-only, so their keys suffice). */
  snapshot(): string {
    return JSON.stringify([this.today, this.account, this.statements.length, this.postings.map((p) => p.postingKey)]);
  }
}

// --- shorthands for tests of one loan: each is one aggregate command, as a handler sends it ---

/** An account without a practical limit, for tests about loans rather than the line. */
export function unlimitedBook(cycle: BillingCycle, today: CalendarDate): InMemoryCreditBook {
  return new InMemoryCreditBook({ limit: 1_000_000_000, cycle, today });
}

/** A hold of `principal` for order `order-<loanId>`, shipped in full today: the loan `loanId`. */
export function captureLoan(book: InMemoryCreditBook, input: { loanId: string; principal: Fen; product: CreditProduct; periodCount?: number }): Loan {
  const orderId = `order-${input.loanId}`;
  const placed = book.run((account) => placeHold(account, { holdId: `hold-${input.loanId}`, orderId, amount: input.principal, product: input.product, periodCount: input.periodCount }));
  if (placed !== 'PLACED') throw new Error(`hold for ${input.loanId}: ${placed}`);
  book.run((account, context) => captureHold(account, { orderId, shipmentId: `ship-${input.loanId}`, shippedAmount: input.principal, loanId: input.loanId, product: input.product }, context));
  return loanById(book, input.loanId);
}

let repayments = 0;
/** A confirmed cash repayment today. */
export function repay(book: InMemoryCreditBook, amount: Fen, preferredLoanId?: string): RepaymentAllocation {
  const repaymentId = `R${++repayments}`;
  book.creditedRepayments.add(repaymentId);
  return book.run((account, context) => receiveRepayment(account, { repaymentId, amount, preferredLoanId }, context));
}

/** `RefundCompleted` today for the order of loan `loanId`. */
export function refund(book: InMemoryCreditBook, loanId: string, refundId: string, amount: Fen): RefundOutcome {
  return book.run((account, context) => applyRefund(account, { refundId, orderId: `order-${loanId}`, amount }, context));
}

export function loanById(book: InMemoryCreditBook, loanId: string): Loan {
  const found = book.loans.find((loan) => loan.loanId === loanId);
  if (!found) throw new Error(`no loan ${loanId}`);
  return found;
}
