import { EntityManager } from 'typeorm';
import { ShipmentRow } from './shipment.repository';

/**
 * Return parcels are shipments with purpose RETURN (one per after-sales request): the buyer's
 * waybill or a booked pickup, travelling to the merchant. They have no `shipment_order` row —
 * no receipt timer, and never in the order's own tracking.
 */
export async function returnParcelOf(manager: EntityManager, afterSalesId: string, lock = false): Promise<Pick<ShipmentRow, 'id' | 'carrier' | 'waybillNo'> | undefined> {
  const [row] = await manager.query(`SELECT id, carrier, waybill_no AS "waybillNo" FROM shipment WHERE purpose = 'RETURN' AND after_sales_id = $1${lock ? ' FOR UPDATE' : ''}`, [afterSalesId]);
  return row;
}

/** The buyer entered another carrier or number for the same return: the parcel follows it (the old number stays in the corrections). */
export async function changeReturnCarrier(manager: EntityManager, shipmentId: string, carrier: string): Promise<void> {
  await manager.query(`UPDATE shipment SET carrier = $2 WHERE id = $1`, [shipmentId, carrier]);
}

export interface ReturnParcelWithoutTracking {
  afterSalesId: string;
  orderId: string;
  carrier: string;
  waybillNo: string;
  pickup: boolean;
  registeredAt: Date;
}

/** A merchant's return parcels registered by `cutoff` that no carrier event has reached yet, oldest first. */
export async function returnParcelsWithoutTracking(manager: EntityManager, merchantId: string, cutoff: Date): Promise<ReturnParcelWithoutTracking[]> {
  return manager.query(
    `SELECT s.after_sales_id AS "afterSalesId", s.return_order_id AS "orderId", s.carrier, s.waybill_no AS "waybillNo", s.shipped_by = 'PICKUP' AS pickup, s.outbound_at AS "registeredAt"
       FROM shipment s
      WHERE s.purpose = 'RETURN' AND s.merchant_id = $1 AND s.outbound_at <= $2 AND s.delivered_at IS NULL AND NOT EXISTS (SELECT 1 FROM tracking_event t WHERE t.shipment_id = s.id)
      ORDER BY s.outbound_at LIMIT 500`,
    [merchantId, cutoff],
  );
}
