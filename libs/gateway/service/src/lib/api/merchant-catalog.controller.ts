import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CatalogPageQuery, CouponView, CreateCouponRequest, FreightRuleRequest, FreightRuleView, PutSkuRequest, SkuPageView, SkuView } from '@orderline/order/contract';
import { Principal } from '@orderline/shared/service-kit';
import { forwardedQuery, ServiceClient } from '../infra/service-client';
import { RequirePermission, Roles } from './auth.guard';
import { Caller } from './caller.decorator';
import { EXAMPLES } from './response-examples';
import { Answers, Operation } from './api-operation';

/**
 * The merchant's catalog, freight rule and coupons (domain.md §1.1a): the platform prices
 * every order from them. Changes need MANAGE_CATALOG (a sub-account's grant); reading needs
 * VIEW_ORDERS. The order service checks the grant again and only ever touches the caller's
 * own merchant.
 */
@ApiTags('merchant catalog')
@ApiBearerAuth()
@Controller('merchant')
export class MerchantCatalogController {
  constructor(private readonly services: ServiceClient) {}

  /** Creates or replaces one SKU: title, unit price (fen), snapshot attributes, listed, stock, service fee, kinds. */
  @Operation('putSku', 'Create or replace a SKU')
  @Roles('MERCHANT')
  @RequirePermission('MANAGE_CATALOG')
  @Answers(200, SkuView, 'the SKU as stored', EXAMPLES.sku)
  @Put('catalog/skus/:skuId')
  @HttpCode(200)
  putSku(@Param('skuId') skuId: string, @Body() request: PutSkuRequest, @Caller() caller: Principal): Promise<SkuView> {
    return this.services.call<SkuView>('order', 'PUT', `/merchant-catalog/skus/${encodeURIComponent(skuId)}`, caller, request);
  }

  @Operation('listSkus', 'List the merchant\'s SKUs')
  @Roles('MERCHANT')
  @RequirePermission('VIEW_ORDERS')
  @Answers(200, SkuPageView, "a page of the merchant's SKUs in id order", { items: [EXAMPLES.sku], nextCursor: null })
  @Get('catalog/skus')
  listSkus(@Query() query: CatalogPageQuery, @Caller() caller: Principal): Promise<SkuPageView> {
    return this.services.call('order', 'GET', `/merchant-catalog/skus${forwardedQuery(query)}`, caller);
  }

  /** The freight of every order: a flat amount, free from `freeAbove` (goods total) on. */
  @Operation('putFreightRule', 'Set the merchant\'s freight rule')
  @Roles('MERCHANT')
  @RequirePermission('MANAGE_CATALOG')
  @Answers(200, FreightRuleView, 'the rule as stored', EXAMPLES.freightRule)
  @Put('freight-rule')
  @HttpCode(200)
  putFreightRule(@Body() request: FreightRuleRequest, @Caller() caller: Principal): Promise<FreightRuleView> {
    return this.services.call('order', 'PUT', '/merchant-catalog/freight-rule', caller, request);
  }

  @Operation('getFreightRule', 'Get the merchant\'s freight rule')
  @Roles('MERCHANT')
  @RequirePermission('VIEW_ORDERS')
  @Answers(200, FreightRuleView, 'the rule (amount 0 when the merchant has none)', EXAMPLES.freightRule)
  @Get('freight-rule')
  freightRule(@Caller() caller: Principal): Promise<FreightRuleView> {
    return this.services.call('order', 'GET', '/merchant-catalog/freight-rule', caller);
  }

  /** A coupon: amount off above a minimum spend, a validity window, a number available, once per buyer. */
  @Operation('createCoupon', 'Create a coupon')
  @Roles('MERCHANT')
  @RequirePermission('MANAGE_CATALOG')
  @Answers(201, CouponView, 'the coupon', EXAMPLES.coupon)
  @Post('coupons')
  createCoupon(@Body() request: CreateCouponRequest, @Caller() caller: Principal): Promise<CouponView> {
    return this.services.call<CouponView>('order', 'POST', '/merchant-catalog/coupons', caller, request);
  }

  @Operation('listCoupons', 'List the merchant\'s coupons')
  @Roles('MERCHANT')
  @RequirePermission('VIEW_ORDERS')
  @Answers(200, [CouponView], "the merchant's coupons with what remains", [EXAMPLES.coupon])
  @Get('coupons')
  listCoupons(@Caller() caller: Principal): Promise<CouponView[]> {
    return this.services.call<CouponView[]>('order', 'GET', '/merchant-catalog/coupons', caller);
  }
}
