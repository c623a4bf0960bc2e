import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCreditSchema1763900000200 implements MigrationInterface {
  name = 'CreateCreditSchema1763900000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE credit_account (
        id              uuid PRIMARY KEY,
        buyer_id        uuid        NOT NULL UNIQUE,
        credit_limit    bigint      NOT NULL CHECK (credit_limit >= 0),
        held            bigint      NOT NULL DEFAULT 0 CHECK (held >= 0),
        outstanding     bigint      NOT NULL DEFAULT 0 CHECK (outstanding >= 0),
        balance         bigint      NOT NULL DEFAULT 0 CHECK (balance >= 0),
        statement_day   integer     NOT NULL CHECK (statement_day BETWEEN 1 AND 28),
        due_offset_days integer     NOT NULL CHECK (due_offset_days BETWEEN 1 AND 27),
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE credit_hold (
        id                uuid PRIMARY KEY,
        order_id          uuid        NOT NULL UNIQUE,
        credit_account_id uuid        NOT NULL REFERENCES credit_account (id),
        amount            bigint      NOT NULL CHECK (amount > 0),
        status            text        NOT NULL CHECK (status IN ('ACTIVE', 'RELEASED', 'CAPTURED')),
        placed_at         timestamptz NOT NULL,
        released_at       timestamptz,
        release_reason    text
      )`);
    await queryRunner.query(`CREATE INDEX credit_hold_account ON credit_hold (credit_account_id, status)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE credit_hold`);
    await queryRunner.query(`DROP TABLE credit_account`);
  }
}
