import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrderSchema1763900000100 implements MigrationInterface {
  name = 'CreateOrderSchema1763900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customer_order (
        id                uuid PRIMARY KEY,
        merchant_id       uuid        NOT NULL,
        buyer_id          uuid        NOT NULL,
        status            text        NOT NULL,
        payment_method    text        NOT NULL CHECK (payment_method IN ('ONLINE', 'COD', 'CREDIT')),
        credit_plan       text        CHECK (credit_plan IN ('DEFERRED', 'INSTALLMENT')),
        credit_periods    integer,
        credit_hold_id    uuid,
        goods_total       bigint      NOT NULL CHECK (goods_total >= 0),
        freight           bigint      NOT NULL CHECK (freight >= 0),
        payable           bigint      NOT NULL CHECK (payable >= 0),
        fulfilment        text,
        buyer_note        text,
        consignee_name    text        NOT NULL,
        consignee_phone   text        NOT NULL,
        consignee_address jsonb       NOT NULL,
        cancel_reason     text,
        cancelled_by      text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX customer_order_buyer ON customer_order (buyer_id, created_at DESC)`);
    await queryRunner.query(`CREATE INDEX customer_order_merchant ON customer_order (merchant_id, status, created_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE order_line (
        id          uuid PRIMARY KEY,
        order_id    uuid    NOT NULL REFERENCES customer_order (id),
        position    integer NOT NULL,
        sku_id      text    NOT NULL,
        title       text    NOT NULL,
        unit_price  bigint  NOT NULL CHECK (unit_price >= 0),
        quantity    integer NOT NULL CHECK (quantity > 0),
        line_total  bigint  NOT NULL CHECK (line_total >= 0),
        UNIQUE (order_id, position)
      )`);
    await queryRunner.query(`
      CREATE TABLE order_status_history (
        id          bigserial PRIMARY KEY,
        order_id    uuid        NOT NULL REFERENCES customer_order (id),
        from_status text,
        to_status   text        NOT NULL,
        reason      text,
        actor       text        NOT NULL,
        at          timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX order_status_history_order ON order_status_history (order_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE order_status_history`);
    await queryRunner.query(`DROP TABLE order_line`);
    await queryRunner.query(`DROP TABLE customer_order`);
  }
}
