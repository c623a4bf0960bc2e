import { multiplyFen, sumFen } from '@orderline/shared/money';
import { priceOrder } from './order-pricing';
import { splitSubscription, subscriptionPlanProblem } from './subscription-plan';

describe('subscription plan (定期购)', () => {
  const plan = { periods: 3, intervalDays: 30, firstProductionDate: new Date('2026-12-01T00:00:00Z') };
  const items = [
    { skuId: 'milk', title: 'Milk powder', unitPrice: 12_345, quantity: 6 },
    { skuId: 'spoon', title: 'Spoon', unitPrice: 99, quantity: 3 },
  ];

  it('splits the totals into equal periods on their production dates', () => {
    const periods = splitSubscription(plan, items, 800);
    expect(periods.map((p) => [p.period, p.productionDate.toISOString(), p.lines.map((l) => l.quantity)])).toEqual([
      [1, '2026-12-01T00:00:00.000Z', [2, 1]],
      [2, '2026-12-31T00:00:00.000Z', [2, 1]],
      [3, '2027-01-30T00:00:00.000Z', [2, 1]],
    ]);
    expect(periods[0].goodsTotal).toBe(multiplyFen(12_345, 2) + 99);
    expect(periods.map((p) => p.freight)).toEqual([800, 0, 0]);
  });

  it('adds up to what the parent costs, to the fen, for any plan', () => {
    for (const periods of [2, 3, 4, 6, 12]) {
      const spread = items.map((item) => ({ ...item, quantity: periods * (1 + (item.unitPrice % 5)) }));
      const parent = priceOrder(spread, 1_234);
      const children = splitSubscription({ ...plan, periods }, spread, 1_234);
      expect(children).toHaveLength(periods);
      expect(sumFen(children.map((c) => c.payable))).toBe(parent.payable);
    }
  });

  it('refuses quantities that do not divide evenly, and too few periods', () => {
    expect(subscriptionPlanProblem(plan, [{ ...items[0], quantity: 7 }])).toMatchObject({ code: 'SUBSCRIPTION_QUANTITY_UNEVEN' });
    expect(subscriptionPlanProblem({ ...plan, periods: 1 }, items)).toMatchObject({ code: 'SUBSCRIPTION_PERIODS_INVALID' });
    expect(subscriptionPlanProblem({ ...plan, intervalDays: 0 }, items)).toMatchObject({ code: 'SUBSCRIPTION_INTERVAL_INVALID' });
    expect(subscriptionPlanProblem(plan, items)).toBeUndefined();
    expect(() => splitSubscription(plan, [{ ...items[0], quantity: 7 }], 0)).toThrow(/divide evenly/);
  });
});
