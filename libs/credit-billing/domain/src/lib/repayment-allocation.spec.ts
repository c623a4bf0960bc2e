import { DEFAULT_INSTALLMENT_PRODUCT } from './credit-product';
import { Loan, loanProblems } from './loan';
import { bookLoan } from './plan-schedule';
import { allocateRepayment, currentlyDueOf, maximumRepaymentOf } from './repayment-allocation';
import { issueStatement } from './statement';

const cycle = { statementDay: 5, dueOffsetDays: 10 };
const loan3 = (loanId: string, principal: number, bookedOn: string): Loan =>
  bookLoan({ loanId, orderId: `O-${loanId}`, principal, bookedOn, product: DEFAULT_INSTALLMENT_PRODUCT, periodCount: 3, cycle });
const issue = (loans: Loan[], statementDate: string, balance = 0) =>
  issueStatement({ accountId: 'A', statementDate, dueOffsetDays: 10, balance, loans, creditsSinceLastStatement: [] });

describe('repayment allocation (domain.md §4.4)', () => {
  // L1: 30 000 fen booked 2024-01-20 → 10 000 + fee 150 billed 02-05, due 02-15
  const billed = issue([loan3('L1', 30_000, '2024-01-20')], '2024-02-05').loans;

  it('pays late fee, then fee, then principal within a period', () => {
    const overdue = allocateRepayment({ loans: billed, amount: 0, on: '2024-02-20' }).loans; // 4 days × 5 = 20 late fee
    expect(overdue[0].periods[0]).toMatchObject({ status: 'OVERDUE', lateFee: 20 });
    const tiny = allocateRepayment({ loans: overdue, amount: 15, on: '2024-02-20' });
    expect(tiny.portions).toEqual([{ loanId: 'L1', periodIndex: 1, lateFee: 15, fee: 0, principal: 0 }]);
    const more = allocateRepayment({ loans: tiny.loans, amount: 105, on: '2024-02-20' });
    expect(more.portions).toEqual([{ loanId: 'L1', periodIndex: 1, lateFee: 5, fee: 100, principal: 0 }]);
    const rest = allocateRepayment({ loans: more.loans, amount: 1_050, on: '2024-02-20' });
    expect(rest.portions).toEqual([{ loanId: 'L1', periodIndex: 1, lateFee: 0, fee: 50, principal: 1_000 }]);
    expect(rest.principalRepaid).toBe(1_000);
    expect(rest.loans[0].periods[0]).toMatchObject({ paidLateFee: 20, paidFee: 150, paidPrincipal: 1_000, status: 'OVERDUE' });
  });

  it('pays the overdue period before a newer billed one, and the oldest due first across loans', () => {
    // L1 period 1 overdue since 02-16; L2 booked 02-10 → its period 1 billed 03-05 alongside L1's period 2.
    let loans = [...billed, loan3('L2', 6_000, '2024-02-10')];
    loans = issue(loans, '2024-03-05').loans; // L1 p1 overdue with late fees 16 Feb-4 Mar = 18 days × 5 = 90
    expect(loans[0].periods[0]).toMatchObject({ status: 'OVERDUE', lateFee: 90 });
    const result = allocateRepayment({ loans, amount: 10_240 + 10_150 + 2_030, on: '2024-03-05' });
    expect(result.portions).toEqual([
      { loanId: 'L1', periodIndex: 1, lateFee: 90, fee: 150, principal: 10_000 },
      { loanId: 'L1', periodIndex: 2, lateFee: 0, fee: 150, principal: 10_000 },
      { loanId: 'L2', periodIndex: 1, lateFee: 0, fee: 30, principal: 2_000 },
    ]);
    expect(result.toBalance).toBe(0);
    expect(result.principalRepaid).toBe(22_000);
    expect(result.loans.flatMap((l) => l.periods.map((p) => p.status))).toEqual(['PAID', 'PAID', 'SCHEDULED', 'PAID', 'SCHEDULED', 'SCHEDULED']);
  });

  it('pays a named loan first, then the rest as usual', () => {
    let loans = [...billed, loan3('L2', 6_000, '2024-01-25')];
    loans = issue(loans, '2024-02-05').loans; // only L2 billed now (L1 already billed)
    const result = allocateRepayment({ loans, amount: 2_100, on: '2024-02-06', preferredLoanId: 'L2' });
    expect(result.portions).toEqual([
      { loanId: 'L2', periodIndex: 1, lateFee: 0, fee: 30, principal: 2_000 },
      { loanId: 'L1', periodIndex: 1, lateFee: 0, fee: 70, principal: 0 },
    ]);
  });

  it('never pays a scheduled period early: money beyond what is owed goes to the balance', () => {
    const result = allocateRepayment({ loans: billed, amount: 50_000, on: '2024-02-06' });
    expect(result.portions).toEqual([{ loanId: 'L1', periodIndex: 1, lateFee: 0, fee: 150, principal: 10_000 }]);
    expect(result.toBalance).toBe(50_000 - 10_150);
    expect(result.loans[0].periods.map((p) => p.status)).toEqual(['PAID', 'SCHEDULED', 'SCHEDULED']);
    expect(result.loans[0].periods[1].paidPrincipal).toBe(0);
    // nothing billed at all: everything to balance
    const unbilled = allocateRepayment({ loans: [loan3('L9', 900, '2024-01-20')], amount: 77, on: '2024-01-21' });
    expect(unbilled).toMatchObject({ portions: [], toBalance: 77, principalRepaid: 0 });
  });

  it('reports a loan settled when its last period is paid', () => {
    let loans = billed;
    for (const date of ['2024-03-05', '2024-04-05']) loans = issue(loans, date).loans;
    const first = allocateRepayment({ loans, amount: 20_300, on: '2024-04-06' });
    expect(first.settledLoanIds).toEqual([]);
    // p1 was overdue since 02-16 and p2 since 03-16: late fees charged too
    const owed = currentlyDueOf(first.loans);
    expect(owed).toBeGreaterThan(0);
    const last = allocateRepayment({ loans: first.loans, amount: owed, on: '2024-04-06' });
    expect(last.settledLoanIds).toEqual(['L1']);
    expect(last.toBalance).toBe(0);
    expect(loanProblems(last.loans[0])).toEqual([]);
  });

  it('property: nothing is lost: portions + balance = amount, repaid principal ≤ owed, loans stay sound', () => {
    let loans = [loan3('L1', 30_001, '2024-01-20'), loan3('L2', 12_345, '2024-01-02')];
    loans = issue(loans, '2024-01-05').loans;
    loans = issue(loans, '2024-02-05').loans;
    loans = issue(loans, '2024-03-05').loans;
    for (let amount = 0; amount <= 40_000; amount += 997) {
      const result = allocateRepayment({ loans, amount, on: '2024-03-05' });
      const allocated = result.portions.reduce((s, p) => s + p.lateFee + p.fee + p.principal, 0);
      expect(allocated + result.toBalance).toBe(amount);
      expect(result.toBalance).toBe(Math.max(0, amount - currentlyDueOf(loans)));
      for (const loan of result.loans) expect(loanProblems(loan)).toEqual([]);
    }
  });

  it('refuses negative or fractional repayments and does not touch its input', () => {
    expect(() => allocateRepayment({ loans: billed, amount: -1, on: '2024-02-06' })).toThrow();
    expect(() => allocateRepayment({ loans: billed, amount: 1.5, on: '2024-02-06' })).toThrow();
    const before = JSON.stringify(billed);
    allocateRepayment({ loans: billed, amount: 5_000, on: '2024-03-06' });
    expect(JSON.stringify(billed)).toBe(before);
  });

  describe('the most a repayment may be', () => {
    it('is what is billed, plus the room left under the overpayment cap', () => {
      // Period 1 of L1 billed: 10 000 principal + 150 fee; nothing else can be paid early.
      expect(maximumRepaymentOf({ loans: billed, on: '2024-02-10', balance: 0, pending: 0, overpaymentCap: 0 })).toBe(10_150);
      expect(maximumRepaymentOf({ loans: billed, on: '2024-02-10', balance: 0, pending: 0, overpaymentCap: 5_000 })).toBe(15_150);
    });

    it('counts late fees accrued up to the day of the repayment', () => {
      // Overdue from 02-16; on 02-20 four days of 5 fen are owed as well.
      expect(maximumRepaymentOf({ loans: billed, on: '2024-02-20', balance: 0, pending: 0, overpaymentCap: 0 })).toBe(10_170);
    });

    it('leaves no room once the balance has reached the cap, and counts repayments still pending', () => {
      const scheduledOnly = [loan3('L9', 30_000, '2024-01-20')];
      expect(maximumRepaymentOf({ loans: scheduledOnly, on: '2024-01-25', balance: 5_000, pending: 0, overpaymentCap: 5_000 })).toBe(0);
      expect(maximumRepaymentOf({ loans: scheduledOnly, on: '2024-01-25', balance: 9_000, pending: 0, overpaymentCap: 5_000 })).toBe(0);
      expect(maximumRepaymentOf({ loans: billed, on: '2024-02-10', balance: 0, pending: 10_000, overpaymentCap: 1_000 })).toBe(1_150);
      expect(maximumRepaymentOf({ loans: billed, on: '2024-02-10', balance: 0, pending: 99_000, overpaymentCap: 1_000 })).toBe(0);
    });
  });
});
