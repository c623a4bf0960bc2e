import { Inject, Injectable } from '@nestjs/common';
import { autoConfirmView, maskedConsignee } from '@orderline/logistics/domain';
import { formatFen } from '@orderline/shared/money';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal, readFromOwner, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { DataSource } from 'typeorm';
import { LogisticsServiceConfig } from '../logistics-config';
import { loadOrders } from '../infra/logistics-order.repository';
import { liveShipmentOrder, loadShipmentOrders, ShipmentOrderRow } from '../infra/shipment-order.repository';
import { loadShipment, loadTrackingEvents, ShipmentRow, shipmentsWithoutTracking, TrackingEventRow, waybillCorrections } from '../infra/shipment.repository';
import { PdfLine, PdfOptions, writePdf } from '../infra/pdf-writer';
import { receiptFacts } from './receipt-timers';

export interface ShippingDocument {
  filename: string;
  contentType: 'application/pdf';
  contentBase64: string;
}

/**
 * Read side: an order's tracking for its buyer and merchant, a shipment for its merchant,
 * the "shipped N days ago, no tracking" list (domain.md §2.3) and the printable documents.
 * Consumer data is masked everywhere except on the electronic waybill (§2.1, §6.1).
 */
@Injectable()
export class ShipmentQueries {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: LogisticsServiceConfig,
  ) {}

  /** `GET /orders/{id}/tracking` for the order's buyer or merchant (others: 404, like a missing order). */
  async tracking(orderId: string, caller: Principal) {
    const manager = this.dataSource.manager;
    const [order] = await loadOrders(manager, [orderId]);
    const notShipped = { orderId, shipped: false, shipment: null, lines: [], events: [], receipt: null, interception: null };
    if (!order?.placed) {
      // Logistics takes its events in a batch window: an order placed a moment ago may not be in
      // its copy yet. The order service (the owner, asked as the caller) says whether the caller
      // may see it; such an order has no shipment, since shipping needs the copy (read-your-writes).
      const owned = await readFromOwner<{ id?: string }>(this.config.ORDER_SERVICE_URL, `/orders/${orderId}`, caller, this.config);
      if (owned?.id === orderId) return notShipped;
      throw new NotFoundError(`order ${orderId}`);
    }
    const mine = caller.role === 'OPERATOR' || (caller.role === 'BUYER' && order.buyerId === caller.buyerId) || (caller.role === 'MERCHANT' && order.merchantId === caller.merchantId);
    if (!mine) throw new NotFoundError(`order ${orderId}`);
    const shipmentOrder = await liveShipmentOrder(manager, orderId);
    if (!shipmentOrder) return notShipped;
    const shipment = (await loadShipment(manager, shipmentOrder.shipmentId))!;
    const events = await loadTrackingEvents(manager, shipment.id);
    return {
      orderId,
      shipped: true,
      shipment: this.shipmentSummary(shipment),
      lines: shipmentOrder.lines,
      events: this.eventViews(events),
      receipt: this.receiptView(shipment, events, shipmentOrder),
      interception: this.interceptionView(shipment),
    };
  }

  /** `GET /merchant/shipments/{id}`: the package, its orders with their own lines, tracking and corrections. */
  async shipment(shipmentId: string, caller: Principal) {
    const manager = this.dataSource.manager;
    const shipment = await this.ownShipment(shipmentId, caller);
    const orders = await loadShipmentOrders(manager, shipment.id, true);
    const facts = await loadOrders(manager, orders.map((o) => o.orderId));
    const events = await loadTrackingEvents(manager, shipment.id);
    const corrections = await waybillCorrections(manager, shipment.id);
    return {
      ...this.shipmentSummary(shipment),
      orders: orders.map((row) => {
        const order = facts.find((f) => f.orderId === row.orderId);
        return {
          orderId: row.orderId,
          lines: row.lines,
          consignee: order?.consignee ? maskedConsignee(order.consignee) : null,
          receipt: row.voidedAt ? null : this.receiptView(shipment, events, row),
          voided: row.voidedAt ? { at: row.voidedAt.toISOString(), reason: row.voidReason } : null,
        };
      }),
      events: this.eventViews(events),
      interception: this.interceptionView(shipment),
      waybillCorrections: corrections.map((c) => ({ ...c, correctedAt: c.correctedAt.toISOString() })),
    };
  }

  /** domain.md §2.3: shipped at least N days ago (platform clock) and not one tracking event since. */
  async withoutTracking(days: number | undefined, caller: Principal) {
    if (caller.role !== 'MERCHANT' || !caller.merchantId) throw new DomainError('FORBIDDEN', 403, 'this list is for merchants');
    const n = days ?? this.config.NO_TRACKING_ALERT_DAYS;
    const cutoff = new Date(this.clock.now().getTime() - n * 86_400_000);
    const rows = await shipmentsWithoutTracking(this.dataSource.manager, caller.merchantId, cutoff);
    const items = [];
    for (const row of rows) {
      const shipment = (await loadShipment(this.dataSource.manager, row.id))!;
      items.push({ ...this.shipmentSummary(shipment), orderIds: row.orderIds, daysSinceOutbound: Math.floor((this.clock.now().getTime() - shipment.outboundAt.getTime()) / 86_400_000) });
    }
    return { days: n, items };
  }

  /** The packing slip (装箱单): lines per order, consignee masked. */
  async packingSlip(shipmentId: string, caller: Principal): Promise<ShippingDocument> {
    const shipment = await this.ownShipment(shipmentId, caller);
    const orders = await loadShipmentOrders(this.dataSource.manager, shipment.id);
    const facts = await loadOrders(this.dataSource.manager, orders.map((o) => o.orderId));
    const consignee = facts[0]?.consignee ? maskedConsignee(facts[0].consignee) : null;
    const lines = [
      { text: '装箱单 Packing slip', size: 16 },
      { text: `Shipment ${shipment.id}` },
      { text: `${shipment.carrier} ${shipment.waybillNo}  (${shipment.serviceProduct})  件数 packages: ${shipment.packageCount}` },
      { text: `收件人 Consignee: ${consignee ? `${consignee.name} ${consignee.phone} ${consignee.address.province}${consignee.address.city}${consignee.address.county}` : '-'}` },
      ...orders.flatMap((order) => [{ text: `订单 Order ${order.orderId}`, size: 12 }, ...order.lines.map((line) => ({ text: `  ${line.skuId}  ${line.title}  × ${line.quantity}` }))]),
    ];
    return this.document(`packing-slip-${shipment.waybillNo}.pdf`, '装箱单 Packing slip', lines, { page: 'A4' });
  }

  /** The electronic waybill (电子面单): the real name, phone and address, as the courier needs them (domain.md §2.1). */
  async waybill(shipmentId: string, caller: Principal): Promise<ShippingDocument> {
    const shipment = await this.ownShipment(shipmentId, caller);
    const orders = await loadShipmentOrders(this.dataSource.manager, shipment.id);
    const [order] = await loadOrders(this.dataSource.manager, [orders[0]?.orderId].filter(Boolean) as string[]);
    const consignee = order?.consignee;
    if (!consignee) throw new DomainError('CONSIGNEE_UNKNOWN', 409, 'logistics has no consignee for this shipment');
    const a = consignee.address;
    // The first line heads the label; the barcode of the waybill number follows it.
    const lines = [
      { text: `电子面单 ${shipment.carrier}`, size: 14 },
      { text: `收件人 ${consignee.name}  ${consignee.phone}`, size: 12 },
      { text: `${a.province}${a.city}${a.county}${a.town ?? ''}${a.detail}`, size: 12 },
      { text: `Waybill ${shipment.waybillNo}  ${shipment.serviceProduct}  件数 packages ${shipment.packageCount}${shipment.declaredValue !== null ? `  保价 declared ${formatFen(shipment.declaredValue)} CNY` : ''}`, size: 9 },
      { text: `订单 Orders: ${orders.map((o) => o.orderId).join(', ')}`, size: 8 },
    ];
    return this.document(`waybill-${shipment.waybillNo}.pdf`, '电子面单 Waybill', lines, { page: 'LABEL_100X150', barcode: shipment.waybillNo });
  }

  private async document(filename: string, title: string, lines: PdfLine[], options: PdfOptions): Promise<ShippingDocument> {
    return { filename, contentType: 'application/pdf', contentBase64: (await writePdf(title, lines, options)).toString('base64') };
  }

  private async ownShipment(shipmentId: string, caller: Principal): Promise<ShipmentRow> {
    const shipment = await loadShipment(this.dataSource.manager, shipmentId);
    if (!shipment || caller.role !== 'MERCHANT' || shipment.merchantId !== caller.merchantId) throw new NotFoundError(`shipment ${shipmentId}`);
    return shipment;
  }

  private shipmentSummary(shipment: ShipmentRow) {
    return shipmentSummary(shipment);
  }

  private eventViews(events: TrackingEventRow[]) {
    return events.map((e) => ({ eventId: e.carrierEventId, status: e.status, occurredAt: e.occurredAt.toISOString(), location: e.location, description: e.description }));
  }

  private interceptionView(shipment: ShipmentRow) {
    if (shipment.status === 'NONE') return null;
    return { status: shipment.status, updatedAt: shipment.interceptionUpdatedAt?.toISOString() ?? null, buyerAskedToRefuseDelivery: shipment.status === 'FAILED' };
  }

  private receiptView(shipment: ShipmentRow, events: TrackingEventRow[], row: ShipmentOrderRow) {
    const view = autoConfirmView(receiptFacts(shipment, events, row), this.clock.now());
    const closed = row.closedAt !== null;
    return {
      case: view.case,
      region: view.region,
      autoConfirmAt: row.autoConfirmAt?.toISOString() ?? null,
      closed,
      closedReason: row.closedReason,
      closedAt: row.closedAt?.toISOString() ?? null,
      extension: {
        window: view.extension.window ? { opensAt: view.extension.window.opensAt.toISOString(), closesAt: view.extension.window.closesAt.toISOString() } : null,
        offeredNow: view.extension.offeredNow && !closed,
        used: view.extension.used,
      },
    };
  }
}

/** The parcel as every view shows it: carrier, product, waybill, package, outbound and delivery. */
export function shipmentSummary(shipment: ShipmentRow) {
  return {
    id: shipment.id,
    carrier: shipment.carrier,
    serviceProduct: shipment.serviceProduct,
    waybillNo: shipment.waybillNo,
    merged: shipment.merged,
    packageCount: shipment.packageCount,
    declaredValue: shipment.declaredValue,
    outboundAt: shipment.outboundAt.toISOString(),
    deliveredAt: shipment.deliveredAt?.toISOString() ?? null,
  };
}
