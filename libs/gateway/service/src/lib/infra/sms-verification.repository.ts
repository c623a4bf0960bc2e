import { EntityManager } from 'typeorm';

/** SMS verifications of merchant accounts (`sms_verification`, domain.md §6.3), one per account and purpose. */

export interface SmsVerificationRow {
  code_hash: string;
  code_expires_at: Date;
  attempts: number;
}

/** A new code replaces any earlier one and its wrong attempts. */
export async function saveVerificationCode(manager: EntityManager, accountId: string, purpose: string, codeHash: string, expiresAt: Date): Promise<void> {
  await manager.query(
    `INSERT INTO sms_verification (account_id, purpose, code_hash, code_expires_at, attempts) VALUES ($1, $2, $3, $4, 0)
     ON CONFLICT (account_id, purpose) DO UPDATE SET code_hash = EXCLUDED.code_hash, code_expires_at = EXCLUDED.code_expires_at, attempts = 0`,
    [accountId, purpose, codeHash, expiresAt],
  );
}

export async function lockVerification(manager: EntityManager, accountId: string, purpose: string): Promise<SmsVerificationRow | undefined> {
  const [row] = await manager.query(`SELECT code_hash, code_expires_at, attempts FROM sms_verification WHERE account_id = $1 AND purpose = $2 FOR UPDATE`, [accountId, purpose]);
  return row;
}

export async function countWrongCode(manager: EntityManager, accountId: string, purpose: string): Promise<void> {
  await manager.query(`UPDATE sms_verification SET attempts = attempts + 1 WHERE account_id = $1 AND purpose = $2`, [accountId, purpose]);
}

/** The account is verified until `verifiedUntil`; the code is spent (it expires now). */
export async function markVerified(manager: EntityManager, accountId: string, purpose: string, verifiedUntil: Date, now: Date): Promise<void> {
  await manager.query(`UPDATE sms_verification SET verified_until = $3, code_expires_at = $4 WHERE account_id = $1 AND purpose = $2`, [accountId, purpose, verifiedUntil, now]);
}

export async function verifiedUntilOf(manager: EntityManager, accountId: string, purpose: string): Promise<Date | null> {
  const [row] = await manager.query(`SELECT verified_until FROM sms_verification WHERE account_id = $1 AND purpose = $2`, [accountId, purpose]);
  return row?.verified_until ?? null;
}
