import { CreditHoldDeclined, CreditHoldPlaced, CreditHoldReleased, LoanBooked, LoanSettled, RefundOffsetApplied, RepaymentReceived, StatementIssued } from './events/credit-events';
import { OrderShipped, RefundCompleted } from './events/fulfilment-events';
import { ShipmentDelivered, ShipmentDispatched } from './events/logistics-events';
import { ConsigneeChanged, OrderCancelled, OrderCompleted, OrderDelivered, OrderPaid, OrderPaused, OrderPlaced, OrderResumed } from './events/order-events';
import { ExportCompleted } from './events/export-events';
import { EventRegistry } from './registry';

/** Every event type of the platform. A type missing here cannot be published or consumed. */
export const ALL_EVENTS = [
  OrderPlaced,
  OrderPaid,
  OrderCancelled,
  OrderPaused,
  OrderResumed,
  ConsigneeChanged,
  OrderShipped,
  OrderDelivered,
  OrderCompleted,
  ShipmentDispatched,
  ShipmentDelivered,
  RefundCompleted,
  CreditHoldPlaced,
  CreditHoldDeclined,
  CreditHoldReleased,
  LoanBooked,
  RefundOffsetApplied,
  StatementIssued,
  RepaymentReceived,
  LoanSettled,
  ExportCompleted,
] as const;

export function createEventRegistry(): EventRegistry {
  return new EventRegistry(ALL_EVENTS);
}
