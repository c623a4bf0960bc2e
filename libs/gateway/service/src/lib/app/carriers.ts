import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK } from '@orderline/shared/service-kit';
import { activeCarrierSecret, allCarriers, CarrierRow, insertCarrier, rotateCarrierSecret } from '../infra/carrier.repository';

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
    if (!(await insertCarrier(this.dataSource.manager, { id, code, name, webhookSecret, createdAt: now }))) throw new DomainError('CARRIER_EXISTS', 409, `a carrier with code ${code} exists; rotate its secret instead`);
    return { id, code, name, disabled: false, secretRotatedAt: now.toISOString(), webhookSecret };
  }

  async rotateSecret(id: string): Promise<CarrierView & { webhookSecret: string }> {
    const webhookSecret = randomBytes(32).toString('base64url');
    const row = await rotateCarrierSecret(this.dataSource.manager, id, webhookSecret, this.clock.now());
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
    const secret = await activeCarrierSecret(this.dataSource.manager, code);
    if (!secret) return false;
    const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
    const given = Buffer.from(signature.trim().toLowerCase());
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async list(): Promise<CarrierView[]> {
    return (await allCarriers(this.dataSource.manager)).map((row) => this.view(row));
  }

  private view(row: CarrierRow): CarrierView {
    return { id: row.id, code: row.code, name: row.name, disabled: row.disabled, secretRotatedAt: row.secret_rotated_at.toISOString() };
  }
}
