/** Order life cycle states (domain.md §1.2). */
export const ORDER_STATUSES = ['UNPAID', 'WAITING_OUTBOUND', 'PAUSED', 'SHIPPED', 'DELIVERED', 'COMPLETED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** States from which the buyer may still cancel directly (domain.md §1.3). */
export const PRE_SHIPMENT_STATUSES: readonly OrderStatus[] = ['UNPAID', 'WAITING_OUTBOUND', 'PAUSED'];
