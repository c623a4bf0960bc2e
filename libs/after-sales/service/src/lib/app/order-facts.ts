import { Inject, Injectable } from '@nestjs/common';
import {
  EventEnvelope,
  LoanBooked,
  LoanBookedPayload,
  OrderCancelled,
  OrderCancelledPayload,
  OrderCompleted,
  OrderDelivered,
  OrderPaid,
  OrderPaidPayload,
  OrderPlaced,
  OrderPlacedPayload,
  OrderShipped,
  OrderShippedPayload,
  OrderStatusEventPayload,
} from '@orderline/shared/contracts';
import { EventHandlerBinding, MessagingLogger, onEvent, TransactionScope } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, JsonLogger, PLATFORM_CLOCK } from '@orderline/shared/service-kit';
import { findOrder, insertPlacedOrder, recordCreditLoan, recordOrderCancelled, recordOrderDeliveredOrCompleted, recordOrderPaid, recordOrderShipped } from '../infra/order-copy.repository';

/**
 * After-sales keeps its own copy of what it needs of an order (architecture.md: no service
 * reads another's tables): lines and prices from `OrderPlaced`, what was paid and what
 * shipped from `OrderPaid`/`OrderShipped`, delivery and cancellation, and the credit loan.
 * One order's events arrive in order (keyed by order id); every handler is idempotent.
 */
@Injectable()
export class OrderFactsProjection {
  private readonly logger: MessagingLogger;

  constructor(
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(APP_LOGGER) logger: JsonLogger,
  ) {
    this.logger = logger.component('order-facts');
  }

  bindings(): EventHandlerBinding[] {
    return [
      onEvent(OrderPlaced, (event, scope) => this.placed(event, scope)),
      onEvent(OrderPaid, (event, scope) => this.paid(event, scope)),
      onEvent(OrderShipped, (event, scope) => this.shipped(event, scope)),
      onEvent(OrderDelivered, (event, scope) => this.status(event, scope, 'DELIVERED')),
      onEvent(OrderCompleted, (event, scope) => this.status(event, scope, 'COMPLETED')),
      onEvent(OrderCancelled, (event, scope) => this.cancelled(event, scope)),
      onEvent(LoanBooked, (event, scope) => this.loanBooked(event, scope)),
    ];
  }

  async placed(event: EventEnvelope<OrderPlacedPayload>, scope: TransactionScope): Promise<void> {
    const p = event.payload;
    const lines = p.lines.map((l) => ({ lineId: l.lineId, skuId: l.skuId, title: l.title, unitPrice: l.unitPrice, quantity: l.quantity, lineTotal: l.lineTotal }));
    await insertPlacedOrder(scope, { orderId: p.orderId, merchantId: p.merchantId, buyerId: p.buyerId, paymentMethod: p.paymentMethod, creditPlan: p.credit?.plan ?? null, payable: p.payable, freight: p.freight, lines }, this.clock.now());
  }

  async paid(event: EventEnvelope<OrderPaidPayload>, scope: TransactionScope): Promise<void> {
    await recordOrderPaid(scope, event.payload.orderId, event.payload.amount, this.clock.now());
  }

  async shipped(event: EventEnvelope<OrderShippedPayload>, scope: TransactionScope): Promise<void> {
    const p = event.payload;
    const order = await findOrder(scope.manager, p.orderId, true);
    if (!order) {
      this.logger.warn('OrderShipped for an order after-sales has not seen placed', { orderId: p.orderId });
      return;
    }
    if (!['PLACED', 'PAID'].includes(order.status)) return;
    const shippedLines = p.lines ? p.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })) : null;
    await recordOrderShipped(scope.manager, { orderId: p.orderId, shippedAmount: p.shippedAmount, freight: p.freight ?? null, lines: shippedLines }, this.clock.now());
  }

  async status(event: EventEnvelope<OrderStatusEventPayload>, scope: TransactionScope, status: 'DELIVERED' | 'COMPLETED'): Promise<void> {
    await recordOrderDeliveredOrCompleted(scope.manager, event.payload.orderId, status, this.clock.now());
  }

  async cancelled(event: EventEnvelope<OrderCancelledPayload>, scope: TransactionScope): Promise<void> {
    await recordOrderCancelled(scope.manager, event.payload.orderId, this.clock.now());
  }

  async loanBooked(event: EventEnvelope<LoanBookedPayload>, scope: TransactionScope): Promise<void> {
    await recordCreditLoan(scope.manager, event.payload.orderId, event.payload.loanId);
  }
}
