import { AfterSalesApproved, AfterSalesRejected, AfterSalesRequested, ReplacementRequested, ReturnReceived, ReturnShipmentRegistered } from './events/after-sales-events';
import { CreditHoldDeclined, CreditHoldPlaced, CreditHoldReleased, LoanBooked, LoanSettled, RefundOffsetApplied, RefundOffsetRefused, RepaymentReceived, StatementIssued } from './events/credit-events';
import { OrderShipped, RefundCompleted } from './events/fulfilment-events';
import { CodReconciled, OrderFeesChanged, OrderStatusChanged, ShippingTimedOut, ShippingWarningRaised, VoucherRedeemed } from './events/order-lifecycle-events';
import { ReceiptAutoConfirmed, ShipmentDelivered, ShipmentDispatched, ShipmentInterceptionUpdated, TrackingUpdated, WaybillCorrected } from './events/logistics-events';
import { ConsigneeChanged, DispatchRejected, OrderCancelled, OrderCompleted, OrderDelivered, OrderPaid, OrderPaused, OrderPlaced, OrderResumed } from './events/order-events';
import { ExportCompleted } from './events/export-events';
import { ReplacementReceived, ReplacementShipped, ReturnParcelTracked } from './events/exchange-events';
import { CancellationRequestSubmitted } from './events/cancellation-request-events';
import { CompensationGranted, LocSignupSubmitted } from './events/compensation-events';
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
  OrderStatusChanged,
  ShippingWarningRaised,
  ShippingTimedOut,
  OrderFeesChanged,
  CodReconciled,
  VoucherRedeemed,
  DispatchRejected,
  ShipmentDispatched,
  ShipmentDelivered,
  TrackingUpdated,
  ReceiptAutoConfirmed,
  ShipmentInterceptionUpdated,
  WaybillCorrected,
  RefundCompleted,
  AfterSalesRequested,
  AfterSalesApproved,
  AfterSalesRejected,
  ReturnShipmentRegistered,
  ReturnReceived,
  ReplacementRequested,
  ReplacementShipped,
  ReplacementReceived,
  ReturnParcelTracked,
  CreditHoldPlaced,
  CreditHoldDeclined,
  CreditHoldReleased,
  LoanBooked,
  RefundOffsetApplied,
  RefundOffsetRefused,
  StatementIssued,
  RepaymentReceived,
  LoanSettled,
  ExportCompleted,
  CancellationRequestSubmitted,
  CompensationGranted,
  LocSignupSubmitted,
] as const;

export function createEventRegistry(): EventRegistry {
  return new EventRegistry(ALL_EVENTS);
}
