import { assertFen, Fen } from '@orderline/shared/money';
import { Loan, owedOf, outstandingPrincipalOf, repaidPrincipalOf } from './loan';
import { LateFeeCharge } from './overdue';
import { RefundApplied } from './refund-offset';
import { RepaymentAllocation } from './repayment-allocation';
import { IssuedStatement } from './statement';

/**
 * The chart of accounts of one credit account (domain.md §4.6). Receivables are assets
 * (debit-normal); the buyer balance, merchant settlement and income are credit-normal.
 */
export type LedgerAccount =
  /** Memo pair for holds: limit reserved for orders not yet shipped (pending, §4.2). */
  | 'CREDIT_HOLD_RESERVED'
  | 'CREDIT_HOLD_CONTRA'
  /** Principal the buyer owes on loans. */
  | 'LOAN_PRINCIPAL_RECEIVABLE'
  | 'FEE_RECEIVABLE'
  | 'LATE_FEE_RECEIVABLE'
  /** What the platform pays the merchant for the goods bought on credit. */
  | 'MERCHANT_SETTLEMENT'
  /** Refunds of credit orders, cleared against the merchant by after-sales. */
  | 'REFUND_CLEARING'
  /** Money received from the buyer. */
  | 'REPAYMENT_CLEARING'
  /** Money owed to the buyer (§4.1 balance). */
  | 'BUYER_BALANCE'
  | 'FEE_INCOME'
  | 'LATE_FEE_INCOME'
  | 'PRINCIPAL_WRITTEN_OFF';

export type EntrySide = 'DEBIT' | 'CREDIT';

export interface LedgerEntry {
  account: LedgerAccount;
  side: EntrySide;
  amount: Fen;
  /** The loan a receivable entry belongs to, so each loan can be checked (§4.6). */
  loanId?: string;
}

export type PostingKind =
  | 'HOLD_PLACED'
  | 'HOLD_RELEASED'
  | 'HOLD_CAPTURED'
  | 'LOAN_BOOKED'
  | 'FEE_CHARGED'
  | 'LATE_FEE_CHARGED'
  | 'REPAYMENT'
  | 'BALANCE_PAYMENT'
  | 'REFUND_OFFSET'
  | 'FEE_REFUND'
  | 'WRITE_OFF';

/**
 * One balanced double-entry posting. Postings are never edited, only corrected by new ones;
 * `postingKey` is derived from the movement so that writing the same movement twice is
 * caught by a unique key (idempotency, §4.5 rule 7).
 */
export interface Posting {
  postingKey: string;
  kind: PostingKind;
  accountId: string;
  loanId?: string;
  /** A hold is a pending posting: resolved later by a capture or a release (§4.2). */
  pending: boolean;
  entries: readonly LedgerEntry[];
}

export class LedgerError extends Error {}

const debit = (account: LedgerAccount, amount: Fen, loanId?: string): LedgerEntry => ({ account, side: 'DEBIT', amount, ...(loanId ? { loanId } : {}) });
const credit = (account: LedgerAccount, amount: Fen, loanId?: string): LedgerEntry => ({ account, side: 'CREDIT', amount, ...(loanId ? { loanId } : {}) });

/** Builds a posting, dropping zero entries; refuses an unbalanced one. */
function posting(fields: Omit<Posting, 'entries' | 'pending'> & { pending?: boolean }, entries: LedgerEntry[]): Posting {
  const built: Posting = { ...fields, pending: fields.pending ?? false, entries: entries.filter((entry) => entry.amount !== 0) };
  const problems = postingProblems(built);
  if (problems.length > 0) throw new LedgerError(`posting ${built.postingKey}: ${problems.join('; ')}`);
  return built;
}

/** Every problem with one posting: it must have entries of positive fen that balance. */
export function postingProblems(candidate: Posting): string[] {
  const problems: string[] = [];
  if (candidate.entries.length < 2) problems.push('a posting needs at least two entries');
  let debits = 0;
  let credits = 0;
  for (const entry of candidate.entries) {
    try {
      assertFen(entry.amount, `${entry.account} amount`);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    if (entry.amount <= 0) problems.push(`${entry.account} amount must be positive`);
    if (entry.side === 'DEBIT') debits += entry.amount;
    else credits += entry.amount;
  }
  if (debits !== credits) problems.push(`debits ${debits} ≠ credits ${credits}`);
  return problems;
}

// --- holds (§4.2) -----------------------------------------------------------------------

export function holdPlacedPosting(input: { accountId: string; holdId: string; amount: Fen }): Posting {
  return posting({ postingKey: `hold:${input.holdId}:placed`, kind: 'HOLD_PLACED', accountId: input.accountId, pending: true }, [
    debit('CREDIT_HOLD_RESERVED', input.amount),
    credit('CREDIT_HOLD_CONTRA', input.amount),
  ]);
}

/** A release (cancellation, partial capture or refund before capture) of part or all of a hold. */
export function holdReleasedPosting(input: { accountId: string; holdId: string; releaseId: string; amount: Fen }): Posting {
  return posting({ postingKey: `hold:${input.holdId}:released:${input.releaseId}`, kind: 'HOLD_RELEASED', accountId: input.accountId }, [
    debit('CREDIT_HOLD_CONTRA', input.amount),
    credit('CREDIT_HOLD_RESERVED', input.amount),
  ]);
}

/** Capture: the captured part of the hold is resolved and the loan is booked (§4.2). */
export function loanBookedPostings(input: { accountId: string; holdId: string; loan: Loan }): Posting[] {
  const { loan } = input;
  return [
    posting({ postingKey: `hold:${input.holdId}:captured:${loan.loanId}`, kind: 'HOLD_CAPTURED', accountId: input.accountId, loanId: loan.loanId }, [
      debit('CREDIT_HOLD_CONTRA', loan.bookedPrincipal),
      credit('CREDIT_HOLD_RESERVED', loan.bookedPrincipal),
    ]),
    posting({ postingKey: `loan:${loan.loanId}:booked`, kind: 'LOAN_BOOKED', accountId: input.accountId, loanId: loan.loanId }, [
      debit('LOAN_PRINCIPAL_RECEIVABLE', loan.bookedPrincipal, loan.loanId),
      credit('MERCHANT_SETTLEMENT', loan.bookedPrincipal),
    ]),
  ];
}

// --- fees and late fees -----------------------------------------------------------------

/** Late fees become receivable when charged (§4.4). */
export function lateFeePostings(accountId: string, charges: readonly LateFeeCharge[]): Posting[] {
  return charges
    .filter((charge) => charge.amount > 0)
    .map((charge) =>
      posting(
        { postingKey: `loan:${charge.loanId}:period:${charge.periodIndex}:late-fee:${charge.throughDay}`, kind: 'LATE_FEE_CHARGED', accountId, loanId: charge.loanId },
        [debit('LATE_FEE_RECEIVABLE', charge.amount, charge.loanId), credit('LATE_FEE_INCOME', charge.amount)],
      ),
    );
}

/**
 * A fee becomes receivable when its period is billed, not at capture: until then refunds
 * may still recompute or void it (§4.5 rule 5), and nothing not yet billed is booked as owed.
 */
export function statementPostings(input: { accountId: string; statementId: string; issued: IssuedStatement }): Posting[] {
  const { accountId, statementId, issued } = input;
  const fees = issued.billedPeriods
    .filter((billed) => billed.fee > 0)
    .map((billed) =>
      posting({ postingKey: `loan:${billed.loanId}:period:${billed.periodIndex}:fee`, kind: 'FEE_CHARGED', accountId, loanId: billed.loanId }, [
        debit('FEE_RECEIVABLE', billed.fee, billed.loanId),
        credit('FEE_INCOME', billed.fee),
      ]),
    );
  return [
    ...lateFeePostings(accountId, issued.lateFeesCharged),
    ...fees,
    ...repaymentPostings({ accountId, repaymentId: `statement:${statementId}`, allocation: issued.balancePayment, source: 'BALANCE' }),
  ];
}

// --- repayments (§4.4) ------------------------------------------------------------------

/**
 * A repayment from the buyer (`CASH`) or the balance paying a statement (`BALANCE`): late
 * fees, fees and principal are received per loan; a cash excess goes to the balance.
 */
export function repaymentPostings(input: { accountId: string; repaymentId: string; allocation: RepaymentAllocation; source: 'CASH' | 'BALANCE' }): Posting[] {
  const { accountId, allocation, source } = input;
  const paid = allocation.lateFeePaid + allocation.feePaid + allocation.principalRepaid;
  const total = paid + (source === 'CASH' ? allocation.toBalance : 0);
  const postings = lateFeePostings(accountId, allocation.lateFeesCharged);
  if (total === 0) return postings;
  const entries: LedgerEntry[] = [debit(source === 'CASH' ? 'REPAYMENT_CLEARING' : 'BUYER_BALANCE', total)];
  for (const portion of allocation.portions) {
    entries.push(credit('LATE_FEE_RECEIVABLE', portion.lateFee, portion.loanId));
    entries.push(credit('FEE_RECEIVABLE', portion.fee, portion.loanId));
    entries.push(credit('LOAN_PRINCIPAL_RECEIVABLE', portion.principal, portion.loanId));
  }
  if (source === 'CASH') entries.push(credit('BUYER_BALANCE', allocation.toBalance));
  postings.push(posting({ postingKey: `repayment:${input.repaymentId}`, kind: source === 'CASH' ? 'REPAYMENT' : 'BALANCE_PAYMENT', accountId }, entries));
  return postings;
}

// --- refunds (§4.5) ---------------------------------------------------------------------

/**
 * A refund offset: the refund clears unpaid principal and the rest lands on the balance
 * (rule 4); a reduced fee that had been charged (billed) is reversed, its paid part to the
 * balance (rule 5). Fees of scheduled periods were never charged, so they need no posting.
 */
export function refundOffsetPostings(accountId: string, applied: RefundApplied): Posting[] {
  const loanId = applied.loan.loanId;
  const postings = lateFeePostings(accountId, applied.lateFeesCharged);
  postings.push(
    posting({ postingKey: `refund:${applied.refundId}:offset`, kind: 'REFUND_OFFSET', accountId, loanId }, [
      debit('REFUND_CLEARING', applied.amount),
      credit('LOAN_PRINCIPAL_RECEIVABLE', applied.principalOffset, loanId),
      credit('BUYER_BALANCE', applied.principalToBalance),
    ]),
  );
  const statusBefore = new Map(applied.periodsBefore.map((period) => [period.index, period.status]));
  const chargedReductions = applied.feeReductions.filter((reduction) => {
    const status = statusBefore.get(reduction.periodIndex);
    return status !== 'SCHEDULED' && status !== 'VOIDED';
  });
  const reversed = chargedReductions.reduce((sum, r) => sum + (r.feeBefore - r.feeAfter), 0);
  const returned = chargedReductions.reduce((sum, r) => sum + r.paidFeeReturned, 0);
  if (reversed > 0) {
    postings.push(
      posting({ postingKey: `refund:${applied.refundId}:fee`, kind: 'FEE_REFUND', accountId, loanId }, [
        debit('FEE_INCOME', reversed),
        credit('FEE_RECEIVABLE', reversed - returned, loanId),
        credit('BUYER_BALANCE', returned),
      ]),
    );
  }
  return postings;
}

export function writeOffPosting(input: { accountId: string; loanId: string; writeOffId: string; amount: Fen }): Posting {
  return posting({ postingKey: `loan:${input.loanId}:write-off:${input.writeOffId}`, kind: 'WRITE_OFF', accountId: input.accountId, loanId: input.loanId }, [
    debit('PRINCIPAL_WRITTEN_OFF', input.amount),
    credit('LOAN_PRINCIPAL_RECEIVABLE', input.amount, input.loanId),
  ]);
}

// --- invariants (§4.6) ------------------------------------------------------------------

/** Net debit of each account over the postings (credit-normal accounts come out negative). */
export function accountBalances(postings: readonly Posting[]): Map<LedgerAccount, Fen> {
  const balances = new Map<LedgerAccount, Fen>();
  for (const { entries } of postings) {
    for (const entry of entries) balances.set(entry.account, (balances.get(entry.account) ?? 0) + (entry.side === 'DEBIT' ? entry.amount : -entry.amount));
  }
  return balances;
}

/** The buyer balance the ledger says the account holds. */
export function buyerBalanceOf(postings: readonly Posting[]): Fen {
  return -(accountBalances(postings).get('BUYER_BALANCE') ?? 0);
}

export interface LoanLedgerFigures {
  booked: Fen;
  repaid: Fen;
  offset: Fen;
  writtenOff: Fen;
  outstanding: Fen;
  feeReceivable: Fen;
  lateFeeReceivable: Fen;
}

/** One loan's principal figures as the ledger has them. */
export function loanLedgerFigures(postings: readonly Posting[], loanId: string): LoanLedgerFigures {
  const figures: LoanLedgerFigures = { booked: 0, repaid: 0, offset: 0, writtenOff: 0, outstanding: 0, feeReceivable: 0, lateFeeReceivable: 0 };
  for (const { kind, entries } of postings) {
    for (const entry of entries) {
      if (entry.loanId !== loanId) continue;
      const signed = entry.side === 'DEBIT' ? entry.amount : -entry.amount;
      if (entry.account === 'FEE_RECEIVABLE') figures.feeReceivable += signed;
      if (entry.account === 'LATE_FEE_RECEIVABLE') figures.lateFeeReceivable += signed;
      if (entry.account !== 'LOAN_PRINCIPAL_RECEIVABLE') continue;
      figures.outstanding += signed;
      if (kind === 'LOAN_BOOKED') figures.booked += signed;
      else if (kind === 'REPAYMENT' || kind === 'BALANCE_PAYMENT') figures.repaid -= signed;
      else if (kind === 'REFUND_OFFSET') figures.offset -= signed;
      else if (kind === 'WRITE_OFF') figures.writtenOff -= signed;
    }
  }
  return figures;
}

/**
 * domain.md §4.6 for one loan: every posting balanced; booked principal = repaid + offset by
 * refunds + outstanding + written off, both in the ledger and in the loan; and the ledger and
 * the loan agree on each of those figures and on the fees still receivable.
 */
export function loanInvariantProblems(loan: Loan, postings: readonly Posting[]): string[] {
  const problems: string[] = [];
  for (const candidate of postings) for (const problem of postingProblems(candidate)) problems.push(`${candidate.postingKey}: ${problem}`);
  const ledger = loanLedgerFigures(postings, loan.loanId);
  if (ledger.booked !== ledger.repaid + ledger.offset + ledger.outstanding + ledger.writtenOff) {
    problems.push(`ledger: booked ${ledger.booked} ≠ repaid ${ledger.repaid} + offset ${ledger.offset} + outstanding ${ledger.outstanding} + written off ${ledger.writtenOff}`);
  }
  const state = {
    booked: loan.bookedPrincipal,
    repaid: repaidPrincipalOf(loan),
    offset: loan.offsetPrincipal,
    writtenOff: loan.writtenOffPrincipal,
    outstanding: outstandingPrincipalOf(loan),
    // Only billed fees are receivable (see statementPostings).
    feeReceivable: loan.periods.filter((p) => p.status !== 'SCHEDULED').reduce((sum, p) => sum + owedOf(p).fee, 0),
    lateFeeReceivable: loan.periods.reduce((sum, p) => sum + owedOf(p).lateFee, 0),
  };
  if (state.booked !== state.repaid + state.offset + state.outstanding + state.writtenOff) {
    problems.push(`loan: booked ${state.booked} ≠ repaid ${state.repaid} + offset ${state.offset} + outstanding ${state.outstanding} + written off ${state.writtenOff}`);
  }
  for (const key of Object.keys(state) as (keyof LoanLedgerFigures)[]) {
    if (state[key] !== ledger[key]) problems.push(`${key}: loan says ${state[key]}, ledger says ${ledger[key]}`);
  }
  return problems;
}

/** Every posting balanced and the ledger as a whole balanced. */
export function ledgerProblems(postings: readonly Posting[]): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  for (const candidate of postings) {
    for (const problem of postingProblems(candidate)) problems.push(`${candidate.postingKey}: ${problem}`);
    if (keys.has(candidate.postingKey)) problems.push(`${candidate.postingKey}: posted twice`);
    keys.add(candidate.postingKey);
  }
  let net = 0;
  for (const amount of accountBalances(postings).values()) net += amount;
  if (net !== 0) problems.push(`ledger does not balance: ${net}`);
  return problems;
}
