import { applyRateHalfUp } from '@orderline/shared/money';
import { creditProduct, RefundAllocationRule } from './credit-product';
import { isLoanSettled, Loan, loanProblems, outstandingPrincipalOf, owedOf } from './loan';
import { bookLoan } from './plan-schedule';
import { applyRefundToLoan, refundHold, RefundApplied, RefundOffsetResult, spreadScheduledPrincipal } from './refund-offset';
import { allocateRepayment } from './repayment-allocation';
import { issueStatement, StatementCredit } from './statement';
import { captureLoan, InMemoryCreditBook, loanById, refund as refundOrder, repay, unlimitedBook } from '../testing/in-memory-credit-book';

const cycle = { statementDay: 5, dueOffsetDays: 10 };
const installment = (principal: number, rule: RefundAllocationRule = 'REAMORTIZE', periodCount = 6): Loan =>
  bookLoan({ loanId: 'L1', orderId: 'O1', principal, bookedOn: '2024-01-20', product: creditProduct('INSTALLMENT', { refundAllocationRule: rule }), periodCount, cycle });
const deferred = (principal: number, deferralFeeRatePpm = 10_000, interestFreeDays: number | null = null): Loan =>
  bookLoan({ loanId: 'D1', orderId: 'O1', principal, bookedOn: '2024-01-20', product: creditProduct('DEFERRED', { deferralFeeRatePpm, interestFreeDays }), cycle });
const issue = (loan: Loan, statementDate: string, balance = 0, credits: StatementCredit[] = []) =>
  issueStatement({ accountId: 'A', statementDate, dueOffsetDays: 10, balance, loans: [loan], creditsSinceLastStatement: credits });
const billedThrough = (loan: Loan, ...dates: string[]): Loan => dates.reduce((l, date) => issue(l, date).loans[0], loan);

function applied(result: RefundOffsetResult): RefundApplied {
  if (result.kind !== 'APPLIED') throw new Error(`expected APPLIED, got ${result.kind}`);
  expect(loanProblems(result.loan)).toEqual([]);
  return result;
}
const refund = (loan: Loan, amount: number, on: string, refundId = `RF-${amount}-${on}`) => applied(applyRefundToLoan(loan, { refundId, amount, on }));
const principals = (loan: Loan) => loan.periods.map((p) => p.principal);
const statuses = (loan: Loan) => loan.periods.map((p) => p.status);
const fees = (loan: Loan) => loan.periods.map((p) => p.fee);

describe('refund offset (domain.md §4.5)', () => {
  describe('rule 1: not yet captured → release the hold', () => {
    const hold = { holdId: 'H1', orderId: 'O1', amount: 50_000, appliedRefundIds: [] };
    it('a full refund releases the whole hold', () => {
      expect(refundHold(hold, { refundId: 'R1', amount: 50_000, on: '2024-01-21' })).toEqual({
        kind: 'HOLD_RELEASED', duplicate: false, released: 50_000, fullyReleased: true,
        hold: { ...hold, amount: 0, appliedRefundIds: ['R1'] },
      });
    });
    it('a partial refund releases only its amount; the rest stays held for the capture', () => {
      const result = refundHold(hold, { refundId: 'R1', amount: 20_000, on: '2024-01-21' });
      expect(result).toMatchObject({ kind: 'HOLD_RELEASED', released: 20_000, fullyReleased: false, hold: { amount: 30_000 } });
    });
    it('never releases more than is held, and the same refund id twice releases nothing', () => {
      const first = refundHold(hold, { refundId: 'R1', amount: 70_000, on: '2024-01-21' });
      expect(first.released).toBe(50_000);
      const again = refundHold(first.hold, { refundId: 'R1', amount: 70_000, on: '2024-01-21' });
      expect(again).toEqual({ kind: 'DUPLICATE', duplicate: true, hold: first.hold, released: 0 });
    });
  });

  describe('rule 2: scheduled periods by the product rule', () => {
    // 60 000 fen in 6: 10 000 each, fee round(60 000 × 0.5 %) = 300 each
    it('REAMORTIZE keeps the count and re-spreads S − r with floor, remainder on the first', () => {
      const result = refund(installment(60_000), 10_001, '2024-01-25');
      // 49 999 / 6 = 8 333 rem 1
      expect(principals(result.loan)).toEqual([8_334, 8_333, 8_333, 8_333, 8_333, 8_333]);
      expect(statuses(result.loan)).toEqual(Array(6).fill('SCHEDULED'));
      expect(result.principalOffsets).toEqual([
        { periodIndex: 1, source: 'SCHEDULED', unpaidBefore: 10_000, unpaidAfter: 8_334, offset: 1_666 },
        ...[2, 3, 4, 5, 6].map((periodIndex) => ({ periodIndex, source: 'SCHEDULED', unpaidBefore: 10_000, unpaidAfter: 8_333, offset: 1_667 })),
      ]);
      expect(result).toMatchObject({ principalOffset: 10_001, principalToBalance: 0, balanceCredit: 0, statementCredits: [] });
      // rule 5: P′ = 49 999 → round(249.995) = 250
      expect(fees(result.loan)).toEqual(Array(6).fill(250));
    });

    it('REAMORTIZE: the new remainder can make the first period a few fen larger; the total still falls by r', () => {
      expect(spreadScheduledPrincipal([3, 3, 3], 1, 'REAMORTIZE')).toEqual([4, 2, 2]);
      const loan = refund(installment(60_000, 'REAMORTIZE', 6), 60_000 - 6 * 8 - 5, '2024-01-25').loan; // 53 left
      expect(principals(loan)).toEqual([13, 8, 8, 8, 8, 8]);
    });

    it('LAST_FIRST takes from the last period backwards, voiding periods brought to zero with their fee', () => {
      const result = refund(installment(60_000, 'LAST_FIRST'), 25_000, '2024-01-25');
      expect(principals(result.loan)).toEqual([10_000, 10_000, 10_000, 5_000, 0, 0]);
      expect(statuses(result.loan)).toEqual(['SCHEDULED', 'SCHEDULED', 'SCHEDULED', 'SCHEDULED', 'VOIDED', 'VOIDED']);
      // P′ = 35 000 → 175; voided periods lose their fee
      expect(fees(result.loan)).toEqual([175, 175, 175, 175, 0, 0]);
      expect(result.principalOffsets.map((o) => [o.periodIndex, o.offset])).toEqual([[4, 5_000], [5, 10_000], [6, 10_000]]);
    });

    it('NEXT_FIRST takes from the earliest scheduled period onwards, likewise voiding', () => {
      const result = refund(installment(60_000, 'NEXT_FIRST'), 25_000, '2024-01-25');
      expect(principals(result.loan)).toEqual([0, 0, 5_000, 10_000, 10_000, 10_000]);
      expect(statuses(result.loan)).toEqual(['VOIDED', 'VOIDED', 'SCHEDULED', 'SCHEDULED', 'SCHEDULED', 'SCHEDULED']);
      expect(fees(result.loan)).toEqual([0, 0, 175, 175, 175, 175]);
    });

    it('NEXT_FIRST after a statement starts at the first still-scheduled period', () => {
      const loan = billedThrough(installment(60_000, 'NEXT_FIRST'), '2024-02-05');
      const result = refund(loan, 15_000, '2024-02-06');
      expect(principals(result.loan)).toEqual([10_000, 0, 5_000, 10_000, 10_000, 10_000]);
      expect(statuses(result.loan)).toEqual(['BILLED', 'VOIDED', 'SCHEDULED', 'SCHEDULED', 'SCHEDULED', 'SCHEDULED']);
    });

    it('under any rule a period left with zero principal is voided (REAMORTIZE with S − r < count)', () => {
      const result = refund(installment(60_000), 59_998, '2024-01-25');
      expect(principals(result.loan)).toEqual([2, 0, 0, 0, 0, 0]);
      expect(statuses(result.loan)).toEqual(['SCHEDULED', 'VOIDED', 'VOIDED', 'VOIDED', 'VOIDED', 'VOIDED']);
      expect(fees(result.loan)).toEqual([0, 0, 0, 0, 0, 0]); // round(2 × 0.5 %) = 0
    });

    it.each(['REAMORTIZE', 'LAST_FIRST', 'NEXT_FIRST'] as const)('%s: all scheduled principal gone → every scheduled period voided with its fee; nothing left, loan settled', (rule) => {
      const result = refund(installment(60_000, rule), 60_000, '2024-01-25');
      expect(statuses(result.loan)).toEqual(Array(6).fill('VOIDED'));
      expect(principals(result.loan)).toEqual(Array(6).fill(0));
      expect(fees(result.loan)).toEqual(Array(6).fill(0));
      expect(result.feeReductions).toEqual([1, 2, 3, 4, 5, 6].map((periodIndex) => ({ periodIndex, feeBefore: 300, feeAfter: 0, paidFeeReturned: 0 })));
      expect(result.loanSettled).toBe(true);
      expect(isLoanSettled(result.loan)).toBe(true);
      expect(result.loan.offsetPrincipal).toBe(60_000);
    });

    it('spreadScheduledPrincipal refuses to take more than there is', () => {
      expect(() => spreadScheduledPrincipal([5, 5], 11, 'LAST_FIRST')).toThrow();
      expect(spreadScheduledPrincipal([], 0, 'REAMORTIZE')).toEqual([]);
    });

    it('property: for every rule, P, N and r the scheduled principal falls by exactly r, zero periods voided, never negative', () => {
      for (const rule of ['REAMORTIZE', 'LAST_FIRST', 'NEXT_FIRST'] as const) {
        for (const n of [3, 6, 12, 24]) {
          for (const p of [n, 997, 10_000, 123_457]) {
            for (const r of [1, Math.floor(p / 3), p - 1, p].filter((x) => x >= 1)) {
              const loan = applied(applyRefundToLoan(installment(p, rule, n), { refundId: 'R', amount: r, on: '2024-01-25' })).loan;
              const live = loan.periods.filter((x) => x.status !== 'VOIDED');
              if (outstandingPrincipalOf(loan) !== p - r) throw new Error(`${rule} ${p}/${n} −${r}: outstanding ${outstandingPrincipalOf(loan)}`);
              if (live.some((x) => x.principal <= 0)) throw new Error(`${rule} ${p}/${n} −${r}: a live period without principal`);
              if (rule === 'REAMORTIZE' && p - r >= n && live.length !== n) throw new Error(`REAMORTIZE ${p}/${n} −${r}: count changed`);
              if (rule === 'REAMORTIZE' && live.slice(1).some((x) => x.principal !== Math.floor((p - r) / n))) throw new Error(`REAMORTIZE ${p}/${n} −${r}: uneven`);
              if (live.some((x) => x.fee !== applyRateHalfUp(p - r, 5_000))) throw new Error(`${rule} ${p}/${n} −${r}: fee not on P′`);
            }
          }
        }
      }
    });
  });

  describe('rule 2: overdue principal first, oldest first; billed-not-due last', () => {
    // statements 02-05 and 03-05 issued: p1 overdue since 02-16, p2 billed (due 03-15)
    const twoBilled = () => billedThrough(installment(60_000), '2024-02-05', '2024-03-05');

    it('takes overdue principal first, then scheduled, and leaves the billed-not-due period alone', () => {
      const loan = twoBilled();
      expect(statuses(loan)).toEqual(['OVERDUE', 'BILLED', 'SCHEDULED', 'SCHEDULED', 'SCHEDULED', 'SCHEDULED']);
      const result = refund(loan, 12_000, '2024-03-06');
      expect(result.principalOffsets).toEqual([
        { periodIndex: 1, source: 'OVERDUE', unpaidBefore: 10_000, unpaidAfter: 0, offset: 10_000 },
        ...[3, 4, 5, 6].map((periodIndex) => ({ periodIndex, source: 'SCHEDULED', unpaidBefore: 10_000, unpaidAfter: 9_500, offset: 500 })),
      ]);
      const [p1, p2] = result.loan.periods;
      // late fees 16 Feb … 5 Mar (19 days × 5) stay, as do the billed fees (rule 5)
      expect(p1).toMatchObject({ status: 'OVERDUE', principal: 10_000, creditedPrincipal: 10_000, fee: 300, lateFee: 95 });
      expect(owedOf(p1)).toEqual({ lateFee: 95, fee: 300, principal: 0, total: 395 });
      expect(p2).toMatchObject({ status: 'BILLED', principal: 10_000, creditedPrincipal: 0, fee: 300 });
      expect(result.lateFeesCharged).toEqual([expect.objectContaining({ periodIndex: 1, throughDay: '2024-03-05', days: 1, amount: 5 })]);
      // scheduled fees on P′ = 48 000 → 240
      expect(fees(result.loan)).toEqual([300, 300, 240, 240, 240, 240]);
      expect(result.statementCredits).toEqual([{ loanId: 'L1', periodIndex: 1, refundId: 'RF-12000-2024-03-06', principal: 10_000, fee: 0, creditedOn: '2024-03-06' }]);
    });

    it('takes the oldest overdue period first', () => {
      const loan = billedThrough(installment(60_000), '2024-02-05', '2024-03-05', '2024-04-05');
      expect(statuses(loan).slice(0, 3)).toEqual(['OVERDUE', 'OVERDUE', 'BILLED']);
      const result = refund(loan, 15_000, '2024-04-06');
      expect(result.principalOffsets.map((o) => [o.periodIndex, o.source, o.offset])).toEqual([[1, 'OVERDUE', 10_000], [2, 'OVERDUE', 5_000]]);
    });

    it('reaches billed-not-due periods only after every scheduled fen', () => {
      const result = refund(twoBilled(), 10_000 + 40_000 + 3_000, '2024-03-06');
      expect(statuses(result.loan)).toEqual(['OVERDUE', 'BILLED', 'VOIDED', 'VOIDED', 'VOIDED', 'VOIDED']);
      expect(result.principalOffsets.filter((o) => o.source === 'BILLED')).toEqual([{ periodIndex: 2, source: 'BILLED', unpaidBefore: 10_000, unpaidAfter: 7_000, offset: 3_000 }]);
      expect(result.principalToBalance).toBe(0);
    });
  });

  describe('rule 3: billed-not-due periods keep their statement; the reduction is a credit on the next', () => {
    it('the period keeps its billed figures; what is owed falls; the credit is reported for the next statement', () => {
      const loan = billedThrough(installment(60_000), '2024-02-05');
      const result = refund(loan, 53_000, '2024-02-06'); // 50 000 scheduled, then 3 000 of p1
      expect(result.loan.periods[0]).toMatchObject({ status: 'BILLED', principal: 10_000, fee: 300, creditedPrincipal: 3_000 });
      expect(owedOf(result.loan.periods[0]).total).toBe(7_300);
      expect(result.statementCredits).toEqual([{ loanId: 'L1', periodIndex: 1, refundId: 'RF-53000-2024-02-06', principal: 3_000, fee: 0, creditedOn: '2024-02-06' }]);
      const march = issue(result.loan, '2024-03-05', 0, result.statementCredits);
      expect(march.statement.creditLines).toEqual(result.statementCredits);
    });

    it('paying the issued statement in full meanwhile puts the excess in the balance', () => {
      const loan = billedThrough(installment(60_000), '2024-02-05');
      const result = refund(loan, 53_000, '2024-02-06');
      const payment = allocateRepayment({ loans: [result.loan], amount: 10_300, on: '2024-02-10' });
      expect(payment).toMatchObject({ principalRepaid: 7_000, feePaid: 300, toBalance: 3_000, settledLoanIds: ['L1'] });
    });

    it('a billed period fully credited with nothing else owed is settled (PAID), never VOIDED', () => {
      const loan = billedThrough(installment(60_000), '2024-02-05');
      const paidFee = allocateRepayment({ loans: [loan], amount: 300, on: '2024-02-06' }).loans[0];
      const result = refund(paidFee, 60_000, '2024-02-07');
      expect(statuses(result.loan)).toEqual(['PAID', 'VOIDED', 'VOIDED', 'VOIDED', 'VOIDED', 'VOIDED']);
      expect(result.loanSettled).toBe(true);
    });
  });

  describe('rule 4: what is left after all unpaid principal goes to the balance; the loan is settled', () => {
    it('the worked example: 3 items, 6 periods, 2 repaid, a partial then the final refund', () => {
      // items 29 900 + 19 900 + 9 900 = 59 700 fen; 9 950 a period; fee round(298.5) = 299
      let loan = installment(59_700);
      expect(principals(loan)).toEqual(Array(6).fill(9_950));
      expect(fees(loan)).toEqual(Array(6).fill(299));
      loan = issue(loan, '2024-02-05').loans[0];
      loan = allocateRepayment({ loans: [loan], amount: 10_249, on: '2024-02-10' }).loans[0];
      loan = issue(loan, '2024-03-05').loans[0];
      loan = allocateRepayment({ loans: [loan], amount: 10_249, on: '2024-03-10' }).loans[0];
      expect(statuses(loan)).toEqual(['PAID', 'PAID', 'SCHEDULED', 'SCHEDULED', 'SCHEDULED', 'SCHEDULED']);

      // one item (9 900) refunded: 4 remaining periods shrink to (39 800 − 9 900) / 4 = 7 475, fee round(49 800 × 0.5 %) = 249
      const partial = refund(loan, 9_900, '2024-03-20', 'RF-item-3');
      expect(principals(partial.loan)).toEqual([9_950, 9_950, 7_475, 7_475, 7_475, 7_475]);
      expect(fees(partial.loan)).toEqual([299, 299, 249, 249, 249, 249]);
      expect(partial).toMatchObject({ principalOffset: 9_900, principalToBalance: 0, loanSettled: false });
      expect(partial.periodsBefore).toEqual(loan.periods);
      expect(partial.periodsAfter).toEqual(partial.loan.periods);

      // the other two (49 800): the remaining 29 900 is offset, 19 900 of repaid principal goes to the balance
      const full = refund(partial.loan, 49_800, '2024-03-25', 'RF-items-1-2');
      expect(statuses(full.loan)).toEqual(['PAID', 'PAID', 'VOIDED', 'VOIDED', 'VOIDED', 'VOIDED']);
      expect(full).toMatchObject({ principalOffset: 29_900, principalToBalance: 19_900, feeRefundToBalance: 0, balanceCredit: 19_900, loanSettled: true });
      expect(full.loan).toMatchObject({ bookedPrincipal: 59_700, offsetPrincipal: 39_800, refundedPrincipal: 59_700 });
      // paid fees of billed periods stay (rule 5)
      expect(full.loan.periods.slice(0, 2).map((p) => p.paidFee)).toEqual([299, 299]);
    });

    it('a refund after everything was repaid goes to the balance whole', () => {
      let loan = installment(30_000, 'REAMORTIZE', 3);
      for (const date of ['2024-02-05', '2024-03-05', '2024-04-05']) {
        loan = issue(loan, date).loans[0];
        loan = allocateRepayment({ loans: [loan], amount: 10_150, on: date }).loans[0];
      }
      expect(isLoanSettled(loan)).toBe(true);
      const result = refund(loan, 12_345, '2024-04-10');
      expect(result).toMatchObject({ principalOffset: 0, principalToBalance: 12_345, balanceCredit: 12_345, loanSettled: false, principalOffsets: [] });
      expect(result.loan.periods).toEqual(loan.periods);
    });
  });

  describe('rule 5: fees', () => {
    it('INSTALLMENT: scheduled fees are recomputed on P′ = principal − all refunds so far', () => {
      const first = refund(installment(60_000), 7_000, '2024-01-25', 'R1');
      expect(fees(first.loan)).toEqual(Array(6).fill(applyRateHalfUp(53_000, 5_000))); // 265
      const second = refund(first.loan, 3_100, '2024-01-26', 'R2');
      expect(fees(second.loan)).toEqual(Array(6).fill(applyRateHalfUp(49_900, 5_000))); // 249.5 → 250
      expect(fees(second.loan)[0]).toBe(250);
      expect(second.feeReductions[0]).toEqual({ periodIndex: 1, feeBefore: 265, feeAfter: 250, paidFeeReturned: 0 });
    });

    it('INSTALLMENT: P′ counts refunds that went to the balance too', () => {
      let loan = billedThrough(installment(60_000), '2024-02-05');
      loan = allocateRepayment({ loans: [loan], amount: 10_300, on: '2024-02-06' }).loans[0];
      // 55 000: 50 000 offsets the scheduled periods (voided), 5 000 to the balance
      const result = refund(loan, 55_000, '2024-02-07');
      expect(result.principalToBalance).toBe(5_000);
      expect(fees(result.loan)).toEqual([300, 0, 0, 0, 0, 0]);
      // now 20 000 instead: scheduled recomputed on P′ = 40 000 = 200
      expect(fees(refund(loan, 20_000, '2024-02-07').loan)).toEqual([300, 200, 200, 200, 200, 200]);
    });

    it('INSTALLMENT: billed and overdue fees stay; late fees are never refunded', () => {
      const loan = billedThrough(installment(60_000), '2024-02-05', '2024-03-05');
      const result = refund(loan, 60_000, '2024-03-20');
      expect(result.loan.periods.slice(0, 2).map((p) => [p.status, p.fee, p.lateFee])).toEqual([
        ['OVERDUE', 300, 5 * 33], // 16 Feb … 19 Mar
        ['OVERDUE', 300, 5 * 4], // 16 … 19 Mar
      ]);
      expect(outstandingPrincipalOf(result.loan)).toBe(0);
      expect(result.loanSettled).toBe(false); // fees still owed
    });

    describe('DEFERRED (deferral fee 1 %: 50 000 → 500; interest-free through the due date 02-15)', () => {
      it('within the interest-free period, before billing: the fee follows P′', () => {
        const result = refund(deferred(50_000), 20_000, '2024-01-25');
        expect(result.loan.periods[0]).toMatchObject({ status: 'SCHEDULED', principal: 30_000, fee: 300 });
        expect(result.feeReductions).toEqual([{ periodIndex: 1, feeBefore: 500, feeAfter: 300, paidFeeReturned: 0 }]);
        expect(result.statementCredits).toEqual([]);
      });

      it('within the interest-free period, after billing: the fee is recomputed and shown as a credit', () => {
        const loan = billedThrough(deferred(50_000), '2024-02-05');
        const result = refund(loan, 20_000, '2024-02-15'); // the due date is still interest-free
        expect(result.loan.periods[0]).toMatchObject({ status: 'BILLED', principal: 50_000, creditedPrincipal: 20_000, fee: 300 });
        expect(result.statementCredits).toEqual([{ loanId: 'D1', periodIndex: 1, refundId: 'RF-20000-2024-02-15', principal: 20_000, fee: 200, creditedOn: '2024-02-15' }]);
        expect(owedOf(result.loan.periods[0]).total).toBe(30_300);
      });

      it('a full refund returns all of the fee, to the balance when it was paid', () => {
        let loan = billedThrough(deferred(50_000), '2024-02-05');
        loan = allocateRepayment({ loans: [loan], amount: 50_500, on: '2024-02-06' }).loans[0];
        const result = refund(loan, 50_000, '2024-02-10');
        expect(result.loan.periods[0]).toMatchObject({ status: 'PAID', fee: 0, paidFee: 0, paidPrincipal: 50_000 });
        expect(result).toMatchObject({ principalToBalance: 50_000, feeRefundToBalance: 500, balanceCredit: 50_500 });
        expect(result.feeReductions).toEqual([{ periodIndex: 1, feeBefore: 500, feeAfter: 0, paidFeeReturned: 500 }]);
      });

      it('a full refund before billing voids the period and its fee', () => {
        const result = refund(deferred(50_000), 50_000, '2024-01-25');
        expect(result.loan.periods[0]).toMatchObject({ status: 'VOIDED', principal: 0, fee: 0 });
        expect(result.loanSettled).toBe(true);
      });

      it('after the interest-free period the fee stays, and so do late fees', () => {
        const loan = billedThrough(deferred(50_000), '2024-02-05');
        const result = refund(loan, 50_000, '2024-02-20'); // overdue 16-19 Feb: 4 × round(25) = 100
        expect(result.loan.periods[0]).toMatchObject({ status: 'OVERDUE', fee: 500, lateFee: 100, creditedPrincipal: 50_000 });
        expect(result.feeReductions).toEqual([]);
        expect(owedOf(result.loan.periods[0]).total).toBe(600);
      });

      it('a shortened interest-free period ends earlier (product interestFreeDays)', () => {
        const loan = deferred(50_000, 10_000, 7); // interest-free through 01-27
        expect(refund(loan, 10_000, '2024-01-27').loan.periods[0].fee).toBe(400);
        expect(refund(loan, 10_000, '2024-01-28').loan.periods[0].fee).toBe(500);
      });
    });
  });

  describe('rule 6: the same refund before or after a statement day leaves the same principal owed', () => {
    // outstanding principal − balance, for an account holding one loan (the production aggregate)
    function scenario(timing: 'before' | 'after', amount: number, paidPeriods: number, rule: RefundAllocationRule) {
      const account = unlimitedBook(cycle, '2024-01-20');
      captureLoan(account, { loanId: 'L1', principal: 60_000, product: creditProduct('INSTALLMENT', { refundAllocationRule: rule }), periodCount: 6 });
      const days = ['2024-02-05', '2024-03-05', '2024-04-05'] as const;
      for (let i = 0; i < 3; i++) {
        account.advanceTo(days[i]);
        if (i < paidPeriods) repay(account, account.statements[i].statement.amountDue);
      }
      if (timing === 'before') {
        account.advanceTo('2024-05-04');
        refundOrder(account, 'L1', 'RF', amount);
      }
      account.advanceTo('2024-05-05');
      if (timing === 'after') refundOrder(account, 'L1', 'RF', amount);
      expect(account.problems()).toEqual([]);
      return account;
    }
    // The balance pays a fee still owed at once (§4.4), which moves principal owed by that fee:
    // the fee of the period billed meanwhile is what rule 6 lets differ.
    const owedBeforeFees = (account: InMemoryCreditBook) => account.principalOwed() - account.feeMovesOfBalance();

    it.each([
      ['partial, nothing repaid (overdue periods)', 25_000, 0],
      ['partial, all billed periods repaid', 25_000, 3],
      ['reaching the period billed on the statement day', 35_000, 3],
      ['more than what is unpaid: the rest to the balance', 50_000, 3],
      ['full refund after three periods repaid', 60_000, 3],
    ])('%s', (_, amount, paid) => {
      for (const rule of ['REAMORTIZE', 'LAST_FIRST', 'NEXT_FIRST'] as const) {
        const before = scenario('before', amount, paid, rule);
        const after = scenario('after', amount, paid, rule);
        expect(owedBeforeFees(after)).toBe(owedBeforeFees(before));
        expect(owedBeforeFees(before)).toBe(60_000 - paid * 10_000 - amount);
        expect(before.feeMovesOfBalance()).toBe(0);
      }
    });

    it('what differs is the statement that shows it and the fee of the period billed meanwhile', () => {
      const before = scenario('before', 35_000, 3, 'REAMORTIZE');
      const after = scenario('after', 35_000, 3, 'REAMORTIZE');
      // before: the refund voided p4-p6, so nothing was billed on 05-05
      expect(before.statements[3].statement.billedLines).toEqual([]);
      // after: p4 was billed with its fee (300), which stays; the refund credits it on the next statement
      expect(after.statements[3].statement.billedLines.map((l) => [l.periodIndex, l.principal, l.fee])).toEqual([[4, 10_000, 300]]);
      // 35 000 > the 30 000 unpaid: p5-p6 voided, p4 credited in full, 5 000 to the balance either way
      expect(after.account.pendingCredits.map((pending) => pending.credit)).toEqual([expect.objectContaining({ periodIndex: 4, principal: 10_000 })]);
      // 5 000 to the balance either way; after, the balance pays p4's fee at once (§4.4)
      expect(loanById(after, 'L1').periods[3]).toMatchObject({ status: 'PAID', fee: 300, paidFee: 300, creditedPrincipal: 10_000 });
      expect([before.balance, after.balance]).toEqual([5_000, 4_700]);
      expect(owedOf(loanById(after, 'L1').periods[3]).total).toBe(0);
    });
  });

  describe('rule 7: idempotent by refund id; never more than the loan principal', () => {
    it('the same refund id twice changes nothing the second time', () => {
      const first = refund(installment(60_000), 10_000, '2024-01-25', 'RF1');
      const second = applyRefundToLoan(first.loan, { refundId: 'RF1', amount: 10_000, on: '2024-01-25' });
      expect(second).toEqual({ kind: 'DUPLICATE', duplicate: true, loan: first.loan, refundId: 'RF1' });
      expect(second.loan).toBe(first.loan);
      // even replayed later with another amount or date
      expect(applyRefundToLoan(first.loan, { refundId: 'RF1', amount: 1, on: '2024-06-01' }).loan).toBe(first.loan);
    });

    it('refunds of one loan never exceed its principal', () => {
      const loan = installment(60_000);
      expect(applyRefundToLoan(loan, { refundId: 'R', amount: 60_001, on: '2024-01-25' })).toEqual({
        kind: 'REJECTED', duplicate: false, loan, refundId: 'R', reason: 'EXCEEDS_REFUNDABLE_PRINCIPAL', refundable: 60_000,
      });
      const first = refund(loan, 59_000, '2024-01-25', 'R1');
      expect(applyRefundToLoan(first.loan, { refundId: 'R2', amount: 1_001, on: '2024-01-26' })).toMatchObject({ kind: 'REJECTED', refundable: 1_000 });
      expect(refund(first.loan, 1_000, '2024-01-26', 'R2').loan.refundedPrincipal).toBe(60_000);
    });

    it('refuses malformed refunds', () => {
      const loan = installment(60_000);
      expect(() => applyRefundToLoan(loan, { refundId: 'R', amount: 0, on: '2024-01-25' })).toThrow(/positive/);
      expect(() => applyRefundToLoan(loan, { refundId: 'R', amount: 1.5, on: '2024-01-25' })).toThrow(/integer/);
      expect(() => applyRefundToLoan(loan, { refundId: '', amount: 1, on: '2024-01-25' })).toThrow(/id/);
      expect(() => applyRefundToLoan(loan, { refundId: 'R', amount: 1, on: '25/01/2024' })).toThrow(/YYYY-MM-DD/);
    });

    it('does not touch its input', () => {
      const loan = billedThrough(installment(60_000), '2024-02-05');
      const before = JSON.stringify(loan);
      refund(loan, 55_000, '2024-02-20');
      expect(JSON.stringify(loan)).toBe(before);
    });
  });
});
