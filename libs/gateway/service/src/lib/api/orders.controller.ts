import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CancelOrderRequest, OrderView, PlaceOrderRequest, RiskFlagRequest } from '@orderline/order/contract';
import { DomainError, Principal } from '@orderline/shared/service-kit';
import { Accounts } from '../app/accounts';
import { ServiceClient } from '../infra/service-client';
import { ApiExample, EXAMPLES } from './response-examples';
import { Roles } from './auth.guard';
import { Caller } from './caller.decorator';

@ApiTags('buyer orders')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly services: ServiceClient,
    private readonly accounts: Accounts,
  ) {}

  /** Places an order; a CREDIT order then waits for credit-billing's hold (status UNPAID → WAITING_OUTBOUND or CANCELLED). */
  @Roles('BUYER')
  @ApiExample(201, 'the order, UNPAID until credit-billing answers', EXAMPLES.order)
  @Post()
  async place(@Body() request: PlaceOrderRequest, @Caller() caller: Principal): Promise<OrderView> {
    if (!(await this.accounts.merchantExists(request.merchantId))) throw new DomainError('UNKNOWN_MERCHANT', 422, `merchant ${request.merchantId} does not exist`, { errors: [{ field: 'merchantId', message: 'no such merchant' }] });
    return this.services.call<OrderView>('order', 'POST', '/orders', caller, request);
  }

  @ApiExample(200, 'the order with lines and history', { ...EXAMPLES.order, status: 'WAITING_OUTBOUND' })
  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<OrderView> {
    return this.services.call<OrderView>('order', 'GET', `/orders/${id}`, caller);
  }

  /** Operator: flags an order as risky (shown and filterable in the merchant list). */
  @Roles('OPERATOR')
  @Put(':id/risk-flag')
  riskFlag(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: RiskFlagRequest, @Caller() caller: Principal) {
    return this.services.call('order', 'PUT', `/orders/${id}/risk-flag`, caller, request);
  }

  /** A line as it was when the order was placed (product snapshot). */
  @Get(':id/lines/:lineId/snapshot')
  snapshot(@Param('id', new ParseUUIDPipe()) id: string, @Param('lineId', new ParseUUIDPipe()) lineId: string, @Caller() caller: Principal) {
    return this.services.call('order', 'GET', `/orders/${id}/lines/${lineId}/snapshot`, caller);
  }

  /** The buyer confirms receipt after shipment; the order completes (domain.md §2.4). */
  @Roles('BUYER')
  @Post(':id/confirm-receipt')
  @HttpCode(200)
  confirmReceipt(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<OrderView> {
    return this.services.call<OrderView>('order', 'POST', `/orders/${id}/confirm-receipt`, caller);
  }

  /** Pays an UNPAID online order through the payment port; it then waits for outbound. */
  @Roles('BUYER')
  @Post(':id/pay')
  @HttpCode(200)
  pay(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<OrderView> {
    return this.services.call<OrderView>('order', 'POST', `/orders/${id}/pay`, caller);
  }

  @Roles('BUYER')
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: CancelOrderRequest, @Caller() caller: Principal): Promise<OrderView> {
    return this.services.call<OrderView>('order', 'POST', `/orders/${id}/cancel`, caller, request);
  }
}
