import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { CancellationRequestListView, CancellationRequestRequest, CancellationRequestView, CancellationRequestsQuery } from '@orderline/order/contract';
import { CurrentPrincipal, Principal } from '@orderline/shared/service-kit';
import { NegotiatedCancellations } from '../app/negotiated-cancellations';

@Controller('cancellation-requests')
export class CancellationRequestsController {
  constructor(private readonly cancellations: NegotiatedCancellations) {}

  @Post()
  submit(@Body() request: CancellationRequestRequest, @CurrentPrincipal() caller: Principal): Promise<CancellationRequestView> {
    return this.cancellations.submit(request, caller);
  }

  @Get()
  list(@Query() query: CancellationRequestsQuery, @CurrentPrincipal() caller: Principal): Promise<CancellationRequestListView> {
    return this.cancellations.list(query, caller);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<CancellationRequestView> {
    return this.cancellations.get(id, caller);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  withdraw(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<CancellationRequestView> {
    return this.cancellations.withdraw(id, caller);
  }

  @Post(':id/object')
  @HttpCode(200)
  object(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<CancellationRequestView> {
    return this.cancellations.object(id, caller);
  }
}
