import { Injectable } from '@nestjs/common';
import { CreditProduct, creditProduct, creditProductProblems } from '@orderline/credit-billing/domain';
import { CreditProductRequest } from '@orderline/credit-billing/contract';
import { DomainError } from '@orderline/shared/service-kit';
import { CreditProductRepository } from '../infra/credit-product.repository';

/**
 * Credit products are configuration (domain.md §4.3 "rates are configuration"). A loan copies
 * its product's terms at capture, so changing a product never rewrites an existing loan.
 */
@Injectable()
export class CreditProducts {
  constructor(private readonly products: CreditProductRepository) {}

  async list(): Promise<Array<CreditProduct & { isDefault: boolean }>> {
    return this.products.list();
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
    await this.products.save(product, Boolean(isDefault));
    return { ...product, isDefault: Boolean(isDefault) || (await this.list()).some((p) => p.code === code && p.isDefault) };
  }
}
