import { EntityManager } from 'typeorm';

/** Carriers and their webhook secrets (`carrier`). */

export interface CarrierRow {
  id: string;
  code: string;
  name: string;
  disabled: boolean;
  secret_rotated_at: Date;
}

/** Registers a carrier; false when its code is taken. */
export async function insertCarrier(manager: EntityManager, carrier: { id: string; code: string; name: string; webhookSecret: string; createdAt: Date }): Promise<boolean> {
  const inserted = await manager.query(
    `INSERT INTO carrier (id, code, name, webhook_secret, created_at, secret_rotated_at) VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (code) DO NOTHING RETURNING id`,
    [carrier.id, carrier.code, carrier.name, carrier.webhookSecret, carrier.createdAt],
  );
  return inserted.length > 0;
}

/** Replaces a carrier's secret; the carrier, or undefined when there is none with this id. */
export async function rotateCarrierSecret(manager: EntityManager, id: string, webhookSecret: string, rotatedAt: Date): Promise<CarrierRow | undefined> {
  const rows = await manager.query(`UPDATE carrier SET webhook_secret = $2, secret_rotated_at = $3 WHERE id = $1 RETURNING id, code, name, disabled, secret_rotated_at`, [id, webhookSecret, rotatedAt]);
  const [row] = Array.isArray(rows[0]) ? rows[0] : rows;
  return row;
}

/** The current secret of an enabled carrier. */
export async function activeCarrierSecret(manager: EntityManager, code: string): Promise<string | undefined> {
  const [row] = await manager.query(`SELECT webhook_secret FROM carrier WHERE code = $1 AND NOT disabled`, [code]);
  return row?.webhook_secret;
}

export async function allCarriers(manager: EntityManager): Promise<CarrierRow[]> {
  return manager.query(`SELECT id, code, name, disabled, secret_rotated_at FROM carrier ORDER BY code`);
}
