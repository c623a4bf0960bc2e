import { decideReplacementTransition } from '@orderline/logistics/domain';
import { ReplacementReceipt, ReplacementReceived } from '@orderline/shared/contracts';
import { applyTransition, outgoing, TransactionScope } from '@orderline/shared/messaging';
import { loadReplacement, markReplacementReceived } from '../infra/replacement.repository';

/**
 * The buyer received a replacement (platform-carrier delivery, or the §2.4 timer): the
 * replacement moves to RECEIVED and after-sales hears `ReplacementReceived`, in the caller's
 * transaction. A second report (a replayed delivery) changes nothing.
 */
export async function receiveReplacement(scope: TransactionScope, afterSalesId: string, shipmentId: string, receivedBy: ReplacementReceipt, receivedAt: Date): Promise<void> {
  const replacement = await loadReplacement(scope.manager, afterSalesId, true);
  if (!replacement) return;
  const decision = decideReplacementTransition(replacement.status, 'RECEIVE');
  if (!decision.allowed) return;
  await applyTransition(scope, replacement, decision, {
    save: (moved) => markReplacementReceived(scope.manager, moved, receivedBy, receivedAt),
    effects: { REPLACEMENT_RECEIVED: () => outgoing(ReplacementReceived, { afterSalesId, orderId: replacement.orderId, shipmentId, receivedBy, receivedAt: receivedAt.toISOString() }) },
  });
}
