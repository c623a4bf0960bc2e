/**
 * How an order is paid (domain.md §1.2): online, cash on delivery, or on the buyer's credit
 * line. Declared here, with the other code lists, so that event contracts, request and
 * response contracts and the domain rules all check values against one array.
 */
export const PAYMENT_METHODS = ['ONLINE', 'COD', 'CREDIT'] as const;

/** ONLINE (在线支付), COD cash on delivery (货到付款), CREDIT consumer credit line (§4). */
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/**
 * The credit plans a buyer may choose at checkout (domain.md §4): DEFERRED pays once later,
 * INSTALLMENT over periods. Declared once for the order events, the order request and view, and
 * the order's pricing rules.
 */
export const CREDIT_PLANS = ['DEFERRED', 'INSTALLMENT'] as const;

export type CreditPlanType = (typeof CREDIT_PLANS)[number];

/**
 * How a refund is taken from a loan's scheduled periods (domain.md §4.5 rule 2), a property of
 * the credit product. Declared once for the credit contract (API enums) and the credit rules.
 */
export const REFUND_ALLOCATION_RULES = ['REAMORTIZE', 'LAST_FIRST', 'NEXT_FIRST'] as const;

export type RefundAllocationRuleCode = (typeof REFUND_ALLOCATION_RULES)[number];
