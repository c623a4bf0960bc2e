import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox and the inbox, in every service's own database. The outbox row
 * holds the exact JSON that goes on the wire; the relay marks it published. The inbox
 * remembers which events a consumer group already applied.
 */
export class CreateMessagingTables1763900000000 implements MigrationInterface {
  name = 'CreateMessagingTables1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox_event (
        id              bigserial PRIMARY KEY,
        event_id        uuid        NOT NULL UNIQUE,
        event_type      text        NOT NULL,
        topic           text        NOT NULL,
        message_key     text        NOT NULL,
        envelope        text        NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        published_at    timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX outbox_event_unpublished ON outbox_event (id) WHERE published_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE inbox_message (
        consumer_group  text        NOT NULL,
        event_id        uuid        NOT NULL,
        event_type      text        NOT NULL,
        source_topic    text        NOT NULL,
        source_partition integer    NOT NULL,
        source_offset   text        NOT NULL,
        processed_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE inbox_message`);
    await queryRunner.query(`DROP TABLE outbox_event`);
  }
}

/**
 * Issue 13 item 4: an outbox row the bus keeps refusing (e.g. a message too large) is counted
 * (attempts, last_error) and, after OUTBOX_MAX_ATTEMPTS, parked so the rest of the service's
 * events still leave. A parked row holds back the later rows of its own key (topic + key)
 * until an operator re-drives it: consumers see one key's events in order or not at all.
 */
export class OutboxParking1764700013500 implements MigrationInterface {
  name = 'OutboxParking1764700013500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox_event ADD COLUMN attempts integer NOT NULL DEFAULT 0, ADD COLUMN last_error text, ADD COLUMN parked_at timestamptz`);
    await queryRunner.query(`CREATE INDEX outbox_event_parked ON outbox_event (topic, message_key, id) WHERE parked_at IS NOT NULL AND published_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX outbox_event_parked`);
    await queryRunner.query(`ALTER TABLE outbox_event DROP COLUMN attempts, DROP COLUMN last_error, DROP COLUMN parked_at`);
  }
}

/**
 * Issue 13 item 4: what a consumer group dead-lettered, as its service recorded it from the
 * `<topic>.dlq` topics, and whether an operator re-drove it. One row per DLQ message (its
 * coordinates are the key, so reading the DLQ again records nothing twice).
 */
export class DeadLetterRecords1764700013600 implements MigrationInterface {
  name = 'DeadLetterRecords1764700013600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dead_letter (
        id                  bigserial PRIMARY KEY,
        consumer_group      text        NOT NULL,
        dlq_topic           text        NOT NULL,
        dlq_partition       integer     NOT NULL,
        dlq_offset          text        NOT NULL,
        event_id            text,
        event_type          text,
        message_key         text        NOT NULL,
        original_topic      text        NOT NULL,
        original_partition  integer,
        original_offset     text,
        error               text,
        attempts            integer,
        failed_at           timestamptz,
        envelope            text        NOT NULL,
        recorded_at         timestamptz NOT NULL DEFAULT now(),
        redriven_at         timestamptz,
        redrive_outbox_event_id uuid,
        UNIQUE (consumer_group, dlq_topic, dlq_partition, dlq_offset)
      )`);
    await queryRunner.query(`CREATE INDEX dead_letter_waiting ON dead_letter (id) WHERE redriven_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE dead_letter`);
  }
}

/**
 * Issue 16 item 2: the W3C trace context of the span that wrote each event, so the relay can
 * send it in the message headers (hours later, from another process) and the consumers'
 * spans join the trace of the request that caused the event. Null when nothing traced it.
 */
export class OutboxTraceContext1765016000200 implements MigrationInterface {
  name = 'OutboxTraceContext1765016000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox_event ADD COLUMN traceparent text, ADD COLUMN tracestate text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox_event DROP COLUMN traceparent, DROP COLUMN tracestate`);
  }
}
