import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Logistics' own tables (domain.md §2). `logistics_order` is what logistics learned from the
 * order service's events (it never reads that database); a shipment carries one order or,
 * merged, several (`shipment_order`, each with its own lines and its own receipt timer: a
 * stored deadline, polled with SKIP LOCKED, so restarts and extra instances change nothing).
 */
export class LogisticsSchema1763900002000 implements MigrationInterface {
  name = 'LogisticsSchema1763900002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE logistics_order (
        order_id                    uuid PRIMARY KEY,
        merchant_id                 uuid,
        buyer_id                    uuid,
        payment_method              text,
        payable                     bigint,
        lines                       jsonb,
        consignee                   jsonb,
        cross_border                boolean     NOT NULL DEFAULT false,
        specified_platform_delivery boolean     NOT NULL DEFAULT false,
        placed                      boolean     NOT NULL DEFAULT false,
        paid                        boolean     NOT NULL DEFAULT false,
        paused_reason               text,
        cancelled                   boolean     NOT NULL DEFAULT false,
        completed_at                timestamptz,
        updated_at                  timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX logistics_order_merchant ON logistics_order (merchant_id)`);
    await queryRunner.query(`CREATE SEQUENCE platform_waybill_seq`);
    await queryRunner.query(`
      CREATE TABLE shipment (
        id                      uuid PRIMARY KEY,
        merchant_id             uuid        NOT NULL,
        carrier                 text        NOT NULL,
        service_product         text        NOT NULL,
        waybill_no              text        NOT NULL,
        merged                  boolean     NOT NULL,
        package_count           integer     NOT NULL,
        declared_value          bigint,
        cross_border            boolean     NOT NULL,
        outbound_at             timestamptz NOT NULL,
        delivered_at            timestamptz,
        interception            text        NOT NULL DEFAULT 'NONE',
        interception_updated_at timestamptz,
        shipped_by              text        NOT NULL
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX shipment_waybill ON shipment (carrier, waybill_no)`);
    await queryRunner.query(`CREATE INDEX shipment_merchant_outbound ON shipment (merchant_id, outbound_at)`);
    await queryRunner.query(`
      CREATE TABLE shipment_order (
        shipment_id         uuid        NOT NULL REFERENCES shipment (id),
        order_id            uuid        NOT NULL,
        lines               jsonb       NOT NULL,
        receipt_extended_at timestamptz,
        auto_confirm_at     timestamptz,
        closed_at           timestamptz,
        closed_reason       text,
        voided_at           timestamptz,
        void_reason         text,
        PRIMARY KEY (shipment_id, order_id)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX shipment_order_live ON shipment_order (order_id) WHERE voided_at IS NULL`);
    await queryRunner.query(`CREATE INDEX shipment_order_due ON shipment_order (auto_confirm_at) WHERE closed_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE tracking_event (
        id               bigserial PRIMARY KEY,
        shipment_id      uuid        NOT NULL REFERENCES shipment (id),
        carrier          text        NOT NULL,
        carrier_event_id text        NOT NULL,
        waybill_no       text        NOT NULL,
        status           text        NOT NULL,
        occurred_at      timestamptz NOT NULL,
        received_at      timestamptz NOT NULL,
        location         text,
        description      text
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX tracking_event_replay ON tracking_event (carrier, carrier_event_id)`);
    await queryRunner.query(`CREATE INDEX tracking_event_shipment ON tracking_event (shipment_id, occurred_at)`);
    await queryRunner.query(`
      CREATE TABLE waybill_correction (
        id                  bigserial PRIMARY KEY,
        shipment_id         uuid        NOT NULL REFERENCES shipment (id),
        previous_waybill_no text        NOT NULL,
        waybill_no          text        NOT NULL,
        reason              text,
        corrected_by        text        NOT NULL,
        corrected_at        timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE merchant_express_contract (
        merchant_id uuid PRIMARY KEY,
        signed      boolean     NOT NULL,
        updated_at  timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['merchant_express_contract', 'waybill_correction', 'tracking_event', 'shipment_order', 'shipment', 'logistics_order']) await queryRunner.query(`DROP TABLE ${table}`);
    await queryRunner.query(`DROP SEQUENCE platform_waybill_seq`);
  }
}
