import { OrderCancelled, OrderCompleted, OrderDelivered, OrderPaid, OrderPaused, OrderResumed, OrderShipped } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';
import { TransactionScope } from '@orderline/shared/messaging';

/**
 * Events of one order on the orders topic arrive in order (one partition per key), so each
 * sets its columns; `updated_at` only moves forward because other topics (refunds) are
 * consumed independently and a replay may apply them in another interleaving.
 */
async function setColumns(scope: TransactionScope, orderId: string, assignments: string, values: unknown[]): Promise<void> {
  await scope.manager.query(`UPDATE export_order SET ${assignments} WHERE order_id = $1`, [orderId, ...values]);
}

export const orderPaid = onEvent(OrderPaid, (event, scope) =>
  setColumns(scope, event.payload.orderId, `status = 'WAITING_OUTBOUND', paid_amount = $2, paid_at = $3, updated_at = GREATEST(updated_at, $3::timestamptz)`, [event.payload.amount, event.occurredAt]),
);

export const orderPaused = onEvent(OrderPaused, (event, scope) => setColumns(scope, event.payload.orderId, `status = 'PAUSED', pause_reason = $2, updated_at = GREATEST(updated_at, $3::timestamptz)`, [event.payload.reason, event.occurredAt]));

export const orderResumed = onEvent(OrderResumed, (event, scope) => setColumns(scope, event.payload.orderId, `status = 'WAITING_OUTBOUND', pause_reason = NULL, updated_at = GREATEST(updated_at, $2::timestamptz)`, [event.occurredAt]));

export const orderCancelled = onEvent(OrderCancelled, (event, scope) =>
  setColumns(scope, event.payload.orderId, `status = 'CANCELLED', cancel_reason = $2, cancelled_at = $3, updated_at = GREATEST(updated_at, $3::timestamptz)`, [event.payload.reason, event.occurredAt]),
);

export const orderShipped = onEvent(OrderShipped, (event, scope) => setColumns(scope, event.payload.orderId, `status = 'SHIPPED', shipped_at = coalesce(shipped_at, $2), updated_at = GREATEST(updated_at, $2::timestamptz)`, [event.occurredAt]));

export const orderDelivered = onEvent(OrderDelivered, (event, scope) => setColumns(scope, event.payload.orderId, `status = 'DELIVERED', delivered_at = $2, updated_at = GREATEST(updated_at, $2::timestamptz)`, [event.occurredAt]));

export const orderCompleted = onEvent(OrderCompleted, (event, scope) => setColumns(scope, event.payload.orderId, `status = 'COMPLETED', completed_at = $2, updated_at = GREATEST(updated_at, $2::timestamptz)`, [event.occurredAt]));
