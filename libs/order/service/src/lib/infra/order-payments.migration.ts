import { MigrationInterface, QueryRunner } from 'typeorm';

/** Online payments recorded through the payment port (one per order). */
export class OrderPayments1763900000900 implements MigrationInterface {
  name = 'OrderPayments1763900000900';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE order_payment (
        id                 uuid PRIMARY KEY,
        order_id           uuid        NOT NULL UNIQUE REFERENCES customer_order (id),
        amount             bigint      NOT NULL CHECK (amount >= 0),
        provider           text        NOT NULL,
        provider_reference text        NOT NULL,
        paid_at            timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX customer_order_unpaid ON customer_order (created_at) WHERE status = 'UNPAID'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX customer_order_unpaid`);
    await queryRunner.query(`DROP TABLE order_payment`);
  }
}
