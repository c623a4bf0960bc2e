import { Inject, Injectable } from '@nestjs/common';
import { decideInterception, InterceptionTrigger, isPlatformCarrier, waybillNoProblem } from '@orderline/logistics/domain';
import { CorrectWaybillRequest, VerifiedCarrierEventRequest } from '@orderline/logistics/contract';
import { ShipmentDelivered, ShipmentInterceptionUpdated, TrackingStatus, TrackingUpdated, WaybillCorrected } from '@orderline/shared/contracts';
import { TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { PlatformCarrier } from '../infra/platform-carrier';
import { loadShipment, loadShipmentByWaybill, loadShipmentOrders, ShipmentRow } from '../infra/shipment-store';
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
      const inserted = await scope.manager.query(
        `INSERT INTO tracking_event (shipment_id, carrier, carrier_event_id, waybill_no, status, occurred_at, received_at, location, description)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (carrier, carrier_event_id) DO NOTHING RETURNING id`,
        [shipment.id, event.carrier, event.eventId, event.waybillNo, event.status, occurredAt, now, event.location ?? null, event.description ?? null],
      );
      if (inserted.length === 0) return { accepted: true as const, duplicate: true, shipmentId: shipment.id };

      const orders = await loadShipmentOrders(scope.manager, shipment.id);
      for (const order of orders) {
        await scope.publish(TrackingUpdated, { shipmentId: shipment.id, orderId: order.orderId, carrier: shipment.carrier, waybillNo: shipment.waybillNo, status: event.status, occurredAt: occurredAt.toISOString(), location: event.location });
      }
      if (event.status === 'DELIVERED' && !shipment.deliveredAt && shipment.interception !== 'INTERCEPTED' && shipment.interception !== 'RETURNED') {
        await scope.manager.query(`UPDATE shipment SET delivered_at = $2 WHERE id = $1`, [shipment.id, occurredAt]);
        for (const order of orders) {
          await scope.publish(ShipmentDelivered, { shipmentId: shipment.id, orderId: order.orderId, carrierKind: isPlatformCarrier(shipment.carrier) ? 'PLATFORM' : 'THIRD_PARTY' });
        }
      }
      const trigger = INTERCEPTION_TRIGGERS[event.status];
      if (trigger) await this.moveInterception(scope, shipment, trigger, now);
      await refreshReceiptTimers(scope.manager, shipment.id, now);
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
      const [used] = await scope.manager.query(`SELECT 1 FROM shipment WHERE carrier = $1 AND waybill_no = $2`, [shipment.carrier, request.waybillNo]);
      if (used) throw new DomainError('WAYBILL_NO_IN_USE', 409, `${shipment.carrier} waybill ${request.waybillNo} is already on another shipment`);
      const now = this.clock.now();
      await scope.manager.query(`INSERT INTO waybill_correction (shipment_id, previous_waybill_no, waybill_no, reason, corrected_by, corrected_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
        shipment.id,
        shipment.waybillNo,
        request.waybillNo,
        request.reason ?? null,
        caller.accountId,
        now,
      ]);
      await scope.manager.query(`UPDATE shipment SET waybill_no = $2 WHERE id = $1`, [shipment.id, request.waybillNo]);
      for (const order of await loadShipmentOrders(scope.manager, shipment.id)) {
        await scope.publish(WaybillCorrected, { shipmentId: shipment.id, orderId: order.orderId, carrier: shipment.carrier, previousWaybillNo: shipment.waybillNo, waybillNo: request.waybillNo });
      }
    });
  }

  private async moveInterception(scope: TransactionScope, shipment: ShipmentRow, trigger: InterceptionTrigger, now: Date, strict = false): Promise<void> {
    const decision = decideInterception({ carrier: shipment.carrier, state: shipment.interception, delivered: shipment.deliveredAt !== null }, trigger);
    if (!decision.allowed) {
      // A carrier's unexpected interception status is kept as tracking only; a merchant's request is refused.
      if (strict) throw new DomainError(decision.veto.code, 409, decision.veto.reason);
      return;
    }
    await scope.manager.query(`UPDATE shipment SET interception = $2, interception_updated_at = $3 WHERE id = $1`, [shipment.id, decision.to, now]);
    shipment.interception = decision.to;
    for (const order of await loadShipmentOrders(scope.manager, shipment.id)) {
      await scope.publish(ShipmentInterceptionUpdated, {
        shipmentId: shipment.id,
        orderId: order.orderId,
        status: decision.to as 'REQUESTED' | 'INTERCEPTED' | 'FAILED' | 'RETURNED',
        // domain.md §2.3: when interception fails the buyer is asked to refuse delivery.
        ...(decision.to === 'FAILED' ? { buyerAction: 'REFUSE_DELIVERY' as const } : {}),
      });
    }
    await refreshReceiptTimers(scope.manager, shipment.id, now);
  }

  private async ownShipment(scope: TransactionScope, shipmentId: string, caller: Principal): Promise<ShipmentRow> {
    const shipment = await loadShipment(scope.manager, shipmentId, true);
    if (!shipment || caller.role !== 'MERCHANT' || shipment.merchantId !== caller.merchantId) throw new NotFoundError(`shipment ${shipmentId}`);
    return shipment;
  }
}
