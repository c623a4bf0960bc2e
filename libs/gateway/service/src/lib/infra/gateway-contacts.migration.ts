import { MigrationInterface, QueryRunner } from 'typeorm';

/** SMS verifications, other-contact look-ups and virtual-number bindings (domain.md §6.2, §6.3). */
export class GatewayContacts1763900000500 implements MigrationInterface {
  name = 'GatewayContacts1763900000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sms_verification (
        account_id     uuid        NOT NULL,
        purpose        text        NOT NULL CHECK (purpose IN ('OTHER_CONTACTS', 'EXTRA_VIRTUAL_NUMBERS')),
        code_hash      text        NOT NULL,
        code_expires_at timestamptz NOT NULL,
        attempts       integer     NOT NULL DEFAULT 0,
        verified_until timestamptz,
        PRIMARY KEY (account_id, purpose)
      )`);
    await queryRunner.query(`
      CREATE TABLE other_contact_lookup (
        merchant_id  uuid        NOT NULL,
        platform_day date        NOT NULL,
        order_id     uuid        NOT NULL,
        account_id   uuid        NOT NULL,
        looked_up_at timestamptz NOT NULL,
        PRIMARY KEY (merchant_id, platform_day, order_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE virtual_number_binding (
        id                 uuid PRIMARY KEY,
        merchant_id        uuid        NOT NULL,
        order_id           uuid        NOT NULL,
        kind               text        NOT NULL CHECK (kind IN ('ORDER', 'AFTER_SALES')),
        consignee_phone_hash text      NOT NULL,
        main_number        text        NOT NULL,
        extension          text        NOT NULL,
        bound_at           timestamptz NOT NULL,
        platform_day       date        NOT NULL,
        expires_at         timestamptz,
        released_at        timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX virtual_number_binding_order ON virtual_number_binding (order_id, kind)`);
    await queryRunner.query(`CREATE INDEX virtual_number_binding_day ON virtual_number_binding (merchant_id, platform_day)`);
    await queryRunner.query(`CREATE INDEX virtual_number_binding_line ON virtual_number_binding (main_number, extension) WHERE released_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE virtual_number_binding`);
    await queryRunner.query(`DROP TABLE other_contact_lookup`);
    await queryRunner.query(`DROP TABLE sms_verification`);
  }
}
