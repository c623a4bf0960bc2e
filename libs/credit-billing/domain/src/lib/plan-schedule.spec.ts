import { applyRateHalfUp } from '@orderline/shared/money';
import { addDays, compareDates, nthStatementDayAfter } from './calendar-date';
import { creditProduct, DEFAULT_DEFERRED_PRODUCT, DEFAULT_INSTALLMENT_PRODUCT } from './credit-product';
import { loanProblems, outstandingPrincipalOf } from './loan';
import { bookLoan, installmentPrincipals, planProblem } from './plan-schedule';

const cycle = { statementDay: 5, dueOffsetDays: 10 };
const book = (principal: number, periodCount: number | undefined, product = DEFAULT_INSTALLMENT_PRODUCT, bookedOn = '2024-01-20') =>
  bookLoan({ loanId: 'L1', orderId: 'O1', principal, bookedOn, product, periodCount, cycle });

describe('plan schedule at capture (domain.md §4.3)', () => {
  describe('INSTALLMENT', () => {
    it('6 periods of 100 000 fen: 16 670 + 5 × 16 666, fee round(100 000 × 0.5 %) = 500 each', () => {
      const loan = book(100_000, 6);
      expect(loan.periods.map((p) => p.principal)).toEqual([16_670, 16_666, 16_666, 16_666, 16_666, 16_666]);
      expect(loan.periods.map((p) => p.fee)).toEqual([500, 500, 500, 500, 500, 500]);
      expect(loan.periods.every((p) => p.status === 'SCHEDULED')).toBe(true);
      expect(loan.terms).toMatchObject({ planType: 'INSTALLMENT', periodCount: 6, feeRatePpm: 5_000, lateFeeRatePpmPerDay: 500, refundAllocationRule: 'REAMORTIZE', dueOffsetDays: 10 });
      expect(loan.interestFreeUntil).toBeNull();
      expect(loanProblems(loan)).toEqual([]);
    });

    it('period i is billed on the i-th statement day after booking; due = statement day + offset', () => {
      const loan = book(30_000, 3);
      expect(loan.periods.map((p) => [p.index, p.statementDate, p.dueDate])).toEqual([
        [1, '2024-02-05', '2024-02-15'],
        [2, '2024-03-05', '2024-03-15'],
        [3, '2024-04-05', '2024-04-15'],
      ]);
    });

    it('a loan booked on the statement day is first billed a month later (strictly after)', () => {
      expect(book(30_000, 3, DEFAULT_INSTALLMENT_PRODUCT, '2024-01-05').periods[0].statementDate).toBe('2024-02-05');
      expect(book(30_000, 3, DEFAULT_INSTALLMENT_PRODUCT, '2024-01-04').periods[0].statementDate).toBe('2024-01-05');
    });

    it('rounds the fee half up to the fen', () => {
      expect(book(100, 3).periods[0].fee).toBe(1); // 0.5 fen → 1
      expect(book(99, 3).periods[0].fee).toBe(0); // 0.495 fen → 0
      expect(book(12_345, 12).periods[0].fee).toBe(62); // 61.725 → 62
    });

    it('uses the fee rate of the chosen N', () => {
      const product = creditProduct('INSTALLMENT', { feeRatePpmByPeriodCount: { 3: 0, 6: 4_000, 12: 6_000, 24: 7_500 } });
      expect(bookLoan({ loanId: 'L', orderId: 'O', principal: 10_000, bookedOn: '2024-01-01', product, periodCount: 3, cycle }).periods[0].fee).toBe(0);
      expect(bookLoan({ loanId: 'L', orderId: 'O', principal: 10_000, bookedOn: '2024-01-01', product, periodCount: 24, cycle }).periods[0].fee).toBe(75);
    });

    it('for every period count and many principals: principals sum to P, remainder on the first, the rest equal', () => {
      for (const n of [3, 6, 12, 24]) {
        for (let p = n; p < 3_000; p += 7) {
          const principals = installmentPrincipals(p, n);
          if (principals.length !== n) throw new Error(`${p}/${n}: ${principals.length} periods`);
          if (principals.reduce((a, b) => a + b, 0) !== p) throw new Error(`${p}/${n}: principals do not sum`);
          const rest = principals.slice(1);
          if (rest.some((x) => x !== Math.floor(p / n))) throw new Error(`${p}/${n}: later periods not floor(P/N)`);
          if (principals[0] !== Math.floor(p / n) + (p % n)) throw new Error(`${p}/${n}: first period lacks the remainder`);
        }
      }
      // a large amount to the fen
      expect(installmentPrincipals(9_999_999_999, 24)).toEqual([416_666_666 + 15, ...Array(23).fill(416_666_666)]);
    });

    it('property: every booked loan is sound, owes P, and its dates are monthly statement days', () => {
      for (const n of [3, 6, 12, 24]) {
        for (const bookedOn of ['2024-01-04', '2024-01-05', '2024-02-29', '2024-12-31']) {
          for (const p of [n, n + 1, 1_000, 99_999, 123_457]) {
            const loan = book(p, n, DEFAULT_INSTALLMENT_PRODUCT, bookedOn);
            expect(loanProblems(loan)).toEqual([]);
            expect(outstandingPrincipalOf(loan)).toBe(p);
            loan.periods.forEach((period, i) => {
              expect(period.statementDate).toBe(nthStatementDayAfter(bookedOn, 5, i + 1));
              expect(period.dueDate).toBe(addDays(period.statementDate, 10));
              expect(compareDates(period.statementDate, bookedOn)).toBeGreaterThan(0);
              expect(period.fee).toBe(applyRateHalfUp(p, 5_000));
            });
          }
        }
      }
    });

    it('refuses a period count the product does not allow, and fewer fen than periods', () => {
      expect(() => book(10_000, 4)).toThrow(/period count/);
      expect(() => book(10_000, undefined)).toThrow(/period count/);
      expect(() => book(10_000, 6, creditProduct('INSTALLMENT', { allowedPeriodCounts: [3] }))).toThrow(/period count must be one of 3/);
      expect(() => book(5, 6)).toThrow(/cannot be spread over 6/);
      expect(book(6, 6).periods.map((p) => p.principal)).toEqual([1, 1, 1, 1, 1, 1]);
      expect(planProblem(DEFAULT_INSTALLMENT_PRODUCT, 5, 6)).toMatch(/spread/);
      expect(planProblem(DEFAULT_INSTALLMENT_PRODUCT, 6, 6)).toBeUndefined();
    });

    it('refuses non-positive or fractional principal, a bad date or billing cycle', () => {
      expect(() => book(0, 3)).toThrow(/positive/);
      expect(() => book(100.5, 3)).toThrow(/integer/);
      expect(() => book(100, 3, DEFAULT_INSTALLMENT_PRODUCT, '2024-02-30')).toThrow(/YYYY-MM-DD/);
      expect(() => bookLoan({ loanId: 'L', orderId: 'O', principal: 100, bookedOn: '2024-01-01', product: DEFAULT_INSTALLMENT_PRODUCT, periodCount: 3, cycle: { statementDay: 29, dueOffsetDays: 10 } })).toThrow(/1-28/);
    });
  });

  describe('DEFERRED', () => {
    it('bills the whole principal on the first statement day strictly after booking, deferral fee 0 by default', () => {
      const loan = book(88_888, undefined, DEFAULT_DEFERRED_PRODUCT);
      expect(loan.periods).toHaveLength(1);
      expect(loan.periods[0]).toMatchObject({ index: 1, statementDate: '2024-02-05', dueDate: '2024-02-15', principal: 88_888, fee: 0, status: 'SCHEDULED' });
      expect(loan.terms.periodCount).toBe(1);
      expect(loanProblems(loan)).toEqual([]);
    });

    it('deferral fee = round(P × rate), half up', () => {
      const product = creditProduct('DEFERRED', { deferralFeeRatePpm: 15_000 }); // 1.5 %
      expect(book(10_030, undefined, product).periods[0].fee).toBe(150); // 150.45
      expect(book(10_100, undefined, product).periods[0].fee).toBe(152); // 151.5 → 152
    });

    it('the interest-free period runs from booking to the due date, or shorter when the product says so', () => {
      expect(book(1_000, undefined, DEFAULT_DEFERRED_PRODUCT).interestFreeUntil).toBe('2024-02-15');
      expect(book(1_000, undefined, creditProduct('DEFERRED', { interestFreeDays: 7 })).interestFreeUntil).toBe('2024-01-27');
      // never past the due date
      expect(book(1_000, undefined, creditProduct('DEFERRED', { interestFreeDays: 90 })).interestFreeUntil).toBe('2024-02-15');
    });

    it('ignores a period count', () => {
      expect(book(1_000, 6, DEFAULT_DEFERRED_PRODUCT).periods).toHaveLength(1);
    });
  });
});
