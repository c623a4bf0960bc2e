import { RefundCompleted } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';
import { ExportReadModel } from '../../infra/read-model.repository';

/**
 * Refunded amount per order and quantity per line; kept even when the order is not known yet.
 * The consumer locks the order first (`lockKey`): its placement may be applied at the same moment.
 */
export const refundCompleted = onEvent(RefundCompleted, async (event, scope) => {
  const p = event.payload;
  const readModel = new ExportReadModel(scope);
  await readModel.addRefund({ refundId: p.refundId, orderId: p.orderId, amount: p.amount, afterSalesId: p.afterSalesId ?? null, lines: p.lines, completedAt: event.occurredAt });
}, { lockKey: (event) => `export-order:${event.payload.orderId}` });
