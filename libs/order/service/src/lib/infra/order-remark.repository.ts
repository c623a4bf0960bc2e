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

export async function remarksOfOrder(manager: EntityManager, orderId: string): Promise<Array<{ text: string; added_at: Date }>> {
  return manager.query(`SELECT text, added_at FROM order_remark WHERE order_id = $1 ORDER BY id`, [orderId]);
}
