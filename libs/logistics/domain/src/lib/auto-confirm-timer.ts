import { AUTO_CONFIRM_TABLE, AutoConfirmCase, AutoConfirmRule, AutoConfirmTable, ShipmentRegion } from './auto-confirm-table';
import { DayWindow, daysAfter, daysWindow, isInside } from './platform-day';
import { ShipmentReceiptFacts } from './shipment-receipt-facts';

/**
 * When a shipment's receipt is confirmed automatically (domain.md §2.4), and whether the
 * buyer's one-time extension is on offer at `now`.
 *
 * Decision: an extension, once used, stays with the shipment: if the case changes later
 * (a delivery event arrives after the buyer extended a tracking-only shipment), the new
 * case's deadline is also pushed by that case's extension days, and no second extension is
 * offered. The buyer never loses the days they asked for.
 */
export interface ExtensionOffer {
  /** The days the case offers the button on, or null when the case has no extension. */
  window: DayWindow | null;
  offeredNow: boolean;
  used: boolean;
}

export interface AutoConfirmView {
  case: AutoConfirmCase;
  region: ShipmentRegion;
  /** The instant the case counts from; null while it has not happened (platform carrier before delivery). */
  anchorAt: Date | null;
  /** The auto-confirm instant, extension included; null when there is none yet. */
  autoConfirmAt: Date | null;
  /** Receipt is confirmed at `now`: manually, or because autoConfirmAt has been reached. */
  confirmed: boolean;
  confirmedBy: 'BUYER' | 'AUTO' | null;
  extension: ExtensionOffer;
}

export function autoConfirmCase(shipment: ShipmentReceiptFacts): AutoConfirmCase {
  if (shipment.carrier === 'JD_LOGISTICS') return 'PLATFORM_CARRIER';
  if (shipment.deliveredAt) return 'THIRD_PARTY_DELIVERED';
  return shipment.trackingEvents.length === 0 ? 'THIRD_PARTY_NO_TRACKING' : 'THIRD_PARTY_TRACKING_WITHOUT_DELIVERY';
}

export function shipmentRegion(shipment: ShipmentReceiptFacts): ShipmentRegion {
  return shipment.crossBorder ? 'CROSS_BORDER' : 'DOMESTIC';
}

export function lastTrackingEventAt(shipment: ShipmentReceiptFacts): Date | null {
  if (shipment.trackingEvents.length === 0) return null;
  return new Date(Math.max(...shipment.trackingEvents.map((event) => event.at.getTime())));
}

function anchorOf(rule: AutoConfirmRule, shipment: ShipmentReceiptFacts): Date | null {
  if (rule.anchor === 'OUTBOUND') return shipment.outboundAt;
  if (rule.anchor === 'DELIVERY') return shipment.deliveredAt ?? null;
  return lastTrackingEventAt(shipment);
}

export function autoConfirmRule(shipment: ShipmentReceiptFacts, table: AutoConfirmTable = AUTO_CONFIRM_TABLE): AutoConfirmRule {
  return table[shipmentRegion(shipment)][autoConfirmCase(shipment)];
}

export function autoConfirmView(shipment: ShipmentReceiptFacts, now: Date, table: AutoConfirmTable = AUTO_CONFIRM_TABLE): AutoConfirmView {
  const rule = autoConfirmRule(shipment, table);
  const anchorAt = anchorOf(rule, shipment);
  const used = shipment.extendedAt !== undefined;
  const baseDeadline = anchorAt ? daysAfter(anchorAt, rule.confirmAfterDays) : null;
  const extraDays = used && rule.extension ? rule.extension.extendByDays : 0;
  const autoConfirmAt = baseDeadline ? daysAfter(baseDeadline, extraDays) : null;

  const manual = shipment.receiptConfirmedAt !== undefined && shipment.receiptConfirmedAt.getTime() <= now.getTime();
  const auto = autoConfirmAt !== null && now.getTime() >= autoConfirmAt.getTime();
  const confirmedBy = manual ? 'BUYER' : auto ? 'AUTO' : null;

  const window = anchorAt && rule.extension ? clipTo(daysWindow(anchorAt, ...rule.extension.offeredOnDays), baseDeadline as Date) : null;
  const offeredNow = window !== null && !used && confirmedBy === null && isInside(window, now);
  return {
    case: autoConfirmCase(shipment),
    region: shipmentRegion(shipment),
    anchorAt,
    autoConfirmAt,
    confirmed: confirmedBy !== null,
    confirmedBy,
    extension: { window, offeredNow, used },
  };
}

// The button never outlives the deadline it would push (the table check keeps it inside,
// this keeps a custom table honest too).
function clipTo(window: DayWindow, deadline: Date): DayWindow {
  return window.closesAt.getTime() > deadline.getTime() ? { opensAt: window.opensAt, closesAt: deadline } : window;
}
