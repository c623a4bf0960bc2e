import { Inject, Injectable } from '@nestjs/common';
import { decideShipmentTransition, InterceptionTrigger, isPlatformCarrier, waybillNoProblem } from '@orderline/logistics/domain';
import { CorrectWaybillRequest, VerifiedCarrierEventRequest } from '@orderline/logistics/contract';
import { ReturnParcelTracked, ShipmentDelivered, ShipmentInterceptionUpdated, TrackingStatus, TrackingUpdated, WaybillCorrected } from '@orderline/shared/contracts';
import { applyTransition, outgoing, TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { PlatformCarrier } from '../infra/platform-carrier';
import { loadShipmentOrders } from '../infra/shipment-order.repository';
import { correctWaybillNo, insertTrackingEvent, loadShipment, loadShipmentByWaybill, markShipmentDelivered, saveShipmentStatus, ShipmentRow, waybillNoInUse } from '../infra/shipment.repository';
import { receiveReplacement } from './replacement-receipt';
import { refreshReceiptTimers } from './receipt-timers';

/** Carrier statuses that answer an interception request (domain.md §2.3). */
const INTERCEPTION_TRIGGERS: Partial<Record<TrackingStatus, InterceptionTrigger>> = {
  INTERCEPTED: 'CARRIER_INTERCEPTED',
  INTERCEPT_FAILED: 'CARRIER_FAILED',
  RETURNED_TO_SENDER: 'RETURNED_TO_SENDER',
};

/**
 * What happens to a parcel after outbound (domain.md §2.3): carrier tracking events (any
 * order, replays ignored by the carrier's event id), delivery, interception and waybill
 * corrections. Each change recomputes the stored receipt deadlines in the same transaction.
 */
@Injectable()
export class ShipmentChanges {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly platformCarrier: PlatformCarrier,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {}

  /** A verified carrier event (the gateway checked its HMAC signature). */
  async recordCarrierEvent(event: VerifiedCarrierEventRequest): Promise<{ accepted: true; duplicate: boolean; shipmentId: string }> {
    return this.unitOfWork.run(async (scope) => {
      const shipment = await loadShipmentByWaybill(scope.manager, event.carrier, event.waybillNo);
      if (!shipment) throw new DomainError('UNKNOWN_WAYBILL', 404, `no ${event.carrier} shipment has waybill ${event.waybillNo}`);
      const now = this.clock.now();
      // A carrier's clock ahead of ours must not push deadlines into the future.
      const occurredAt = new Date(Math.min(new Date(event.occurredAt).getTime(), now.getTime()));
      const inserted = await insertTrackingEvent(scope.manager, {
        shipmentId: shipment.id,
        carrier: event.carrier,
        carrierEventId: event.eventId,
        waybillNo: event.waybillNo,
        status: event.status,
        occurredAt,
        receivedAt: now,
        location: event.location ?? null,
        description: event.description ?? null,
      });
      if (!inserted) return { accepted: true as const, duplicate: true, shipmentId: shipment.id };
      const delivered = event.status === 'DELIVERED' && !shipment.deliveredAt && shipment.status !== 'INTERCEPTED' && shipment.status !== 'RETURNED';

      if (shipment.purpose === 'RETURN' && shipment.afterSalesId && shipment.returnOrderId) {
        // Goods coming back to the merchant: the request hears of each event; no timer, no interception.
        await scope.publish(ReturnParcelTracked, { afterSalesId: shipment.afterSalesId, orderId: shipment.returnOrderId, carrier: shipment.carrier, waybillNo: shipment.waybillNo, status: event.status, occurredAt: occurredAt.toISOString(), location: event.location });
        if (delivered) await markShipmentDelivered(scope.manager, shipment.id, occurredAt);
        return { accepted: true as const, duplicate: false, shipmentId: shipment.id };
      }

      const orders = await loadShipmentOrders(scope.manager, shipment.id);
      for (const order of orders) {
        await scope.publish(TrackingUpdated, { shipmentId: shipment.id, orderId: order.orderId, carrier: shipment.carrier, waybillNo: shipment.waybillNo, status: event.status, occurredAt: occurredAt.toISOString(), location: event.location });
      }
      if (delivered) {
        await markShipmentDelivered(scope.manager, shipment.id, occurredAt);
        // An exchange's replacement is not the order's delivery: the order service never hears of it.
        for (const order of orders.filter((o) => o.afterSalesId === null)) {
          await scope.publish(ShipmentDelivered, { shipmentId: shipment.id, orderId: order.orderId, carrierKind: isPlatformCarrier(shipment.carrier) ? 'PLATFORM' : 'THIRD_PARTY' });
        }
      }
      const trigger = INTERCEPTION_TRIGGERS[event.status];
      if (trigger) await this.moveInterception(scope, shipment, trigger, now);
      await refreshReceiptTimers(scope.manager, shipment.id, now);
      // domain.md §2.4: a platform carrier's delivery is the receipt (third parties wait for the timer).
      if (delivered && isPlatformCarrier(shipment.carrier)) {
        for (const order of orders) if (order.afterSalesId) await receiveReplacement(scope, order.afterSalesId, shipment.id, 'DELIVERED_BY_PLATFORM_CARRIER', occurredAt);
      }
      return { accepted: true as const, duplicate: false, shipmentId: shipment.id };
    });
  }

  /** `POST /merchant/shipments/{id}/intercept`: asks the platform carrier to stop the parcel. */
  async requestInterception(shipmentId: string, caller: Principal): Promise<void> {
    await this.unitOfWork.run(async (scope) => {
      const shipment = await this.ownShipment(scope, shipmentId, caller);
      await this.moveInterception(scope, shipment, 'REQUEST', this.clock.now(), true);
      // The carrier's answer arrives as a signed carrier event (INTERCEPTED or INTERCEPT_FAILED,
      // later RETURNED_TO_SENDER). Asked last, so a refused request never reaches the carrier.
      await this.platformCarrier.requestInterception(shipment.waybillNo);
    });
  }

  /** `PATCH /merchant/shipments/{id}/waybill` (修改快递单号): the old number is kept in the history. */
  async correctWaybill(shipmentId: string, request: CorrectWaybillRequest, caller: Principal): Promise<void> {
    await this.unitOfWork.run(async (scope) => {
      const shipment = await this.ownShipment(scope, shipmentId, caller);
      if (isPlatformCarrier(shipment.carrier)) throw new DomainError('WAYBILL_GENERATED_BY_PLATFORM', 409, 'the platform carrier generated this waybill number; it cannot be wrong');
      if (shipment.deliveredAt) throw new DomainError('SHIPMENT_ALREADY_DELIVERED', 409, 'the parcel was delivered under this number; it can no longer change');
      if (request.waybillNo === shipment.waybillNo) throw new DomainError('WAYBILL_NO_UNCHANGED', 422, 'this is the shipment\'s number already');
      const problem = waybillNoProblem(shipment.carrier, request.waybillNo);
      if (problem) throw new DomainError('WAYBILL_NO_INVALID', 422, problem, { errors: [{ field: 'waybillNo', message: problem }] });
      if (await waybillNoInUse(scope.manager, shipment.carrier, request.waybillNo)) throw new DomainError('WAYBILL_NO_IN_USE', 409, `${shipment.carrier} waybill ${request.waybillNo} is already on another shipment`);
      const now = this.clock.now();
      await correctWaybillNo(scope.manager, shipment.id, { previousWaybillNo: shipment.waybillNo, waybillNo: request.waybillNo, reason: request.reason ?? null, correctedBy: caller.accountId, correctedAt: now });
      for (const order of await loadShipmentOrders(scope.manager, shipment.id)) {
        await scope.publish(WaybillCorrected, { shipmentId: shipment.id, orderId: order.orderId, carrier: shipment.carrier, previousWaybillNo: shipment.waybillNo, waybillNo: request.waybillNo });
      }
    });
  }

  /** Moves the shipment by its process (domain shipment-process.ts); every order in the parcel hears of it. */
  private async moveInterception(scope: TransactionScope, shipment: ShipmentRow, trigger: InterceptionTrigger, now: Date, strict = false): Promise<void> {
    const decision = decideShipmentTransition({ status: shipment.status, carrier: shipment.carrier, delivered: shipment.deliveredAt !== null }, trigger);
    if (!decision.allowed) {
      // A carrier's unexpected interception status is kept as tracking only; a merchant's request is refused.
      if (strict) throw new DomainError(decision.veto.code, 409, decision.veto.reason);
      return;
    }
    const orders = await loadShipmentOrders(scope.manager, shipment.id);
    await applyTransition(scope, shipment, decision, {
      save: () => saveShipmentStatus(scope.manager, shipment, now),
      effects: {
        INTERCEPTION_UPDATED: (move) =>
          orders.map((order) =>
            outgoing(ShipmentInterceptionUpdated, {
              shipmentId: shipment.id,
              orderId: order.orderId,
              status: move.to as 'REQUESTED' | 'INTERCEPTED' | 'FAILED' | 'RETURNED',
              // domain.md §2.3: when interception fails the buyer is asked to refuse delivery.
              ...(move.to === 'FAILED' ? { buyerAction: 'REFUSE_DELIVERY' as const } : {}),
            }),
          ),
      },
    });
    await refreshReceiptTimers(scope.manager, shipment.id, now);
  }

  private async ownShipment(scope: TransactionScope, shipmentId: string, caller: Principal): Promise<ShipmentRow> {
    const shipment = await loadShipment(scope.manager, shipmentId, true);
    if (!shipment || caller.role !== 'MERCHANT' || shipment.merchantId !== caller.merchantId) throw new NotFoundError(`shipment ${shipmentId}`);
    return shipment;
  }
}
