import { EntityManager } from 'typeorm';

/** Risk control's lock on a merchant's export permission (`merchant_export_lock`, domain.md §5). */

export async function exportLockOf(manager: EntityManager, merchantId: string | undefined): Promise<{ locked: boolean; reason: string | null } | undefined> {
  const [lock] = await manager.query(`SELECT locked, reason FROM merchant_export_lock WHERE merchant_id = $1`, [merchantId ?? null]);
  return lock;
}

export async function saveExportLock(manager: EntityManager, lock: { merchantId: string; locked: boolean; reason: string | null; changedBy: string; changedAt: Date }): Promise<void> {
  await manager.query(
    `INSERT INTO merchant_export_lock (merchant_id, locked, reason, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (merchant_id) DO UPDATE SET locked = EXCLUDED.locked, reason = EXCLUDED.reason, changed_by = EXCLUDED.changed_by, changed_at = EXCLUDED.changed_at`,
    [lock.merchantId, lock.locked, lock.reason, lock.changedBy, lock.changedAt],
  );
}
