import { addDays } from './calendar-date';
import { creditProduct, DEFAULT_INSTALLMENT_PRODUCT } from './credit-product';
import { Loan, withPeriods } from './loan';
import { accrueDailyCharges } from './overdue';
import { bookLoan } from './plan-schedule';

// booked 2024-01-20, statement day 5, due offset 10 → period 1 billed 2024-02-05, due 2024-02-15
function billedLoan(principal = 30_000, lateFeeRatePpmPerDay = 500): Loan {
  const loan = bookLoan({
    loanId: 'L1',
    orderId: 'O1',
    principal,
    bookedOn: '2024-01-20',
    product: creditProduct('INSTALLMENT', { lateFeeRatePpmPerDay }),
    periodCount: 3,
    cycle: { statementDay: 5, dueOffsetDays: 10 },
  });
  return withPeriods(loan, [{ ...loan.periods[0], status: 'BILLED' }]);
}

describe('overdue and late fees (domain.md §4.4)', () => {
  it('is not overdue on the due date itself', () => {
    const result = accrueDailyCharges(billedLoan(), '2024-02-15');
    expect(result.loan.periods[0].status).toBe('BILLED');
    expect(result.becameOverdue).toEqual([]);
    expect(result.lateFees).toEqual([]);
  });

  it('is overdue from the start of the day after the due date, with no fee yet (no day completed)', () => {
    const result = accrueDailyCharges(billedLoan(), '2024-02-16');
    expect(result.loan.periods[0].status).toBe('OVERDUE');
    expect(result.becameOverdue).toEqual([1]);
    expect(result.loan.periods[0].lateFee).toBe(0);
  });

  it('charges round(overdue principal × 0.05 %) at the start of each later day for the day just completed', () => {
    // period 1 principal 10 000 → 5 fen a day
    const day17 = accrueDailyCharges(billedLoan(), '2024-02-17');
    expect(day17.loan.periods[0].lateFee).toBe(5);
    expect(day17.lateFees).toEqual([{ loanId: 'L1', periodIndex: 1, fromDay: '2024-02-16', throughDay: '2024-02-16', days: 1, perDay: 5, amount: 5 }]);
    const day20 = accrueDailyCharges(day17.loan, '2024-02-20');
    expect(day20.loan.periods[0].lateFee).toBe(20); // days 16, 17, 18, 19
    expect(day20.lateFees[0]).toMatchObject({ fromDay: '2024-02-17', throughDay: '2024-02-19', days: 3, amount: 15 });
    expect(day20.loan.periods[0].lateFeeChargedThrough).toBe('2024-02-19');
  });

  it('rounds each day half up to the fen', () => {
    // 33 000 / 3 = 11 000 → 5.5 fen/day → 6
    expect(accrueDailyCharges(billedLoan(33_000), '2024-02-17').loan.periods[0].lateFee).toBe(6);
    // 30 003 → first period 10 001 (+ remainder 0) → 5.0005 → 5
    expect(accrueDailyCharges(billedLoan(30_003), '2024-02-17').loan.periods[0].lateFee).toBe(5);
    // a rate from the product
    expect(accrueDailyCharges(billedLoan(30_000, 1_000), '2024-02-18').loan.periods[0].lateFee).toBe(20);
  });

  it('charges on unpaid principal only (a partly repaid or credited period)', () => {
    const base = billedLoan();
    const loan = withPeriods(base, [{ ...base.periods[0], paidPrincipal: 3_000, creditedPrincipal: 1_000 }]);
    expect(accrueDailyCharges(loan, '2024-02-18').loan.periods[0].lateFee).toBe(6); // 6 000 × 0.05 % = 3 a day × 2
  });

  it('is idempotent for the same day and the same day by day as in one jump', () => {
    const once = accrueDailyCharges(billedLoan(), '2024-03-01').loan;
    expect(accrueDailyCharges(once, '2024-03-01').loan).toBe(once);
    let daily = billedLoan();
    for (let day = '2024-02-14'; day <= '2024-03-01'; day = addDays(day, 1)) daily = accrueDailyCharges(daily, day).loan;
    expect(daily).toEqual(once);
    expect(once.periods[0].lateFee).toBe(5 * 14); // 16 Feb … 29 Feb
  });

  it('leaves scheduled and paid periods alone and does not touch its input', () => {
    const loan = billedLoan();
    const frozen = JSON.stringify(loan);
    const result = accrueDailyCharges(loan, '2024-06-01');
    expect(JSON.stringify(loan)).toBe(frozen);
    expect(result.loan.periods.slice(1).map((p) => p.status)).toEqual(['SCHEDULED', 'SCHEDULED']);
    const paid = withPeriods(loan, [{ ...loan.periods[0], status: 'PAID', paidPrincipal: 10_000, paidFee: 150 }]);
    expect(accrueDailyCharges(paid, '2024-06-01').loan).toBe(paid);
  });

  it('uses the default rate of 500 ppm', () => {
    expect(DEFAULT_INSTALLMENT_PRODUCT.lateFeeRatePpmPerDay).toBe(500);
  });
});
