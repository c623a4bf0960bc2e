import { CreditHoldDeclined, CreditHoldPlaced, CreditHoldReleased } from './events/credit-events';
import { OrderCancelled, OrderPaid, OrderPlaced } from './events/order-events';
import { EventRegistry } from './registry';

/** Every event type of the platform. A type missing here cannot be published or consumed. */
export const ALL_EVENTS = [OrderPlaced, OrderPaid, OrderCancelled, CreditHoldPlaced, CreditHoldDeclined, CreditHoldReleased] as const;

export function createEventRegistry(): EventRegistry {
  return new EventRegistry(ALL_EVENTS);
}
