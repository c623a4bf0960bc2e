import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Repayments go through the payment port (docs/money-bounds-and-repayments.md): a row is
 * INITIATED before the provider is asked, and only a CONFIRMED payment is CREDITED (allocated,
 * domain.md §4.4). Amount columns get the platform's money bound (MAX_FEN = 10^12 fen) as CHECKs,
 * so even a bug or a hand-written row cannot store an amount past it.
 */
export class CreditRepaymentPayments1764590000200 implements MigrationInterface {
  name = 'CreditRepaymentPayments1764590000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE repayment ADD COLUMN status text NOT NULL DEFAULT 'CREDITED' CHECK (status IN ('INITIATED', 'CREDITED', 'DECLINED'))`);
    await queryRunner.query(`ALTER TABLE repayment ADD COLUMN provider text`);
    await queryRunner.query(`ALTER TABLE repayment ADD COLUMN provider_reference text`);
    await queryRunner.query(`ALTER TABLE repayment ADD COLUMN preferred_loan_id uuid`);
    await queryRunner.query(`ALTER TABLE repayment ADD COLUMN initiated_at timestamptz`);
    await queryRunner.query(`UPDATE repayment SET initiated_at = received_at`);
    await queryRunner.query(`ALTER TABLE repayment ALTER COLUMN initiated_at SET NOT NULL`);
    for (const column of ['principal_repaid', 'to_balance', 'document', 'received_at']) await queryRunner.query(`ALTER TABLE repayment ALTER COLUMN ${column} DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE repayment ALTER COLUMN status DROP DEFAULT`);
    await queryRunner.query(`CREATE INDEX repayment_initiated ON repayment (credit_account_id) WHERE status = 'INITIATED'`);
    await queryRunner.query(`ALTER TABLE repayment ADD CONSTRAINT repayment_amount_bound CHECK (amount <= 1000000000000)`);
    await queryRunner.query(`
      ALTER TABLE credit_account ADD CONSTRAINT credit_account_money_bound
        CHECK (credit_limit <= 1000000000000 AND held <= 1000000000000 AND outstanding <= 1000000000000 AND balance <= 1000000000000)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE credit_account DROP CONSTRAINT credit_account_money_bound`);
    await queryRunner.query(`ALTER TABLE repayment DROP CONSTRAINT repayment_amount_bound`);
    await queryRunner.query(`DROP INDEX repayment_initiated`);
    await queryRunner.query(`DELETE FROM repayment WHERE status <> 'CREDITED'`);
    for (const column of ['principal_repaid', 'to_balance', 'document', 'received_at']) await queryRunner.query(`ALTER TABLE repayment ALTER COLUMN ${column} SET NOT NULL`);
    for (const column of ['status', 'provider', 'provider_reference', 'preferred_loan_id', 'initiated_at']) await queryRunner.query(`ALTER TABLE repayment DROP COLUMN ${column}`);
  }
}
