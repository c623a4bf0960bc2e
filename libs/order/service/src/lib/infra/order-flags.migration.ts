import { MigrationInterface, QueryRunner } from 'typeorm';

/** Risk flags set by operators and late-shipping reports filed by merchants (domain.md §1.1, §1.8). */
export class OrderFlags1763900001300 implements MigrationInterface {
  name = 'OrderFlags1763900001300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE customer_order ADD COLUMN risk_flag boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE customer_order ADD COLUMN risk_reason text`);
    await queryRunner.query(`
      CREATE TABLE late_shipping_report (
        order_id     uuid PRIMARY KEY REFERENCES customer_order (id),
        merchant_id  uuid        NOT NULL,
        reason       text        NOT NULL,
        new_ship_by  timestamptz NOT NULL,
        reported_at  timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE late_shipping_report`);
    await queryRunner.query(`ALTER TABLE customer_order DROP COLUMN risk_reason`);
    await queryRunner.query(`ALTER TABLE customer_order DROP COLUMN risk_flag`);
  }
}
