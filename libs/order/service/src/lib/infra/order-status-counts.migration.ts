import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Counts per status for the list's tabs (domain.md §1.10) without counting a merchant's orders
 * on every page: statement-level triggers append signed deltas (no row is updated, so
 * concurrent transactions never wait on each other), and the order timers fold each merchant's
 * deltas into one row per status. A tab count is the sum of a handful of rows.
 */
export class OrderStatusCounts1763900001500 implements MigrationInterface {
  name = 'OrderStatusCounts1763900001500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE order_status_delta (
        id          bigserial PRIMARY KEY,
        merchant_id uuid    NOT NULL,
        status      text    NOT NULL,
        delta       bigint  NOT NULL,
        folded      boolean NOT NULL DEFAULT false
      )`);
    await queryRunner.query(`CREATE INDEX order_status_delta_merchant ON order_status_delta (merchant_id)`);
    // Merged-shipment candidates of a page (domain.md §1.9) share a phone: an index lookup.
    // A status tab narrowed by payment method walks only its own slice, newest first.
    await queryRunner.query(`CREATE INDEX customer_order_merchant_payment ON customer_order (merchant_id, payment_method, status, created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX customer_order_waiting_phone ON customer_order (merchant_id, consignee_phone) WHERE status = 'WAITING_OUTBOUND'`);
    await queryRunner.query(`CREATE INDEX order_status_delta_unfolded ON order_status_delta (merchant_id) WHERE NOT folded`);
    await queryRunner.query(`
      CREATE FUNCTION order_status_delta_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO order_status_delta (merchant_id, status, delta)
        SELECT merchant_id, status, count(*) FROM inserted GROUP BY merchant_id, status;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE FUNCTION order_status_delta_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO order_status_delta (merchant_id, status, delta)
        SELECT merchant_id, status, sum(delta) FROM (
          SELECT n.merchant_id, n.status, 1 AS delta FROM updated_new n JOIN updated_old o ON o.id = n.id WHERE o.status <> n.status
          UNION ALL
          SELECT o.merchant_id, o.status, -1 FROM updated_old o JOIN updated_new n ON o.id = n.id WHERE o.status <> n.status
        ) changes GROUP BY merchant_id, status HAVING sum(delta) <> 0;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER customer_order_status_insert AFTER INSERT ON customer_order
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION order_status_delta_on_insert()`);
    await queryRunner.query(`
      CREATE TRIGGER customer_order_status_update AFTER UPDATE ON customer_order
      REFERENCING OLD TABLE AS updated_old NEW TABLE AS updated_new FOR EACH STATEMENT EXECUTE FUNCTION order_status_delta_on_update()`);
    await queryRunner.query(`INSERT INTO order_status_delta (merchant_id, status, delta, folded) SELECT merchant_id, status, count(*), true FROM customer_order GROUP BY merchant_id, status`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER customer_order_status_update ON customer_order`);
    await queryRunner.query(`DROP TRIGGER customer_order_status_insert ON customer_order`);
    await queryRunner.query(`DROP FUNCTION order_status_delta_on_update()`);
    await queryRunner.query(`DROP FUNCTION order_status_delta_on_insert()`);
    await queryRunner.query(`DROP TABLE order_status_delta`);
    await queryRunner.query(`DROP INDEX customer_order_waiting_phone`);
    await queryRunner.query(`DROP INDEX customer_order_merchant_payment`);
  }
}
