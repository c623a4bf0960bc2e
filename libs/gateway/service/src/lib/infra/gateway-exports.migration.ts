import { MigrationInterface, QueryRunner } from 'typeorm';

/** Risk control's lock of a merchant's export permission (domain.md §5). */
export class GatewayExports1763900002100 implements MigrationInterface {
  name = 'GatewayExports1763900002100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE merchant_export_lock (
        merchant_id uuid PRIMARY KEY,
        locked      boolean     NOT NULL,
        reason      text,
        changed_by  uuid        NOT NULL,
        changed_at  timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE merchant_export_lock`);
  }
}
