import { EntityManager } from 'typeorm';
import { takeTransactionLock } from '@orderline/shared/persistence';

/** Virtual numbers bound to orders (`virtual_number_binding`, domain.md §6.2). */

export interface VirtualNumberBindingRow {
  id: string;
  main_number: string;
  extension: string;
  expires_at: Date | null;
  consignee_phone_hash: string;
}

/** One merchant's bindings take turns, so its daily quota holds. */
export async function lockMerchantBindings(manager: EntityManager, merchantId: string | undefined): Promise<void> {
  await takeTransactionLock(manager, `virtual-numbers:${merchantId}`);
}

/** The newest binding of an order and kind still in force at `now`. */
export async function currentBinding(manager: EntityManager, orderId: string, kind: string, now: Date): Promise<VirtualNumberBindingRow | undefined> {
  const [row] = await manager.query(
    `SELECT id, main_number, extension, expires_at, consignee_phone_hash FROM virtual_number_binding
     WHERE order_id = $1 AND kind = $2 AND released_at IS NULL AND (expires_at IS NULL OR expires_at > $3) ORDER BY bound_at DESC LIMIT 1`,
    [orderId, kind, now],
  );
  return row;
}

export async function releaseBinding(manager: EntityManager, id: string, at: Date): Promise<void> {
  await manager.query(`UPDATE virtual_number_binding SET released_at = $2 WHERE id = $1`, [id, at]);
}

export async function bindingsOfDay(manager: EntityManager, merchantId: string | undefined, day: string): Promise<number> {
  const [{ bound }] = await manager.query(`SELECT count(*)::int AS bound FROM virtual_number_binding WHERE merchant_id = $1 AND platform_day = $2`, [merchantId ?? null, day]);
  return bound;
}

/** The extensions of a main number bound and in force at `now`. */
export async function extensionsInUse(manager: EntityManager, mainNumber: string, now: Date): Promise<Set<string>> {
  const rows: Array<{ extension: string }> = await manager.query(`SELECT extension FROM virtual_number_binding WHERE main_number = $1 AND released_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`, [mainNumber, now]);
  return new Set(rows.map((row) => row.extension));
}

export async function insertBinding(
  manager: EntityManager,
  binding: { id: string; merchantId: string | undefined; orderId: string; kind: string; consigneePhoneHash: string; mainNumber: string; extension: string; boundAt: Date; day: string; expiresAt: Date | null },
): Promise<void> {
  await manager.query(
    `INSERT INTO virtual_number_binding (id, merchant_id, order_id, kind, consignee_phone_hash, main_number, extension, bound_at, platform_day, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [binding.id, binding.merchantId ?? null, binding.orderId, binding.kind, binding.consigneePhoneHash, binding.mainNumber, binding.extension, binding.boundAt, binding.day, binding.expiresAt],
  );
}
