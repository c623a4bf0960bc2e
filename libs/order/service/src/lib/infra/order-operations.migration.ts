import { MigrationInterface, QueryRunner } from 'typeorm';

/** What merchant operations need on an order: the active pause, fulfilment choice, special kinds. */
export class OrderOperations1763900000800 implements MigrationInterface {
  name = 'OrderOperations1763900000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE customer_order ADD COLUMN pause jsonb`);
    await queryRunner.query(`ALTER TABLE customer_order ADD COLUMN specified_platform_delivery boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE customer_order ADD COLUMN special_attributes jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['pause', 'specified_platform_delivery', 'special_attributes']) await queryRunner.query(`ALTER TABLE customer_order DROP COLUMN ${column}`);
  }
}
