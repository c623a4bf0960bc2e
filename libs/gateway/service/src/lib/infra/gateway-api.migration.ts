import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sub-accounts and permissions, idempotency records, the reveal log, recorded SMS. */
export class GatewayApiQuality1763900000400 implements MigrationInterface {
  name = 'GatewayApiQuality1763900000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE account ADD COLUMN kind text NOT NULL DEFAULT 'MAIN' CHECK (kind IN ('MAIN', 'SUB'))`);
    await queryRunner.query(`ALTER TABLE account ADD COLUMN permissions text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`CREATE INDEX account_merchant ON account (merchant_id) WHERE merchant_id IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE idempotency_record (
        account_id      uuid        NOT NULL,
        idempotency_key text        NOT NULL,
        request_hash    text        NOT NULL,
        state           text        NOT NULL CHECK (state IN ('IN_PROGRESS', 'DONE')),
        response_status integer,
        response_body   text,
        response_type   text,
        created_at      timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL,
        PRIMARY KEY (account_id, idempotency_key)
      )`);
    await queryRunner.query(`CREATE INDEX idempotency_record_expiry ON idempotency_record (expires_at)`);
    await queryRunner.query(`
      CREATE TABLE reveal_log (
        id          bigserial PRIMARY KEY,
        merchant_id uuid        NOT NULL,
        account_id  uuid        NOT NULL,
        order_id    uuid        NOT NULL,
        fields      text[]      NOT NULL,
        revealed_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX reveal_log_merchant ON reveal_log (merchant_id, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE sms_message (
        id      bigserial PRIMARY KEY,
        phone   text        NOT NULL,
        body    text        NOT NULL,
        sent_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX sms_message_phone ON sms_message (phone, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sms_message`);
    await queryRunner.query(`DROP TABLE reveal_log`);
    await queryRunner.query(`DROP TABLE idempotency_record`);
    await queryRunner.query(`ALTER TABLE account DROP COLUMN permissions`);
    await queryRunner.query(`ALTER TABLE account DROP COLUMN kind`);
  }
}
