import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Compensation (赔付) to an order's buyer, and the LOC sign-up form an order carries
 * (issue 18, docs/compensation.md). One late-shipping compensation per order (its natural key);
 * an operator's or merchant's compensation is found again by the caller's Idempotency-Key.
 */
export class OrderCompensations1765100019000 implements MigrationInterface {
  name = 'OrderCompensations1765100019000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE order_compensation (
        id              uuid PRIMARY KEY,
        order_id        uuid        NOT NULL REFERENCES customer_order (id),
        kind            text        NOT NULL CHECK (kind IN ('ADVANCE', 'DIRECT', 'LATE_SHIPPING')),
        amount          bigint      NOT NULL CHECK (amount > 0),
        reason          text        NOT NULL,
        granted_by      text        NOT NULL,
        idempotency_key text,
        granted_at      timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX order_compensation_late_once ON order_compensation (order_id) WHERE kind = 'LATE_SHIPPING'`);
    await queryRunner.query(`CREATE UNIQUE INDEX order_compensation_request ON order_compensation (order_id, kind, granted_by, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX order_compensation_order ON order_compensation (order_id, granted_at)`);
    // The sign-up form (name, phone, ID) sealed like the consignee (ADR 0004, 0013); kind and class date in clear.
    await queryRunner.query(`
      CREATE TABLE order_loc_signup (
        order_id    uuid PRIMARY KEY REFERENCES customer_order (id),
        kind        text        NOT NULL CHECK (kind IN ('DRIVING_SCHOOL', 'ACTIVITY')),
        sku_id      text        NOT NULL,
        class_date  date        NOT NULL,
        form_sealed text        NOT NULL,
        signed_up_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE order_loc_signup`);
    await queryRunner.query(`DROP TABLE order_compensation`);
  }
}
