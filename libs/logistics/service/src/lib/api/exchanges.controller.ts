import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ReplacementListQuery, ReplacementsView, ReplacementView, ReturnParcelsWithoutTrackingQuery, ReturnParcelsWithoutTrackingView, ShipReplacementRequest } from '@orderline/logistics/contract';
import { CurrentPrincipal, Principal } from '@orderline/shared/service-kit';
import { Exchanges } from '../app/exchanges';

/** Exchanges' replacements and return parcels (issue 18 item 2); the gateway authenticates and forwards here. */
@Controller('merchant-replacements')
export class MerchantReplacementsController {
  constructor(private readonly exchanges: Exchanges) {}

  @Get()
  list(@Query() query: ReplacementListQuery, @CurrentPrincipal() caller: Principal): Promise<ReplacementsView> {
    return this.exchanges.list(query, caller);
  }

  @Post(':afterSalesId/ship')
  @HttpCode(201)
  ship(@Param('afterSalesId', new ParseUUIDPipe()) afterSalesId: string, @Body() request: ShipReplacementRequest, @CurrentPrincipal() caller: Principal): Promise<ReplacementView> {
    return this.exchanges.ship(afterSalesId, request, caller);
  }
}

@Controller('merchant-return-parcels')
export class MerchantReturnParcelsController {
  constructor(private readonly exchanges: Exchanges) {}

  @Get('without-tracking')
  withoutTracking(@Query() query: ReturnParcelsWithoutTrackingQuery, @CurrentPrincipal() caller: Principal): Promise<ReturnParcelsWithoutTrackingView> {
    return this.exchanges.returnParcelsWithoutTracking(query.days, caller);
  }
}
