import { decidePause, decidePauseRelease, decideTransition, ORDER_PROCESS, OrderEffect, OrderFacts, OrderStatus, OrderTrigger, PauseRelease, PauseReason, releaseData, SHIPPING_PROMISE_MS } from '@orderline/order/domain';
import { OrderPaused, OrderResumed, OrderStatusChanged } from '@orderline/shared/contracts';
import { DomainError } from '@orderline/shared/service-kit';
import { lockedEntityUpdate } from '@orderline/shared/persistence';
import { applyTransition, outgoing, OutgoingEvent, TransactionScope } from '@orderline/shared/messaging';
import { Decision, Transition } from '@orderline/shared/process';
import { returnCoupon, returnStock } from '../infra/catalog-store';
import { OrderRecord, OrderStatusChangeRecord } from '../infra/order.entity';
import { lockOrder, openChildOrderCount, pausedGiftOrdersOf } from '../infra/order.repository';


type OrderTransition = Transition<OrderStatus, OrderTrigger, OrderEffect>;

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
 * Moves a locked order through the process table, in the caller's transaction. A veto becomes
 * a 409 with the guard's code and reason.
 */
export async function transitionOrder(scope: TransactionScope, order: OrderRecord, trigger: OrderTrigger, actor: Actor, reason: string | null, at: Date): Promise<void> {
  const decision = decideTransition(orderFacts(order), trigger);
  if (!decision.allowed) throw new DomainError(decision.veto.code, 409, decision.veto.reason, { orderId: order.id, orderStatus: order.status });
  await moveOrder(scope, order, decision, actor, reason, at);
}

/**
 * Pauses a locked order as `decidePause` allowed (domain.md §1.5): the pause is kept on the
 * order and `OrderPaused` published with the move.
 */
export async function pauseOrder(scope: TransactionScope, order: OrderRecord, decision: OrderTransition & { pause: { reason: PauseReason; releaseAt?: Date } }, actor: Actor, at: Date): Promise<void> {
  const { reason, releaseAt } = decision.pause;
  order.pause = { reason, pausedAt: at.toISOString(), ...(releaseAt ? { releaseAt: releaseAt.toISOString() } : {}) };
  await moveOrder(scope, order, decision, actor, `PAUSED: ${reason}`, at, {
    ORDER_PAUSED: () => outgoing(OrderPaused, { orderId: order.id, merchantId: order.merchantId, reason, ...(releaseAt ? { releaseAt: releaseAt.toISOString() } : {}) }),
  });
}

/**
 * An automatic pause of an order that just became ready for outbound (domain.md §1.5): the
 * system pauses it for `reason` (and `releaseAt` for timed reasons), recorded and published
 * like a merchant's pause.
 */
export async function pauseAutomatically(scope: TransactionScope, order: OrderRecord, reason: PauseReason, releaseAt: Date | undefined, at: Date): Promise<boolean> {
  if (order.status !== 'WAITING_OUTBOUND') return false;
  const decision = decidePause(orderFacts(order), { reason, ...(releaseAt ? { releaseAt } : {}) }, at);
  if (!decision.allowed) return false;
  await pauseOrder(scope, order, decision, 'system', at);
  return true;
}

/**
 * Ends the pause of a locked, paused order by `release` if its rule allows (domain.md §1.5):
 * the order waits for outbound again, the release is kept with the data it carried and who
 * asserted it (issue 12), the transition is recorded and `OrderResumed` published. The one
 * place every release goes through: the merchant's, the operator's and the platform's own.
 */
export async function releasePausedOrder(scope: TransactionScope, order: OrderRecord, release: PauseRelease, actor: Actor, at: Date): Promise<Decision<OrderTransition>> {
  if (order.status !== 'PAUSED' || !order.pause) return { allowed: false, veto: { code: 'ORDER_NOT_PAUSED', reason: `order ${order.id} is ${order.status}, not paused` } };
  const pause = { reason: order.pause.reason as PauseReason, pausedAt: new Date(order.pause.pausedAt), ...(order.pause.releaseAt ? { releaseAt: new Date(order.pause.releaseAt) } : {}) };
  const decision = decidePauseRelease(orderFacts(order), pause, release, at);
  if (!decision.allowed) return decision;
  order.pause = null;
  order.pauseReleases = [...(order.pauseReleases ?? []), { reason: pause.reason, trigger: release.trigger, by: actor, at: at.toISOString(), ...releaseData(release) }];
  await moveOrder(scope, order, decision, actor, `RELEASED: ${release.trigger}`, at, {
    ORDER_RESUMED: () => outgoing(OrderResumed, { orderId: order.id, merchantId: order.merchantId, pauseReason: pause.reason, trigger: release.trigger }),
  });
  return decision;
}

/**
 * Records a new order in the status it is created in (a history row from nothing, published
 * like every change); only an initial state of the process may start an order.
 */
/** Records an order's first status (history and event); returns the history row it wrote. */
export async function recordCreation(scope: TransactionScope, order: Pick<OrderRecord, 'id' | 'merchantId' | 'status'>, reason: string, actor: Actor, at: Date): Promise<HistoryRow> {
  if (!ORDER_PROCESS.initial.includes(order.status)) throw new Error(`an order cannot be created in status ${order.status}`);
  const row = appendHistory(scope, order, null, order.status, reason, actor, at);
  await scope.publish(OrderStatusChanged, statusChange(order, null, order.status, reason, actor, at));
  return row;
}

/**
 * The one place an order moves (domain.md §1.2: every transition is recorded — who, when,
 * why — and published): the shared `applyTransition` with the order's row, history table and
 * events, then what the move means for the order's stock and for related orders.
 */
async function moveOrder(
  scope: TransactionScope,
  order: OrderRecord,
  transition: OrderTransition,
  actor: Actor,
  reason: string | null,
  at: Date,
  effects: Partial<Record<OrderEffect, () => OutgoingEvent>> = {},
): Promise<void> {
  // domain.md §1.8: the shipping promise runs from the moment the order could first ship.
  if (transition.to === 'WAITING_OUTBOUND' && !order.promisedShipBy) order.promisedShipBy = new Date(at.getTime() + SHIPPING_PROMISE_MS);
  await applyTransition(scope, order, transition, {
    // The order was loaded locked (lockOrder): no SELECT-and-diff of `save` needed, and nothing
    // to wait for: the UPDATE travels with the transaction's next statement.
    save: (moved) => scope.sendWrite(lockedEntityUpdate(scope.manager, OrderRecord, moved, at)),
    history: async (move) => void appendHistory(scope, order, move.from, move.to, reason, actor, at),
    event: (move) => outgoing(OrderStatusChanged, statusChange(order, move.from, move.to, reason, actor, at)),
    effects,
  });
  // domain.md §1.1a: every cancellation (buyer, declined credit, negotiated, payment time-out)
  // passes here, before shipment by the process table, and gives back stock and coupon.
  if (transition.to === 'CANCELLED') {
    await returnStock(scope.manager, order.id, at);
    await returnCoupon(scope.manager, order.id, at);
  }
  await moveRelatedOrders(scope, order, at);
}

/**
 * Consequences of a move for related orders, in the same transaction: a delivered main order
 * releases its gift orders (§1.5 MAIN_ITEM_DELIVERED); the last completed child of a
 * subscription completes its parent. Here, beside `moveOrder`, because they move orders too.
 */
async function moveRelatedOrders(scope: TransactionScope, order: OrderRecord, at: Date): Promise<void> {
  if (order.status === 'DELIVERED') {
    for (const id of await pausedGiftOrdersOf(scope.manager, order.id)) {
      const gift = await lockOrder(scope.manager, id);
      if (gift?.pause) await releasePausedOrder(scope, gift, { trigger: 'MAIN_ITEM_DELIVERED' }, 'system', at);
    }
  }
  if (order.status === 'COMPLETED' && order.parentOrderId && (await openChildOrderCount(scope.manager, order.parentOrderId)) === 0) {
    const parent = await lockOrder(scope.manager, order.parentOrderId);
    if (parent && parent.status === 'WAITING_OUTBOUND') await transitionOrder(scope, parent, 'CHILDREN_COMPLETED', 'system', 'ALL_SUBSCRIPTION_PERIODS_COMPLETED', at);
  }
}

/** A row of an order's status history as written (its id is generated). */
export type HistoryRow = Pick<OrderStatusChangeRecord, 'orderId' | 'fromStatus' | 'toStatus' | 'reason' | 'actor' | 'at'>;

/**
 * History is written at commit with the transaction's events (`insertAtCommit`): nothing reads
 * an order's history in the transaction that moves it, and a move cost a round trip of its own
 * (issue 19). Rows of one transaction keep their order (one multi-row INSERT).
 */
function appendHistory(scope: TransactionScope, order: Pick<OrderRecord, 'id'>, from: OrderStatus | null, to: OrderStatus, reason: string | null, actor: Actor, at: Date): HistoryRow {
  const row: HistoryRow = { orderId: order.id, fromStatus: from, toStatus: to, reason, actor, at };
  scope.insertAtCommit(OrderStatusChangeRecord, [row]);
  return row;
}

function statusChange(order: Pick<OrderRecord, 'id' | 'merchantId'>, from: OrderStatus | null, to: OrderStatus, reason: string | null, actor: Actor, at: Date) {
  return { orderId: order.id, merchantId: order.merchantId, from, to, reason, actor, at: at.toISOString() };
}
