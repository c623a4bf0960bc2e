import { MigrationInterface, QueryRunner } from 'typeorm';

/** The after-sales requests of each order, as after-sales publishes them (domain.md §1.10 links). */
export class OrderAfterSales1763900001600 implements MigrationInterface {
  name = 'OrderAfterSales1763900001600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE order_after_sales (
        after_sales_id text PRIMARY KEY,
        order_id       uuid        NOT NULL REFERENCES customer_order (id),
        type           text        NOT NULL,
        status         text        NOT NULL,
        lines          jsonb       NOT NULL,
        requested_at   timestamptz NOT NULL,
        updated_at     timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX order_after_sales_order ON order_after_sales (order_id, requested_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE order_after_sales`);
  }
}
