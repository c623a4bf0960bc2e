import { availableOf, billingCycleProblem, decideHold } from './credit-line';

describe('credit line', () => {
  it('derives available = limit − held − outstanding', () => {
    expect(availableOf({ limit: 100_000, held: 20_000, outstanding: 30_000 })).toBe(50_000);
    expect(availableOf({ limit: 100, held: 80, outstanding: 50 })).toBe(0);
  });

  it('grants a hold up to exactly the available limit', () => {
    expect(decideHold({ limit: 10_000, held: 4_000, outstanding: 1_000 }, 5_000)).toEqual({ granted: true, availableAfter: 0 });
  });

  it('declines one fen over', () => {
    expect(decideHold({ limit: 10_000, held: 4_000, outstanding: 1_000 }, 5_001)).toEqual({ granted: false, reason: 'INSUFFICIENT_AVAILABLE_LIMIT', available: 5_000 });
  });

  it('refuses non-positive or fractional holds', () => {
    expect(() => decideHold({ limit: 1, held: 0, outstanding: 0 }, 0)).toThrow();
    expect(() => decideHold({ limit: 10, held: 0, outstanding: 0 }, 1.5)).toThrow();
  });

  it('checks billing cycles', () => {
    expect(billingCycleProblem({ statementDay: 29, dueOffsetDays: 10 })).toMatch(/1-28/);
    expect(billingCycleProblem({ statementDay: 5, dueOffsetDays: 10 })).toBeUndefined();
  });
});
