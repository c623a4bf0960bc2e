import { OrderCancelled, OrderCompleted, OrderDelivered, OrderPaid, OrderPaused, OrderResumed, OrderShipped } from '@orderline/shared/contracts';
import { onEvent } from '@orderline/shared/messaging';
import { ExportReadModel } from '../../infra/read-model.repository';

// Events of one order on the orders topic arrive in order (one partition per key), so each sets its columns.
export const orderPaid = onEvent(OrderPaid, (event, scope) => new ExportReadModel(scope).markPaid(event.payload.orderId, event.payload.amount, event.occurredAt));

export const orderPaused = onEvent(OrderPaused, (event, scope) => new ExportReadModel(scope).markPaused(event.payload.orderId, event.payload.reason, event.occurredAt));

export const orderResumed = onEvent(OrderResumed, (event, scope) => new ExportReadModel(scope).markResumed(event.payload.orderId, event.occurredAt));

export const orderCancelled = onEvent(OrderCancelled, (event, scope) => new ExportReadModel(scope).markCancelled(event.payload.orderId, event.payload.reason, event.occurredAt));

export const orderShipped = onEvent(OrderShipped, (event, scope) => new ExportReadModel(scope).markShipped(event.payload.orderId, event.occurredAt));

export const orderDelivered = onEvent(OrderDelivered, (event, scope) => new ExportReadModel(scope).markDelivered(event.payload.orderId, event.occurredAt));

export const orderCompleted = onEvent(OrderCompleted, (event, scope) => new ExportReadModel(scope).markCompleted(event.payload.orderId, event.occurredAt));
