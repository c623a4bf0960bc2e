import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { CatalogPageQuery, CouponView, CreateCouponRequest, FreightRuleRequest, FreightRuleView, PutSkuRequest, SKU_ID_PATTERN, SkuPageView, SkuView } from '@orderline/order/contract';
import { CurrentPrincipal, DomainError, Principal } from '@orderline/shared/service-kit';
import { MerchantCatalog } from '../app/merchant-catalog';

/** The merchant's catalog, freight rule and coupons (domain.md §1.1a), behind the gateway. */
@Controller('merchant-catalog')
export class MerchantCatalogController {
  constructor(private readonly catalog: MerchantCatalog) {}

  @Put('skus/:skuId')
  @HttpCode(200)
  putSku(@Param('skuId') skuId: string, @Body() request: PutSkuRequest, @CurrentPrincipal() caller: Principal): Promise<SkuView> {
    if (!SKU_ID_PATTERN.test(skuId)) throw new DomainError('VALIDATION_FAILED', 400, 'skuId is not valid', { errors: [{ field: 'skuId', message: 'skuId must be 1-64 letters, digits, _ . or -, starting with a letter or digit' }] });
    return this.catalog.putSku(skuId, request, caller);
  }

  @Get('skus')
  listSkus(@Query() query: CatalogPageQuery, @CurrentPrincipal() caller: Principal): Promise<SkuPageView> {
    return this.catalog.listSkus(caller, query.limit ? Number(query.limit) : 50, query.cursor);
  }

  @Put('freight-rule')
  @HttpCode(200)
  putFreightRule(@Body() request: FreightRuleRequest, @CurrentPrincipal() caller: Principal): Promise<FreightRuleView> {
    return this.catalog.putFreightRule(request, caller);
  }

  @Get('freight-rule')
  freightRule(@CurrentPrincipal() caller: Principal): Promise<FreightRuleView> {
    return this.catalog.freightRule(caller);
  }

  @Post('coupons')
  createCoupon(@Body() request: CreateCouponRequest, @CurrentPrincipal() caller: Principal): Promise<CouponView> {
    return this.catalog.createCoupon(request, caller);
  }

  @Get('coupons')
  listCoupons(@CurrentPrincipal() caller: Principal): Promise<CouponView[]> {
    return this.catalog.listCoupons(caller);
  }
}
