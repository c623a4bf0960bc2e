import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The export service's own read model (built only from events, domain.md §5) and its tasks.
 * `export_read_model.generation` names the consumer group: a fresh database gets a fresh
 * group, which reads every topic from the beginning (rebuild by replay).
 */
export class CreateExportSchema1763900002000 implements MigrationInterface {
  name = 'CreateExportSchema1763900002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE export_read_model (
        id          integer PRIMARY KEY CHECK (id = 1),
        generation  text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`INSERT INTO export_read_model (id, generation) VALUES (1, substr(md5(random()::text || clock_timestamp()::text), 1, 12))`);
    await queryRunner.query(`
      CREATE TABLE export_order (
        order_id        uuid PRIMARY KEY,
        merchant_id     uuid        NOT NULL,
        buyer_id        uuid        NOT NULL,
        status          text        NOT NULL,
        payment_method  text        NOT NULL,
        credit_plan     text,
        goods_total     bigint      NOT NULL DEFAULT 0,
        freight         bigint      NOT NULL DEFAULT 0,
        discount_total  bigint      NOT NULL DEFAULT 0,
        payable         bigint      NOT NULL,
        paid_amount     bigint,
        paid_at         timestamptz,
        placed_at       timestamptz NOT NULL,
        kinds           text[]      NOT NULL DEFAULT '{}',
        fulfilment      text,
        buyer_note      text,
        consignee_name  text,
        consignee_phone text,
        province        text,
        city            text,
        county          text,
        town            text,
        address_detail  text,
        pause_reason    text,
        cancel_reason   text,
        cancelled_at    timestamptz,
        shipped_at      timestamptz,
        delivered_at    timestamptz,
        completed_at    timestamptz,
        refunded_amount bigint      NOT NULL DEFAULT 0,
        updated_at      timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX export_order_merchant_placed ON export_order (merchant_id, placed_at, order_id)`);
    await queryRunner.query(`
      CREATE TABLE export_order_line (
        line_id           uuid PRIMARY KEY,
        order_id          uuid    NOT NULL,
        position          integer NOT NULL,
        sku_id            text    NOT NULL,
        title             text    NOT NULL,
        unit_price        bigint  NOT NULL,
        quantity          integer NOT NULL,
        line_total        bigint  NOT NULL,
        refunded_quantity integer NOT NULL DEFAULT 0
      )`);
    await queryRunner.query(`CREATE INDEX export_order_line_order ON export_order_line (order_id, position)`);
    await queryRunner.query(`
      CREATE TABLE export_shipment (
        shipment_id     text PRIMARY KEY,
        order_id        uuid        NOT NULL,
        carrier         text        NOT NULL,
        waybill_no      text        NOT NULL,
        dispatched_at   timestamptz NOT NULL,
        delivered_at    timestamptz,
        tracking_status text,
        tracking_at     timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX export_shipment_order ON export_shipment (order_id)`);
    await queryRunner.query(`
      CREATE TABLE export_refund (
        refund_id      text PRIMARY KEY,
        order_id       uuid        NOT NULL,
        amount         bigint      NOT NULL,
        after_sales_id text,
        lines          jsonb       NOT NULL DEFAULT '[]',
        completed_at   timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX export_refund_order ON export_refund (order_id)`);
    // Types whose source events do not exist yet: the tables are here so a handler is one file.
    await queryRunner.query(`
      CREATE TABLE export_shipping_alert (
        alert_id    text PRIMARY KEY,
        order_id    uuid        NOT NULL,
        merchant_id uuid        NOT NULL,
        kind        text        NOT NULL CHECK (kind IN ('WARNING', 'TIMEOUT')),
        ship_by     timestamptz,
        raised_at   timestamptz NOT NULL,
        detail      text
      )`);
    await queryRunner.query(`CREATE INDEX export_shipping_alert_merchant ON export_shipping_alert (merchant_id, kind, raised_at)`);
    await queryRunner.query(`
      CREATE TABLE export_compensation (
        compensation_id text PRIMARY KEY,
        order_id        uuid,
        merchant_id     uuid        NOT NULL,
        kind            text        NOT NULL CHECK (kind IN ('ADVANCE', 'DIRECT', 'LATE_SHIPPING')),
        amount          bigint      NOT NULL,
        reason          text,
        status          text        NOT NULL,
        created_at      timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX export_compensation_merchant ON export_compensation (merchant_id, kind, created_at)`);
    await queryRunner.query(`
      CREATE TABLE export_loc_signup (
        signup_id    text PRIMARY KEY,
        merchant_id  uuid        NOT NULL,
        activity_id  text        NOT NULL,
        order_id     uuid,
        name         text,
        phone        text,
        signed_up_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX export_loc_signup_merchant ON export_loc_signup (merchant_id, signed_up_at)`);
    await queryRunner.query(`
      CREATE TABLE export_task (
        id              uuid PRIMARY KEY,
        merchant_id     uuid        NOT NULL,
        account_id      uuid        NOT NULL,
        type            text        NOT NULL,
        format          text        NOT NULL CHECK (format IN ('CSV', 'XLSX')),
        consignee_mode  text        NOT NULL CHECK (consignee_mode IN ('NONE', 'MASKED', 'FULL')),
        range_from      timestamptz NOT NULL,
        range_to        timestamptz NOT NULL,
        filters         jsonb       NOT NULL DEFAULT '{}',
        status          text        NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')),
        encrypted       boolean     NOT NULL,
        password_sealed text,
        rows_done       bigint      NOT NULL DEFAULT 0,
        rows_total      bigint,
        attempts        integer     NOT NULL DEFAULT 0,
        failure         text,
        file_name       text,
        file_size       bigint,
        created_at      timestamptz NOT NULL,
        started_at      timestamptz,
        heartbeat_at    timestamptz,
        completed_at    timestamptz,
        failed_at       timestamptz,
        expires_at      timestamptz,
        file_deleted_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX export_task_limits ON export_task (account_id, type, created_at)`);
    await queryRunner.query(`CREATE INDEX export_task_history ON export_task (merchant_id, created_at DESC, id)`);
    await queryRunner.query(`CREATE INDEX export_task_queue ON export_task (created_at) WHERE status IN ('QUEUED', 'RUNNING')`);
    await queryRunner.query(`
      CREATE TABLE export_password_sms (
        task_id uuid        NOT NULL,
        sent_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX export_password_sms_task ON export_password_sms (task_id, sent_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['export_password_sms', 'export_task', 'export_loc_signup', 'export_compensation', 'export_shipping_alert', 'export_refund', 'export_shipment', 'export_order_line', 'export_order', 'export_read_model']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
