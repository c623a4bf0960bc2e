import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ChangeConsigneeRequest, ChangeFeesRequest, GroupFormedView, LateShippingReportRequest, LateShippingReportResultView, MerchantOrderListView, MerchantOrdersQuery, OrderBatchResultView, OrderRemarksRequest, OrderView, PauseOrderRequest, RedeemVoucherRequest, ResumeOrderRequest, CompensationView, ServiceGrantCompensationRequest } from '@orderline/order/contract';
import { Compensations } from '../app/compensations';
import { CurrentPrincipal, Principal } from '@orderline/shared/service-kit';
import { GetOrder } from '../app/get-order';
import { MerchantOperations } from '../app/merchant-operations';
import { MerchantOrderList } from '../app/merchant-order-list';
import { OrderFlags } from '../app/order-flags';
import { OrderPayments } from '../app/order-payments';
import { OrderRemarks } from '../app/order-remarks';
import { OrderSettlements } from '../app/order-settlements';

/** Merchant operations of the order service's internal API (the gateway masks and checks permissions). */
@Controller('merchant-orders')
export class MerchantOrdersController {
  constructor(
    private readonly list: MerchantOrderList,
    private readonly operations: MerchantOperations,
    private readonly getOrder: GetOrder,
    private readonly payments: OrderPayments,
    private readonly remarks: OrderRemarks,
    private readonly flags: OrderFlags,
    private readonly settlements: OrderSettlements,
    private readonly compensations: Compensations,
  ) {}

  /** 商家直赔: the merchant records what it paid the buyer directly (docs/compensation.md). */
  @Post(':id/direct-compensations')
  directCompensation(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ServiceGrantCompensationRequest, @CurrentPrincipal() caller: Principal): Promise<CompensationView> {
    return this.compensations.grant(id, 'DIRECT', request, caller);
  }

  @Post(':id/redeem')
  @HttpCode(200)
  async redeem(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: RedeemVoucherRequest, @CurrentPrincipal() caller: Principal): Promise<OrderView> {
    await this.settlements.redeemVoucher(id, request.verificationCode, caller);
    return this.getOrder.execute(id, caller);
  }

  @Post('late-shipping-reports')
  @HttpCode(200)
  lateShipping(@Body() request: LateShippingReportRequest, @CurrentPrincipal() caller: Principal): Promise<LateShippingReportResultView[]> {
    return this.flags.reportLateShipping(request.orderIds, request.newShipBy, request.reason, caller);
  }

  @Post('/group-buys/:groupId/formed')
  @HttpCode(200)
  groupFormed(@Param('groupId') groupId: string, @CurrentPrincipal() caller: Principal): Promise<GroupFormedView> {
    return this.operations.groupFormed(groupId, caller);
  }

  @Post('remarks')
  @HttpCode(200)
  addRemarks(@Body() request: OrderRemarksRequest, @CurrentPrincipal() caller: Principal): Promise<OrderBatchResultView[]> {
    return this.remarks.append(request.orderIds, request.remark, caller);
  }

  @Patch(':id/fees')
  async fees(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ChangeFeesRequest, @CurrentPrincipal() caller: Principal): Promise<OrderView> {
    await this.payments.changeFees(id, request, caller);
    return this.getOrder.execute(id, caller);
  }

  @Get()
  orders(@Query() query: MerchantOrdersQuery, @CurrentPrincipal() caller: Principal): Promise<MerchantOrderListView> {
    return this.list.list(query, caller);
  }

  @Post(':id/pause')
  @HttpCode(200)
  async pause(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: PauseOrderRequest, @CurrentPrincipal() caller: Principal): Promise<OrderView> {
    await this.operations.pause(id, request, caller);
    return this.getOrder.execute(id, caller);
  }

  @Post(':id/resume')
  @HttpCode(200)
  async resume(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ResumeOrderRequest, @CurrentPrincipal() caller: Principal): Promise<OrderView> {
    await this.operations.resume(id, request, caller);
    return this.getOrder.execute(id, caller);
  }

  @Patch(':id/consignee')
  async consignee(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ChangeConsigneeRequest, @CurrentPrincipal() caller: Principal): Promise<OrderView> {
    await this.operations.changeConsignee(id, request, caller);
    return this.getOrder.execute(id, caller);
  }
}
