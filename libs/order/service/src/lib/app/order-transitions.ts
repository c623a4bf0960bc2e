import { decidePause, decideTransition, OrderFacts, OrderTrigger, PauseReason } from '@orderline/order/domain';
import { OrderPaused } from '@orderline/shared/contracts';
import { DomainError } from '@orderline/shared/service-kit';
import { TransactionScope } from '@orderline/shared/messaging';
import { OrderRecord, OrderStatusChangeRecord } from '../infra/order.entity';

/** What the process table's guards look at (domain.md §1.3 group-buy, §1.5 pauses). */
export function orderFacts(order: OrderRecord): OrderFacts {
  const groupBuy = (order.specialAttributes as { groupBuy?: { formed: boolean } }).groupBuy;
  return {
    status: order.status,
    paymentMethod: order.paymentMethod,
    ...(groupBuy ? { groupBuy: { formed: Boolean(groupBuy.formed) } } : {}),
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
  await scope.manager.save(order);
  await scope.manager.insert(OrderStatusChangeRecord, { orderId: order.id, fromStatus: decision.from, toStatus: decision.to, reason, actor, at });
}

/** Loads an order with a row lock, so concurrent commands on one order take turns. */
export async function lockOrder(scope: TransactionScope, orderId: string): Promise<OrderRecord | null> {
  return scope.manager.getRepository(OrderRecord).findOne({ where: { id: orderId }, lock: { mode: 'pessimistic_write' } });
}

/**
 * After an order became payable-for (paid, held or COD): a group-buy order whose group has
 * not formed waits in PAUSED with WAITING_FOR_GROUP until it does (domain.md §1.5).
 */
export async function pauseUntilGroupForms(scope: TransactionScope, order: OrderRecord, at: Date): Promise<void> {
  const groupBuy = (order.specialAttributes as { groupBuy?: { formed: boolean } }).groupBuy;
  if (!groupBuy || groupBuy.formed || order.status !== 'WAITING_OUTBOUND') return;
  const decision = decidePause({ status: order.status, paymentMethod: order.paymentMethod }, { reason: 'WAITING_FOR_GROUP' }, at);
  if (!decision.allowed) return;
  order.status = decision.to;
  order.pause = { reason: 'WAITING_FOR_GROUP', pausedAt: at.toISOString() };
  await scope.manager.save(order);
  await scope.manager.insert(OrderStatusChangeRecord, { orderId: order.id, fromStatus: decision.from, toStatus: decision.to, reason: 'PAUSED: WAITING_FOR_GROUP', actor: 'system', at });
  await scope.publish(OrderPaused, { orderId: order.id, merchantId: order.merchantId, reason: 'WAITING_FOR_GROUP' });
}
