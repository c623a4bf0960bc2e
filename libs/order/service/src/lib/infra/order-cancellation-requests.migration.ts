import { MigrationInterface, QueryRunner } from 'typeorm';

/** Negotiated cancellations (domain.md §1.4) and the SMS recorded for buyers. */
export class OrderCancellationRequests1763900001000 implements MigrationInterface {
  name = 'OrderCancellationRequests1763900001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE cancellation_request (
        id                 uuid PRIMARY KEY,
        order_id           uuid        NOT NULL REFERENCES customer_order (id),
        merchant_id        uuid        NOT NULL,
        buyer_id           uuid        NOT NULL,
        status             text        NOT NULL CHECK (status IN ('PENDING', 'REJECTED', 'WITHDRAWN', 'AUTO_CANCELLED')),
        reason             text        NOT NULL,
        document           jsonb       NOT NULL,
        objection_deadline timestamptz NOT NULL,
        submitted_at       timestamptz NOT NULL,
        closed_at          timestamptz
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX cancellation_request_pending ON cancellation_request (order_id) WHERE status = 'PENDING'`);
    await queryRunner.query(`CREATE INDEX cancellation_request_due ON cancellation_request (objection_deadline) WHERE status = 'PENDING'`);
    await queryRunner.query(`
      CREATE TABLE sms_message (
        id      bigserial PRIMARY KEY,
        phone   text        NOT NULL,
        body    text        NOT NULL,
        sent_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sms_message`);
    await queryRunner.query(`DROP TABLE cancellation_request`);
  }
}
