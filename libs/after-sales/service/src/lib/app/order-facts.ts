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
import { findOrder } from '../infra/after-sales-store';

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
    await scope.manager.query(
      `INSERT INTO as_order (order_id, merchant_id, buyer_id, payment_method, credit_plan, status, payable, freight, lines, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'PLACED', $6, $7, $8, $9) ON CONFLICT (order_id) DO NOTHING`,
      [p.orderId, p.merchantId, p.buyerId, p.paymentMethod, p.credit?.plan ?? null, p.payable, p.freight, JSON.stringify(lines), this.clock.now()],
    );
  }

  async paid(event: EventEnvelope<OrderPaidPayload>, scope: TransactionScope): Promise<void> {
    await scope.manager.query(`UPDATE as_order SET paid = $2, status = CASE WHEN status = 'PLACED' THEN 'PAID' ELSE status END, updated_at = $3 WHERE order_id = $1`, [event.payload.orderId, event.payload.amount, this.clock.now()]);
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
    await scope.manager.query(`UPDATE as_order SET status = 'SHIPPED', shipped_amount = $2, shipped_freight = $3, shipped_lines = $4, updated_at = $5 WHERE order_id = $1`, [
      p.orderId,
      p.shippedAmount,
      p.freight ?? null,
      shippedLines ? JSON.stringify(shippedLines) : null,
      this.clock.now(),
    ]);
  }

  async status(event: EventEnvelope<OrderStatusEventPayload>, scope: TransactionScope, status: 'DELIVERED' | 'COMPLETED'): Promise<void> {
    // A completed order stays completed; a delivery is remembered for the refund-only rule.
    await scope.manager.query(
      `UPDATE as_order SET status = CASE WHEN status = 'COMPLETED' THEN status ELSE $2 END, delivered = delivered OR $3, updated_at = $4 WHERE order_id = $1 AND status <> 'CANCELLED'`,
      [event.payload.orderId, status, status === 'DELIVERED', this.clock.now()],
    );
  }

  async cancelled(event: EventEnvelope<OrderCancelledPayload>, scope: TransactionScope): Promise<void> {
    await scope.manager.query(`UPDATE as_order SET status = 'CANCELLED', updated_at = $2 WHERE order_id = $1`, [event.payload.orderId, this.clock.now()]);
  }

  async loanBooked(event: EventEnvelope<LoanBookedPayload>, scope: TransactionScope): Promise<void> {
    await scope.manager.query(`INSERT INTO as_credit_loan (order_id, loan_id) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING`, [event.payload.orderId, event.payload.loanId]);
  }
}
