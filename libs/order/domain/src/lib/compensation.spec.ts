import { MAX_FEN } from '@orderline/shared/money';
import { decideCompensation, DEFAULT_LATE_SHIPPING_COMPENSATION, lateShippingCompensationAmount, lateShippingPolicyProblem } from './compensation';

describe('late-shipping compensation amount (延迟发货赔付, domain.md §1.8)', () => {
  const policy = DEFAULT_LATE_SHIPPING_COMPENSATION;

  it('is the rate of what the order paid, rounded down to whole fen', () => {
    expect(lateShippingCompensationAmount({ paidAmount: 19_900, compensatedAmount: 0 }, policy)).toBe(5_970);
    expect(lateShippingCompensationAmount({ paidAmount: 3_333, compensatedAmount: 0 }, { rateBasisPoints: 1, floorFen: 0, capFen: 100 })).toBe(0);
    expect(lateShippingCompensationAmount({ paidAmount: 33_333, compensatedAmount: 0 }, { rateBasisPoints: 3_333, floorFen: 0, capFen: MAX_FEN })).toBe(11_109);
  });

  it('is raised to the floor and held under the cap', () => {
    expect(lateShippingCompensationAmount({ paidAmount: 1_000, compensatedAmount: 0 }, policy)).toBe(500);
    expect(lateShippingCompensationAmount({ paidAmount: 10_000_000, compensatedAmount: 0 }, policy)).toBe(50_000);
  });

  it('never exceeds what is left of what the order paid', () => {
    expect(lateShippingCompensationAmount({ paidAmount: 300, compensatedAmount: 0 }, policy)).toBe(300);
    expect(lateShippingCompensationAmount({ paidAmount: 19_900, compensatedAmount: 19_000 }, policy)).toBe(900);
    expect(lateShippingCompensationAmount({ paidAmount: 19_900, compensatedAmount: 19_900 }, policy)).toBe(0);
    expect(lateShippingCompensationAmount({ paidAmount: 0, compensatedAmount: 0 }, policy)).toBe(0);
  });

  it('stays exact at the largest amount', () => {
    expect(lateShippingCompensationAmount({ paidAmount: MAX_FEN, compensatedAmount: 0 }, { rateBasisPoints: 9_999, floorFen: 0, capFen: MAX_FEN })).toBe(999_900_000_000);
  });

  it('refuses a policy that is not whole numbers in range', () => {
    expect(lateShippingPolicyProblem(policy)).toBeUndefined();
    expect(lateShippingPolicyProblem({ ...policy, rateBasisPoints: 10_001 })).toMatch(/basis points/);
    expect(lateShippingPolicyProblem({ ...policy, rateBasisPoints: 0.5 })).toMatch(/basis points/);
    expect(lateShippingPolicyProblem({ ...policy, floorFen: -1 })).toMatch(/floor/);
    expect(lateShippingPolicyProblem({ ...policy, capFen: 100 })).toMatch(/cap/);
    expect(() => lateShippingCompensationAmount({ paidAmount: 1, compensatedAmount: 0 }, { ...policy, capFen: 1.5 })).toThrow(/cap/);
  });
});

describe('advance and direct compensation (先行赔付, 商家直赔)', () => {
  const paid = { paidAmount: 19_900, compensatedAmount: 0 };

  it('grants whole fen up to what the order paid, all kinds together', () => {
    expect(decideCompensation(paid, { amount: 19_900 })).toEqual({ allowed: true, amount: 19_900 });
    expect(decideCompensation({ ...paid, compensatedAmount: 5_970 }, { amount: 13_930 })).toEqual({ allowed: true, amount: 13_930 });
    expect(decideCompensation({ ...paid, compensatedAmount: 5_970 }, { amount: 13_931 })).toMatchObject({ allowed: false, veto: { code: 'COMPENSATION_EXCEEDS_PAID', reason: expect.stringContaining('13930 fen') } });
  });

  it.each([0, -1, 1.5, MAX_FEN + 1, Number.NaN])('refuses %p fen', (amount) => {
    expect(decideCompensation(paid, { amount })).toMatchObject({ allowed: false, veto: { code: 'COMPENSATION_AMOUNT_INVALID' } });
  });

  it('refuses an order that paid nothing', () => {
    expect(decideCompensation({ paidAmount: 0, compensatedAmount: 0 }, { amount: 1 })).toMatchObject({ allowed: false, veto: { code: 'COMPENSATION_ORDER_NOT_PAID' } });
  });
});
