/**
 * How an order is paid (domain.md §1.2): online, cash on delivery, or on the buyer's credit
 * line. Declared once here, the lowest library that event contracts, request contracts and
 * domain rules may all import (`type:util`).
 */
export const PAYMENT_METHODS = ['ONLINE', 'COD', 'CREDIT'] as const;

/** ONLINE (在线支付), COD cash on delivery (货到付款), CREDIT consumer credit line (§4). */
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
