import { CompensationGranted } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';
import { ExportReadModel } from '../../infra/read-model.repository';

/** The rows of the three compensation exports (domain.md §5 赔付单信息), one per compensation. */
export const compensationGranted = onEvent(CompensationGranted, async (event, scope) => {
  const p = event.payload;
  await new ExportReadModel(scope).insertCompensation({ compensationId: p.compensationId, orderId: p.orderId, merchantId: p.merchantId, kind: p.kind, amount: p.amount, reason: p.reason, grantedBy: p.grantedBy, grantedAt: p.grantedAt });
});
