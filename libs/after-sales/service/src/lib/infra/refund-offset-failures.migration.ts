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
