import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key's claim holds for a lease (IDEMPOTENCY_LEASE_SECONDS): a gateway killed
 * with the request in hand no longer leaves the key IN_PROGRESS until it expires. Claims made
 * before this column existed have none and may be taken over at once.
 */
export class GatewayIdempotencyLease1764800000100 implements MigrationInterface {
  name = 'GatewayIdempotencyLease1764800000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE idempotency_record ADD COLUMN claimed_until timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE idempotency_record DROP COLUMN claimed_until`);
  }
}
