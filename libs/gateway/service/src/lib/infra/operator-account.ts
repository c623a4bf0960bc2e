import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { hashPassword, needsRehash, ScryptCost, verifyPassword } from './password-hasher';

/**
 * An operator account with this password exists afterwards: created, or its password set and
 * its role made OPERATOR. The gateway's BOOTSTRAP_OPERATOR at start-up and `orderline
 * create-operator` both go through here, so both hash and store the same way. Plain SQL, so the
 * CLI needs no entity metadata.
 */
export async function upsertOperator(dataSource: DataSource, username: string, password: string, cost: ScryptCost): Promise<'created' | 'updated' | 'unchanged'> {
  const [existing]: Array<{ id: string; password_hash: string; role: string }> = await dataSource.query(`SELECT id, password_hash, role FROM account WHERE username = $1`, [username]);
  if (existing && existing.role === 'OPERATOR' && (await verifyPassword(password, existing.password_hash)) && !needsRehash(existing.password_hash, cost)) return 'unchanged';
  const passwordHash = await hashPassword(password, cost);
  if (existing) {
    await dataSource.query(`UPDATE account SET password_hash = $2, role = 'OPERATOR', disabled = false WHERE id = $1`, [existing.id, passwordHash]);
    return 'updated';
  }
  await dataSource.query(
    `INSERT INTO account (id, username, password_hash, role, merchant_id, buyer_id, phone, disabled) VALUES ($1, $2, $3, 'OPERATOR', NULL, NULL, NULL, false) ON CONFLICT (username) DO NOTHING`,
    [randomUUID(), username, passwordHash],
  );
  return 'created';
}
