import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: what each pause release carried (certificate, batch number, real-name check, the
 * buyer's agreement) and who asserted it, kept on the order; and the carrier the order actually
 * shipped with, so the consignee rule of domain.md §1.6 follows the real carrier.
 */
export class OrderFactOwners1763900004100 implements MigrationInterface {
  name = 'OrderFactOwners1763900004100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE customer_order ADD COLUMN pause_releases jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await queryRunner.query(`ALTER TABLE customer_order ADD COLUMN shipment_carrier text`);
    // The operator's "disruption lifted" and "stock arrived" find paused orders by reason.
    // The buyer's SMS now goes through the gateway's SMS port (domain.md §1.4); the order
    // service's own copy of consignee phones and messages goes.
    await queryRunner.query(`DROP TABLE IF EXISTS sms_message`);
    await queryRunner.query(`CREATE INDEX customer_order_paused_reason ON customer_order ((pause ->> 'reason')) WHERE status = 'PAUSED'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX customer_order_paused_reason`);
    await queryRunner.query(`CREATE TABLE IF NOT EXISTS sms_message (id bigserial PRIMARY KEY, phone text NOT NULL, body text NOT NULL, sent_at timestamptz NOT NULL)`);
    await queryRunner.query(`ALTER TABLE customer_order DROP COLUMN shipment_carrier`);
    await queryRunner.query(`ALTER TABLE customer_order DROP COLUMN pause_releases`);
  }
}
