/**
 * The credit plans a buyer may choose at checkout (domain.md §4): DEFERRED pays once later,
 * INSTALLMENT over periods. Declared once for the order events, the order request and the
 * order's pricing rules.
 */
export const CREDIT_PLANS = ['DEFERRED', 'INSTALLMENT'] as const;

export type CreditPlanType = (typeof CREDIT_PLANS)[number];
