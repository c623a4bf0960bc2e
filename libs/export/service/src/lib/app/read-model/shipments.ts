import { ShipmentDelivered, ShipmentDispatched } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';

/** Parcels for the shipping-info export (domain.md §5 "order shipping/express info"). */
export const shipmentDispatched = onEvent(ShipmentDispatched, async (event, scope) => {
  const p = event.payload;
  await scope.manager.query(
    `INSERT INTO export_shipment (shipment_id, order_id, carrier, waybill_no, dispatched_at, tracking_status, tracking_at) VALUES ($1, $2, $3, $4, $5, 'DISPATCHED', $5)
     ON CONFLICT (shipment_id) DO UPDATE SET carrier = EXCLUDED.carrier, waybill_no = EXCLUDED.waybill_no`,
    [p.shipmentId, p.orderId, p.carrier, p.waybillNo, event.occurredAt],
  );
});

export const shipmentDelivered = onEvent(ShipmentDelivered, async (event, scope) => {
  await scope.manager.query(`UPDATE export_shipment SET delivered_at = $2, tracking_status = 'DELIVERED', tracking_at = $2 WHERE shipment_id = $1`, [event.payload.shipmentId, event.occurredAt]);
});
