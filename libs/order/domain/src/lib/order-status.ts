import { OrderStatus } from '@orderline/shared/platform-rules';

// Order life cycle states (domain.md §1.2): the list is shared with the API's schemas.
export { ORDER_STATUSES } from '@orderline/shared/platform-rules';
export type { OrderStatus } from '@orderline/shared/platform-rules';

/** States from which the buyer may still cancel directly (domain.md §1.3). */
export const PRE_SHIPMENT_STATUSES: readonly OrderStatus[] = ['UNPAID', 'WAITING_OUTBOUND', 'PAUSED'];
