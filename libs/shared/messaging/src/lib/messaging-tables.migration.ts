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
