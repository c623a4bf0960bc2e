import { EntityManager } from 'typeorm';

/** Every reveal of a consumer's data to a merchant account (`reveal_log`, domain.md §6.1). */

export interface RevealLogRow {
  account_id: string;
  order_id: string;
  fields: string[];
  revealed_at: Date;
}

export async function recordReveal(manager: EntityManager, reveal: { merchantId: string | undefined; accountId: string; orderId: string; fields: string[]; at: Date }): Promise<void> {
  await manager.query(`INSERT INTO reveal_log (merchant_id, account_id, order_id, fields, revealed_at) VALUES ($1, $2, $3, $4, $5)`, [
    reveal.merchantId ?? null,
    reveal.accountId,
    reveal.orderId,
    reveal.fields,
    reveal.at,
  ]);
}

/** The merchant's latest reveals, newest first. */
export async function latestReveals(manager: EntityManager, merchantId: string, limit: number): Promise<RevealLogRow[]> {
  return manager.query(`SELECT account_id, order_id, fields, revealed_at FROM reveal_log WHERE merchant_id = $1 ORDER BY id DESC LIMIT $2`, [merchantId, limit]);
}
