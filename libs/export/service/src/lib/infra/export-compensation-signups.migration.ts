import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18: the LOC sign-up rows get what the form carries (kind, course or activity title,
 * ID type and number, class date); compensation rows keep who granted them.
 */
export class ExportCompensationAndSignups1765100019100 implements MigrationInterface {
  name = 'ExportCompensationAndSignups1765100019100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE export_loc_signup ADD COLUMN kind text, ADD COLUMN title text, ADD COLUMN id_type text, ADD COLUMN id_number text, ADD COLUMN class_date date`);
    await queryRunner.query(`CREATE INDEX export_loc_signup_kind ON export_loc_signup (merchant_id, kind, signed_up_at)`);
    await queryRunner.query(`ALTER TABLE export_compensation ADD COLUMN granted_by text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE export_compensation DROP COLUMN granted_by`);
    await queryRunner.query(`DROP INDEX export_loc_signup_kind`);
    await queryRunner.query(`ALTER TABLE export_loc_signup DROP COLUMN kind, DROP COLUMN title, DROP COLUMN id_type, DROP COLUMN id_number, DROP COLUMN class_date`);
  }
}
