import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { availableOf, decideHold, holdPlacedPosting, holdReleasedPosting, planProblem } from '@orderline/credit-billing/domain';
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
import { accountLockKey, CreditBook } from '../infra/credit-book';
import { CreditAccountRecord, CreditHoldRecord, stillHeldOf } from '../infra/credit.entity';

/**
 * Holds and releases on the buyer's line, driven by order events (domain.md §4.2).
 * The account row is locked while deciding, so concurrent orders of one buyer take turns
 * and the last of a line is granted once.
 */
@Injectable()
export class CreditHolds {
  constructor(
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    private readonly book: CreditBook,
  ) {}

  bindings(): EventHandlerBinding[] {
    return [
      onEvent(OrderPlaced, (event, scope) => this.placeHold(event, scope), { lockKey: (event) => accountLockKey(event.payload.buyerId) }),
      onEvent(OrderCancelled, (event, scope) => this.releaseHold(event, scope), { lockKey: (event) => accountLockKey(event.payload.buyerId) }),
    ];
  }

  async placeHold(event: EventEnvelope<OrderPlacedPayload>, scope: TransactionScope): Promise<void> {
    const order = event.payload;
    if (order.paymentMethod !== 'CREDIT') return;
    const account = await this.book.lockAccountOfBuyer(scope.manager, order.buyerId);
    if (!account) {
      await scope.publish(CreditHoldDeclined, { orderId: order.orderId, buyerId: order.buyerId, amount: order.payable, available: 0, reason: 'NO_CREDIT_ACCOUNT' });
      return;
    }
    // The inbox already drops a redelivered event; this also covers a re-published copy.
    if (await scope.manager.getRepository(CreditHoldRecord).exists({ where: { orderId: order.orderId } })) return;

    const figures = { limit: account.creditLimit, held: account.held, outstanding: account.outstanding };
    // The plan is checked when the hold is placed, so the capture can always book it (domain.md §4.3).
    const product = await this.book.defaultProduct(scope.manager, order.credit?.plan ?? 'DEFERRED');
    const planNotOffered = !product ? 'no credit product for this plan' : planProblem(product, order.payable, order.credit?.periods);
    if (planNotOffered || !product) {
      await scope.publish(CreditHoldDeclined, { orderId: order.orderId, buyerId: order.buyerId, creditAccountId: account.id, amount: order.payable, available: availableOf(figures), reason: 'PLAN_NOT_AVAILABLE' });
      return;
    }
    const decision = decideHold(figures, order.payable);
    if (!decision.granted) {
      await scope.publish(CreditHoldDeclined, { orderId: order.orderId, buyerId: order.buyerId, creditAccountId: account.id, amount: order.payable, available: decision.available, reason: decision.reason });
      return;
    }
    const holdId = randomUUID();
    const now = this.clock.now();
    await scope.manager.insert(CreditHoldRecord, {
      id: holdId,
      orderId: order.orderId,
      creditAccountId: account.id,
      amount: order.payable,
      status: 'ACTIVE',
      placedAt: now,
      releasedAt: null,
      releaseReason: null,
      productCode: product.code,
      periodCount: product.planType === 'INSTALLMENT' ? (order.credit?.periods ?? null) : 1,
      capturedAmount: 0,
      releasedAmount: 0,
    });
    await scope.manager.getRepository(CreditAccountRecord).update({ id: account.id }, { held: account.held + order.payable });
    await this.book.post(scope.manager, [holdPlacedPosting({ accountId: account.id, holdId, amount: order.payable })], now);
    await scope.publish(CreditHoldPlaced, { holdId, orderId: order.orderId, creditAccountId: account.id, amount: order.payable, availableAfter: decision.availableAfter });
  }

  async releaseHold(event: EventEnvelope<OrderCancelledPayload>, scope: TransactionScope): Promise<void> {
    const account = await this.book.lockAccountOfBuyer(scope.manager, event.payload.buyerId);
    if (!account) return;
    const hold = await scope.manager.getRepository(CreditHoldRecord).findOne({ where: { orderId: event.payload.orderId } });
    // Declined orders never had a hold; a released hold stays released.
    if (!hold || hold.status !== 'ACTIVE') return;
    await this.release(scope, account, hold, stillHeldOf(hold), 'ORDER_CANCELLED', 'cancel');
  }

  /** Releases `amount` of an active hold (what is left of it ends the hold) and publishes CreditHoldReleased. */
  async release(scope: TransactionScope, account: CreditAccountRecord, hold: CreditHoldRecord, amount: number, reason: string, releaseId: string): Promise<void> {
    const now = this.clock.now();
    const held = account.held - amount;
    await scope.manager.getRepository(CreditAccountRecord).update({ id: account.id }, { held });
    account.held = held;
    const releasedAmount = hold.releasedAmount + amount;
    const ended = stillHeldOf({ ...hold, releasedAmount }) === 0;
    await scope.manager.update(
      CreditHoldRecord,
      { id: hold.id },
      ended ? { releasedAmount, status: hold.capturedAmount > 0 ? 'CAPTURED' : 'RELEASED', releasedAt: now, releaseReason: reason } : { releasedAmount },
    );
    await this.book.post(scope.manager, [holdReleasedPosting({ accountId: account.id, holdId: hold.id, releaseId, amount })], now);
    await scope.publish(CreditHoldReleased, {
      holdId: hold.id,
      orderId: hold.orderId,
      creditAccountId: account.id,
      amount,
      reason,
      availableAfter: availableOf({ limit: account.creditLimit, held, outstanding: account.outstanding }),
    });
  }
}
