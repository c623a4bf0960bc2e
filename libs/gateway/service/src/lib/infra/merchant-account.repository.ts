import { EntityManager } from 'typeorm';
import { MerchantRecord } from './gateway.entity';

/** Merchants and their accounts (`merchant`, `account`, domain.md §6.4). */

export async function merchantExists(manager: EntityManager, merchantId: string): Promise<boolean> {
  const [merchant] = await manager.query(`SELECT id FROM merchant WHERE id = $1`, [merchantId]);
  return Boolean(merchant);
}

/** Locks the merchant's row, so changes to its accounts' grants take turns; false when there is none. */
export async function lockMerchantRow(manager: EntityManager, merchantId: string): Promise<boolean> {
  const locked = await manager.getRepository(MerchantRecord).findOne({ where: { id: merchantId }, lock: { mode: 'pessimistic_write' } });
  return Boolean(locked);
}

/** The merchant's sub-accounts other than `exceptAccountId` that hold EXPORT_SENSITIVE. */
export async function sensitiveExportHolders(manager: EntityManager, merchantId: string, exceptAccountId: string): Promise<number> {
  const [{ holders }] = await manager.query(
    `SELECT count(*)::int AS holders FROM account WHERE merchant_id = $1 AND kind = 'SUB' AND id <> $2 AND 'EXPORT_SENSITIVE' = ANY (permissions)`,
    [merchantId, exceptAccountId],
  );
  return holders;
}
