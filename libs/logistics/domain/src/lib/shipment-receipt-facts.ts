/** The platform carrier (京东快递/京配) or any other carrier (domain.md §1.1). */
export type CarrierKind = 'JD_LOGISTICS' | 'THIRD_PARTY';

/**
 * What the receipt timers look at (domain.md §2.4): pure data the logistics service loads
 * from its shipment and tracking tables. Tracking events may arrive in any order.
 */
export interface ShipmentReceiptFacts {
  carrier: CarrierKind;
  crossBorder: boolean;
  outboundAt: Date;
  /** Carrier tracking events (in transit, out for delivery, exception, delivered…), any order. */
  trackingEvents: readonly { at: Date }[];
  /** The delivery event (妥投), when the carrier reported one. */
  deliveredAt?: Date;
  /** When the buyer used the one-time extension, if ever. */
  extendedAt?: Date;
  /** When the buyer confirmed receipt manually, if ever. */
  receiptConfirmedAt?: Date;
}
