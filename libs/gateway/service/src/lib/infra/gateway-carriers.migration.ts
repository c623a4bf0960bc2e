import { MigrationInterface, QueryRunner } from 'typeorm';

/** Carriers and their webhook credentials (HMAC secrets for POST /carrier-events). */
export class GatewayCarriers1763900000600 implements MigrationInterface {
  name = 'GatewayCarriers1763900000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE carrier (
        id             uuid PRIMARY KEY,
        code           text        NOT NULL UNIQUE,
        name           text        NOT NULL,
        webhook_secret text        NOT NULL,
        disabled       boolean     NOT NULL DEFAULT false,
        created_at     timestamptz NOT NULL DEFAULT now(),
        secret_rotated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE carrier`);
  }
}
