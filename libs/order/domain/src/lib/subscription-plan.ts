import { Fen, multiplyFen, sumFen } from '@orderline/shared/money';
import { Veto } from '@orderline/shared/process';

/**
 * 定期购 (domain.md §1.1): a parent order bought for several periods, split into one child
 * order per period. The parent's items carry the totals over all periods.
 *
 * Decisions where the spec is silent:
 * - each item's quantity must divide evenly by the periods (every parcel is the same);
 * - production dates are `firstProductionDate + (period − 1) × intervalDays`;
 * - the parent's payment covers the children: a child's payable is the goods of its period,
 *   plus the whole freight on the first, so the children add up to the parent to the fen.
 */
export interface SubscriptionPlan {
  periods: number;
  intervalDays: number;
  firstProductionDate: Date;
}

export interface SubscriptionItem {
  skuId: string;
  title: string;
  unitPrice: Fen;
  /** Over all periods. */
  quantity: number;
}

export interface SubscriptionPeriod {
  period: number;
  productionDate: Date;
  lines: Array<SubscriptionItem & { lineTotal: Fen }>;
  goodsTotal: Fen;
  freight: Fen;
  payable: Fen;
}

const DAY_MS = 86_400_000;

export function subscriptionPlanProblem(plan: SubscriptionPlan, items: ReadonlyArray<Pick<SubscriptionItem, 'skuId' | 'quantity'>>): Veto | undefined {
  if (!Number.isInteger(plan.periods) || plan.periods < 2) return { code: 'SUBSCRIPTION_PERIODS_INVALID', reason: 'a subscription has at least 2 periods' };
  if (!Number.isInteger(plan.intervalDays) || plan.intervalDays < 1) return { code: 'SUBSCRIPTION_INTERVAL_INVALID', reason: 'periods are at least one day apart' };
  const uneven = items.find((item) => item.quantity % plan.periods !== 0);
  if (uneven) {
    return {
      code: 'SUBSCRIPTION_QUANTITY_UNEVEN',
      reason: `item ${uneven.skuId}: the quantity (${uneven.quantity}) is the total over all ${plan.periods} periods and must divide evenly by them`,
    };
  }
  return undefined;
}

/** The child orders of a subscription, period by period. */
export function splitSubscription(plan: SubscriptionPlan, items: readonly SubscriptionItem[], freight: Fen): SubscriptionPeriod[] {
  const problem = subscriptionPlanProblem(plan, items);
  if (problem) throw new Error(problem.reason);
  return Array.from({ length: plan.periods }, (_, index) => {
    const lines = items.map((item) => {
      const quantity = item.quantity / plan.periods;
      return { skuId: item.skuId, title: item.title, unitPrice: item.unitPrice, quantity, lineTotal: multiplyFen(item.unitPrice, quantity) };
    });
    const goodsTotal = sumFen(lines.map((line) => line.lineTotal));
    const periodFreight = index === 0 ? freight : 0;
    return {
      period: index + 1,
      productionDate: new Date(plan.firstProductionDate.getTime() + index * plan.intervalDays * DAY_MS),
      lines,
      goodsTotal,
      freight: periodFreight,
      payable: sumFen([goodsTotal, periodFreight]),
    };
  });
}
