import { creditProduct, DEFAULT_INSTALLMENT_PRODUCT } from './credit-product';
import { Loan, loanProblems } from './loan';
import { bookLoan } from './plan-schedule';
import { applyRefundToLoan } from './refund-offset';
import { issueStatement, StatementCredit } from './statement';

const cycle = { statementDay: 5, dueOffsetDays: 10 };
// 30 000 fen in 3 periods booked 2024-01-20: 10 000 + fee 150 each, billed 02-05, 03-05, 04-05
const loan = (loanId = 'L1', principal = 30_000, bookedOn = '2024-01-20', product = DEFAULT_INSTALLMENT_PRODUCT): Loan =>
  bookLoan({ loanId, orderId: `O-${loanId}`, principal, bookedOn, product, periodCount: 3, cycle });
const issue = (loans: readonly Loan[], statementDate: string, balance = 0, credits: StatementCredit[] = []) =>
  issueStatement({ accountId: 'A1', statementDate, dueOffsetDays: 10, balance, loans, creditsSinceLastStatement: credits });

describe('statements (domain.md §4.4)', () => {
  it('lists the periods billed this cycle, principal + fee, due statement day + 10', () => {
    const issued = issue([loan()], '2024-02-05');
    expect(issued.statement).toMatchObject({ statementDate: '2024-02-05', dueDate: '2024-02-15', newCharges: 10_150, carriedOver: 0, credits: 0, balanceApplied: 0, amountDue: 10_150, sentToBuyer: true });
    expect(issued.statement.billedLines).toEqual([
      { loanId: 'L1', orderId: 'O-L1', periodIndex: 1, periodCount: 3, dueDate: '2024-02-15', status: 'BILLED', principal: 10_000, fee: 150, lateFee: 0, paid: 0, credited: 0, owed: 10_150 },
    ]);
    expect(issued.billedPeriods).toEqual([{ loanId: 'L1', periodIndex: 1, principal: 10_000, fee: 150 }]);
    expect(issued.loans[0].periods.map((p) => p.status)).toEqual(['BILLED', 'SCHEDULED', 'SCHEDULED']);
  });

  it('records a statement with nothing to pay but does not send it', () => {
    const issued = issue([loan()], '2024-01-05'); // nothing billed yet: booked 01-20
    expect(issued.statement).toMatchObject({ amountDue: 0, sentToBuyer: false, billedLines: [], carriedOverLines: [] });
    expect(issue([], '2024-01-05').statement.sentToBuyer).toBe(false);
  });

  it('carries over overdue amounts with their late fees', () => {
    const february = issue([loan()], '2024-02-05');
    const march = issue(february.loans, '2024-03-05');
    // p1 overdue from 02-16; late fees for 16 Feb … 4 Mar = 18 days × round(10 000 × 0.05 %) = 90
    expect(march.statement.carriedOverLines).toEqual([
      { loanId: 'L1', orderId: 'O-L1', periodIndex: 1, periodCount: 3, dueDate: '2024-02-15', status: 'OVERDUE', principal: 10_000, fee: 150, lateFee: 90, paid: 0, credited: 0, owed: 10_240 },
    ]);
    expect(march.statement).toMatchObject({ newCharges: 10_150, carriedOver: 10_240, amountDue: 20_390, sentToBuyer: true });
    expect(march.lateFeesCharged).toEqual([{ loanId: 'L1', periodIndex: 1, fromDay: '2024-02-16', throughDay: '2024-03-04', days: 18, perDay: 5, amount: 90 }]);
  });

  it('is net of the balance: the balance pays the statement automatically, oldest first', () => {
    const february = issue([loan()], '2024-02-05');
    const march = issue(february.loans, '2024-03-05', 10_300);
    expect(march.statement).toMatchObject({ balanceBefore: 10_300, balanceApplied: 10_300, balanceAfter: 0, amountDue: 20_390 - 10_300, sentToBuyer: true });
    expect(march.balancePayment.portions).toEqual([
      { loanId: 'L1', periodIndex: 1, lateFee: 90, fee: 150, principal: 10_000 },
      { loanId: 'L1', periodIndex: 2, lateFee: 0, fee: 60, principal: 0 },
    ]);
    expect(march.loans[0].periods.map((p) => p.status)).toEqual(['PAID', 'BILLED', 'SCHEDULED']);
    // the statement lines show the figures as issued, before the balance paid them
    expect(march.statement.carriedOverLines[0].owed).toBe(10_240);
  });

  it('a balance covering everything leaves nothing to pay: recorded, not sent, rest of the balance kept', () => {
    const issued = issue([loan()], '2024-02-05', 25_000);
    expect(issued.statement).toMatchObject({ balanceApplied: 10_150, balanceAfter: 14_850, amountDue: 0, sentToBuyer: false });
    expect(issued.loans[0].periods[0].status).toBe('PAID');
    expect(issued.balancePayment.principalRepaid).toBe(10_000);
  });

  it('shows refund credits since the last statement, already taken off what is owed (never twice)', () => {
    const february = issue([loan()], '2024-02-05');
    // 23 000 on 02-10: scheduled 20 000 first (all voided), then 3 000 off billed-not-due p1
    const refund = applyRefundToLoan(february.loans[0], { refundId: 'RF1', amount: 23_000, on: '2024-02-10' });
    if (refund.kind !== 'APPLIED') throw new Error(refund.kind);
    expect(refund.statementCredits).toEqual([{ loanId: 'L1', periodIndex: 1, refundId: 'RF1', principal: 3_000, fee: 0, creditedOn: '2024-02-10' }]);
    const march = issue([refund.loan], '2024-03-05', 0, refund.statementCredits);
    expect(march.statement.creditLines).toEqual(refund.statementCredits);
    expect(march.statement.credits).toBe(3_000);
    // p1: 7 000 + 150 fee + late fees 18 days × round(7 000 × 0.05 %) = 18 × 4 = 72
    expect(march.statement.carriedOverLines).toMatchObject([{ principal: 10_000, credited: 3_000, lateFee: 72, owed: 7_222 }]);
    expect(march.statement).toMatchObject({ newCharges: 0, carriedOver: 7_222, amountDue: 7_222 });
    expect(loanProblems(march.loans[0])).toEqual([]);
  });

  it('bills every loan of the account on its own statement day', () => {
    const issued = issue([loan('L1'), loan('L2', 6_001, '2024-01-30', creditProduct('INSTALLMENT', { feeRatePpmByPeriodCount: { 3: 10_000, 6: 5_000, 12: 5_000, 24: 5_000 } }))], '2024-02-05');
    expect(issued.statement.billedLines.map((l) => [l.loanId, l.principal, l.fee])).toEqual([
      ['L1', 10_000, 150],
      ['L2', 2_001, 60],
    ]);
    expect(issued.statement.amountDue).toBe(10_150 + 2_061);
  });

  it('refuses to skip a statement day: missed days are issued first, in order', () => {
    expect(() => issue([loan()], '2024-03-05')).toThrow(/2024-02-05 of loan L1 must be issued before 2024-03-05/);
  });

  it('does not touch its inputs and refuses a negative balance', () => {
    const input = [loan()];
    const before = JSON.stringify(input);
    issue(input, '2024-02-05', 1_000);
    expect(JSON.stringify(input)).toBe(before);
    expect(() => issue(input, '2024-02-05', -1)).toThrow();
  });
});
