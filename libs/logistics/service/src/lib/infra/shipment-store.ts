import { EntityManager } from 'typeorm';
import { ConsigneeFacts, InterceptionState, ShippableOrderFacts } from '@orderline/logistics/domain';

/** TypeORM's pg driver answers UPDATE … RETURNING with [rows, count]; SELECT with rows. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

export interface LogisticsOrderRow {
  orderId: string;
  merchantId: string | null;
  buyerId: string | null;
  paymentMethod: string | null;
  payable: number | null;
  lines: Array<{ lineId: string; skuId: string; title: string; unitPrice: number; quantity: number; lineTotal: number }> | null;
  consignee: ConsigneeFacts | null;
  crossBorder: boolean;
  specifiedPlatformDelivery: boolean;
  placed: boolean;
  paid: boolean;
  pausedReason: string | null;
  cancelled: boolean;
}

export interface ShipmentRow {
  id: string;
  merchantId: string;
  carrier: string;
  serviceProduct: string;
  waybillNo: string;
  merged: boolean;
  packageCount: number;
  declaredValue: number | null;
  crossBorder: boolean;
  outboundAt: Date;
  deliveredAt: Date | null;
  interception: InterceptionState;
  interceptionUpdatedAt: Date | null;
  shippedBy: string;
}

export interface ShipmentOrderRow {
  shipmentId: string;
  orderId: string;
  lines: Array<{ lineId: string; skuId: string; title: string; quantity: number }>;
  receiptExtendedAt: Date | null;
  autoConfirmAt: Date | null;
  closedAt: Date | null;
  closedReason: string | null;
  voidedAt: Date | null;
  voidReason: string | null;
}

export interface TrackingEventRow {
  carrierEventId: string;
  status: string;
  occurredAt: Date;
  receivedAt: Date;
  location: string | null;
  description: string | null;
  waybillNo: string;
}

const ORDER_COLUMNS = `order_id AS "orderId", merchant_id AS "merchantId", buyer_id AS "buyerId", payment_method AS "paymentMethod", payable::float8 AS payable, lines, consignee,
  cross_border AS "crossBorder", specified_platform_delivery AS "specifiedPlatformDelivery", placed, paid, paused_reason AS "pausedReason", cancelled`;
const SHIPMENT_COLUMNS = `id, merchant_id AS "merchantId", carrier, service_product AS "serviceProduct", waybill_no AS "waybillNo", merged, package_count AS "packageCount",
  declared_value::float8 AS "declaredValue", cross_border AS "crossBorder", outbound_at AS "outboundAt", delivered_at AS "deliveredAt", interception,
  interception_updated_at AS "interceptionUpdatedAt", shipped_by AS "shippedBy"`;
const SHIPMENT_ORDER_COLUMNS = `shipment_id AS "shipmentId", order_id AS "orderId", lines, receipt_extended_at AS "receiptExtendedAt", auto_confirm_at AS "autoConfirmAt",
  closed_at AS "closedAt", closed_reason AS "closedReason", voided_at AS "voidedAt", void_reason AS "voidReason"`;

export async function loadOrders(manager: EntityManager, orderIds: string[], lock = false): Promise<LogisticsOrderRow[]> {
  if (orderIds.length === 0) return [];
  return manager.query(`SELECT ${ORDER_COLUMNS} FROM logistics_order WHERE order_id = ANY($1::uuid[]) ORDER BY order_id${lock ? ' FOR UPDATE' : ''}`, [orderIds]);
}

export async function loadShipment(manager: EntityManager, shipmentId: string, lock = false): Promise<ShipmentRow | undefined> {
  const [row] = await manager.query(`SELECT ${SHIPMENT_COLUMNS} FROM shipment WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [shipmentId]);
  return row;
}

export async function loadShipmentByWaybill(manager: EntityManager, carrier: string, waybillNo: string): Promise<ShipmentRow | undefined> {
  const [row] = await manager.query(`SELECT ${SHIPMENT_COLUMNS} FROM shipment WHERE carrier = $1 AND waybill_no = $2 FOR UPDATE`, [carrier, waybillNo]);
  return row;
}

export async function loadShipmentOrders(manager: EntityManager, shipmentId: string, includeVoided = false): Promise<ShipmentOrderRow[]> {
  return manager.query(`SELECT ${SHIPMENT_ORDER_COLUMNS} FROM shipment_order WHERE shipment_id = $1${includeVoided ? '' : ' AND voided_at IS NULL'} ORDER BY order_id`, [shipmentId]);
}

/** The live (not voided) shipment of an order, if it shipped. */
export async function liveShipmentOrder(manager: EntityManager, orderId: string, lock = false): Promise<ShipmentOrderRow | undefined> {
  const [row] = await manager.query(`SELECT ${SHIPMENT_ORDER_COLUMNS} FROM shipment_order WHERE order_id = $1 AND voided_at IS NULL${lock ? ' FOR UPDATE' : ''}`, [orderId]);
  return row;
}

export async function loadTrackingEvents(manager: EntityManager, shipmentId: string): Promise<TrackingEventRow[]> {
  return manager.query(
    `SELECT carrier_event_id AS "carrierEventId", status, occurred_at AS "occurredAt", received_at AS "receivedAt", location, description, waybill_no AS "waybillNo"
       FROM tracking_event WHERE shipment_id = $1 ORDER BY occurred_at, id`,
    [shipmentId],
  );
}

/** The facts the outbound rules look at (domain outbound.ts). */
export function shippableFacts(order: LogisticsOrderRow, shipped: boolean): ShippableOrderFacts {
  return {
    merchantId: order.merchantId ?? '',
    placed: order.placed,
    paid: order.paid,
    pausedReason: order.pausedReason,
    cancelled: order.cancelled,
    shipped,
    specifiedPlatformDelivery: order.specifiedPlatformDelivery,
    consignee: order.consignee,
  };
}
