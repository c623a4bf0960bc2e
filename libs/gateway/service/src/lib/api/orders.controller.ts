import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BuyerOrderListView, BuyerOrdersQuery, CompensationView, GrantCompensationRequest, CancelOrderRequest, CodReconciliationRequest, LineSnapshotView, OrderView, PlaceOrderRequest, RiskFlagRequest, RiskFlagView } from '@orderline/order/contract';
import { DomainError, Principal } from '@orderline/shared/service-kit';
import { Accounts } from '../app/accounts';
import { forwardedQuery, ServiceClient } from '../infra/service-client';
import { EXAMPLES } from './response-examples';
import { AssertsFact, RequirePermission, Roles } from './auth.guard';
import { Caller } from './caller.decorator';
import { Answers, AnswersProblem, Operation } from './api-operation';

@ApiTags('buyer orders')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly services: ServiceClient,
    private readonly accounts: Accounts,
  ) {}

  /** Places an order; a CREDIT order then waits for credit-billing's hold (status UNPAID → WAITING_OUTBOUND or CANCELLED). */
  @Operation('placeOrder', 'Place an order')
  @AssertsFact('PLACE')
  @Answers(201, OrderView, 'the order, UNPAID until credit-billing answers', EXAMPLES.order)
  @Post()
  async place(@Body() request: PlaceOrderRequest, @Caller() caller: Principal): Promise<OrderView> {
    if (!(await this.accounts.merchantExists(request.merchantId))) throw new DomainError('UNKNOWN_MERCHANT', 422, `merchant ${request.merchantId} does not exist`, { errors: [{ field: 'merchantId', message: 'no such merchant' }] });
    return this.services.call<OrderView>('order', 'POST', '/orders', caller, request);
  }

  /**
   * 我的订单: the signed-in buyer's own orders, newest first, keyset-paginated like the merchant
   * list. The buyer is the token's; no parameter names another buyer.
   */
  @Operation('listBuyerOrders', "List the signed-in buyer's orders")
  @Roles('BUYER')
  @Answers(200, BuyerOrderListView, 'a page of the buyer\'s orders, newest first', EXAMPLES.buyerOrderList)
  @Get()
  list(@Query() query: BuyerOrdersQuery, @Caller() caller: Principal): Promise<BuyerOrderListView> {
    return this.services.call<BuyerOrderListView>('order', 'GET', `/orders${forwardedQuery(query)}`, caller);
  }

  @Operation('getOrder', 'Get an order')
  // A merchant may read its own orders here too: with VIEW_ORDERS, masked by the gateway.
  @RequirePermission('VIEW_ORDERS')
  @Answers(200, OrderView, 'the order with lines and history', { ...EXAMPLES.order, status: 'WAITING_OUTBOUND' })
  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<OrderView> {
    return this.services.call<OrderView>('order', 'GET', `/orders/${id}`, caller);
  }

  /** Operator: flags an order as risky (shown and filterable in the merchant list). */
  @Operation('setOrderRiskFlag', 'Flag or unflag an order as risky')
  @AssertsFact('FLAG_RISK')
  @Answers(200, RiskFlagView, 'the flag as stored', EXAMPLES.riskFlag)
  @Put(':id/risk-flag')
  riskFlag(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: RiskFlagRequest, @Caller() caller: Principal): Promise<RiskFlagView> {
    return this.services.call('order', 'PUT', `/orders/${id}/risk-flag`, caller, request);
  }

  /**
   * Operator: 先行赔付, the platform compensates the buyer first (docs/compensation.md). Whole fen;
   * all compensation of an order never exceeds what it paid. The Idempotency-Key is also the
   * record's natural key: the same key answers the first compensation.
   */
  @Operation('grantAdvanceCompensation', 'Grant an advance compensation (先行赔付) on an order')
  @AssertsFact('GRANT_ADVANCE_COMPENSATION')
  @Answers(201, CompensationView, 'the compensation, also shown on the order', EXAMPLES.compensation)
  @Post(':id/advance-compensations')
  advanceCompensation(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: GrantCompensationRequest, @Headers('idempotency-key') idempotencyKey: string | undefined, @Caller() caller: Principal): Promise<CompensationView> {
    return this.services.call('order', 'POST', `/orders/${id}/advance-compensations`, caller, { ...request, ...(idempotencyKey ? { idempotencyKey } : {}) });
  }

  /** A line as it was when the order was placed (product snapshot). */
  @Operation('getOrderLineSnapshot', 'Get a line as it was when the order was placed')
  @RequirePermission('VIEW_ORDERS')
  @Answers(200, LineSnapshotView, 'the line as it was at order time', EXAMPLES.lineSnapshot)
  @Get(':id/lines/:lineId/snapshot')
  snapshot(@Param('id', new ParseUUIDPipe()) id: string, @Param('lineId', new ParseUUIDPipe()) lineId: string, @Caller() caller: Principal): Promise<LineSnapshotView> {
    return this.services.call('order', 'GET', `/orders/${id}/lines/${lineId}/snapshot`, caller);
  }

  /** The buyer confirms receipt after shipment; the order completes (domain.md §2.4). */
  @Operation('confirmOrderReceipt', 'Confirm receipt of a shipped order')
  @AssertsFact('CONFIRM_RECEIPT')
  @Answers(200, OrderView, 'the completed order', { ...EXAMPLES.order, status: 'COMPLETED' })
  @Post(':id/confirm-receipt')
  @HttpCode(200)
  confirmReceipt(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<OrderView> {
    return this.services.call<OrderView>('order', 'POST', `/orders/${id}/confirm-receipt`, caller);
  }

  /** Pays an UNPAID online order through the payment port; it then waits for outbound. */
  @Operation('payOrder', 'Pay an unpaid online order')
  @AnswersProblem(402, 'PAYMENT_NOT_CONFIRMED: the payment provider did not confirm; nothing was paid')
  @AssertsFact('PAY')
  @Answers(200, OrderView, 'the paid order, waiting for outbound', { ...EXAMPLES.order, paymentMethod: 'ONLINE', credit: null, status: 'WAITING_OUTBOUND' })
  @Post(':id/pay')
  @HttpCode(200)
  pay(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<OrderView> {
    return this.services.call<OrderView>('order', 'POST', `/orders/${id}/pay`, caller);
  }

  @Operation('cancelOrder', 'Cancel an order before it ships')
  @AssertsFact('CANCEL')
  @Answers(200, OrderView, 'the cancelled order', { ...EXAMPLES.order, status: 'CANCELLED', cancellation: { reason: 'NO_LONGER_WANTED', by: 'BUYER' } })
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: CancelOrderRequest, @Caller() caller: Principal): Promise<OrderView> {
    return this.services.call<OrderView>('order', 'POST', `/orders/${id}/cancel`, caller, request);
  }

  /** Finance (operator) reconciles the cash a courier collected for a delivered COD order; the order completes (domain.md §1.2). */
  @Operation('reconcileCodPayment', 'Reconcile the cash collected for a COD order')
  @AssertsFact('RECONCILE_COD')
  @Answers(200, OrderView, 'the completed COD order with its reconciliation', { ...EXAMPLES.order, paymentMethod: 'COD', credit: null, status: 'COMPLETED', codReconciliation: { collectedAmount: 59700, settlementReference: 'COD-SETTLE-2026-11-23-0007', reconciledAt: '2026-11-26T02:00:00.000Z' } })
  @Post(':id/cod-reconciliation')
  @HttpCode(200)
  reconcileCod(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: CodReconciliationRequest, @Caller() caller: Principal): Promise<OrderView> {
    return this.services.call<OrderView>('order', 'POST', `/orders/${id}/cod-reconciliation`, caller, request);
  }
}
