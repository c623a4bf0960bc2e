import { EntityManager } from 'typeorm';

/** The merchant's remarks on orders (`order_remark`, domain.md §1.1). */

/** Appends a remark to each of the merchant's orders among `orderIds`; returns the ids it was added to. */
export async function appendRemarks(manager: EntityManager, merchantId: string | undefined, orderIds: string[], remark: { accountId: string; text: string; addedAt: Date }): Promise<string[]> {
  const added: Array<{ order_id: string }> = await manager.query(
    `INSERT INTO order_remark (order_id, account_id, text, added_at)
     SELECT id, $3, $4, $5 FROM customer_order WHERE merchant_id = $1 AND id = ANY($2::uuid[]) RETURNING order_id`,
    [merchantId ?? null, orderIds, remark.accountId, remark.text, remark.addedAt],
  );
  return added.map((row) => row.order_id);
}

export async function remarksOfOrder(manager: EntityManager, orderId: string): Promise<Array<{ text: string; at: string }>> {
  return (await remarksOfOrders(manager, [orderId])).get(orderId) ?? [];
}

/** The remarks of a page of orders in one indexed lookup (order_remark_order), oldest first per order. */
export async function remarksOfOrders(manager: EntityManager, orderIds: string[]): Promise<Map<string, Array<{ text: string; at: string }>>> {
  const byOrder = new Map<string, Array<{ text: string; at: string }>>();
  if (orderIds.length === 0) return byOrder;
  const rows: Array<{ order_id: string; text: string; added_at: Date }> = await manager.query(`SELECT order_id, text, added_at FROM order_remark WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, id`, [orderIds]);
  for (const row of rows) byOrder.set(row.order_id, [...(byOrder.get(row.order_id) ?? []), { text: row.text, at: row.added_at.toISOString() }]);
  return byOrder;
}
