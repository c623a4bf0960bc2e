import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { availableOf, decideHold } from '@orderline/credit-billing/domain';
import {
  CreditHoldDeclined,
  CreditHoldPlaced,
  CreditHoldReleased,
  EventEnvelope,
  OrderCancelled,
  OrderCancelledPayload,
  OrderPlaced,
  OrderPlacedPayload,
} from '@orderline/shared/contracts';
import { EventHandlerBinding, onEvent, TransactionScope } from '@orderline/shared/messaging';
import { Clock, PLATFORM_CLOCK } from '@orderline/shared/service-kit';
import { CreditAccountRecord, CreditHoldRecord } from '../infra/credit.entity';

/**
 * Holds and releases on the buyer's line, driven by order events (domain.md §4.2).
 * The account row is locked while deciding, so concurrent orders of one buyer take turns
 * and the last of a line is granted once.
 */
@Injectable()
export class CreditHolds {
  constructor(@Inject(PLATFORM_CLOCK) private readonly clock: Clock) {}

  bindings(): EventHandlerBinding[] {
    return [onEvent(OrderPlaced, (event, scope) => this.placeHold(event, scope)), onEvent(OrderCancelled, (event, scope) => this.releaseHold(event, scope))];
  }

  async placeHold(event: EventEnvelope<OrderPlacedPayload>, scope: TransactionScope): Promise<void> {
    const order = event.payload;
    if (order.paymentMethod !== 'CREDIT') return;
    const accounts = scope.manager.getRepository(CreditAccountRecord);
    const account = await accounts.findOne({ where: { buyerId: order.buyerId }, lock: { mode: 'pessimistic_write' } });
    if (!account) {
      await scope.publish(CreditHoldDeclined, { orderId: order.orderId, buyerId: order.buyerId, amount: order.payable, available: 0, reason: 'NO_CREDIT_ACCOUNT' });
      return;
    }
    // The inbox already drops a redelivered event; this also covers a re-published copy.
    if (await scope.manager.getRepository(CreditHoldRecord).exists({ where: { orderId: order.orderId } })) return;

    const decision = decideHold({ limit: account.creditLimit, held: account.held, outstanding: account.outstanding }, order.payable);
    if (!decision.granted) {
      await scope.publish(CreditHoldDeclined, { orderId: order.orderId, buyerId: order.buyerId, creditAccountId: account.id, amount: order.payable, available: decision.available, reason: decision.reason });
      return;
    }
    const holdId = randomUUID();
    await scope.manager.insert(CreditHoldRecord, {
      id: holdId,
      orderId: order.orderId,
      creditAccountId: account.id,
      amount: order.payable,
      status: 'ACTIVE',
      placedAt: this.clock.now(),
      releasedAt: null,
      releaseReason: null,
    });
    await accounts.update({ id: account.id }, { held: account.held + order.payable });
    await scope.publish(CreditHoldPlaced, { holdId, orderId: order.orderId, creditAccountId: account.id, amount: order.payable, availableAfter: decision.availableAfter });
  }

  async releaseHold(event: EventEnvelope<OrderCancelledPayload>, scope: TransactionScope): Promise<void> {
    const hold = await scope.manager.getRepository(CreditHoldRecord).findOne({ where: { orderId: event.payload.orderId }, lock: { mode: 'pessimistic_write' } });
    // Declined orders never had a hold; a released hold stays released.
    if (!hold || hold.status !== 'ACTIVE') return;
    const accounts = scope.manager.getRepository(CreditAccountRecord);
    const account = await accounts.findOneOrFail({ where: { id: hold.creditAccountId }, lock: { mode: 'pessimistic_write' } });
    const held = account.held - hold.amount;
    await accounts.update({ id: account.id }, { held });
    await scope.manager.update(CreditHoldRecord, { id: hold.id }, { status: 'RELEASED', releasedAt: this.clock.now(), releaseReason: 'ORDER_CANCELLED' });
    await scope.publish(CreditHoldReleased, {
      holdId: hold.id,
      orderId: hold.orderId,
      creditAccountId: account.id,
      amount: hold.amount,
      reason: 'ORDER_CANCELLED',
      availableAfter: availableOf({ limit: account.creditLimit, held, outstanding: account.outstanding }),
    });
  }
}
