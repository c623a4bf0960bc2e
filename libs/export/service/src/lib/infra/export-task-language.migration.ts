import { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 18: the language of a task's headers and file name, kept with the task so a retry writes the same file. */
export class ExportTaskLanguage1764700021000 implements MigrationInterface {
  name = 'ExportTaskLanguage1764700021000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE export_task ADD COLUMN language text NOT NULL DEFAULT 'zh-CN' CHECK (language IN ('zh-CN', 'en'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE export_task DROP COLUMN language`);
  }
}
