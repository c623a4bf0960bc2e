import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CancellationRequestListView, CancellationRequestRequest, CancellationRequestsQuery, CancellationRequestView } from '@orderline/order/contract';
import { Principal } from '@orderline/shared/service-kit';
import { ServiceClient } from '../infra/service-client';
import { AssertsFact, RequirePermission, Roles } from './auth.guard';
import { Caller } from './caller.decorator';
import { EXAMPLES } from './response-examples';
import { Answers, Operation } from './api-operation';

/** Negotiated cancellation of COD orders (domain.md §1.4). */
@ApiTags('merchant orders')
@ApiBearerAuth()
@Controller()
export class CancellationRequestsController {
  constructor(private readonly services: ServiceClient) {}

  /** The buyer gets an SMS and 48 h to object; otherwise the order is cancelled automatically. */
  @Operation('submitCancellationRequest', 'Ask to cancel a COD order (negotiated cancellation)')
  @AssertsFact('SUBMIT_NEGOTIATED_CANCELLATION')
  @Answers(201, CancellationRequestView, 'the pending request; the buyer was sent an SMS', EXAMPLES.cancellationRequest)
  @Post('merchant/cancellation-requests')
  submit(@Body() request: CancellationRequestRequest, @Caller() caller: Principal): Promise<CancellationRequestView> {
    return this.services.call('order', 'POST', '/cancellation-requests', caller, request);
  }

  @Operation('withdrawCancellationRequest', 'Withdraw a cancellation request')
  @AssertsFact('WITHDRAW_NEGOTIATED_CANCELLATION')
  @Answers(200, CancellationRequestView, 'the withdrawn request', { ...EXAMPLES.cancellationRequest, status: 'WITHDRAWN' })
  @Post('merchant/cancellation-requests/:id/withdraw')
  @HttpCode(200)
  withdraw(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<CancellationRequestView> {
    return this.services.call('order', 'POST', `/cancellation-requests/${id}/withdraw`, caller);
  }

  /** The merchant's requests, newest first (optionally one order's or one status). */
  @Operation('listMerchantCancellationRequests', 'List the merchant\'s cancellation requests')
  @Roles('MERCHANT')
  @RequirePermission('VIEW_ORDERS')
  @Answers(200, CancellationRequestListView, 'the requests', { items: [EXAMPLES.cancellationRequest] })
  @Get('merchant/cancellation-requests')
  merchantList(@Query() query: CancellationRequestsQuery, @Caller() caller: Principal): Promise<CancellationRequestListView> {
    return this.services.call('order', 'GET', `/cancellation-requests${queryString(query)}`, caller);
  }

  @Operation('getMerchantCancellationRequest', 'Get one of the merchant\'s cancellation requests')
  @Roles('MERCHANT')
  @RequirePermission('VIEW_ORDERS')
  @Answers(200, CancellationRequestView, 'the request', EXAMPLES.cancellationRequest)
  @Get('merchant/cancellation-requests/:id')
  merchantGet(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<CancellationRequestView> {
    return this.services.call('order', 'GET', `/cancellation-requests/${id}`, caller);
  }

  /** The buyer's view: the merchant's requests to cancel the buyer's orders (domain.md §1.4), to object through. Operators see all. */
  @Operation('listCancellationRequests', 'List the cancellation requests of the buyer\'s orders')
  @Roles('BUYER', 'OPERATOR')
  @Answers(200, CancellationRequestListView, 'the requests', { items: [EXAMPLES.cancellationRequest] })
  @Get('cancellation-requests')
  list(@Query() query: CancellationRequestsQuery, @Caller() caller: Principal): Promise<CancellationRequestListView> {
    return this.services.call('order', 'GET', `/cancellation-requests${queryString(query)}`, caller);
  }

  @Operation('getCancellationRequest', 'Get a cancellation request')
  @Roles('BUYER', 'OPERATOR')
  @Answers(200, CancellationRequestView, 'the request', EXAMPLES.cancellationRequest)
  @Get('cancellation-requests/:id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<CancellationRequestView> {
    return this.services.call('order', 'GET', `/cancellation-requests/${id}`, caller);
  }

  /** The buyer objects: the request is rejected and the order stays. */
  @Operation('objectToCancellationRequest', 'Object to a cancellation request')
  @AssertsFact('OBJECT_TO_CANCELLATION')
  @Answers(200, CancellationRequestView, 'the rejected request: the order stays', { ...EXAMPLES.cancellationRequest, status: 'REJECTED' })
  @Post('cancellation-requests/:id/object')
  @HttpCode(200)
  object(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<CancellationRequestView> {
    return this.services.call('order', 'POST', `/cancellation-requests/${id}/object`, caller);
  }
}

function queryString(query: CancellationRequestsQuery): string {
  const params = new URLSearchParams();
  if (query.orderId) params.set('orderId', query.orderId);
  if (query.status) params.set('status', query.status);
  const text = params.toString();
  return text ? `?${text}` : '';
}
