import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CreditProduct, creditProduct, creditProductProblems } from '@orderline/credit-billing/domain';
import { CreditProductRequest } from '@orderline/credit-billing/contract';
import { DomainError } from '@orderline/shared/service-kit';

/**
 * Credit products are configuration (domain.md §4.3 "rates are configuration"). A loan copies
 * its product's terms at capture, so changing a product never rewrites an existing loan.
 */
@Injectable()
export class CreditProducts {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<Array<CreditProduct & { isDefault: boolean }>> {
    const rows = await this.dataSource.query(`SELECT definition, is_default FROM credit_product ORDER BY plan_type, code`);
    return rows.map((row: { definition: CreditProduct; is_default: boolean }) => ({ ...row.definition, isDefault: row.is_default }));
  }

  async save(request: CreditProductRequest): Promise<CreditProduct & { isDefault: boolean }> {
    const { code, planType, isDefault, feeRatePpmByPeriodCount, ...given } = request;
    // DTO instances carry every declared field, undefined when not sent: keep only what was sent.
    const overrides = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
    const product = creditProduct(planType, {
      ...overrides,
      ...(feeRatePpmByPeriodCount ? { feeRatePpmByPeriodCount: Object.fromEntries(Object.entries(feeRatePpmByPeriodCount).map(([n, rate]) => [Number(n), rate])) } : {}),
      code,
    });
    const problems = creditProductProblems(product);
    if (problems.length) throw new DomainError('INVALID_CREDIT_PRODUCT', 422, problems.join('; '));
    await this.dataSource.transaction(async (manager) => {
      if (isDefault) await manager.query(`UPDATE credit_product SET is_default = false WHERE plan_type = $1 AND code <> $2`, [planType, code]);
      const [existing] = await manager.query(`SELECT plan_type FROM credit_product WHERE code = $1 FOR UPDATE`, [code]);
      if (existing && existing.plan_type !== planType) throw new DomainError('CREDIT_PRODUCT_PLAN_FIXED', 409, `product ${code} is a ${existing.plan_type} product`);
      await manager.query(
        `INSERT INTO credit_product (code, plan_type, is_default, definition) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO UPDATE SET definition = EXCLUDED.definition, is_default = credit_product.is_default OR EXCLUDED.is_default`,
        [code, planType, Boolean(isDefault), JSON.stringify(product)],
      );
    });
    return { ...product, isDefault: Boolean(isDefault) || (await this.list()).some((p) => p.code === code && p.isDefault) };
  }
}
