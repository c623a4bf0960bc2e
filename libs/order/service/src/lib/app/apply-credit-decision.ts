import { Inject, Injectable } from '@nestjs/common';
import { CreditHoldDeclined, CreditHoldDeclinedPayload, CreditHoldPlaced, CreditHoldPlacedPayload, EventEnvelope, OrderCancelled, OrderPaid } from '@orderline/shared/contracts';
import { EventHandlerBinding, onEvent, TransactionScope } from '@orderline/shared/messaging';
import { Clock, PLATFORM_CLOCK } from '@orderline/shared/service-kit';
import { onReadyForOutbound } from './order-kind-rules';
import {transitionOrder } from './order-transitions';
import { lockOrder } from '../infra/order.repository';
import { PlacementPacing } from './placement-pacing';

/**
 * Credit-billing's answer to `OrderPlaced` moves a CREDIT order on (domain.md §1.2, §4.2):
 * a hold pays it (→ WAITING_OUTBOUND), a decline cancels it with CREDIT_DECLINED. An answer
 * for an order the buyer already cancelled changes nothing here: credit-billing saw the
 * cancellation after its hold and releases the hold itself.
 */
@Injectable()
export class ApplyCreditDecision {
  constructor(
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    private readonly pacing: PlacementPacing,
  ) {}

  bindings(): EventHandlerBinding[] {
    return [onEvent(CreditHoldPlaced, (event, scope) => this.holdPlaced(event, scope)), onEvent(CreditHoldDeclined, (event, scope) => this.holdDeclined(event, scope))];
  }

  async holdPlaced(event: EventEnvelope<CreditHoldPlacedPayload>, scope: TransactionScope): Promise<void> {
    this.pacing.decided(event.payload.orderId, 'hold_placed');
    const order = await lockOrder(scope.manager, event.payload.orderId);
    if (!order || order.status !== 'UNPAID') return;
    order.creditHoldId = event.payload.holdId;
    await transitionOrder(scope, order, 'PAYMENT_CONFIRMED', 'system', 'CREDIT_HOLD_PLACED', this.clock.now());
    await scope.publish(OrderPaid, { orderId: order.id, buyerId: order.buyerId, paymentMethod: 'CREDIT', amount: event.payload.amount, creditHoldId: event.payload.holdId });
    await onReadyForOutbound(scope, order, this.clock.now());
  }

  async holdDeclined(event: EventEnvelope<CreditHoldDeclinedPayload>, scope: TransactionScope): Promise<void> {
    this.pacing.decided(event.payload.orderId, 'hold_declined');
    const order = await lockOrder(scope.manager, event.payload.orderId);
    if (!order || order.status !== 'UNPAID') return;
    const previousStatus = order.status;
    order.cancelReason = 'CREDIT_DECLINED';
    order.cancelledBy = 'SYSTEM';
    await transitionOrder(scope, order, 'CANCEL', 'system', `CREDIT_DECLINED: ${event.payload.reason}`, this.clock.now());
    await scope.publish(OrderCancelled, { orderId: order.id, buyerId: order.buyerId, paymentMethod: order.paymentMethod, reason: 'CREDIT_DECLINED', cancelledBy: 'SYSTEM', previousStatus });
  }
}
