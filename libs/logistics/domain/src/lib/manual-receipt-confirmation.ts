import { AUTO_CONFIRM_TABLE, AutoConfirmTable } from './auto-confirm-table';
import { autoConfirmView } from './auto-confirm-timer';
import { ShipmentReceiptFacts } from './shipment-receipt-facts';
import { Decision, veto } from '@orderline/shared/process';

/**
 * The buyer confirms receipt by hand (domain.md §2.4: "at any time after shipment"), until
 * the order is confirmed one way or the other. `now` is a Date on the platform clock.
 */
export function decideManualReceiptConfirmation(shipment: ShipmentReceiptFacts, now: Date, table: AutoConfirmTable = AUTO_CONFIRM_TABLE): Decision<{ confirmedAt: Date }> {
  if (now.getTime() < shipment.outboundAt.getTime()) return veto('NOT_SHIPPED_YET', 'receipt can be confirmed once the order has shipped');
  const view = autoConfirmView(shipment, now, table);
  if (view.confirmedBy === 'BUYER') return veto('RECEIPT_ALREADY_CONFIRMED', 'the buyer has already confirmed receipt');
  if (view.confirmedBy === 'AUTO') {
    const how = view.case === 'PLATFORM_CARRIER' ? 'the order completed on delivery' : 'receipt was confirmed automatically';
    return veto('RECEIPT_ALREADY_CONFIRMED', `${how} at ${(view.autoConfirmAt as Date).toISOString()}`);
  }
  return { allowed: true, confirmedAt: now };
}
