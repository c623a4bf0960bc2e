import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * After-sales tables: what it knows of orders (built from order events), the requests, the
 * refund decisions and the money movements that settle them (kept apart, Saleor-style).
 */
export class AfterSalesSchema1763900002000 implements MigrationInterface {
  name = 'AfterSalesSchema1763900002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE as_order (
        order_id        uuid PRIMARY KEY,
        merchant_id     uuid        NOT NULL,
        buyer_id        uuid        NOT NULL,
        payment_method  text        NOT NULL CHECK (payment_method IN ('ONLINE', 'COD', 'CREDIT')),
        credit_plan     text,
        status          text        NOT NULL CHECK (status IN ('PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'COMPLETED', 'CANCELLED')),
        delivered       boolean     NOT NULL DEFAULT false,
        payable         bigint      NOT NULL,
        freight         bigint      NOT NULL,
        paid            bigint,
        shipped_amount  bigint,
        shipped_freight bigint,
        lines           jsonb       NOT NULL,
        shipped_lines   jsonb,
        updated_at      timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE as_credit_loan (
        order_id uuid PRIMARY KEY,
        loan_id  uuid NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE after_sales_request (
        id              uuid PRIMARY KEY,
        order_id        uuid        NOT NULL REFERENCES as_order (order_id),
        merchant_id     uuid        NOT NULL,
        buyer_id        uuid        NOT NULL,
        type            text        NOT NULL CHECK (type IN ('RETURN_AND_REFUND', 'REFUND_ONLY', 'EXCHANGE')),
        status          text        NOT NULL,
        reason          text        NOT NULL,
        description     text,
        evidence        jsonb       NOT NULL,
        lines           jsonb       NOT NULL,
        review_deadline timestamptz NOT NULL,
        review          jsonb,
        return_shipment jsonb,
        receipt         jsonb,
        history         jsonb       NOT NULL,
        created_at      timestamptz NOT NULL,
        updated_at      timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX after_sales_request_order ON after_sales_request (order_id)`);
    await queryRunner.query(`CREATE INDEX after_sales_request_buyer ON after_sales_request (buyer_id, created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX after_sales_request_merchant ON after_sales_request (merchant_id, created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX after_sales_request_review_due ON after_sales_request (review_deadline) WHERE status = 'REQUESTED'`);
    await queryRunner.query(`
      CREATE TABLE refund (
        id              uuid PRIMARY KEY,
        after_sales_id  uuid        NOT NULL UNIQUE REFERENCES after_sales_request (id),
        order_id        uuid        NOT NULL,
        buyer_id        uuid        NOT NULL,
        payment_method  text        NOT NULL,
        amount          bigint      NOT NULL CHECK (amount >= 0),
        lines           jsonb       NOT NULL,
        reason          text        NOT NULL,
        status          text        NOT NULL CHECK (status IN ('GRANTED', 'COMPLETED')),
        granted_at      timestamptz NOT NULL,
        completed_at    timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX refund_order ON refund (order_id)`);
    await queryRunner.query(`
      CREATE TABLE refund_settlement (
        id                 uuid PRIMARY KEY,
        refund_id          uuid        NOT NULL REFERENCES refund (id),
        method             text        NOT NULL CHECK (method IN ('ONLINE', 'COD', 'CREDIT')),
        amount             bigint      NOT NULL,
        idempotency_key    text        NOT NULL UNIQUE,
        status             text        NOT NULL CHECK (status IN ('PENDING', 'SETTLED')),
        attempts           integer     NOT NULL DEFAULT 0,
        next_attempt_at    timestamptz NOT NULL,
        provider           text,
        provider_reference text,
        last_error         text,
        created_at         timestamptz NOT NULL,
        settled_at         timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX refund_settlement_pending ON refund_settlement (next_attempt_at) WHERE status = 'PENDING'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['refund_settlement', 'refund', 'after_sales_request', 'as_credit_loan', 'as_order']) await queryRunner.query(`DROP TABLE ${table}`);
  }
}
