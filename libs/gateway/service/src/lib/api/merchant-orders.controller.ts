import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Principal } from '@orderline/shared/service-kit';
import { MerchantOrders } from '../app/merchant-orders';
import { RevealQuery } from './account.requests';
import { RequirePermission, Roles } from './auth.guard';
import { Caller } from './caller.decorator';

@ApiTags('merchant orders')
@ApiBearerAuth()
@Controller('merchant/orders')
export class MerchantOrdersController {
  constructor(private readonly orders: MerchantOrders) {}

  /** One of the merchant's orders; consignee masked unless `reveal=true` (logged; needs REVEAL_CONSUMER_INFO). */
  @Roles('MERCHANT')
  @RequirePermission('VIEW_ORDERS')
  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: RevealQuery, @Caller() caller: Principal) {
    return this.orders.get(id, caller, query.reveal === 'true');
  }
}
