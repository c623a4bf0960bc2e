import { addDays, partsOf } from './calendar-date';
import { BillingCycle } from './credit-line';
import { creditProduct, CreditProduct, RefundAllocationRule } from './credit-product';
import { isLoanSettled, outstandingPrincipalOf, refundableOf } from './loan';
import { currentlyDueOf } from './repayment-allocation';
import { SeededRandom } from '../testing/seeded-random';
import { SimulatedAccount } from '../testing/simulated-account';

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
const snapshot = (account: SimulatedAccount) => JSON.stringify([account.balance, account.loans, account.pendingCredits, account.postings.length]);

const isStatementDay = (day: string, cycle: BillingCycle) => partsOf(day).day === cycle.statementDay;

describe('random billing histories (domain.md §4.3-§4.6 invariants after every step)', () => {
  it('holds every invariant over 400 histories of captures, statements, repayments, refunds, duplicates and clock moves', () => {
    let steps = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const random = new SeededRandom(seed);
      const cycle = randomCycle(random);
      const account = new SimulatedAccount(cycle);
      const start = addDays('2024-01-01', random.int(0, 400));
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
        if (isStatementDay(day, cycle)) {
          account.issueStatement(day);
          check(`statement ${day}`);
        }
        for (const capture of captures.filter((c) => c.day === day)) {
          const principal = random.int(capture.periodCount ?? 1, random.chance(0.2) ? 500 : 300_000);
          account.capture({ loanId: capture.loanId, principal, bookedOn: day, product: capture.product, periodCount: capture.periodCount });
          check(`capture ${capture.loanId}`);
        }
        if (account.loans.length === 0) continue;

        if (random.chance(0.06)) {
          const due = currentlyDueOf(account.loans);
          const amount = random.pick([due, Math.floor(due / 2), due + random.int(1, 5_000), random.int(1, 20_000)]);
          if (amount > 0) {
            const loanId = random.chance(0.3) ? random.pick(account.loans).loanId : undefined;
            account.repay(amount, day, loanId);
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
            const result = account.refund(loan.loanId, { refundId: `over-${seed}-${day}`, amount: refundable + 1, on: day });
            if (result.kind !== 'REJECTED' || snapshot(account) !== before) fail('an over-refund was not refused', result.kind);
          } else if (refundable > 0) {
            const amount = random.chance(0.3) ? refundable : random.int(1, refundable);
            const refundId = `RF-${seed}-${appliedRefunds.length}`;
            const outstandingBefore = outstandingPrincipalOf(loan);
            const result = account.refund(loan.loanId, { refundId, amount, on: day });
            if (result.kind !== 'APPLIED') throw new Error(`seed ${seed}: refund not applied: ${result.kind}`);
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
          const result = account.refund(replay.loanId, { refundId: replay.refundId, amount: replay.amount, on: day });
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
    for (let seed = 1; seed <= 400; seed++) {
      const owed = (['before', 'after'] as const).map((timing) => {
        const random = new SeededRandom(seed);
        const cycle = randomCycle(random);
        const { product, periodCount } = randomProduct(random);
        const account = new SimulatedAccount(cycle);
        const bookedOn = addDays('2024-01-01', random.int(0, 365));
        const principal = random.int(periodCount ?? 1, 300_000);
        account.capture({ loanId: 'L1', principal, bookedOn, product, periodCount });
        // the buyer pays every statement in full on its day, for a random number of cycles
        const cycles = random.int(0, (periodCount ?? 1) - 1);
        const statementDays = account.loans[0].periods.map((p) => p.statementDate);
        for (let i = 0; i < cycles; i++) {
          account.issueStatement(statementDays[i]);
          account.repay(account.statements[i].statement.amountDue, statementDays[i]);
        }
        const statementDay = statementDays[cycles];
        const amount = random.chance(0.3) ? principal : random.int(1, principal);
        if (timing === 'before') account.refund('L1', { refundId: 'RF', amount, on: addDays(statementDay, -1) });
        account.issueStatement(statementDay);
        if (timing === 'after') account.refund('L1', { refundId: 'RF', amount, on: statementDay });
        const problems = account.problems();
        if (problems.length > 0) throw new Error(`seed ${seed} ${timing}: ${problems.join('\n')}`);
        return { owed: account.principalOwed(), expected: principal - account.loans[0].periods.reduce((s, p) => s + p.paidPrincipal, 0) - amount };
      });
      if (owed[0].owed !== owed[1].owed) throw new Error(`seed ${seed}: before ${owed[0].owed}, after ${owed[1].owed}`);
      if (owed[0].owed !== owed[0].expected) throw new Error(`seed ${seed}: principal owed ${owed[0].owed}, expected ${owed[0].expected}`);
    }
  });
});
