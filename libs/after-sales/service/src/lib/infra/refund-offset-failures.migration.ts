import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13 item 4: a CREDIT settlement that credit-billing refused to offset is shown as FAILED
 * with the reason (and can be ESCALATED by an operator), instead of staying SETTLED silently.
 */
export class AfterSalesRefundOffsetFailures1764700013400 implements MigrationInterface {
  name = 'AfterSalesRefundOffsetFailures1764700013400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE refund_settlement DROP CONSTRAINT IF EXISTS refund_settlement_status_check`);
    await queryRunner.query(`ALTER TABLE refund_settlement ADD CONSTRAINT refund_settlement_status_check CHECK (status IN ('PENDING', 'SETTLED', 'FAILED', 'ESCALATED'))`);
    await queryRunner.query(`ALTER TABLE refund_settlement ADD COLUMN failure_reason text, ADD COLUMN failed_at timestamptz, ADD COLUMN escalated_at timestamptz, ADD COLUMN escalation_note text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE refund_settlement DROP COLUMN failure_reason, DROP COLUMN failed_at, DROP COLUMN escalated_at, DROP COLUMN escalation_note`);
    await queryRunner.query(`ALTER TABLE refund_settlement DROP CONSTRAINT IF EXISTS refund_settlement_status_check`);
    await queryRunner.query(`ALTER TABLE refund_settlement ADD CONSTRAINT refund_settlement_status_check CHECK (status IN ('PENDING', 'SETTLED'))`);
  }
}

/**
 * Read-your-writes for credit reads (issue 13 item 3): a CREDIT settlement remembers when
 * credit-billing answered its offset (`RefundOffsetApplied` or `RefundOffsetRefused`), so
 * credit-billing can ask for the refunds of a buyer it may not have applied yet. Settlements
 * that exist already count as answered: their offsets happened long ago.
 */
export class AfterSalesCreditOffsetAnswers1764700013700 implements MigrationInterface {
  name = 'AfterSalesCreditOffsetAnswers1764700013700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE refund_settlement ADD COLUMN offset_answered_at timestamptz`);
    await queryRunner.query(`UPDATE refund_settlement SET offset_answered_at = created_at WHERE method = 'CREDIT'`);
    await queryRunner.query(`CREATE INDEX refund_settlement_offset_unanswered ON refund_settlement (refund_id) WHERE method = 'CREDIT' AND offset_answered_at IS NULL`);
    await queryRunner.query(`CREATE INDEX refund_buyer ON refund (buyer_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX refund_buyer`);
    await queryRunner.query(`DROP INDEX refund_settlement_offset_unanswered`);
    await queryRunner.query(`ALTER TABLE refund_settlement DROP COLUMN offset_answered_at`);
  }
}
