import {
  assertValidCreditProduct,
  creditProduct,
  creditProductProblems,
  DEFAULT_DEFERRED_PRODUCT,
  DEFAULT_INSTALLMENT_PRODUCT,
} from './credit-product';

describe('credit products (issue 4 model, domain.md §4.3-§4.5 defaults)', () => {
  it('defaults: 0.50 % per period for every N, deferral fee 0, late fee 0.05 %/day, REAMORTIZE', () => {
    expect(DEFAULT_INSTALLMENT_PRODUCT.allowedPeriodCounts).toEqual([3, 6, 12, 24]);
    for (const n of [3, 6, 12, 24]) expect(DEFAULT_INSTALLMENT_PRODUCT.feeRatePpmByPeriodCount[n]).toBe(5_000);
    expect(DEFAULT_DEFERRED_PRODUCT.deferralFeeRatePpm).toBe(0);
    expect(DEFAULT_INSTALLMENT_PRODUCT.lateFeeRatePpmPerDay).toBe(500);
    expect(DEFAULT_DEFERRED_PRODUCT.lateFeeRatePpmPerDay).toBe(500);
    expect(DEFAULT_INSTALLMENT_PRODUCT.refundAllocationRule).toBe('REAMORTIZE');
    expect(DEFAULT_DEFERRED_PRODUCT.interestFreeDays).toBeNull();
    expect(creditProductProblems(DEFAULT_INSTALLMENT_PRODUCT)).toEqual([]);
    expect(creditProductProblems(DEFAULT_DEFERRED_PRODUCT)).toEqual([]);
  });

  it('defaults cannot be mutated by accident', () => {
    expect(Object.isFrozen(DEFAULT_INSTALLMENT_PRODUCT)).toBe(true);
    expect(Object.isFrozen(DEFAULT_INSTALLMENT_PRODUCT.feeRatePpmByPeriodCount)).toBe(true);
  });

  it('builds a product from the defaults of its plan type', () => {
    const product = creditProduct('INSTALLMENT', { code: 'SHORT', allowedPeriodCounts: [3, 6], refundAllocationRule: 'LAST_FIRST' });
    expect(product).toMatchObject({ code: 'SHORT', planType: 'INSTALLMENT', allowedPeriodCounts: [3, 6], refundAllocationRule: 'LAST_FIRST', lateFeeRatePpmPerDay: 500 });
    expect(creditProductProblems(product)).toEqual([]);
    expect(creditProduct('DEFERRED', { deferralFeeRatePpm: 10_000 }).deferralFeeRatePpm).toBe(10_000);
  });

  it.each([
    ['an unsupported period count', creditProduct('INSTALLMENT', { allowedPeriodCounts: [3, 9] }), /period count 9/],
    ['no period counts', creditProduct('INSTALLMENT', { allowedPeriodCounts: [] }), /at least one period count/],
    ['duplicate period counts', creditProduct('INSTALLMENT', { allowedPeriodCounts: [3, 3] }), /duplicates/],
    ['a missing fee rate', creditProduct('INSTALLMENT', { feeRatePpmByPeriodCount: { 3: 5_000 }, allowedPeriodCounts: [3, 6] }), /fee rate for 6/],
    ['a fractional fee rate', creditProduct('INSTALLMENT', { feeRatePpmByPeriodCount: { 3: 0.5 }, allowedPeriodCounts: [3] }), /fee rate for 3/],
    ['a negative late-fee rate', creditProduct('INSTALLMENT', { lateFeeRatePpmPerDay: -1 }), /lateFeeRatePpmPerDay/],
    ['a deferral rate over 100 %', creditProduct('DEFERRED', { deferralFeeRatePpm: 1_000_001 }), /deferralFeeRatePpm/],
    ['negative interest-free days', creditProduct('DEFERRED', { interestFreeDays: -1 }), /interestFreeDays/],
    ['an unknown refund rule', creditProduct('INSTALLMENT', { refundAllocationRule: 'PRO_RATA' as never }), /refundAllocationRule/],
    ['an empty code', creditProduct('INSTALLMENT', { code: ' ' }), /code/],
    ['period counts on a DEFERRED product', creditProduct('DEFERRED', { allowedPeriodCounts: [3] }), /DEFERRED product has no period counts/],
    ['an unknown plan type', { ...DEFAULT_INSTALLMENT_PRODUCT, planType: 'BALLOON' as never }, /planType/],
  ])('refuses %s', (_, product, problem) => {
    expect(creditProductProblems(product).join('\n')).toMatch(problem);
    expect(() => assertValidCreditProduct(product)).toThrow(problem);
  });
});
