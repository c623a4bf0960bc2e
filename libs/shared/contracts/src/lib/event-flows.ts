import type { ALL_EVENTS } from './catalog';

/** The deployables that write or read events (each the `producer` of its envelopes and its consumer group). */
export const SERVICE_NAMES = ['gateway', 'order-service', 'logistics-service', 'after-sales-service', 'credit-billing-service', 'export-service'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type EventTypeName = (typeof ALL_EVENTS)[number]['type'];

export interface EventFlow {
  /** The one service whose outbox writes the event. */
  producer: ServiceName;
  /** The services with a handler for it (their inbox applies it once). */
  consumers: readonly ServiceName[];
}

/**
 * Who writes and who reads each event. Declared here, beside the registry, because the
 * contracts may not import the services; `tools/api/event-flows.spec.ts` checks it against
 * every service's handler registrations (EVENT_HANDLERS) and `scope.publish` calls, so it
 * cannot drift. The AsyncAPI document and the events catalogue are built from it.
 */
export const EVENT_FLOWS: Readonly<Record<EventTypeName, EventFlow>> = {
  OrderPlaced: { producer: 'order-service', consumers: ['logistics-service', 'after-sales-service', 'credit-billing-service', 'export-service'] },
  OrderPaid: { producer: 'order-service', consumers: ['logistics-service', 'after-sales-service', 'export-service'] },
  OrderCancelled: { producer: 'order-service', consumers: ['logistics-service', 'after-sales-service', 'credit-billing-service', 'export-service'] },
  OrderPaused: { producer: 'order-service', consumers: ['logistics-service', 'export-service'] },
  OrderResumed: { producer: 'order-service', consumers: ['logistics-service', 'export-service'] },
  ConsigneeChanged: { producer: 'order-service', consumers: ['logistics-service', 'export-service'] },
  OrderShipped: { producer: 'order-service', consumers: ['after-sales-service', 'credit-billing-service', 'export-service'] },
  OrderDelivered: { producer: 'order-service', consumers: ['after-sales-service', 'export-service'] },
  OrderCompleted: { producer: 'order-service', consumers: ['logistics-service', 'after-sales-service', 'export-service'] },
  OrderStatusChanged: { producer: 'order-service', consumers: [] },
  ShippingWarningRaised: { producer: 'order-service', consumers: ['export-service'] },
  ShippingTimedOut: { producer: 'order-service', consumers: ['export-service'] },
  OrderFeesChanged: { producer: 'order-service', consumers: [] },
  CodReconciled: { producer: 'order-service', consumers: [] },
  VoucherRedeemed: { producer: 'order-service', consumers: [] },
  DispatchRejected: { producer: 'order-service', consumers: ['logistics-service'] },
  CancellationRequestSubmitted: { producer: 'order-service', consumers: ['gateway'] },
  CompensationGranted: { producer: 'order-service', consumers: ['export-service'] },
  LocSignupSubmitted: { producer: 'order-service', consumers: ['export-service'] },
  ShipmentDispatched: { producer: 'logistics-service', consumers: ['order-service', 'export-service'] },
  ShipmentDelivered: { producer: 'logistics-service', consumers: ['order-service', 'export-service'] },
  TrackingUpdated: { producer: 'logistics-service', consumers: [] },
  ReceiptAutoConfirmed: { producer: 'logistics-service', consumers: ['order-service'] },
  ShipmentInterceptionUpdated: { producer: 'logistics-service', consumers: [] },
  WaybillCorrected: { producer: 'logistics-service', consumers: [] },
  RefundCompleted: { producer: 'after-sales-service', consumers: ['order-service', 'credit-billing-service', 'export-service'] },
  AfterSalesRequested: { producer: 'after-sales-service', consumers: ['order-service'] },
  AfterSalesApproved: { producer: 'after-sales-service', consumers: ['order-service'] },
  AfterSalesRejected: { producer: 'after-sales-service', consumers: ['order-service'] },
  ReturnShipmentRegistered: { producer: 'after-sales-service', consumers: ['order-service', 'logistics-service'] },
  ReturnReceived: { producer: 'after-sales-service', consumers: ['order-service'] },
  ReplacementRequested: { producer: 'after-sales-service', consumers: ['logistics-service'] },
  ReplacementShipped: { producer: 'logistics-service', consumers: ['order-service', 'after-sales-service'] },
  ReplacementReceived: { producer: 'logistics-service', consumers: ['order-service', 'after-sales-service'] },
  ReturnParcelTracked: { producer: 'logistics-service', consumers: ['after-sales-service'] },
  CreditHoldPlaced: { producer: 'credit-billing-service', consumers: ['order-service'] },
  CreditHoldDeclined: { producer: 'credit-billing-service', consumers: ['order-service'] },
  CreditHoldReleased: { producer: 'credit-billing-service', consumers: [] },
  LoanBooked: { producer: 'credit-billing-service', consumers: ['after-sales-service'] },
  RefundOffsetApplied: { producer: 'credit-billing-service', consumers: ['after-sales-service'] },
  RefundOffsetRefused: { producer: 'credit-billing-service', consumers: ['after-sales-service'] },
  StatementIssued: { producer: 'credit-billing-service', consumers: [] },
  RepaymentReceived: { producer: 'credit-billing-service', consumers: [] },
  LoanSettled: { producer: 'credit-billing-service', consumers: [] },
  ExportCompleted: { producer: 'export-service', consumers: [] },
};
