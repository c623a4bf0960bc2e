import { MigrationInterface, QueryRunner } from 'typeorm';

/** Merchant remarks on orders (domain.md §1.1: appended, to many orders at once). */
export class OrderRemarks1763900001100 implements MigrationInterface {
  name = 'OrderRemarks1763900001100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE order_remark (
        id         bigserial PRIMARY KEY,
        order_id   uuid        NOT NULL REFERENCES customer_order (id),
        account_id uuid        NOT NULL,
        text       text        NOT NULL,
        added_at   timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX order_remark_order ON order_remark (order_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE order_remark`);
  }
}
