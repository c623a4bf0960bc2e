import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exchanges end to end and return parcels (issue 18 item 2). A shipment now says what it
 * carries: an order's goods (ORDER), an exchange's replacement (REPLACEMENT, with the
 * after-sales request it answers) or goods coming back to the merchant (RETURN, the buyer's
 * waybill or a booked pickup). Return and replacement parcels reuse the tracking, carrier
 * webhook, waybill corrections and receipt timers of outbound ones; a return parcel has no
 * `shipment_order` row (no receipt timer), so it names its order itself (`return_order_id`). A replacement's
 * `shipment_order` row carries its request: the order already has a live row of its own.
 */
export class LogisticsExchanges1764800020100 implements MigrationInterface {
  name = 'LogisticsExchanges1764800020100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE shipment ADD COLUMN purpose text NOT NULL DEFAULT 'ORDER' CHECK (purpose IN ('ORDER', 'REPLACEMENT', 'RETURN')), ADD COLUMN after_sales_id uuid, ADD COLUMN return_order_id uuid`);
    await queryRunner.query(`CREATE UNIQUE INDEX shipment_return_parcel ON shipment (after_sales_id) WHERE purpose = 'RETURN'`);
    await queryRunner.query(`CREATE INDEX shipment_return_outbound ON shipment (merchant_id, outbound_at) WHERE purpose = 'RETURN' AND delivered_at IS NULL`);
    await queryRunner.query(`ALTER TABLE shipment_order ADD COLUMN after_sales_id uuid`);
    await queryRunner.query(`DROP INDEX shipment_order_live`);
    await queryRunner.query(`CREATE UNIQUE INDEX shipment_order_live ON shipment_order (order_id) WHERE voided_at IS NULL AND after_sales_id IS NULL`);
    await queryRunner.query(`
      CREATE TABLE replacement (
        after_sales_id uuid PRIMARY KEY,
        order_id       uuid        NOT NULL,
        merchant_id    uuid        NOT NULL,
        buyer_id       uuid        NOT NULL,
        lines          jsonb       NOT NULL,
        status         text        NOT NULL,
        requested_at   timestamptz NOT NULL,
        shipment_id    uuid        REFERENCES shipment (id),
        shipped_at     timestamptz,
        received_by    text,
        received_at    timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX replacement_merchant ON replacement (merchant_id, status, requested_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE replacement`);
    await queryRunner.query(`DROP INDEX shipment_order_live`);
    await queryRunner.query(`ALTER TABLE shipment_order DROP COLUMN after_sales_id`);
    await queryRunner.query(`CREATE UNIQUE INDEX shipment_order_live ON shipment_order (order_id) WHERE voided_at IS NULL`);
    await queryRunner.query(`ALTER TABLE shipment DROP COLUMN purpose, DROP COLUMN after_sales_id, DROP COLUMN return_order_id`);
  }
}
