import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { cancelHold, placeHold } from '@orderline/credit-billing/domain';
import { CreditHoldDeclined, EventEnvelope, OrderCancelled, OrderCancelledPayload, OrderPlaced, OrderPlacedPayload } from '@orderline/shared/contracts';
import { EventHandlerBinding, onEvent, TransactionScope } from '@orderline/shared/messaging';
import { accountLockKey, CreditAccountRepository } from '../infra/credit-account.repository';
import { AccountChanges } from './account-changes';

/**
 * Holds and releases on the buyer's line, driven by order events (domain.md §4.2).
 * The account row is locked while deciding, so concurrent orders of one buyer take turns
 * and the last of a line is granted once.
 */
@Injectable()
export class CreditHolds {
  constructor(
    private readonly accounts: CreditAccountRepository,
    private readonly changes: AccountChanges,
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
    // The inbox already drops a redelivered event; the order's hold (if any) also covers a re-published copy.
    const locked = await this.accounts.lockAccountForHold(scope.manager, order.buyerId, order.orderId, order.credit?.plan ?? 'DEFERRED');
    if (!locked) {
      await scope.publish(CreditHoldDeclined, { orderId: order.orderId, buyerId: order.buyerId, amount: order.payable, available: 0, reason: 'NO_CREDIT_ACCOUNT' });
      return;
    }
    const { record, account, product } = locked;
    const change = placeHold(account, { holdId: randomUUID(), orderId: order.orderId, amount: order.payable, product, periodCount: order.credit?.periods });
    await this.changes.commit(scope, record, account, change);
  }

  async releaseHold(event: EventEnvelope<OrderCancelledPayload>, scope: TransactionScope): Promise<void> {
    const record = await this.accounts.lockAccountOfBuyer(scope.manager, event.payload.buyerId);
    if (!record) return;
    const account = await this.accounts.load(scope.manager, record, { orderId: event.payload.orderId });
    await this.changes.commit(scope, record, account, cancelHold(account, { orderId: event.payload.orderId }));
  }
}
