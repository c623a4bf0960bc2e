import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CreditProduct } from '@orderline/credit-billing/domain';
import { DomainError } from '@orderline/shared/service-kit';
import { prepared } from '@orderline/shared/persistence';

/** The `credit_product` rows: products as configuration (domain.md §4.3). */
@Injectable()
export class CreditProductRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<Array<CreditProduct & { isDefault: boolean }>> {
    const rows = await this.dataSource.query(`SELECT definition, is_default FROM credit_product ORDER BY plan_type, code`);
    return rows.map((row: { definition: CreditProduct; is_default: boolean }) => ({ ...row.definition, isDefault: row.is_default }));
  }

  /**
   * Saves a product; `isDefault` makes it the default of its plan type. A product's plan type
   * never changes.
   */
  async save(product: CreditProduct, isDefault: boolean): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (isDefault) await manager.query(`UPDATE credit_product SET is_default = false WHERE plan_type = $1 AND code <> $2`, [product.planType, product.code]);
      const [existing] = await manager.query(`SELECT plan_type FROM credit_product WHERE code = $1 FOR UPDATE`, [product.code]);
      if (existing && existing.plan_type !== product.planType) throw new DomainError('CREDIT_PRODUCT_PLAN_FIXED', 409, `product ${product.code} is a ${existing.plan_type} product`);
      await manager.query(
        `INSERT INTO credit_product (code, plan_type, is_default, definition) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO UPDATE SET definition = EXCLUDED.definition, is_default = credit_product.is_default OR EXCLUDED.is_default`,
        [product.code, product.planType, isDefault, JSON.stringify(product)],
      );
    });
  }

  async product(manager: EntityManager, code: string): Promise<CreditProduct> {
    const [row] = await manager.query(prepared(`SELECT definition FROM credit_product WHERE code = $1`), [code]);
    if (!row) throw new DomainError('UNKNOWN_CREDIT_PRODUCT', 422, `no credit product ${code}`);
    return row.definition as CreditProduct;
  }
}
