import { AUTO_CONFIRM_CASES, AUTO_CONFIRM_TABLE, AutoConfirmTable } from './auto-confirm-table';
import { autoConfirmRule, autoConfirmView } from './auto-confirm-timer';
import { daysAfter } from './platform-day';
import { ShipmentReceiptFacts } from './shipment-receipt-facts';
import { Decision, veto } from '@orderline/shared/process';

/**
 * The buyer's one-time extension of the receipt deadline (延迟收货, domain.md §2.4): only
 * inside its window, only once. `now` is a Date on the platform clock. On success the caller
 * stores `extendedAt` and the new `autoConfirmAt` (the stored deadline the timer fires on).
 */
export function decideReceiptExtension(shipment: ShipmentReceiptFacts, now: Date, table: AutoConfirmTable = AUTO_CONFIRM_TABLE): Decision<{ extendedAt: Date; autoConfirmAt: Date }> {
  const view = autoConfirmView(shipment, now, table);
  if (now.getTime() < shipment.outboundAt.getTime()) return veto('NOT_SHIPPED_YET', 'receipt can be extended only after the order has shipped');
  if (view.confirmedBy === 'BUYER') return veto('RECEIPT_ALREADY_CONFIRMED', 'the buyer has already confirmed receipt; there is nothing to extend');
  if (view.confirmedBy === 'AUTO') {
    return veto('RECEIPT_ALREADY_CONFIRMED', `receipt was confirmed automatically at ${(view.autoConfirmAt as Date).toISOString()}; an extension had to be asked for before then`);
  }
  if (view.extension.used) return veto('RECEIPT_EXTENSION_ALREADY_USED', 'the receipt deadline can be extended only once and this shipment has been extended already');
  const rule = autoConfirmRule(shipment, table);
  if (!rule.extension || !view.extension.window) {
    const offering = AUTO_CONFIRM_CASES.filter((kase) => table[view.region][kase].extension).join(', ');
    const why = view.case === 'PLATFORM_CARRIER' ? 'a platform-carrier order completes on delivery' : `a shipment in case ${view.case} has a fixed deadline`;
    return veto('RECEIPT_EXTENSION_NOT_OFFERED', `${why}; the extension is offered only for ${offering}`);
  }
  const { opensAt, closesAt } = view.extension.window;
  const span = `from ${opensAt.toISOString()} until ${closesAt.toISOString()}`;
  if (now.getTime() < opensAt.getTime()) return veto('RECEIPT_EXTENSION_WINDOW_NOT_OPEN', `the extension is offered ${span}`);
  if (!view.extension.offeredNow) return veto('RECEIPT_EXTENSION_WINDOW_CLOSED', `the extension was offered ${span}`);
  return { allowed: true, extendedAt: now, autoConfirmAt: daysAfter(view.autoConfirmAt as Date, rule.extension.extendByDays) };
}
