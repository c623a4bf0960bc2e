import { MigrationInterface, QueryRunner } from 'typeorm';

/** The merchant list's keyset order (newest first) without a status filter, and sku look-ups. */
export class OrderListIndexes1763900001200 implements MigrationInterface {
  name = 'OrderListIndexes1763900001200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX customer_order_merchant_recent ON customer_order (merchant_id, created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX order_line_sku ON order_line (sku_id, order_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX order_line_sku`);
    await queryRunner.query(`DROP INDEX customer_order_merchant_recent`);
  }
}
