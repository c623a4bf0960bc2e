import { EntityManager } from 'typeorm';

/**
 * Makes transactions that name the same `key` take turns: a PostgreSQL advisory lock held until
 * the caller's transaction ends. For rules over a set of rows no single row stands for (a daily
 * limit of one merchant, a pool of numbers), where there is no row to lock FOR UPDATE.
 */
export async function takeTransactionLock(manager: EntityManager, key: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [key]);
}
