import { decidePause, decidePauseRelease, decideTransition, OrderFacts, OrderStatus, OrderTrigger, PauseRelease, PauseReason, releaseData } from '@orderline/order/domain';
import { Decision } from '@orderline/shared/process';
import { OrderPaused, OrderResumed, OrderStatusChanged } from '@orderline/shared/contracts';
import { DomainError } from '@orderline/shared/service-kit';
import { TransactionScope } from '@orderline/shared/messaging';
import { returnCoupon, returnStock } from '../infra/catalog-store';
import { OrderRecord, OrderStatusChangeRecord } from '../infra/order.entity';
import { SHIPPING_PROMISE_MS } from './order-flags';
// A cycle on purpose: transitions trigger kind rules, which move related orders by transitions.
import { afterTransition } from './order-kind-rules';

/** What the process table's guards look at (domain.md §1.3 group-buy, §1.5 pauses). */
export function orderFacts(order: OrderRecord): OrderFacts {
  const groupBuy = (order.specialAttributes as { groupBuy?: { formed: boolean } }).groupBuy;
  const attributes = order.specialAttributes as { localServiceVoucher?: unknown; subscription?: { role: 'PARENT' | 'CHILD' } };
  return {
    status: order.status,
    paymentMethod: order.paymentMethod,
    ...(groupBuy ? { groupBuy: { formed: Boolean(groupBuy.formed) } } : {}),
    ...(attributes.localServiceVoucher ? { localServiceVoucher: true } : {}),
    ...(attributes.subscription ? { subscriptionRole: attributes.subscription.role } : {}),
    ...(order.pause ? { pause: { reason: order.pause.reason as PauseReason } } : {}),
  };
}

/** Who moved an order, as written to its history. */
export type Actor = `buyer:${string}` | `merchant:${string}` | `operator:${string}` | 'system';

/**
 * Moves a locked order through the process table and writes the history row, in the
 * caller's transaction. A veto becomes a 409 with the guard's code and reason.
 */
export async function transitionOrder(scope: TransactionScope, order: OrderRecord, trigger: OrderTrigger, actor: Actor, reason: string | null, at: Date): Promise<void> {
  const decision = decideTransition(orderFacts(order), trigger);
  if (!decision.allowed) throw new DomainError(decision.veto.code, 409, decision.veto.reason, { orderId: order.id, orderStatus: order.status });
  order.status = decision.to;
  // domain.md §1.8: the shipping promise runs from the moment the order could first ship.
  if (decision.to === 'WAITING_OUTBOUND' && !order.promisedShipBy) order.promisedShipBy = new Date(at.getTime() + SHIPPING_PROMISE_MS);
  await scope.manager.save(order);
  await recordTransition(scope, order, decision.from, decision.to, reason, actor, at);
  // domain.md §1.1a: every cancellation (buyer, declined credit, negotiated, payment time-out)
  // passes here, before shipment by the process table, and gives back stock and coupon.
  if (decision.to === 'CANCELLED') {
    await returnStock(scope.manager, order.id, at);
    await returnCoupon(scope.manager, order.id, at);
  }
  await afterTransition(scope, order, at);
}

/**
 * Writes one history row and publishes it (domain.md §1.2: every transition is recorded —
 * who, when, why — and published), in the caller's transaction.
 */
export async function recordTransition(scope: TransactionScope, order: Pick<OrderRecord, 'id' | 'merchantId'>, from: string | null, to: string, reason: string | null, actor: Actor, at: Date): Promise<void> {
  await scope.manager.insert(OrderStatusChangeRecord, { orderId: order.id, fromStatus: from, toStatus: to, reason, actor, at });
  await scope.publish(OrderStatusChanged, { orderId: order.id, merchantId: order.merchantId, from, to, reason, actor, at: at.toISOString() });
}

/** Loads an order with a row lock, so concurrent commands on one order take turns. */
export async function lockOrder(scope: TransactionScope, orderId: string): Promise<OrderRecord | null> {
  return scope.manager.getRepository(OrderRecord).findOne({ where: { id: orderId }, lock: { mode: 'pessimistic_write' } });
}

/**
 * An automatic pause of an order that just became ready for outbound (domain.md §1.5): the
 * system pauses it for `reason` (and `releaseAt` for timed reasons), recorded and published
 * like a merchant's pause.
 */
export async function pauseAutomatically(scope: TransactionScope, order: OrderRecord, reason: PauseReason, releaseAt: Date | undefined, at: Date): Promise<boolean> {
  if (order.status !== 'WAITING_OUTBOUND') return false;
  const decision = decidePause({ status: order.status, paymentMethod: order.paymentMethod }, { reason, ...(releaseAt ? { releaseAt } : {}) }, at);
  if (!decision.allowed) return false;
  order.status = decision.to;
  order.pause = { reason, pausedAt: at.toISOString(), ...(releaseAt ? { releaseAt: releaseAt.toISOString() } : {}) };
  await scope.manager.save(order);
  await recordTransition(scope, order, decision.from, decision.to, `PAUSED: ${reason}`, 'system', at);
  await scope.publish(OrderPaused, { orderId: order.id, merchantId: order.merchantId, reason, ...(releaseAt ? { releaseAt: releaseAt.toISOString() } : {}) });
  return true;
}

/**
 * Ends the pause of a locked, paused order by `release` if its rule allows (domain.md §1.5):
 * the order waits for outbound again, the release is kept with the data it carried and who
 * asserted it (issue 12), the transition is recorded and `OrderResumed` published. The one
 * place every release goes through: the merchant's, the operator's and the platform's own.
 */
export async function releasePausedOrder(scope: TransactionScope, order: OrderRecord, release: PauseRelease, actor: Actor, at: Date): Promise<Decision<{ from: OrderStatus; to: OrderStatus }>> {
  if (order.status !== 'PAUSED' || !order.pause) return { allowed: false, veto: { code: 'ORDER_NOT_PAUSED', reason: `order ${order.id} is ${order.status}, not paused` } };
  const pause = { reason: order.pause.reason as PauseReason, pausedAt: new Date(order.pause.pausedAt), ...(order.pause.releaseAt ? { releaseAt: new Date(order.pause.releaseAt) } : {}) };
  const decision = decidePauseRelease(orderFacts(order), pause, release, at);
  if (!decision.allowed) return decision;
  order.status = decision.to;
  order.pause = null;
  order.pauseReleases = [...(order.pauseReleases ?? []), { reason: pause.reason, trigger: release.trigger, by: actor, at: at.toISOString(), ...releaseData(release) }];
  await scope.manager.save(order);
  await recordTransition(scope, order, decision.from, decision.to, `RELEASED: ${release.trigger}`, actor, at);
  await scope.publish(OrderResumed, { orderId: order.id, merchantId: order.merchantId, pauseReason: pause.reason, trigger: release.trigger });
  return decision;
}
