import { DEFAULT_INSTALLMENT_PRODUCT } from './credit-product';
import { isLoanSettled, loanProblems, owedOf, owedTotalOf, refundableOf, withPeriods } from './loan';
import { bookLoan } from './plan-schedule';

const loan = bookLoan({ loanId: 'L1', orderId: 'O1', principal: 30_000, bookedOn: '2024-01-20', product: DEFAULT_INSTALLMENT_PRODUCT, periodCount: 3, cycle: { statementDay: 5, dueOffsetDays: 10 } });
const p1 = loan.periods[0];

describe('loan figures and soundness (domain.md §4.3, §4.6)', () => {
  it('owes late fee, fee and unpaid principal (principal − paid − credited)', () => {
    const period = { ...p1, status: 'OVERDUE' as const, lateFee: 40, paidLateFee: 10, paidFee: 50, paidPrincipal: 2_000, creditedPrincipal: 3_000 };
    expect(owedOf(period)).toEqual({ lateFee: 30, fee: 100, principal: 5_000, total: 5_130 });
    expect(owedOf({ ...p1, status: 'VOIDED', principal: 0, fee: 0 }).total).toBe(0);
    expect(owedTotalOf(loan)).toBe(30_000 + 3 * 150);
    expect(refundableOf(loan)).toBe(30_000);
    expect(isLoanSettled(loan)).toBe(false);
  });

  it('flags states that must never exist', () => {
    expect(loanProblems(loan)).toEqual([]);
    const broken = (changes: object) => loanProblems(withPeriods(loan, [{ ...p1, ...changes }])).join('\n');
    expect(broken({ status: 'BILLED', paidPrincipal: 10_001 })).toMatch(/paid or credited more than charged/);
    expect(broken({ status: 'VOIDED', principal: 0, fee: 150 })).toMatch(/voided period keeps no principal or fee/);
    expect(broken({ paidFee: 1 })).toMatch(/scheduled period cannot be paid/);
    expect(broken({ status: 'PAID' })).toMatch(/PAID with 10150 still owed/);
    expect(broken({ status: 'BILLED', paidPrincipal: 10_000, paidFee: 150 })).toMatch(/BILLED with nothing owed/);
    expect(broken({ fee: 1.5 })).toMatch(/integer fen/);
    expect(broken({ principal: 9_999 })).toMatch(/booked 30000 ≠ repaid 0 \+ offset 0 \+ outstanding 29999/);
    expect(loanProblems({ ...loan, refundedPrincipal: 30_001 }).join()).toMatch(/exceed booked principal/);
  });
});
