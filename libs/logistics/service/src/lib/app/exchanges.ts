import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { decideReplacementOutbound, decideReplacementTransition, isPlatformCarrier, replacementLines, ServiceProduct } from '@orderline/logistics/domain';
import { ReplacementListQuery, ReplacementsView, ReplacementView, ReturnParcelsWithoutTrackingView, ShipReplacementRequest } from '@orderline/logistics/contract';
import {
  EventEnvelope,
    ReplacementRequested,
  ReplacementRequestedPayload,
  ReplacementShipped,
  ReturnShipmentRegistered,
  ReturnShipmentRegisteredPayload,
} from '@orderline/shared/contracts';
import { applyTransition, EventHandlerBinding, MessagingLogger, onEvent, outgoing, TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, DomainError, JsonLogger, NotFoundError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { EntityManager } from 'typeorm';
import { LogisticsServiceConfig } from '../logistics-config';
import { expressContractSigned } from '../infra/express-contract.repository';
import { loadOrders } from '../infra/logistics-order.repository';
import { PlatformCarrier } from '../infra/platform-carrier';
import { insertReplacement, listReplacements, loadReplacement, markReplacementShipped, ReplacementRow } from '../infra/replacement.repository';
import { changeReturnCarrier, returnParcelOf, returnParcelsWithoutTracking } from '../infra/return-parcel.repository';
import { insertShipmentOrder } from '../infra/shipment-order.repository';
import { correctWaybillNo, insertShipment, loadShipment, waybillNoInUse } from '../infra/shipment.repository';
import { refreshReceiptTimers } from './receipt-timers';
import { OUTBOUND_INPUT_CODES } from './ship-orders';
import { shipmentSummary } from './shipment-queries';

/**
 * Exchanges end to end and return parcels (issue 18 item 2; domain.md §3 with §2.1-§2.4).
 *
 * - `ReplacementRequested` (after-sales, once the merchant confirmed the returned goods of an
 *   exchange) puts a replacement on the merchant's waiting-for-outbound list; the merchant packs
 *   and ships it like an order (same rules, waybill, documents), it is tracked by the carrier
 *   webhook and received on platform-carrier delivery or by the §2.4 timer — each step told to
 *   after-sales, which completes the exchange.
 * - `ReturnShipmentRegistered` (the buyer's waybill or a booked pickup) becomes a RETURN parcel:
 *   the same carrier webhook tracks it, each event goes back to the request, and a parcel no
 *   carrier has reported on shows in the merchant's "no tracking" list of returns.
 */
@Injectable()
export class Exchanges {
  private readonly logger: MessagingLogger;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly platformCarrier: PlatformCarrier,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: LogisticsServiceConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
  ) {
    this.logger = logger.component('exchanges');
  }

  bindings(): EventHandlerBinding[] {
    return [onEvent(ReplacementRequested, (event, scope) => this.replacementRequested(event, scope)), onEvent(ReturnShipmentRegistered, (event, scope) => this.returnShipmentRegistered(event, scope))];
  }

  private async replacementRequested(event: EventEnvelope<ReplacementRequestedPayload>, scope: TransactionScope): Promise<void> {
    const { afterSalesId, orderId, merchantId, buyerId, lines } = event.payload;
    await insertReplacement(scope.manager, { afterSalesId, orderId, merchantId, buyerId, lines, requestedAt: this.clock.now() });
  }

  /**
   * The return parcel of a request: created on the first registration, following the buyer's
   * correction on a later one (the old number stays in the waybill corrections). A number another
   * parcel of that carrier already carries cannot be told apart on the carrier feed, so it is not
   * tracked (logged; the merchant's receipt still moves the request).
   */
  private async returnShipmentRegistered(event: EventEnvelope<ReturnShipmentRegisteredPayload>, scope: TransactionScope): Promise<void> {
    const { afterSalesId, orderId, merchantId, carrier, waybillNo, pickup } = event.payload;
    const manager = scope.manager;
    const now = this.clock.now();
    const existing = await returnParcelOf(manager, afterSalesId, true);
    if (existing && existing.carrier === carrier && existing.waybillNo === waybillNo) return;
    if (await waybillNoInUse(manager, carrier, waybillNo)) {
      this.logger.warn('return parcel not tracked: its waybill number is on another parcel of the carrier', { afterSalesId, orderId, carrier });
      return;
    }
    if (existing) {
      await correctWaybillNo(manager, existing.id, { previousWaybillNo: existing.waybillNo, waybillNo, reason: existing.carrier === carrier ? 'BUYER_CORRECTED' : `BUYER_CORRECTED from ${existing.carrier}`, correctedBy: 'buyer', correctedAt: now });
      if (existing.carrier !== carrier) await changeReturnCarrier(manager, existing.id, carrier);
      return;
    }
    await insertShipment(manager, {
      id: randomUUID(),
      merchantId,
      carrier,
      serviceProduct: 'STANDARD',
      waybillNo,
      merged: false,
      packageCount: 1,
      declaredValue: null,
      crossBorder: false,
      outboundAt: now,
      shippedBy: pickup ? 'PICKUP' : 'BUYER',
      purpose: 'RETURN',
      afterSalesId,
      returnOrderId: orderId,
    });
    if (pickup) await this.platformCarrier.bookPickup(waybillNo);
  }

  /** `POST /merchant/replacements/{afterSalesId}/ship`: the replacement leaves like an outbound (domain.md §2.1). */
  async ship(afterSalesId: string, request: ShipReplacementRequest, caller: Principal): Promise<ReplacementView> {
    const merchantId = this.merchantOf(caller);
    const platform = isPlatformCarrier(request.carrier);
    if (platform && request.waybillNo) throw new DomainError('WAYBILL_NO_GENERATED_BY_PLATFORM', 422, 'the platform carrier generates its waybill numbers; send none', { errors: [{ field: 'waybillNo', message: 'send none with JD_LOGISTICS' }] });
    if (!platform && request.serviceProduct === 'EXPRESS') throw new DomainError('SERVICE_PRODUCT_PLATFORM_ONLY', 422, 'service products are chosen only with the platform carrier JD_LOGISTICS', { errors: [{ field: 'serviceProduct', message: 'platform carrier only' }] });
    const serviceProduct: ServiceProduct = request.serviceProduct ?? 'STANDARD';
    const signedExpress = await this.unitOfWork.run((scope) => expressContractSigned(scope.manager, merchantId));
    await this.unitOfWork.run(async (scope) => {
      const replacement = await this.ownReplacement(scope.manager, afterSalesId, merchantId, true);
      const move = decideReplacementTransition(replacement.status, 'SHIP');
      if (!move.allowed) throw new DomainError(move.veto.code, 409, move.veto.reason);
      const [order] = await loadOrders(scope.manager, [replacement.orderId]);
      const decision = decideReplacementOutbound(
        { merchantId, consignee: order?.consignee ?? null, specifiedPlatformDelivery: order?.specifiedPlatformDelivery ?? false },
        { carrier: request.carrier, serviceProduct, waybillNo: request.waybillNo, merchantSignedExpress: signedExpress, airCities: this.config.airCities },
      );
      if (!decision.allowed) throw new DomainError(decision.veto.code, OUTBOUND_INPUT_CODES.has(decision.veto.code) ? 422 : 409, decision.veto.reason);
      const entered = platform ? undefined : request.waybillNo;
      if (entered && (await waybillNoInUse(scope.manager, request.carrier, entered))) throw new DomainError('WAYBILL_NO_IN_USE', 409, `${request.carrier} waybill ${request.waybillNo} is already on another shipment`);
      const now = this.clock.now();
      const shipmentId = randomUUID();
      // The platform carrier adapter numbers its waybills; a third-party number was entered.
      const waybillNo = entered ?? (await this.platformCarrier.nextWaybillNo(scope.manager));
      await insertShipment(scope.manager, {
        id: shipmentId,
        merchantId,
        carrier: request.carrier,
        serviceProduct,
        waybillNo,
        merged: false,
        packageCount: 1,
        declaredValue: null,
        crossBorder: order?.crossBorder ?? false,
        outboundAt: now,
        shippedBy: caller.accountId,
        purpose: 'REPLACEMENT',
        afterSalesId,
      });
      await insertShipmentOrder(scope.manager, shipmentId, replacement.orderId, replacementLines(order?.lines ?? [], replacement.lines), afterSalesId);
      await applyTransition(scope, replacement, move, {
        save: (moved) => markReplacementShipped(scope.manager, moved, shipmentId, now),
        effects: { REPLACEMENT_SHIPPED: () => outgoing(ReplacementShipped, { afterSalesId, orderId: replacement.orderId, shipmentId, carrier: request.carrier, waybillNo }) },
      });
      // The §2.4 table runs the replacement's receipt like an order's: same cases, same timer.
      await refreshReceiptTimers(scope.manager, shipmentId, now);
    });
    return this.view(this.unitOfWork.dataSource.manager, await this.ownReplacement(this.unitOfWork.dataSource.manager, afterSalesId, merchantId));
  }

  /** `GET /merchant/replacements`: the merchant's replacements, oldest request first. */
  async list(query: ReplacementListQuery, caller: Principal): Promise<ReplacementsView> {
    const manager = this.unitOfWork.dataSource.manager;
    const rows = await listReplacements(manager, this.merchantOf(caller), query.status, query.limit ?? 50);
    const items: ReplacementView[] = [];
    for (const row of rows) items.push(await this.view(manager, row));
    return { items };
  }

  /** domain.md §2.3 for returns: registered at least N days ago, not delivered to the merchant, not one carrier event. */
  async returnParcelsWithoutTracking(days: number | undefined, caller: Principal): Promise<ReturnParcelsWithoutTrackingView> {
    const merchantId = this.merchantOf(caller);
    const n = days ?? this.config.NO_TRACKING_ALERT_DAYS;
    const now = this.clock.now();
    const rows = await returnParcelsWithoutTracking(this.unitOfWork.dataSource.manager, merchantId, new Date(now.getTime() - n * 86_400_000));
    return {
      days: n,
      items: rows.map((row) => ({ ...row, registeredAt: row.registeredAt.toISOString(), daysSinceRegistered: Math.floor((now.getTime() - row.registeredAt.getTime()) / 86_400_000) })),
    };
  }

  private async view(manager: EntityManager, row: ReplacementRow): Promise<ReplacementView> {
    const [order] = await loadOrders(manager, [row.orderId]);
    const shipment = row.shipmentId ? await loadShipment(manager, row.shipmentId) : undefined;
    return {
      afterSalesId: row.afterSalesId,
      orderId: row.orderId,
      status: row.status,
      lines: replacementLines(order?.lines ?? [], row.lines),
      requestedAt: row.requestedAt.toISOString(),
      shipment: shipment ? shipmentSummary(shipment) : null,
      receivedBy: row.receivedBy,
      receivedAt: row.receivedAt?.toISOString() ?? null,
    };
  }

  private merchantOf(caller: Principal): string {
    if (caller.role !== 'MERCHANT' || !caller.merchantId) throw new DomainError('FORBIDDEN', 403, 'replacements and return parcels are the merchant\'s');
    return caller.merchantId;
  }

  private async ownReplacement(manager: EntityManager, afterSalesId: string, merchantId: string, lock = false): Promise<ReplacementRow> {
    const replacement = await loadReplacement(manager, afterSalesId, lock);
    // Another merchant's replacement answers exactly like a missing one.
    if (!replacement || replacement.merchantId !== merchantId) throw new NotFoundError(`replacement of after-sales request ${afterSalesId}`);
    return replacement;
  }
}
