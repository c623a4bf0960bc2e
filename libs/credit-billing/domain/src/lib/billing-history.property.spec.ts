import { addDays, CalendarDate } from './calendar-date';
import { BillingCycle } from './credit-line';
import { creditProduct, CreditProduct, RefundAllocationRule } from './credit-product';
import { isLoanSettled, outstandingPrincipalOf, refundableOf } from './loan';
import { currentlyDueOf } from './repayment-allocation';
import { captureLoan, InMemoryCreditBook, refund, repay, unlimitedBook } from '../testing/in-memory-credit-book';
import { SeededRandom } from '../testing/seeded-random';

/**
 * The production credit account aggregate driven day by day: a capture is a hold and its
 * shipment, a statement is the clock reaching a statement day (the statement run catches up).
 */

const RULES: RefundAllocationRule[] = ['REAMORTIZE', 'LAST_FIRST', 'NEXT_FIRST'];

function randomProduct(random: SeededRandom): { product: CreditProduct; periodCount?: number } {
  const rule = random.pick(RULES);
  const lateFeeRatePpmPerDay = random.pick([0, 500, 500, 1_234]);
  if (random.chance(0.3)) {
    const product = creditProduct('DEFERRED', {
      deferralFeeRatePpm: random.pick([0, 0, 10_000, 12_345]),
      interestFreeDays: random.pick([null, null, random.int(0, 40)]),
      lateFeeRatePpmPerDay,
      refundAllocationRule: rule,
    });
    return { product };
  }
  const rate = random.pick([0, 5_000, 5_000, 7_777]);
  const product = creditProduct('INSTALLMENT', {
    feeRatePpmByPeriodCount: { 3: rate, 6: rate, 12: rate + 1, 24: rate + 2 },
    lateFeeRatePpmPerDay,
    refundAllocationRule: rule,
  });
  return { product, periodCount: random.pick([3, 6, 12, 24]) };
}

function randomCycle(random: SeededRandom): BillingCycle {
  return { statementDay: random.int(1, 28), dueOffsetDays: random.int(1, 27) };
}

/** What a refund could change (postings are append-only, so their count is enough). */
const snapshot = (book: InMemoryCreditBook) => book.snapshot();


describe('random billing histories (domain.md §4.3-§4.6 invariants after every step)', () => {
  it('holds every invariant over 400 histories of captures, statements, repayments, refunds, duplicates and clock moves', () => {
    let steps = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const random = new SeededRandom(seed);
      const cycle = randomCycle(random);
      const start = addDays('2024-01-01', random.int(0, 400));
      const account = unlimitedBook(cycle, start as CalendarDate);
      const captures = Array.from({ length: random.int(1, 3) }, (_, i) => ({ loanId: `L${i + 1}`, day: addDays(start, random.int(0, 60)), ...randomProduct(random) }));
      const appliedRefunds: { loanId: string; refundId: string; amount: number }[] = [];
      let cashIn = 0;
      let refunded = 0;
      const fail = (what: string, detail: unknown = '') => {
        throw new Error(`seed ${seed}: ${what} ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`);
      };
      const check = (after: string) => {
        steps++;
        const problems = account.problems();
        if (problems.length > 0) fail(`after ${after}:`, problems.join('\n'));
        // money in = money used: what was paid on loans + refunds offset + what sits in the balance
        const paid = account.loans.reduce((s, l) => s + l.periods.reduce((t, p) => t + p.paidPrincipal + p.paidFee + p.paidLateFee, 0), 0);
        const offset = account.loans.reduce((s, l) => s + l.offsetPrincipal, 0);
        if (cashIn + refunded !== paid + offset + account.balance) fail(`after ${after}: money not conserved`, { cashIn, refunded, paid, offset, balance: account.balance });
      };

      // walk the clock day by day, sometimes jumping (a scheduler still issues every statement day in order)
      const end = addDays(start, 60 + 24 * 31 + 40);
      for (let day = start; day <= end; day = addDays(day, 1)) {
        if (account.advanceTo(day) > 0) check(`statement ${day}`);
        for (const capture of captures.filter((c) => c.day === day)) {
          const principal = random.int(capture.periodCount ?? 1, random.chance(0.2) ? 500 : 300_000);
          captureLoan(account, { loanId: capture.loanId, principal, product: capture.product, periodCount: capture.periodCount });
          check(`capture ${capture.loanId}`);
        }
        if (account.loans.length === 0) continue;

        if (random.chance(0.06)) {
          const due = currentlyDueOf(account.loans);
          const amount = random.pick([due, Math.floor(due / 2), due + random.int(1, 5_000), random.int(1, 20_000)]);
          if (amount > 0) {
            const loanId = random.chance(0.3) ? random.pick(account.loans).loanId : undefined;
            repay(account, amount, loanId);
            cashIn += amount;
            check(`repayment ${amount} on ${day}`);
          }
        }

        if (random.chance(0.03)) {
          const loan = random.pick(account.loans);
          const refundable = refundableOf(loan);
          const before = snapshot(account);
          if (random.chance(0.1)) {
            // over-refund: refused, nothing changes
            const result = refund(account, loan.loanId, `over-${seed}-${day}`, refundable + 1);
            if (result.kind !== 'REJECTED' || snapshot(account) !== before) fail('an over-refund was not refused', result.kind);
          } else if (refundable > 0) {
            const amount = random.chance(0.3) ? refundable : random.int(1, refundable);
            const refundId = `RF-${seed}-${appliedRefunds.length}`;
            const outstandingBefore = outstandingPrincipalOf(loan);
            const outcome = refund(account, loan.loanId, refundId, amount);
            if (outcome.kind !== 'APPLIED') throw new Error(`seed ${seed}: refund not applied: ${outcome.kind}`);
            const result = outcome.applied;
            appliedRefunds.push({ loanId: loan.loanId, refundId, amount });
            refunded += amount;
            // §4.5 rule 4: R − U to the balance, never more
            if (result.principalToBalance !== Math.max(0, amount - outstandingBefore)) fail('wrong principal to balance', result.principalToBalance);
            if (result.principalOffsets.reduce((s, o) => s + o.offset, 0) !== result.principalOffset) fail('offsets do not sum');
            if (amount >= outstandingBefore && outstandingPrincipalOf(result.loan) !== 0) fail('principal left after a refund over U');
            check(`refund ${amount} on ${day}`);
          }
        }

        if (appliedRefunds.length > 0 && random.chance(0.02)) {
          // a duplicated (possibly reordered) RefundCompleted changes nothing
          const replay = random.pick(appliedRefunds);
          const before = snapshot(account);
          const result = refund(account, replay.loanId, replay.refundId, replay.amount);
          if (result.kind !== 'DUPLICATE' || snapshot(account) !== before) fail('a duplicate refund changed something');
        }
      }

      for (const loan of account.loans) {
        if (loan.refundedPrincipal > loan.bookedPrincipal) fail('refunds exceed principal');
        // past the last due date: nothing is still scheduled or billed-not-due
        if (loan.periods.some((p) => p.status === 'SCHEDULED' || p.status === 'BILLED')) fail('periods left unbilled or undue at the end', loan.periods);
        if (!isLoanSettled(loan) && loan.periods.every((p) => p.status !== 'OVERDUE')) fail('unsettled loan with nothing overdue');
      }
    }
    expect(steps).toBeGreaterThan(10_000);
  });

  it('§4.5 rule 6: the same refund before or after a statement day leaves the same principal owed (400 random loans)', () => {
    let strict = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const owed = (['before', 'after'] as const).map((timing) => {
        const random = new SeededRandom(seed);
        const cycle = randomCycle(random);
        const { product, periodCount } = randomProduct(random);
        const bookedOn = addDays('2024-01-01', random.int(0, 365)) as CalendarDate;
        const account = unlimitedBook(cycle, bookedOn);
        const principal = random.int(periodCount ?? 1, 300_000);
        captureLoan(account, { loanId: 'L1', principal, product, periodCount });
        // the buyer pays every statement in full on its day, for a random number of cycles
        const cycles = random.int(0, (periodCount ?? 1) - 1);
        const statementDays = account.loans[0].periods.map((p) => p.statementDate);
        let paidInCash = 0;
        for (let i = 0; i < cycles; i++) {
          account.advanceTo(statementDays[i]);
          paidInCash += repay(account, account.statements[i].statement.amountDue).principalRepaid;
        }
        const feeMovesBefore = account.feeMovesOfBalance();
        const statementDay = statementDays[cycles];
        const amount = random.chance(0.3) ? principal : random.int(1, principal);
        if (timing === 'before') {
          account.advanceTo(addDays(statementDay, -1));
          refund(account, 'L1', 'RF', amount);
        }
        account.advanceTo(statementDay);
        if (timing === 'after') refund(account, 'L1', 'RF', amount);
        const problems = account.problems();
        if (problems.length > 0) throw new Error(`seed ${seed} ${timing}: ${problems.join('\n')}`);
        // Fees the balance paid (and paid fees a refund returned) move principal owed by exactly
        // those fees; that fee is what rule 6 allows to differ (the period billed meanwhile).
        const feeMoves = account.feeMovesOfBalance() - feeMovesBefore;
        return { owed: account.principalOwed(), feeMoves, expected: principal - paidInCash - amount + feeMoves };
      });
      for (const one of owed) if (one.owed !== one.expected) throw new Error(`seed ${seed}: principal owed ${one.owed}, expected ${one.expected}`);
      if (owed[0].feeMoves === owed[1].feeMoves) {
        strict++;
        if (owed[0].owed !== owed[1].owed) throw new Error(`seed ${seed}: before ${owed[0].owed}, after ${owed[1].owed}`);
      }
    }
    expect(strict).toBeGreaterThan(250);
  });
});
