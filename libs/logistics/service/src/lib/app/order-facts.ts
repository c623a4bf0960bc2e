import { Inject, Injectable } from '@nestjs/common';
import {
  ConsigneeChanged,
  ConsigneeChangedPayload,
  DispatchRejected,
  DispatchRejectedPayload,
  EventEnvelope,
  OrderCancelled,
  OrderCancelledPayload,
  OrderCompleted,
  OrderPaid,
  OrderPaused,
  OrderPausedPayload,
  OrderPlaced,
  OrderPlacedPayload,
  OrderResumed,
  OrderStatusEventPayload,
  EventConsignee,
  openPersonalData,
} from '@orderline/shared/contracts';
import { EventHandlerBinding, MessagingLogger, onEvent, TransactionScope } from '@orderline/shared/messaging';
import { APP_LOGGER, BaseServiceConfig, Clock, JsonLogger, personalDataSecret, PLATFORM_CLOCK, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { OrderFactColumn, setOrderFact, upsertPlacedOrder } from '../infra/logistics-order.repository';
import { closeReceiptOrderCompleted, voidShipmentOrder } from '../infra/shipment-order.repository';

/**
 * What logistics knows of orders comes from the order service's events only (it never reads
 * that database): who sells and buys, the lines, the consignee, payment, pauses and
 * cancellation. One order's events share a partition, so they arrive in order; each handler
 * upserts only its own columns, so an early OrderPaused (group-buy at placement) is kept.
 *
 * The race with a pause or a cancel (domain.md §1.5): logistics may ship an order whose pause
 * it has not heard of yet. The order service ships only WAITING_OUTBOUND orders; for any other
 * it answers `DispatchRejected`, and logistics voids that shipment's claim on the order
 * (reason kept, timer closed): the order can ship again once released.
 */
@Injectable()
export class OrderFacts {
  private readonly logger: MessagingLogger;

  constructor(
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(APP_LOGGER) logger: JsonLogger,
    @Inject(SERVICE_CONFIG) private readonly config: BaseServiceConfig,
  ) {
    this.logger = logger.component('order-facts');
  }

  /** The consignee travels sealed (personal data); logistics opens it for the electronic waybill. */
  private consigneeOf(sealed: string | undefined, orderId: string): string | null {
    if (!sealed) return null;
    const consignee = openPersonalData<EventConsignee>(sealed, personalDataSecret(this.config));
    if (!consignee) this.logger.warn('consignee sealed under another key: PERSONAL_DATA_KEY differs from the order service', { orderId });
    return consignee ? JSON.stringify(consignee) : null;
  }

  bindings(): EventHandlerBinding[] {
    return [
      onEvent(OrderPlaced, (event, scope) => this.placed(event, scope)),
      onEvent(OrderPaid, (event, scope) => this.set(scope, event.payload.orderId, 'paid', true)),
      onEvent(OrderPaused, (event, scope) => this.paused(event, scope)),
      onEvent(OrderResumed, (event, scope) => this.set(scope, event.payload.orderId, 'paused_reason', null)),
      onEvent(OrderCancelled, (event, scope) => this.cancelled(event, scope)),
      onEvent(ConsigneeChanged, (event, scope) => this.consigneeChanged(event, scope)),
      onEvent(OrderCompleted, (event, scope) => this.completed(event, scope)),
      onEvent(DispatchRejected, (event, scope) => this.dispatchRejected(event, scope)),
    ];
  }

  async placed(event: EventEnvelope<OrderPlacedPayload>, scope: TransactionScope): Promise<void> {
    const p = event.payload;
    await upsertPlacedOrder(
      scope,
      {
        orderId: p.orderId,
        merchantId: p.merchantId,
        buyerId: p.buyerId,
        paymentMethod: p.paymentMethod,
        payable: p.payable,
        lines: p.lines,
        consignee: this.consigneeOf(p.consigneeSealed, p.orderId),
        crossBorder: Boolean(p.crossBorder),
        specifiedPlatformDelivery: Boolean(p.specifiedPlatformDelivery),
        // domain.md §1.2: cash on delivery waits for outbound at once, without OrderPaid.
        paid: p.paymentMethod === 'COD',
      },
      this.clock.now(),
    );
  }

  async paused(event: EventEnvelope<OrderPausedPayload>, scope: TransactionScope): Promise<void> {
    await this.set(scope, event.payload.orderId, 'paused_reason', event.payload.reason);
  }

  async cancelled(event: EventEnvelope<OrderCancelledPayload>, scope: TransactionScope): Promise<void> {
    await this.set(scope, event.payload.orderId, 'cancelled', true);
  }

  async consigneeChanged(event: EventEnvelope<ConsigneeChangedPayload>, scope: TransactionScope): Promise<void> {
    const consignee = this.consigneeOf(event.payload.consigneeSealed, event.payload.orderId);
    if (!consignee) return;
    await this.set(scope, event.payload.orderId, 'consignee', consignee);
  }

  /** Completed by the buyer's confirmation, the platform carrier's delivery or our own timer: the timer closes. */
  async completed(event: EventEnvelope<OrderStatusEventPayload>, scope: TransactionScope): Promise<void> {
    const now = this.clock.now();
    await this.set(scope, event.payload.orderId, 'completed_at', now);
    await closeReceiptOrderCompleted(scope.manager, event.payload.orderId, now);
  }

  private async set(scope: TransactionScope, orderId: string, column: OrderFactColumn, value: unknown): Promise<void> {
    await setOrderFact(scope, orderId, column, value, this.clock.now());
  }

  async dispatchRejected(event: EventEnvelope<DispatchRejectedPayload>, scope: TransactionScope): Promise<void> {
    const { orderId, shipmentId, orderStatus } = event.payload;
    const now = this.clock.now();
    const voided = await voidShipmentOrder(scope.manager, shipmentId, orderId, `DISPATCH_REJECTED: the order was ${orderStatus}`, now);
    if (voided) this.logger.warn('shipment voided: the order stopped before the dispatch reached it', { orderId, shipmentId, orderStatus });
  }
}
