import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateGatewaySchema1763900000300 implements MigrationInterface {
  name = 'CreateGatewaySchema1763900000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE merchant (
        id         uuid PRIMARY KEY,
        name       text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE buyer (
        id                uuid PRIMARY KEY,
        name              text        NOT NULL,
        phone             text        NOT NULL,
        credit_account_id uuid,
        created_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE account (
        id            uuid PRIMARY KEY,
        username      text        NOT NULL UNIQUE,
        password_hash text        NOT NULL,
        role          text        NOT NULL CHECK (role IN ('OPERATOR', 'MERCHANT', 'BUYER')),
        merchant_id   uuid REFERENCES merchant (id),
        buyer_id      uuid REFERENCES buyer (id),
        phone         text,
        disabled      boolean     NOT NULL DEFAULT false,
        created_at    timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE account`);
    await queryRunner.query(`DROP TABLE buyer`);
    await queryRunner.query(`DROP TABLE merchant`);
  }
}
