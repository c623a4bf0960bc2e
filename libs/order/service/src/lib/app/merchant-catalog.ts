import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SKU_KIND_NAMES, SkuKinds } from '@orderline/order/domain';
import { CouponView, CreateCouponRequest, FreightRuleRequest, PutSkuRequest, SkuView } from '@orderline/order/contract';
import { Clock, DomainError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { freightRuleOf, insertCoupon, listCoupons, listSkus, putFreightRule, putSku, StoredCoupon, StoredSku } from '../infra/catalog-store';

/** The catalog grant of domain.md §1.1a / §6.4 (the gateway checks it too). */
const MANAGE_CATALOG = 'MANAGE_CATALOG';

function skuView(sku: StoredSku): SkuView {
  return { skuId: sku.skuId, merchantId: sku.merchantId, title: sku.title, unitPrice: sku.unitPrice, attributes: sku.attributes, listed: sku.listed, stock: sku.stock, serviceFee: sku.serviceFee, kinds: { ...sku.kinds } as Record<string, boolean>, updatedAt: sku.updatedAt.toISOString() };
}

function couponView(coupon: StoredCoupon): CouponView {
  return { code: coupon.code, merchantId: coupon.merchantId, amountOff: coupon.amountOff, minimumSpend: coupon.minimumSpend, validFrom: coupon.validFrom.toISOString(), validTo: coupon.validTo.toISOString(), quantity: coupon.quantity, remaining: coupon.remaining };
}

/**
 * The merchant keeps its catalog, freight rule and coupons (domain.md §1.1a). Only the
 * merchant's main account or a sub-account with MANAGE_CATALOG changes them; the merchant is
 * always the caller's own, so another merchant's catalog cannot even be named.
 */
@Injectable()
export class MerchantCatalog {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {}

  private merchantOf(caller: Principal, change: boolean): string {
    if (caller.role !== 'MERCHANT' || !caller.merchantId) throw new DomainError('FORBIDDEN', 403, 'the catalog belongs to a merchant account');
    if (change && caller.accountKind === 'SUB' && !(caller.permissions ?? []).includes(MANAGE_CATALOG)) {
      throw new DomainError('PERMISSION_REQUIRED', 403, `this sub-account needs the ${MANAGE_CATALOG} permission from its main account`, { permission: MANAGE_CATALOG });
    }
    return caller.merchantId;
  }

  async putSku(skuId: string, request: PutSkuRequest, caller: Principal): Promise<SkuView> {
    const merchantId = this.merchantOf(caller, true);
    const kinds: SkuKinds = {};
    for (const name of SKU_KIND_NAMES) if (request.kinds?.[name]) kinds[name] = true;
    const sku = await putSku(
      this.dataSource.manager,
      merchantId,
      { skuId, title: request.title, unitPrice: request.unitPrice, attributes: { ...(request.attributes ?? {}) }, listed: request.listed, stock: request.stock ?? null, serviceFee: request.serviceFee ? { feeType: request.serviceFee.feeType, amount: request.serviceFee.amount } : null, kinds },
      this.clock.now(),
    );
    return skuView(sku);
  }

  async listSkus(caller: Principal, limit: number, after?: string): Promise<{ items: SkuView[]; nextCursor: string | null }> {
    const merchantId = this.merchantOf(caller, false);
    const skus = await listSkus(this.dataSource.manager, merchantId, limit + 1, after);
    const page = skus.slice(0, limit);
    return { items: page.map(skuView), nextCursor: skus.length > limit ? page[page.length - 1].skuId : null };
  }

  async putFreightRule(request: FreightRuleRequest, caller: Principal): Promise<{ amount: number; freeAbove: number | null }> {
    const merchantId = this.merchantOf(caller, true);
    const rule = { amount: request.amount, freeAbove: request.freeAbove ?? null };
    await putFreightRule(this.dataSource.manager, merchantId, rule, this.clock.now());
    return rule;
  }

  async freightRule(caller: Principal): Promise<{ amount: number; freeAbove: number | null }> {
    return (await freightRuleOf(this.dataSource.manager, this.merchantOf(caller, false))) ?? { amount: 0, freeAbove: null };
  }

  async createCoupon(request: CreateCouponRequest, caller: Principal): Promise<CouponView> {
    const merchantId = this.merchantOf(caller, true);
    const validFrom = new Date(request.validFrom);
    const validTo = new Date(request.validTo);
    if (validTo.getTime() <= validFrom.getTime()) throw new DomainError('COUPON_WINDOW_EMPTY', 422, 'validTo must be after validFrom', { errors: [{ field: 'validTo', message: 'must be after validFrom' }] });
    const coupon = await insertCoupon(this.dataSource.manager, { merchantId, code: request.code, amountOff: request.amountOff, minimumSpend: request.minimumSpend, validFrom, validTo, quantity: request.quantity }, this.clock.now());
    if (!coupon) throw new DomainError('COUPON_CODE_TAKEN', 409, `this merchant already has a coupon ${request.code}`);
    return couponView(coupon);
  }

  async listCoupons(caller: Principal): Promise<CouponView[]> {
    return (await listCoupons(this.dataSource.manager, this.merchantOf(caller, false))).map(couponView);
  }
}
