import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { AfterSalesListQuery, AfterSalesPageView, AfterSalesRequestView, ApplyAfterSalesRequest, ConfirmReturnReceiptRequest, EscalateRefundSettlementRequest, RefundableQuery, RefundableView, RejectAfterSalesRequest, ReturnShipmentRequest } from '@orderline/after-sales/contract';
import { CurrentPrincipal, Principal } from '@orderline/shared/service-kit';
import { AfterSalesQueries } from '../app/after-sales-queries';
import { AfterSalesRequests } from '../app/after-sales-requests';
import { RefundOffsetOutcomes } from '../app/refund-offset-outcomes';

/** The after-sales service's internal API; the gateway authenticates and forwards here. */
@Controller('after-sales')
export class AfterSalesController {
  constructor(
    private readonly requests: AfterSalesRequests,
    private readonly queries: AfterSalesQueries,
    private readonly offsetOutcomes: RefundOffsetOutcomes,
  ) {}

  /** Operators: a FAILED credit refund settlement is escalated (issue 13 item 4). Answers the request. */
  @Post('refunds/:refundId/settlement/escalate')
  @HttpCode(200)
  async escalateSettlement(@Param('refundId', new ParseUUIDPipe()) refundId: string, @Body() request: EscalateRefundSettlementRequest, @CurrentPrincipal() caller: Principal): Promise<AfterSalesRequestView> {
    await this.offsetOutcomes.escalate(refundId, request, caller);
    return this.queries.getByRefund(refundId, caller);
  }

  /** Internal (credit-billing's read-through): the buyer's CREDIT refunds whose offset is not answered yet. */
  @Get('refunds/awaiting-credit-offset')
  awaitingCreditOffset(@Query('buyerId', new ParseUUIDPipe()) buyerId: string, @CurrentPrincipal() caller: Principal) {
    return this.offsetOutcomes.awaitingOffset(buyerId, caller);
  }

  @Post()
  async apply(@Body() request: ApplyAfterSalesRequest, @CurrentPrincipal() caller: Principal): Promise<AfterSalesRequestView> {
    const id = await this.requests.apply(request, caller);
    return this.queries.get(id, caller);
  }

  @Get()
  list(@Query() query: AfterSalesListQuery, @CurrentPrincipal() caller: Principal): Promise<AfterSalesPageView> {
    return this.queries.list(query, caller);
  }

  @Get('refundable')
  refundable(@Query() query: RefundableQuery, @CurrentPrincipal() caller: Principal): Promise<RefundableView> {
    return this.queries.refundable(query.orderId, caller);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<AfterSalesRequestView> {
    return this.queries.get(id, caller);
  }

  @Post(':id/approve')
  @HttpCode(200)
  async approve(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<AfterSalesRequestView> {
    await this.requests.approve(id, caller);
    return this.queries.get(id, caller);
  }

  @Post(':id/reject')
  @HttpCode(200)
  async reject(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: RejectAfterSalesRequest, @CurrentPrincipal() caller: Principal): Promise<AfterSalesRequestView> {
    await this.requests.reject(id, request.reason, caller);
    return this.queries.get(id, caller);
  }

  @Post(':id/return-shipment')
  @HttpCode(200)
  async returnShipment(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ReturnShipmentRequest, @CurrentPrincipal() caller: Principal): Promise<AfterSalesRequestView> {
    await this.requests.registerReturnShipment(id, request, caller);
    return this.queries.get(id, caller);
  }

  @Post(':id/confirm-receipt')
  @HttpCode(200)
  async confirmReceipt(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ConfirmReturnReceiptRequest, @CurrentPrincipal() caller: Principal): Promise<AfterSalesRequestView> {
    await this.requests.confirmReceipt(id, request, caller);
    return this.queries.get(id, caller);
  }
}
