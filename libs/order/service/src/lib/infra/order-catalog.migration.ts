import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The merchant's catalog, freight rule and coupons (domain.md §1.1a), what each order took of
 * them (stock, a coupon) so a cancellation can give it back, and the per-line discount and
 * product snapshot of every order line.
 */
export class OrderCatalogAndCoupons1763900001700 implements MigrationInterface {
  name = 'OrderCatalogAndCoupons1763900001700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE catalog_sku (
        merchant_id uuid        NOT NULL,
        sku_id      text        NOT NULL,
        title       text        NOT NULL,
        unit_price  bigint      NOT NULL CHECK (unit_price >= 0),
        attributes  jsonb       NOT NULL DEFAULT '{}',
        listed      boolean     NOT NULL,
        stock       integer     NULL CHECK (stock >= 0),
        service_fee jsonb       NULL,
        kinds       jsonb       NOT NULL DEFAULT '{}',
        updated_at  timestamptz NOT NULL,
        PRIMARY KEY (merchant_id, sku_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE freight_rule (
        merchant_id uuid        PRIMARY KEY,
        amount      bigint      NOT NULL CHECK (amount >= 0),
        free_above  bigint      NULL CHECK (free_above >= 0),
        updated_at  timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE coupon (
        id            uuid        PRIMARY KEY,
        merchant_id   uuid        NOT NULL,
        code          text        NOT NULL,
        amount_off    bigint      NOT NULL CHECK (amount_off > 0),
        minimum_spend bigint      NOT NULL CHECK (minimum_spend >= 0),
        valid_from    timestamptz NOT NULL,
        valid_to      timestamptz NOT NULL,
        quantity      integer     NOT NULL CHECK (quantity > 0),
        remaining     integer     NOT NULL CHECK (remaining >= 0 AND remaining <= quantity),
        created_at    timestamptz NOT NULL,
        UNIQUE (merchant_id, code)
      )`);
    await queryRunner.query(`
      CREATE TABLE coupon_redemption (
        order_id    uuid        PRIMARY KEY REFERENCES customer_order (id),
        coupon_id   uuid        NOT NULL REFERENCES coupon (id),
        buyer_id    uuid        NOT NULL,
        redeemed_at timestamptz NOT NULL,
        returned_at timestamptz NULL
      )`);
    // Once per buyer (§1.1a); a coupon given back by a cancellation may be used again.
    await queryRunner.query(`CREATE UNIQUE INDEX coupon_redemption_once_per_buyer ON coupon_redemption (coupon_id, buyer_id) WHERE returned_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE order_stock_taken (
        order_id    uuid        NOT NULL REFERENCES customer_order (id),
        merchant_id uuid        NOT NULL,
        sku_id      text        NOT NULL,
        quantity    integer     NOT NULL CHECK (quantity > 0),
        taken_at    timestamptz NOT NULL,
        returned_at timestamptz NULL,
        PRIMARY KEY (order_id, sku_id)
      )`);
    await queryRunner.query(`ALTER TABLE customer_order ADD COLUMN discount_total bigint NOT NULL DEFAULT 0, ADD COLUMN coupon_code text NULL`);
    await queryRunner.query(`ALTER TABLE order_line ADD COLUMN discount bigint NOT NULL DEFAULT 0, ADD COLUMN snapshot jsonb NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE order_line DROP COLUMN snapshot, DROP COLUMN discount`);
    await queryRunner.query(`ALTER TABLE customer_order DROP COLUMN coupon_code, DROP COLUMN discount_total`);
    await queryRunner.query(`DROP TABLE order_stock_taken`);
    await queryRunner.query(`DROP TABLE coupon_redemption`);
    await queryRunner.query(`DROP TABLE coupon`);
    await queryRunner.query(`DROP TABLE freight_rule`);
    await queryRunner.query(`DROP TABLE catalog_sku`);
  }
}
