import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CancellationRequestRequest } from '@orderline/order/contract';
import { Principal } from '@orderline/shared/service-kit';
import { ServiceClient } from '../infra/service-client';
import { RequirePermission, Roles } from './auth.guard';
import { Caller } from './caller.decorator';
import { ApiExample, EXAMPLES } from './response-examples';

/** Negotiated cancellation of COD orders (domain.md §1.4). */
@ApiTags('merchant orders')
@ApiBearerAuth()
@Controller()
export class CancellationRequestsController {
  constructor(private readonly services: ServiceClient) {}

  /** The buyer gets an SMS and 48 h to object; otherwise the order is cancelled automatically. */
  @Roles('MERCHANT')
  @RequirePermission('OPERATE_ORDERS')
  @ApiExample(201, 'the pending request; the buyer was sent an SMS', EXAMPLES.cancellationRequest)
  @Post('merchant/cancellation-requests')
  submit(@Body() request: CancellationRequestRequest, @Caller() caller: Principal) {
    return this.services.call('order', 'POST', '/cancellation-requests', caller, request);
  }

  @Roles('MERCHANT')
  @RequirePermission('OPERATE_ORDERS')
  @ApiExample(200, 'the withdrawn request', { ...EXAMPLES.cancellationRequest, status: 'WITHDRAWN' })
  @Post('merchant/cancellation-requests/:id/withdraw')
  @HttpCode(200)
  withdraw(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal) {
    return this.services.call('order', 'POST', `/cancellation-requests/${id}/withdraw`, caller);
  }

  /** The buyer objects: the request is rejected and the order stays. */
  @Roles('BUYER')
  @ApiExample(200, 'the rejected request: the order stays', { ...EXAMPLES.cancellationRequest, status: 'REJECTED' })
  @Post('cancellation-requests/:id/object')
  @HttpCode(200)
  object(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal) {
    return this.services.call('order', 'POST', `/cancellation-requests/${id}/object`, caller);
  }
}
