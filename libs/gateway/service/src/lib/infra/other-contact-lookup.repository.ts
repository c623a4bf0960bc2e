import { EntityManager } from 'typeorm';
import { takeTransactionLock } from '@orderline/shared/persistence';

/** The orders whose other contacts a merchant looked up, per platform day (`other_contact_lookup`, domain.md §6.3). */

/** One merchant's look-ups of a day take turns, so the daily limit holds across its accounts. */
export async function lockLookupDay(manager: EntityManager, merchantId: string | undefined, day: string): Promise<void> {
  await takeTransactionLock(manager, `other-contacts:${merchantId}:${day}`);
}

export async function ordersLookedUp(manager: EntityManager, merchantId: string | undefined, day: string): Promise<string[]> {
  const rows: Array<{ order_id: string }> = await manager.query(`SELECT order_id FROM other_contact_lookup WHERE merchant_id = $1 AND platform_day = $2`, [merchantId ?? null, day]);
  return rows.map((row) => row.order_id);
}

export async function recordLookup(manager: EntityManager, lookup: { merchantId: string | undefined; day: string; orderId: string; accountId: string; at: Date }): Promise<void> {
  await manager.query(`INSERT INTO other_contact_lookup (merchant_id, platform_day, order_id, account_id, looked_up_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, [
    lookup.merchantId ?? null,
    lookup.day,
    lookup.orderId,
    lookup.accountId,
    lookup.at,
  ]);
}
