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
    await scope.manager.query(
      `INSERT INTO logistics_order (order_id, merchant_id, buyer_id, payment_method, payable, lines, consignee, cross_border, specified_platform_delivery, placed, paid, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, $10, $11)
       ON CONFLICT (order_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, buyer_id = EXCLUDED.buyer_id, payment_method = EXCLUDED.payment_method, payable = EXCLUDED.payable,
         lines = EXCLUDED.lines, consignee = EXCLUDED.consignee, cross_border = EXCLUDED.cross_border, specified_platform_delivery = EXCLUDED.specified_platform_delivery,
         placed = true, paid = logistics_order.paid OR EXCLUDED.paid, updated_at = EXCLUDED.updated_at`,
      [
        p.orderId,
        p.merchantId,
        p.buyerId,
        p.paymentMethod,
        p.payable,
        JSON.stringify(p.lines),
        this.consigneeOf(p.consigneeSealed, p.orderId),
        Boolean(p.crossBorder),
        Boolean(p.specifiedPlatformDelivery),
        // domain.md §1.2: cash on delivery waits for outbound at once, without OrderPaid.
        p.paymentMethod === 'COD',
        this.clock.now(),
      ],
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
    await scope.manager.query(`UPDATE shipment_order SET closed_at = $2, closed_reason = 'ORDER_COMPLETED' WHERE order_id = $1 AND closed_at IS NULL AND voided_at IS NULL`, [event.payload.orderId, now]);
  }

  private async set(scope: TransactionScope, orderId: string, column: 'paid' | 'paused_reason' | 'cancelled' | 'consignee' | 'completed_at', value: unknown): Promise<void> {
    await scope.manager.query(
      `INSERT INTO logistics_order (order_id, ${column}, updated_at) VALUES ($1, $2, $3) ON CONFLICT (order_id) DO UPDATE SET ${column} = EXCLUDED.${column}, updated_at = EXCLUDED.updated_at`,
      [orderId, value, this.clock.now()],
    );
  }

  async dispatchRejected(event: EventEnvelope<DispatchRejectedPayload>, scope: TransactionScope): Promise<void> {
    const { orderId, shipmentId, orderStatus } = event.payload;
    const now = this.clock.now();
    const result = await scope.manager.query(
      `UPDATE shipment_order SET voided_at = $3, void_reason = $4, closed_at = COALESCE(closed_at, $3), closed_reason = COALESCE(closed_reason, 'VOIDED')
        WHERE shipment_id::text = $1 AND order_id = $2 AND voided_at IS NULL RETURNING order_id`,
      [shipmentId, orderId, now, `DISPATCH_REJECTED: the order was ${orderStatus}`],
    );
    const rows = Array.isArray(result[0]) ? result[0] : result;
    if (rows.length > 0) this.logger.warn('shipment voided: the order stopped before the dispatch reached it', { orderId, shipmentId, orderStatus });
  }
}
