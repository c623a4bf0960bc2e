import { RatePpm } from '@orderline/shared/money';
import { CREDIT_PLANS, CreditPlanType, REFUND_ALLOCATION_RULES, RefundAllocationRuleCode } from '@orderline/shared/platform-rules';

/** domain.md §4.3: a credit order is repaid either in one go or in N periods. */
export type PlanType = CreditPlanType;

/** domain.md §4.5 rule 2: how a refund is taken from the scheduled periods. */
export type RefundAllocationRule = RefundAllocationRuleCode;

// The lists are declared once in platform-rules (the contract's API enums use the same arrays).
export const PLAN_TYPES: readonly PlanType[] = CREDIT_PLANS;
export { REFUND_ALLOCATION_RULES };

/** domain.md §4.3: N ∈ {3, 6, 12, 24}. */
export const SUPPORTED_PERIOD_COUNTS: readonly number[] = [3, 6, 12, 24];

/** 0.50 % per period for every N (domain.md §4.3 default). */
export const DEFAULT_INSTALLMENT_FEE_RATE_PPM: RatePpm = 5_000;
/** Deferral service fee rate, default 0 (domain.md §4.3). */
export const DEFAULT_DEFERRAL_FEE_RATE_PPM: RatePpm = 0;
/** 0.05 % per overdue day (domain.md §4.4 default). */
export const DEFAULT_LATE_FEE_RATE_PPM_PER_DAY: RatePpm = 500;

/**
 * A credit product: the configuration a loan is booked under (issue 4 "Model"). Several can
 * exist; a loan copies the terms it needs at capture so a later change to the product never
 * rewrites an existing loan.
 */
export interface CreditProduct {
  code: string;
  planType: PlanType;
  /** INSTALLMENT only: the period counts a buyer may choose; a subset of {3, 6, 12, 24}. */
  allowedPeriodCounts: readonly number[];
  /** INSTALLMENT only: fee per period as ppm of the principal, keyed by period count. */
  feeRatePpmByPeriodCount: Readonly<Record<number, RatePpm>>;
  /** DEFERRED only: deferral service fee as ppm of the principal. */
  deferralFeeRatePpm: RatePpm;
  /**
   * DEFERRED only: length of the interest-free period in days from booking, or `null` for
   * the §4.3 default "from booking to the due date". A number shortens it (it can never run
   * past the due date: after that the loan is overdue, not interest-free).
   */
  interestFreeDays: number | null;
  lateFeeRatePpmPerDay: RatePpm;
  refundAllocationRule: RefundAllocationRule;
}

function uniformFeeRates(ratePpm: RatePpm): Record<number, RatePpm> {
  return Object.fromEntries(SUPPORTED_PERIOD_COUNTS.map((count) => [count, ratePpm]));
}

export const DEFAULT_INSTALLMENT_PRODUCT: CreditProduct = Object.freeze({
  code: 'INSTALLMENT_STANDARD',
  planType: 'INSTALLMENT',
  allowedPeriodCounts: Object.freeze([...SUPPORTED_PERIOD_COUNTS]),
  feeRatePpmByPeriodCount: Object.freeze(uniformFeeRates(DEFAULT_INSTALLMENT_FEE_RATE_PPM)),
  deferralFeeRatePpm: DEFAULT_DEFERRAL_FEE_RATE_PPM,
  interestFreeDays: null,
  lateFeeRatePpmPerDay: DEFAULT_LATE_FEE_RATE_PPM_PER_DAY,
  refundAllocationRule: 'REAMORTIZE',
}) as CreditProduct;

export const DEFAULT_DEFERRED_PRODUCT: CreditProduct = Object.freeze({
  code: 'DEFERRED_STANDARD',
  planType: 'DEFERRED',
  allowedPeriodCounts: Object.freeze([]),
  feeRatePpmByPeriodCount: Object.freeze({}),
  deferralFeeRatePpm: DEFAULT_DEFERRAL_FEE_RATE_PPM,
  interestFreeDays: null,
  lateFeeRatePpmPerDay: DEFAULT_LATE_FEE_RATE_PPM_PER_DAY,
  refundAllocationRule: 'REAMORTIZE',
}) as CreditProduct;

/** A product from the defaults of its plan type with some terms changed. */
export function creditProduct(planType: PlanType, overrides: Partial<Omit<CreditProduct, 'planType'>> = {}): CreditProduct {
  const base = planType === 'INSTALLMENT' ? DEFAULT_INSTALLMENT_PRODUCT : DEFAULT_DEFERRED_PRODUCT;
  return { ...base, ...overrides, planType };
}

function isRate(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= 1_000_000;
}

/** Every problem with a product, empty when it can be used. */
export function creditProductProblems(product: CreditProduct): string[] {
  const problems: string[] = [];
  if (typeof product.code !== 'string' || product.code.trim() === '') problems.push('code is required');
  if (!PLAN_TYPES.includes(product.planType)) problems.push(`planType must be one of ${PLAN_TYPES.join(', ')}`);
  if (!REFUND_ALLOCATION_RULES.includes(product.refundAllocationRule)) {
    problems.push(`refundAllocationRule must be one of ${REFUND_ALLOCATION_RULES.join(', ')}`);
  }
  if (!isRate(product.lateFeeRatePpmPerDay)) problems.push('lateFeeRatePpmPerDay must be an integer ppm 0-1000000');
  if (!isRate(product.deferralFeeRatePpm)) problems.push('deferralFeeRatePpm must be an integer ppm 0-1000000');
  if (product.interestFreeDays !== null && (!Number.isInteger(product.interestFreeDays) || product.interestFreeDays < 0)) {
    problems.push('interestFreeDays must be null or a non-negative integer');
  }
  if (product.planType === 'INSTALLMENT') {
    if (product.allowedPeriodCounts.length === 0) problems.push('an INSTALLMENT product needs at least one period count');
    if (new Set(product.allowedPeriodCounts).size !== product.allowedPeriodCounts.length) problems.push('allowedPeriodCounts has duplicates');
    for (const count of product.allowedPeriodCounts) {
      if (!SUPPORTED_PERIOD_COUNTS.includes(count)) problems.push(`period count ${count} is not one of ${SUPPORTED_PERIOD_COUNTS.join(', ')}`);
      else if (!isRate(product.feeRatePpmByPeriodCount[count])) problems.push(`fee rate for ${count} periods must be an integer ppm 0-1000000`);
    }
  }
  if (product.planType === 'DEFERRED' && product.allowedPeriodCounts.length > 0) problems.push('a DEFERRED product has no period counts');
  return problems;
}

export class CreditProductError extends Error {}

export function assertValidCreditProduct(product: CreditProduct): void {
  const problems = creditProductProblems(product);
  if (problems.length > 0) throw new CreditProductError(`credit product ${product.code}: ${problems.join('; ')}`);
}
