import { ConsigneeChanged, EventConsignee, openPersonalData } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';

/** The consignee after a change (domain.md §1.6); events without it (or sealed under another key) change nothing. */
export const consigneeChanged = (personalDataSecret: string) =>
  onEvent(ConsigneeChanged, async (event, scope) => {
    const consignee = event.payload.consigneeSealed ? openPersonalData<EventConsignee>(event.payload.consigneeSealed, personalDataSecret) : undefined;
    if (!consignee) return;
    await scope.manager.query(
      `UPDATE export_order SET consignee_name = $2, consignee_phone = $3, province = $4, city = $5, county = $6, town = $7, address_detail = $8, updated_at = GREATEST(updated_at, $9::timestamptz) WHERE order_id = $1`,
      [event.payload.orderId, consignee.name, consignee.phone, consignee.address.province, consignee.address.city, consignee.address.county, consignee.address.town ?? null, consignee.address.detail, event.occurredAt],
    );
  });
