import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exchanges end to end (issue 18 item 2): the return parcel's carrier events and the
 * replacement parcel, both as logistics reports them, kept on the request they belong to.
 */
export class AfterSalesExchanges1764800020000 implements MigrationInterface {
  name = 'AfterSalesExchanges1764800020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE after_sales_request ADD COLUMN return_tracking jsonb NOT NULL DEFAULT '[]'::jsonb, ADD COLUMN replacement jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE after_sales_request DROP COLUMN return_tracking, DROP COLUMN replacement`);
  }
}
