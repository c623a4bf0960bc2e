import { EntityManager } from 'typeorm';
import { InterceptionState, ServiceProduct } from '@orderline/logistics/domain';
import type { TrackingStatus } from '@orderline/shared/contracts';

export interface ShipmentRow {
  id: string;
  merchantId: string;
  carrier: string;
  serviceProduct: ServiceProduct;
  waybillNo: string;
  merged: boolean;
  packageCount: number;
  declaredValue: number | null;
  crossBorder: boolean;
  outboundAt: Date;
  deliveredAt: Date | null;
  /** The shipment process's status (domain shipment-process.ts), stored in the `interception` column. */
  status: InterceptionState;
  interceptionUpdatedAt: Date | null;
  shippedBy: string;
  /** What the parcel carries: an order's goods, an exchange's replacement, or goods coming back (RETURN). */
  purpose: ShipmentPurpose;
  /** The after-sales request of a REPLACEMENT or RETURN parcel. */
  afterSalesId: string | null;
  /** The order a RETURN parcel belongs to (other parcels name their orders in shipment_order). */
  returnOrderId: string | null;
}

export type ShipmentPurpose = 'ORDER' | 'REPLACEMENT' | 'RETURN';

export interface TrackingEventRow {
  carrierEventId: string;
  status: TrackingStatus;
  occurredAt: Date;
  receivedAt: Date;
  location: string | null;
  description: string | null;
  waybillNo: string;
}

const SHIPMENT_COLUMNS = `id, merchant_id AS "merchantId", carrier, service_product AS "serviceProduct", waybill_no AS "waybillNo", merged, package_count AS "packageCount",
  declared_value::float8 AS "declaredValue", cross_border AS "crossBorder", outbound_at AS "outboundAt", delivered_at AS "deliveredAt", interception AS status,
  interception_updated_at AS "interceptionUpdatedAt", shipped_by AS "shippedBy", purpose, after_sales_id AS "afterSalesId", return_order_id AS "returnOrderId"`;

export async function loadShipment(manager: EntityManager, shipmentId: string, lock = false): Promise<ShipmentRow | undefined> {
  const [row] = await manager.query(`SELECT ${SHIPMENT_COLUMNS} FROM shipment WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [shipmentId]);
  return row;
}

export async function loadShipmentByWaybill(manager: EntityManager, carrier: string, waybillNo: string): Promise<ShipmentRow | undefined> {
  const [row] = await manager.query(`SELECT ${SHIPMENT_COLUMNS} FROM shipment WHERE carrier = $1 AND waybill_no = $2 FOR UPDATE`, [carrier, waybillNo]);
  return row;
}

export async function loadTrackingEvents(manager: EntityManager, shipmentId: string): Promise<TrackingEventRow[]> {
  return manager.query(
    `SELECT carrier_event_id AS "carrierEventId", status, occurred_at AS "occurredAt", received_at AS "receivedAt", location, description, waybill_no AS "waybillNo"
       FROM tracking_event WHERE shipment_id = $1 ORDER BY occurred_at, id`,
    [shipmentId],
  );
}

/** Whether a carrier's waybill number is on a shipment already (numbers are unique per carrier). */
export async function waybillNoInUse(manager: EntityManager, carrier: string, waybillNo: string): Promise<boolean> {
  const [used] = await manager.query(`SELECT 1 FROM shipment WHERE carrier = $1 AND waybill_no = $2`, [carrier, waybillNo]);
  return Boolean(used);
}

export async function insertShipment(
  manager: EntityManager,
  shipment: Pick<ShipmentRow, 'id' | 'merchantId' | 'carrier' | 'serviceProduct' | 'waybillNo' | 'merged' | 'packageCount' | 'declaredValue' | 'crossBorder' | 'outboundAt' | 'shippedBy'> & Partial<Pick<ShipmentRow, 'purpose' | 'afterSalesId' | 'returnOrderId'>>,
): Promise<void> {
  await manager.query(
    `INSERT INTO shipment (id, merchant_id, carrier, service_product, waybill_no, merged, package_count, declared_value, cross_border, outbound_at, shipped_by, purpose, after_sales_id, return_order_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      shipment.id,
      shipment.merchantId,
      shipment.carrier,
      shipment.serviceProduct,
      shipment.waybillNo,
      shipment.merged,
      shipment.packageCount,
      shipment.declaredValue,
      shipment.crossBorder,
      shipment.outboundAt,
      shipment.shippedBy,
      shipment.purpose ?? 'ORDER',
      shipment.afterSalesId ?? null,
      shipment.returnOrderId ?? null,
    ],
  );
}

export async function markShipmentDelivered(manager: EntityManager, shipmentId: string, at: Date): Promise<void> {
  await manager.query(`UPDATE shipment SET delivered_at = $2 WHERE id = $1`, [shipmentId, at]);
}

/** Writes a moved shipment: its status (the interception column) and when it moved. */
export async function saveShipmentStatus(manager: EntityManager, shipment: ShipmentRow, at: Date): Promise<void> {
  await manager.query(`UPDATE shipment SET interception = $2, interception_updated_at = $3 WHERE id = $1`, [shipment.id, shipment.status, at]);
  shipment.interceptionUpdatedAt = at;
}

export interface WaybillCorrection {
  previousWaybillNo: string;
  waybillNo: string;
  reason: string | null;
  correctedBy: string;
  correctedAt: Date;
}

/** A corrected waybill number (修改快递单号): the shipment takes the new one, the old one stays in the corrections. */
export async function correctWaybillNo(manager: EntityManager, shipmentId: string, correction: WaybillCorrection): Promise<void> {
  await manager.query(`INSERT INTO waybill_correction (shipment_id, previous_waybill_no, waybill_no, reason, corrected_by, corrected_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
    shipmentId,
    correction.previousWaybillNo,
    correction.waybillNo,
    correction.reason,
    correction.correctedBy,
    correction.correctedAt,
  ]);
  await manager.query(`UPDATE shipment SET waybill_no = $2 WHERE id = $1`, [shipmentId, correction.waybillNo]);
}

export async function waybillCorrections(manager: EntityManager, shipmentId: string): Promise<WaybillCorrection[]> {
  return manager.query(
    `SELECT previous_waybill_no AS "previousWaybillNo", waybill_no AS "waybillNo", reason, corrected_by AS "correctedBy", corrected_at AS "correctedAt" FROM waybill_correction WHERE shipment_id = $1 ORDER BY id`,
    [shipmentId],
  );
}

/** Records a carrier's tracking event; false when the carrier sent this event id before (a replay). */
export async function insertTrackingEvent(
  manager: EntityManager,
  event: { shipmentId: string; carrier: string; carrierEventId: string; waybillNo: string; status: string; occurredAt: Date; receivedAt: Date; location: string | null; description: string | null },
): Promise<boolean> {
  const inserted = await manager.query(
    `INSERT INTO tracking_event (shipment_id, carrier, carrier_event_id, waybill_no, status, occurred_at, received_at, location, description)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (carrier, carrier_event_id) DO NOTHING RETURNING id`,
    [event.shipmentId, event.carrier, event.carrierEventId, event.waybillNo, event.status, event.occurredAt, event.receivedAt, event.location, event.description],
  );
  return inserted.length > 0;
}

/** A merchant's undelivered shipments sent out by `cutoff` without a single tracking event, oldest first, with their live orders. */
export async function shipmentsWithoutTracking(manager: EntityManager, merchantId: string, cutoff: Date): Promise<Array<{ id: string; orderIds: string[] }>> {
  return manager.query(
    `SELECT s.id, array_agg(so.order_id::text ORDER BY so.order_id) AS "orderIds"
         FROM shipment s JOIN shipment_order so ON so.shipment_id = s.id AND so.voided_at IS NULL
        WHERE s.merchant_id = $1 AND s.outbound_at <= $2 AND s.delivered_at IS NULL AND NOT EXISTS (SELECT 1 FROM tracking_event t WHERE t.shipment_id = s.id)
        GROUP BY s.id, s.outbound_at ORDER BY s.outbound_at LIMIT 500`,
    [merchantId, cutoff],
  );
}
