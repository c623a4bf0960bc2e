import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK } from '@orderline/shared/service-kit';

export interface CarrierView {
  id: string;
  code: string;
  name: string;
  disabled: boolean;
  secretRotatedAt: string;
}

/**
 * Carriers do not sign in: they sign their webhook calls with an HMAC secret issued here.
 * The secret is shown once, when created or rotated; it is kept to verify signatures.
 */
@Injectable()
export class Carriers {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {}

  async register(code: string, name: string): Promise<CarrierView & { webhookSecret: string }> {
    const id = randomUUID();
    const webhookSecret = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const inserted = await this.dataSource.query(
      `INSERT INTO carrier (id, code, name, webhook_secret, created_at, secret_rotated_at) VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (code) DO NOTHING RETURNING id`,
      [id, code, name, webhookSecret, now],
    );
    if (inserted.length === 0) throw new DomainError('CARRIER_EXISTS', 409, `a carrier with code ${code} exists; rotate its secret instead`);
    return { id, code, name, disabled: false, secretRotatedAt: now.toISOString(), webhookSecret };
  }

  async rotateSecret(id: string): Promise<CarrierView & { webhookSecret: string }> {
    const webhookSecret = randomBytes(32).toString('base64url');
    const rows = await this.dataSource.query(`UPDATE carrier SET webhook_secret = $2, secret_rotated_at = $3 WHERE id = $1 RETURNING id, code, name, disabled, secret_rotated_at`, [id, webhookSecret, this.clock.now()]);
    const [row] = Array.isArray(rows[0]) ? rows[0] : rows;
    if (!row) throw new NotFoundError(`carrier ${id}`);
    return { ...this.view(row), webhookSecret };
  }

  /**
   * Checks a webhook call (`POST /carrier-events`): `signature` is `sha256=<hex>` of the
   * HMAC-SHA256 of the raw body with the carrier's current secret. Unknown or disabled
   * carriers fail like a wrong signature.
   */
  async verifySignature(code: string | undefined, rawBody: Buffer | undefined, signature: string | undefined): Promise<boolean> {
    if (!code || !rawBody || !signature) return false;
    const [row] = await this.dataSource.query(`SELECT webhook_secret FROM carrier WHERE code = $1 AND NOT disabled`, [code]);
    if (!row) return false;
    const expected = Buffer.from(`sha256=${createHmac('sha256', row.webhook_secret as string).update(rawBody).digest('hex')}`);
    const given = Buffer.from(signature.trim().toLowerCase());
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async list(): Promise<CarrierView[]> {
    const rows = await this.dataSource.query(`SELECT id, code, name, disabled, secret_rotated_at FROM carrier ORDER BY code`);
    return rows.map((row: Record<string, unknown>) => this.view(row));
  }

  private view(row: Record<string, unknown>): CarrierView {
    return { id: row.id as string, code: row.code as string, name: row.name as string, disabled: row.disabled as boolean, secretRotatedAt: (row.secret_rotated_at as Date).toISOString() };
  }
}
