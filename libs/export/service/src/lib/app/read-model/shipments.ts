import { ShipmentDelivered, ShipmentDispatched } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';
import { ExportReadModel } from '../../infra/read-model.repository';

/** Parcels for the shipping-info export (domain.md §5 "order shipping/express info"). */
export const shipmentDispatched = onEvent(ShipmentDispatched, async (event, scope) => {
  const p = event.payload;
  await new ExportReadModel(scope).upsertShipment({ shipmentId: p.shipmentId, orderId: p.orderId, carrier: p.carrier, waybillNo: p.waybillNo, dispatchedAt: event.occurredAt });
});

export const shipmentDelivered = onEvent(ShipmentDelivered, (event, scope) => new ExportReadModel(scope).markShipmentDelivered(event.payload.shipmentId, event.occurredAt));
