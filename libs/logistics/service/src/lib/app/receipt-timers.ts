import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { autoConfirmCase, autoConfirmView, decideReceiptExtension, isPlatformCarrier, ShipmentReceiptFacts } from '@orderline/logistics/domain';
import { ReceiptAutoConfirmed } from '@orderline/shared/contracts';
import { MessagingLogger, PeriodicTask, runIsolated, TimerFailures, TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, DomainError, JsonLogger, NotFoundError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG, SERVICE_NAME } from '@orderline/shared/service-kit';
import { LogisticsServiceConfig } from '../logistics-config';
import { loadOrders } from '../infra/logistics-order.repository';
import { receiveReplacement } from './replacement-receipt';
import {
  claimNextDueReceipt,
  closeReceiptAutoConfirmed,
  closeReceiptDeliveredByPlatform,
  closeReceiptIntercepted,
  liveShipmentOrder,
  lockOpenShipmentOrders,
  recordReceiptExtension,
  setAutoConfirmAt,
  ShipmentOrderRow,
} from '../infra/shipment-order.repository';
import { loadShipment, loadTrackingEvents, ShipmentRow, TrackingEventRow } from '../infra/shipment.repository';

/** What the §2.4 table looks at for one order of a shipment (domain auto-confirm-timer.ts). */
export function receiptFacts(shipment: ShipmentRow, events: TrackingEventRow[], shipmentOrder: ShipmentOrderRow): ShipmentReceiptFacts {
  return {
    carrier: isPlatformCarrier(shipment.carrier) ? 'JD_LOGISTICS' : 'THIRD_PARTY',
    crossBorder: shipment.crossBorder,
    outboundAt: shipment.outboundAt,
    trackingEvents: events.map((event) => ({ at: event.occurredAt })),
    ...(shipment.deliveredAt ? { deliveredAt: shipment.deliveredAt } : {}),
    ...(shipmentOrder.receiptExtendedAt ? { extendedAt: shipmentOrder.receiptExtendedAt } : {}),
    ...(shipmentOrder.closedAt && shipmentOrder.closedReason === 'ORDER_COMPLETED' ? { receiptConfirmedAt: shipmentOrder.closedAt } : {}),
  };
}

/**
 * Recomputes the stored auto-confirm deadline of every open order of a shipment after its
 * facts changed (outbound, a tracking event, delivery, interception), in the caller's
 * transaction. The deadline is data, so a restart or another instance picks it up.
 */
export async function refreshReceiptTimers(manager: EntityManager, shipmentId: string, now: Date): Promise<void> {
  const shipment = (await loadShipment(manager, shipmentId))!;
  const events = await loadTrackingEvents(manager, shipmentId);
  const open = await lockOpenShipmentOrders(manager, shipmentId);
  for (const row of open) {
    // An intercepted parcel goes back to the merchant: the buyer will not receive it, so no
    // receipt is ever confirmed automatically (after-sales settles the order).
    if (shipment.status === 'INTERCEPTED' || shipment.status === 'RETURNED') {
      await closeReceiptIntercepted(manager, shipmentId, row.orderId, now);
      continue;
    }
    const facts = receiptFacts(shipment, events, row);
    const view = autoConfirmView(facts, now);
    if (view.case === 'PLATFORM_CARRIER' && facts.deliveredAt) {
      // domain.md §2.4: the order service completes it on ShipmentDelivered itself.
      await closeReceiptDeliveredByPlatform(manager, shipmentId, row.orderId, now, facts.deliveredAt);
      continue;
    }
    await setAutoConfirmAt(manager, shipmentId, row.orderId, view.autoConfirmAt);
  }
}

/**
 * The auto-confirm-of-receipt timers (domain.md §2.4) on the platform clock: due deadlines are
 * claimed with FOR UPDATE SKIP LOCKED and closed together with their `ReceiptAutoConfirmed`
 * in one transaction, so each fires exactly once however many instances poll. The buyer's
 * one-time extension moves the stored deadline.
 */
/** The job name of auto-confirm timers in `timer_failure`. */
export const RECEIPT_TIMER_JOB = 'receipt-auto-confirm';

@Injectable()
export class ReceiptTimers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: MessagingLogger;
  private readonly loop: PeriodicTask;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: LogisticsServiceConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
    @Inject(SERVICE_NAME) serviceName: string,
  ) {
    this.logger = logger.component('receipt-timers');
    this.loop = new PeriodicTask('receipt timers', config.LOGISTICS_TIMER_INTERVAL_MS, () => this.tick(), this.logger, serviceName);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  private async tick(): Promise<void> {
    while ((await this.fireDue()) > 0);
  }

  /**
   * Fires the deadlines reached on the platform clock, one order per transaction; returns how
   * many fired. An order whose firing fails is recorded in `timer_failure` (with a backoff)
   * and the others still fire: one poisoned shipment never stops other buyers' receipts.
   */
  async fireDue(batch = 50): Promise<number> {
    return runIsolated({ job: RECEIPT_TIMER_JOB, dataSource: this.dataSource, now: () => this.clock.now(), logger: this.logger, limit: batch }, (claimed) => this.fireNext(claimed));
  }

  private async fireNext(claimed: (orderId: string) => void): Promise<boolean> {
    return this.unitOfWork.run(async (scope) => {
      const now = this.clock.now();
      const row = await claimNextDueReceipt(scope.manager, RECEIPT_TIMER_JOB, now);
      if (!row) return false;
      claimed(row.orderId);
      const shipment = await loadShipment(scope.manager, row.shipmentId);
      if (!shipment) throw new Error(`shipment ${row.shipmentId} of order ${row.orderId} is missing`);
      if (row.afterSalesId) {
        // An exchange's replacement: its receipt completes the exchange, not the (already shipped) order.
        await closeReceiptAutoConfirmed(scope.manager, row.shipmentId, row.orderId, now);
        await receiveReplacement(scope, row.afterSalesId, row.shipmentId, 'AUTO_CONFIRMED', row.autoConfirmAt);
        await TimerFailures.clear(scope.manager, RECEIPT_TIMER_JOB, row.orderId);
        return true;
      }
      const events = await loadTrackingEvents(scope.manager, row.shipmentId);
      const kase = autoConfirmCase(receiptFacts(shipment, events, { receiptExtendedAt: null, closedAt: null, closedReason: null } as ShipmentOrderRow));
      await closeReceiptAutoConfirmed(scope.manager, row.shipmentId, row.orderId, now);
      await scope.publish(ReceiptAutoConfirmed, { shipmentId: row.shipmentId, orderId: row.orderId, case: kase, autoConfirmAt: row.autoConfirmAt.toISOString() });
      await TimerFailures.clear(scope.manager, RECEIPT_TIMER_JOB, row.orderId);
      return true;
    });
  }

  /** `POST /orders/{id}/extend-receipt`: the buyer's one-time extension, only inside its window. */
  async extend(orderId: string, buyer: Principal): Promise<void> {
    await this.unitOfWork.run(async (scope: TransactionScope) => {
      const [order] = await loadOrders(scope.manager, [orderId]);
      if (!order || buyer.role !== 'BUYER' || order.buyerId !== buyer.buyerId) throw new NotFoundError(`order ${orderId}`);
      const shipmentOrder = await liveShipmentOrder(scope.manager, orderId, true);
      if (!shipmentOrder) throw new DomainError('NOT_SHIPPED_YET', 409, 'receipt can be extended only after the order has shipped');
      if (shipmentOrder.closedAt) {
        const why = shipmentOrder.closedReason === 'INTERCEPTED' ? 'the parcel was intercepted and returns to the merchant' : `receipt is already confirmed (${shipmentOrder.closedReason})`;
        throw new DomainError(shipmentOrder.closedReason === 'INTERCEPTED' ? 'SHIPMENT_INTERCEPTED' : 'RECEIPT_ALREADY_CONFIRMED', 409, why);
      }
      const shipment = (await loadShipment(scope.manager, shipmentOrder.shipmentId))!;
      const events = await loadTrackingEvents(scope.manager, shipment.id);
      const decision = decideReceiptExtension(receiptFacts(shipment, events, shipmentOrder), this.clock.now());
      if (!decision.allowed) throw new DomainError(decision.veto.code, 409, decision.veto.reason);
      await recordReceiptExtension(scope.manager, shipment.id, orderId, decision.extendedAt, decision.autoConfirmAt);
    });
  }
}
