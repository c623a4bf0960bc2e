import { ConsigneeChanged, EventConsignee, openPersonalData } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';
import { ExportReadModel } from '../../infra/read-model.repository';
import { readModelConsignee } from './order-placed';

/** The consignee after a change (domain.md §1.6); events without it (or sealed under another key) change nothing. */
export const consigneeChanged = (personalDataSecret: readonly string[]) =>
  onEvent(ConsigneeChanged, async (event, scope) => {
    const consignee = event.payload.consigneeSealed ? openPersonalData<EventConsignee>(event.payload.consigneeSealed, personalDataSecret) : undefined;
    if (!consignee) return;
    await new ExportReadModel(scope).setConsignee(event.payload.orderId, readModelConsignee(consignee), event.occurredAt);
  });
