import type { EventHandlerBinding } from '@orderline/shared/messaging';
import { compensationGranted } from './compensations';
import { locSignupSubmitted } from './loc-signups';
import { consigneeChanged } from './consignee-changed';
import { orderPlaced } from './order-placed';
import { orderCancelled, orderCompleted, orderDelivered, orderPaid, orderPaused, orderResumed, orderShipped } from './order-status';
import { refundCompleted } from './refund-completed';
import { shipmentDelivered, shipmentDispatched } from './shipments';
import { shippingTimedOut, shippingWarningRaised } from './shipping-alerts';

/**
 * Every event the export read model applies: one small file per source. Types whose events
 * do not exist yet (tracking updates, after-sales states) get a file here when their events are declared.
 */
export const readModelHandlers = (personalDataSecret: readonly string[]): EventHandlerBinding[] => [
  orderPlaced(personalDataSecret),
  orderPaid,
  orderPaused,
  orderResumed,
  orderCancelled,
  orderShipped,
  orderDelivered,
  orderCompleted,
  consigneeChanged(personalDataSecret),
  shipmentDispatched,
  shipmentDelivered,
  refundCompleted,
  shippingWarningRaised,
  shippingTimedOut,
  compensationGranted,
  locSignupSubmitted(personalDataSecret),
];
