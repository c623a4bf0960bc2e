import { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_DEFERRED_PRODUCT, DEFAULT_INSTALLMENT_PRODUCT } from '@orderline/credit-billing/domain';

/**
 * Loans, statements, repayments, refunds and the double-entry ledger (domain.md §4.3-§4.6).
 * A loan is stored as its domain document (jsonb) next to the columns queries need; the
 * account row is locked for every movement, so one account's movements take turns.
 */
export class CreateCreditLedger1763900000700 implements MigrationInterface {
  name = 'CreateCreditLedger1763900000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE credit_product (
        code       text PRIMARY KEY,
        plan_type  text        NOT NULL CHECK (plan_type IN ('DEFERRED', 'INSTALLMENT')),
        is_default boolean     NOT NULL DEFAULT false,
        definition jsonb       NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX credit_product_default ON credit_product (plan_type) WHERE is_default`);
    for (const product of [DEFAULT_INSTALLMENT_PRODUCT, DEFAULT_DEFERRED_PRODUCT]) {
      await queryRunner.query(`INSERT INTO credit_product (code, plan_type, is_default, definition) VALUES ($1, $2, true, $3)`, [product.code, product.planType, JSON.stringify(product)]);
    }
    await queryRunner.query(`ALTER TABLE credit_account ADD COLUMN next_statement_date date`);
    await queryRunner.query(`ALTER TABLE credit_account ADD COLUMN last_statement_date date`);
    await queryRunner.query(`CREATE INDEX credit_account_statement_due ON credit_account (next_statement_date)`);
    await queryRunner.query(`ALTER TABLE credit_hold ADD COLUMN product_code text`);
    await queryRunner.query(`ALTER TABLE credit_hold ADD COLUMN period_count integer`);
    await queryRunner.query(`ALTER TABLE credit_hold ADD COLUMN captured_amount bigint NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE credit_hold ADD COLUMN released_amount bigint NOT NULL DEFAULT 0`);
    await queryRunner.query(`
      CREATE TABLE loan (
        id                uuid PRIMARY KEY,
        credit_account_id uuid        NOT NULL REFERENCES credit_account (id),
        order_id          uuid        NOT NULL UNIQUE,
        hold_id           uuid        NOT NULL,
        settled           boolean     NOT NULL DEFAULT false,
        document          jsonb       NOT NULL,
        booked_at         timestamptz NOT NULL,
        updated_at        timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX loan_account_open ON loan (credit_account_id) WHERE NOT settled`);
    await queryRunner.query(`
      CREATE TABLE credit_statement (
        id                uuid PRIMARY KEY,
        credit_account_id uuid        NOT NULL REFERENCES credit_account (id),
        statement_date    date        NOT NULL,
        due_date          date        NOT NULL,
        amount_due        bigint      NOT NULL,
        sent_to_buyer     boolean     NOT NULL,
        document          jsonb       NOT NULL,
        issued_at         timestamptz NOT NULL,
        UNIQUE (credit_account_id, statement_date)
      )`);
    await queryRunner.query(`
      CREATE TABLE statement_credit (
        id                bigserial PRIMARY KEY,
        credit_account_id uuid        NOT NULL REFERENCES credit_account (id),
        document          jsonb       NOT NULL,
        statement_id      uuid
      )`);
    await queryRunner.query(`CREATE INDEX statement_credit_pending ON statement_credit (credit_account_id) WHERE statement_id IS NULL`);
    await queryRunner.query(`
      CREATE TABLE repayment (
        id                uuid PRIMARY KEY,
        credit_account_id uuid        NOT NULL REFERENCES credit_account (id),
        amount            bigint      NOT NULL CHECK (amount > 0),
        principal_repaid  bigint      NOT NULL,
        to_balance        bigint      NOT NULL,
        document          jsonb       NOT NULL,
        received_at       timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE credit_refund (
        refund_id         text PRIMARY KEY,
        order_id          uuid        NOT NULL,
        credit_account_id uuid        NOT NULL REFERENCES credit_account (id),
        amount            bigint      NOT NULL CHECK (amount > 0),
        status            text        NOT NULL CHECK (status IN ('PARKED', 'APPLIED', 'HOLD_RELEASED', 'REJECTED', 'DUPLICATE')),
        document          jsonb,
        received_at       timestamptz NOT NULL,
        applied_at        timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX credit_refund_parked ON credit_refund (order_id) WHERE status = 'PARKED'`);
    await queryRunner.query(`
      CREATE TABLE ledger_posting (
        id                bigserial PRIMARY KEY,
        credit_account_id uuid        NOT NULL,
        posting_key       text        NOT NULL UNIQUE,
        kind              text        NOT NULL,
        loan_id           uuid,
        pending           boolean     NOT NULL,
        entries           jsonb       NOT NULL,
        posted_at         timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX ledger_posting_account ON ledger_posting (credit_account_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['ledger_posting', 'credit_refund', 'repayment', 'statement_credit', 'credit_statement', 'loan', 'credit_product']) await queryRunner.query(`DROP TABLE ${table}`);
    for (const column of ['product_code', 'period_count', 'captured_amount', 'released_amount']) await queryRunner.query(`ALTER TABLE credit_hold DROP COLUMN ${column}`);
    await queryRunner.query(`ALTER TABLE credit_account DROP COLUMN next_statement_date`);
    await queryRunner.query(`ALTER TABLE credit_account DROP COLUMN last_statement_date`);
  }
}
