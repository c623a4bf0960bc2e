import { EntityManager } from 'typeorm';
import { ConsigneeFacts, ShippableOrderFacts } from '@orderline/logistics/domain';
import type { TransactionScope } from '@orderline/shared/messaging';

export interface LogisticsOrderRow {
  orderId: string;
  merchantId: string | null;
  buyerId: string | null;
  paymentMethod: string | null;
  payable: number | null;
  lines: Array<{ lineId: string; skuId: string; title: string; unitPrice: number; quantity: number; lineTotal: number }> | null;
  consignee: ConsigneeFacts | null;
  crossBorder: boolean;
  specifiedPlatformDelivery: boolean;
  placed: boolean;
  paid: boolean;
  pausedReason: string | null;
  cancelled: boolean;
}

const ORDER_COLUMNS = `order_id AS "orderId", merchant_id AS "merchantId", buyer_id AS "buyerId", payment_method AS "paymentMethod", payable::float8 AS payable, lines, consignee,
  cross_border AS "crossBorder", specified_platform_delivery AS "specifiedPlatformDelivery", placed, paid, paused_reason AS "pausedReason", cancelled`;
export async function loadOrders(manager: EntityManager, orderIds: string[], lock = false): Promise<LogisticsOrderRow[]> {
  if (orderIds.length === 0) return [];
  return manager.query(`SELECT ${ORDER_COLUMNS} FROM logistics_order WHERE order_id = ANY($1::uuid[]) ORDER BY order_id${lock ? ' FOR UPDATE' : ''}`, [orderIds]);
}

/**
 * `OrderPlaced`: the whole copy, keeping what earlier events set (an early pause, a payment).
 * Like `setOrderFact`, sent without waiting for its answer (`sendWrite`): a batch of events
 * writes its copies in one round trip at its commit (issue 19).
 */
export async function upsertPlacedOrder(
  scope: TransactionScope,
  order: Pick<LogisticsOrderRow, 'orderId' | 'merchantId' | 'buyerId' | 'paymentMethod' | 'payable' | 'lines' | 'crossBorder' | 'specifiedPlatformDelivery' | 'paid'> & { consignee: string | null },
  at: Date,
): Promise<void> {
  await scope.sendWrite({
    sql: `INSERT INTO logistics_order (order_id, merchant_id, buyer_id, payment_method, payable, lines, consignee, cross_border, specified_platform_delivery, placed, paid, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, true, $10, $11)
       ON CONFLICT (order_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, buyer_id = EXCLUDED.buyer_id, payment_method = EXCLUDED.payment_method, payable = EXCLUDED.payable,
         lines = EXCLUDED.lines, consignee = EXCLUDED.consignee, cross_border = EXCLUDED.cross_border, specified_platform_delivery = EXCLUDED.specified_platform_delivery,
         placed = true, paid = logistics_order.paid OR EXCLUDED.paid, updated_at = EXCLUDED.updated_at`,
    values: [order.orderId, order.merchantId, order.buyerId, order.paymentMethod, order.payable, JSON.stringify(order.lines), order.consignee, order.crossBorder, order.specifiedPlatformDelivery, order.paid, at],
  });
}

/** The columns one order event sets on its own (the row may not exist yet: events of one order may come before OrderPlaced is applied). */
export type OrderFactColumn = 'paid' | 'paused_reason' | 'cancelled' | 'consignee' | 'completed_at';

export async function setOrderFact(scope: TransactionScope, orderId: string, column: OrderFactColumn, value: unknown, at: Date): Promise<void> {
  await scope.sendWrite({
    sql: `INSERT INTO logistics_order (order_id, ${column}, updated_at) VALUES ($1, $2, $3) ON CONFLICT (order_id) DO UPDATE SET ${column} = EXCLUDED.${column}, updated_at = EXCLUDED.updated_at`,
    values: [orderId, value, at],
  });
}

/** The facts the outbound rules look at (domain outbound.ts). */
export function shippableFacts(order: LogisticsOrderRow, shipped: boolean): ShippableOrderFacts {
  return {
    merchantId: order.merchantId ?? '',
    placed: order.placed,
    paid: order.paid,
    pausedReason: order.pausedReason,
    cancelled: order.cancelled,
    shipped,
    specifiedPlatformDelivery: order.specifiedPlatformDelivery,
    consignee: order.consignee,
  };
}
