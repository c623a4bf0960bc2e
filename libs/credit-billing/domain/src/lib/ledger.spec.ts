import { creditProduct, DEFAULT_INSTALLMENT_PRODUCT } from './credit-product';
import {
  accountBalances,
  buyerBalanceOf,
  holdPlacedPosting,
  holdReleasedPosting,
  ledgerProblems,
  loanBookedPostings,
  loanInvariantProblems,
  loanLedgerFigures,
  Posting,
  postingProblems,
  refundOffsetPostings,
  repaymentPostings,
  writeOffPosting,
} from './ledger';
import { withPeriods } from './loan';
import { bookLoan } from './plan-schedule';
import { applyRefundToLoan } from './refund-offset';
import { allocateRepayment } from './repayment-allocation';
import { captureLoan, loanById, refund, repay, unlimitedBook } from '../testing/in-memory-credit-book';

const cycle = { statementDay: 5, dueOffsetDays: 10 };
const entries = (posting: Posting) => posting.entries.map((e) => `${e.side} ${e.account} ${e.amount}${e.loanId ? ` ${e.loanId}` : ''}`);

describe('ledger (domain.md §4.6)', () => {
  it('a posting must balance, with at least two entries of positive integer fen', () => {
    const base = { postingKey: 'k', kind: 'REPAYMENT' as const, accountId: 'A', pending: false };
    expect(postingProblems({ ...base, entries: [{ account: 'REPAYMENT_CLEARING', side: 'DEBIT', amount: 100 }, { account: 'BUYER_BALANCE', side: 'CREDIT', amount: 100 }] })).toEqual([]);
    expect(postingProblems({ ...base, entries: [{ account: 'REPAYMENT_CLEARING', side: 'DEBIT', amount: 100 }, { account: 'BUYER_BALANCE', side: 'CREDIT', amount: 99 }] })).toEqual(['debits 100 ≠ credits 99']);
    expect(postingProblems({ ...base, entries: [{ account: 'REPAYMENT_CLEARING', side: 'DEBIT', amount: 100 }] }).join()).toMatch(/two entries/);
    expect(postingProblems({ ...base, entries: [{ account: 'REPAYMENT_CLEARING', side: 'DEBIT', amount: 0.5 }, { account: 'BUYER_BALANCE', side: 'CREDIT', amount: 0.5 }] }).join()).toMatch(/integer/);
    expect(postingProblems({ ...base, entries: [{ account: 'REPAYMENT_CLEARING', side: 'DEBIT', amount: -5 }, { account: 'BUYER_BALANCE', side: 'CREDIT', amount: -5 }] }).join()).toMatch(/positive/);
  });

  it('holds are pending postings, resolved by a capture (booking the loan) and a release of the rest', () => {
    const placed = holdPlacedPosting({ accountId: 'A', holdId: 'H1', amount: 50_000 });
    expect(placed).toMatchObject({ postingKey: 'hold:H1:placed', kind: 'HOLD_PLACED', pending: true });
    expect(entries(placed)).toEqual(['DEBIT CREDIT_HOLD_RESERVED 50000', 'CREDIT CREDIT_HOLD_CONTRA 50000']);
    // a partial shipment captures 30 000 and releases 20 000 (issue 4)
    const loan = bookLoan({ loanId: 'L1', orderId: 'O1', principal: 30_000, bookedOn: '2024-01-20', product: DEFAULT_INSTALLMENT_PRODUCT, periodCount: 3, cycle });
    const [captured, booked] = loanBookedPostings({ accountId: 'A', holdId: 'H1', loan });
    const released = holdReleasedPosting({ accountId: 'A', holdId: 'H1', releaseId: 'partial-shipment', amount: 20_000 });
    expect(entries(captured)).toEqual(['DEBIT CREDIT_HOLD_CONTRA 30000', 'CREDIT CREDIT_HOLD_RESERVED 30000']);
    expect(entries(booked)).toEqual(['DEBIT LOAN_PRINCIPAL_RECEIVABLE 30000 L1', 'CREDIT MERCHANT_SETTLEMENT 30000']);
    const balances = accountBalances([placed, captured, released, booked]);
    expect(balances.get('CREDIT_HOLD_RESERVED')).toBe(0);
    expect(balances.get('LOAN_PRINCIPAL_RECEIVABLE')).toBe(30_000);
    expect(ledgerProblems([placed, captured, released, booked])).toEqual([]);
    expect(loanInvariantProblems(loan, [placed, captured, released, booked])).toEqual([]);
  });

  it('a cash repayment credits each receivable per loan and the excess to the balance', () => {
    const account = unlimitedBook(cycle, '2024-01-20');
    captureLoan(account, { loanId: 'L1', principal: 30_000, product: DEFAULT_INSTALLMENT_PRODUCT, periodCount: 3 });
    account.advanceTo('2024-02-05');
    const allocation = allocateRepayment({ loans: account.loans, amount: 12_000, on: '2024-02-17' }); // 1 day late: 5 fen
    const [lateFee, repayment] = repaymentPostings({ accountId: 'A1', repaymentId: 'P1', allocation, source: 'CASH' });
    expect(entries(lateFee)).toEqual(['DEBIT LATE_FEE_RECEIVABLE 5 L1', 'CREDIT LATE_FEE_INCOME 5']);
    expect(repayment.postingKey).toBe('repayment:P1');
    expect(entries(repayment)).toEqual([
      'DEBIT REPAYMENT_CLEARING 12000',
      'CREDIT LATE_FEE_RECEIVABLE 5 L1',
      'CREDIT FEE_RECEIVABLE 150 L1',
      'CREDIT LOAN_PRINCIPAL_RECEIVABLE 10000 L1',
      'CREDIT BUYER_BALANCE 1845',
    ]);
  });

  it('a refund offset clears principal and puts repaid principal on the balance; billed fee reductions are reversed', () => {
    const product = creditProduct('DEFERRED', { deferralFeeRatePpm: 10_000 });
    const account = unlimitedBook(cycle, '2024-01-20');
    captureLoan(account, { loanId: 'D1', principal: 50_000, product });
    account.advanceTo('2024-02-06');
    repay(account, 30_000); // fee 500, principal 29 500
    const result = applyRefundToLoan(loanById(account, 'D1'), { refundId: 'RF1', amount: 50_000, on: '2024-02-10' });
    if (result.kind !== 'APPLIED') throw new Error(result.kind);
    const [offset, feeRefund] = refundOffsetPostings('A1', result);
    expect(entries(offset)).toEqual(['DEBIT REFUND_CLEARING 50000', 'CREDIT LOAN_PRINCIPAL_RECEIVABLE 20500 D1', 'CREDIT BUYER_BALANCE 29500']);
    expect(entries(feeRefund)).toEqual(['DEBIT FEE_INCOME 500', 'CREDIT BUYER_BALANCE 500']);
    account.advanceTo('2024-02-10');
    refund(account, 'D1', 'RF1', 50_000);
    expect(account.balance).toBe(30_000);
    expect(buyerBalanceOf(account.postings)).toBe(30_000);
    expect(account.problems()).toEqual([]);
  });

  it('scheduled fee reductions need no posting: the fee was never charged', () => {
    const loan = bookLoan({ loanId: 'L1', orderId: 'O1', principal: 60_000, bookedOn: '2024-01-20', product: DEFAULT_INSTALLMENT_PRODUCT, periodCount: 6, cycle });
    const result = applyRefundToLoan(loan, { refundId: 'RF', amount: 10_000, on: '2024-01-25' });
    if (result.kind !== 'APPLIED') throw new Error(result.kind);
    expect(result.feeReductions).toHaveLength(6);
    expect(refundOffsetPostings('A', result).map((p) => p.kind)).toEqual(['REFUND_OFFSET']);
  });

  it('booked principal = repaid + offset + outstanding + written off, in the loan and in the ledger', () => {
    const account = unlimitedBook(cycle, '2024-01-20');
    captureLoan(account, { loanId: 'L1', principal: 60_000, product: DEFAULT_INSTALLMENT_PRODUCT, periodCount: 6 });
    account.advanceTo('2024-02-06');
    repay(account, 10_300);
    account.advanceTo('2024-02-07');
    refund(account, 'L1', 'RF', 20_000);
    expect(loanLedgerFigures(account.postings, 'L1')).toEqual({ booked: 60_000, repaid: 10_000, offset: 20_000, writtenOff: 0, outstanding: 30_000, feeReceivable: 0, lateFeeReceivable: 0 });
    expect(account.problems()).toEqual([]);

    // a write-off must show in the loan as well as the ledger
    const writeOff = writeOffPosting({ accountId: 'A1', loanId: 'L1', writeOffId: 'W1', amount: 1_000 });
    expect(loanInvariantProblems(loanById(account, 'L1'), [...account.postings, writeOff]).join('\n')).toMatch(/writtenOff: loan says 0, ledger says 1000/);
  });

  it('catches a loan and a ledger that disagree, a lost fen, or a posting written twice', () => {
    const account = unlimitedBook(cycle, '2024-01-20');
    captureLoan(account, { loanId: 'L1', principal: 60_000, product: DEFAULT_INSTALLMENT_PRODUCT, periodCount: 6 });
    account.advanceTo('2024-02-06');
    repay(account, 10_300);
    const loan = loanById(account, 'L1');
    // one fen of repaid principal lost from the loan
    const tampered = withPeriods(loan, [{ ...loan.periods[0], paidPrincipal: 9_999 }]);
    const problems = loanInvariantProblems(tampered, account.postings);
    expect(problems).toContain('repaid: loan says 9999, ledger says 10000');
    expect(problems).toContain('outstanding: loan says 50001, ledger says 50000');
    // a loan whose own figures no longer add up
    expect(loanInvariantProblems({ ...loan, offsetPrincipal: 1 }, account.postings).join('\n')).toMatch(/loan: booked 60000 ≠ repaid 10000 \+ offset 1 \+ outstanding 50000/);
    // a repayment posting missing from the ledger
    const withoutRepayment = account.postings.filter((p) => p.kind !== 'REPAYMENT');
    expect(loanInvariantProblems(loan, withoutRepayment).join('\n')).toMatch(/repaid: loan says 10000, ledger says 0/);
    // the same movement posted twice
    expect(ledgerProblems([...account.postings, account.postings[account.postings.length - 1]]).join()).toMatch(/posted twice/);
  });

  it('refuses to build an unbalanced posting', () => {
    expect(() => holdPlacedPosting({ accountId: 'A', holdId: 'H', amount: 1.5 })).toThrow();
  });
});
