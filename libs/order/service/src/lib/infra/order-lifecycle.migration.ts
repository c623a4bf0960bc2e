import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rest of the order life cycle: the promised shipping deadline stored per order (so
 * warnings and time-outs are found by index, domain.md §1.8), service fees (§1.7), refunds
 * learned from after-sales (§1.10 "after-sales link"), COD reconciliation (§1.2), kinds as
 * a filterable column (§1.10) and subscription parents (§1.1).
 */
export class OrderLifecycle1763900001400 implements MigrationInterface {
  name = 'OrderLifecycle1763900001400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE customer_order
        ADD COLUMN promised_ship_by      timestamptz,
        ADD COLUMN shipping_warned_at    timestamptz,
        ADD COLUMN shipping_timed_out_at timestamptz,
        ADD COLUMN service_fees          jsonb   NOT NULL DEFAULT '[]',
        ADD COLUMN refunded_amount       bigint  NOT NULL DEFAULT 0 CHECK (refunded_amount >= 0),
        ADD COLUMN kinds                 text[]  NOT NULL DEFAULT '{}',
        ADD COLUMN parent_order_id       uuid REFERENCES customer_order (id)`);
    await queryRunner.query(`
      UPDATE customer_order o SET promised_ship_by = h.ready_at + interval '48 hours'
      FROM (SELECT order_id, min(at) AS ready_at FROM order_status_history WHERE to_status = 'WAITING_OUTBOUND' GROUP BY order_id) h
      WHERE h.order_id = o.id`);
    // The deadline monitor walks only orders still to ship that have not yet timed out.
    await queryRunner.query(`
      CREATE INDEX customer_order_shipping_deadline ON customer_order (promised_ship_by)
      WHERE status IN ('WAITING_OUTBOUND', 'PAUSED') AND shipping_timed_out_at IS NULL`);
    await queryRunner.query(`CREATE INDEX customer_order_kinds ON customer_order USING gin (kinds)`);
    // The list shows each row's lines (unit prices) and its latest cancellation request (§1.10).
    await queryRunner.query(`CREATE INDEX order_line_order ON order_line (order_id, position)`);
    await queryRunner.query(`CREATE INDEX cancellation_request_order ON cancellation_request (order_id, submitted_at DESC)`);
    await queryRunner.query(`CREATE INDEX customer_order_parent ON customer_order (parent_order_id) WHERE parent_order_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX customer_order_gift_main ON customer_order ((special_attributes -> 'giftShippedLater' ->> 'mainOrderId')) WHERE special_attributes ? 'giftShippedLater'`);
    await queryRunner.query(`
      CREATE TABLE order_refund (
        refund_id       text PRIMARY KEY,
        order_id        uuid        NOT NULL REFERENCES customer_order (id),
        after_sales_id  text,
        amount          bigint      NOT NULL CHECK (amount >= 0),
        lines           jsonb       NOT NULL,
        refunded_at     timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX order_refund_order ON order_refund (order_id)`);
    await queryRunner.query(`
      CREATE TABLE cod_reconciliation (
        order_id              uuid PRIMARY KEY REFERENCES customer_order (id),
        collected_amount      bigint      NOT NULL CHECK (collected_amount >= 0),
        settlement_reference  text        NOT NULL,
        reconciled_by         text        NOT NULL,
        reconciled_at         timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE cod_reconciliation`);
    await queryRunner.query(`DROP TABLE order_refund`);
    await queryRunner.query(`DROP INDEX customer_order_gift_main`);
    await queryRunner.query(`DROP INDEX customer_order_parent`);
    await queryRunner.query(`DROP INDEX cancellation_request_order`);
    await queryRunner.query(`DROP INDEX order_line_order`);
    await queryRunner.query(`DROP INDEX customer_order_kinds`);
    await queryRunner.query(`DROP INDEX customer_order_shipping_deadline`);
    await queryRunner.query(`
      ALTER TABLE customer_order
        DROP COLUMN parent_order_id, DROP COLUMN kinds, DROP COLUMN refunded_amount, DROP COLUMN service_fees,
        DROP COLUMN shipping_timed_out_at, DROP COLUMN shipping_warned_at, DROP COLUMN promised_ship_by`);
  }
}
