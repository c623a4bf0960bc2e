import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { CompensationView, GrantCompensationRequest, ChangeConsigneeRequest, ChangeFeesRequest, GroupFormedView, LateShippingReportRequest, LateShippingReportResultView, LiftLogisticsDisruptionRequest, LogisticsDisruptionLiftedView, MerchantOrderListView, MerchantOrdersQuery, MerchantOrderView, OrderBatchResultView, OrderRemarksRequest, PauseOrderRequest, RedeemVoucherRequest, ResumeOrderRequest, StockArrivalRequest, StockArrivalView } from '@orderline/order/contract';
import { DomainError } from '@orderline/shared/service-kit';
import { ServiceClient } from '../infra/service-client';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Principal } from '@orderline/shared/service-kit';
import { MerchantOrders } from '../app/merchant-orders';
import { RevealQuery } from './account.requests';
import { AssertsFact, RequirePermission, RevealsPersonalData, Roles } from './auth.guard';
import { Caller } from './caller.decorator';
import { EXAMPLES } from './response-examples';
import { Answers, Operation } from './api-operation';

@ApiTags('merchant orders')
@ApiBearerAuth()
@Controller('merchant/orders')
export class MerchantOrdersController {
  constructor(
    private readonly orders: MerchantOrders,
    private readonly services: ServiceClient,
  ) {}

  /** Reports late shipping in advance for many orders; each is REPORTED, REFUSED (with its code) or NOT_FOUND. */
  @Operation('reportLateShipping', 'Report late shipping for orders in advance')
  @AssertsFact('REPORT_LATE_SHIPPING')
  @Answers(200, [LateShippingReportResultView], 'each order REPORTED, REFUSED with its code, or NOT_FOUND', EXAMPLES.lateShippingReports)
  @Post('late-shipping-reports')
  @HttpCode(200)
  lateShipping(@Body() request: LateShippingReportRequest, @Caller() caller: Principal): Promise<LateShippingReportResultView[]> {
    return this.services.call('order', 'POST', '/merchant-orders/late-shipping-reports', caller, request);
  }

  /** Appends one remark to many orders; each order answers ADDED or NOT_FOUND. */
  @Operation('addOrderRemarks', 'Add a remark to many orders')
  @AssertsFact('ADD_REMARK')
  @Answers(200, [OrderBatchResultView], 'each order ADDED or NOT_FOUND', EXAMPLES.batchResults)
  @Post('remarks')
  @HttpCode(200)
  remarks(@Body() request: OrderRemarksRequest, @Caller() caller: Principal): Promise<OrderBatchResultView[]> {
    return this.services.call('order', 'POST', '/merchant-orders/remarks', caller, request);
  }

  /** The merchant's orders, newest first, with counts per status; consignees masked. */
  @Operation('listMerchantOrders', 'List the merchant\'s orders with counts per status')
  @Roles('MERCHANT')
  @RequirePermission('VIEW_ORDERS')
  @Answers(200, MerchantOrderListView, 'a page of orders with counts per status; consignees masked', EXAMPLES.merchantOrderList)
  @Get()
  list(@Query() query: MerchantOrdersQuery, @Caller() caller: Principal): Promise<MerchantOrderListView> {
    return this.orders.list(query, caller);
  }

  /** Pauses an order waiting for outbound with a reason of domain.md §1.5. */
  @Operation('pauseOrder', 'Pause an order waiting for outbound')
  @AssertsFact('PAUSE')
  @Answers(200, MerchantOrderView, 'the paused order', { ...EXAMPLES.order, consigneeRevealed: false, status: 'PAUSED', pause: { reason: 'OUT_OF_STOCK', pausedAt: '2026-11-23T09:00:00.000Z' } })
  @Post(':id/pause')
  @HttpCode(200)
  pause(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: PauseOrderRequest, @Caller() caller: Principal): Promise<MerchantOrderView> {
    return this.orders.pause(id, request, caller);
  }

  /**
   * Releases a pause by a release the merchant owns (issue 12): EARLY_RELEASE_REQUESTED with the
   * buyer's agreement, CERTIFICATE_UPLOADED with the certificate, BATCH_NUMBER_UPLOADED with the
   * batch number, REAL_NAME_APPROVED with the check's reference. Every other trigger is the
   * platform's (403 NOT_THE_FACT_OWNER).
   */
  @Operation('resumeOrder', 'Release an order\'s pause')
  @Roles('MERCHANT')
  @RequirePermission('OPERATE_ORDERS')
  @Answers(200, MerchantOrderView, 'the order waiting for outbound again', { ...EXAMPLES.order, consigneeRevealed: false, status: 'WAITING_OUTBOUND' })
  @Post(':id/resume')
  @HttpCode(200)
  resume(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ResumeOrderRequest, @Caller() caller: Principal): Promise<MerchantOrderView> {
    return this.orders.resume(id, request, caller);
  }

  /** Changes the freight of an UNPAID online order (domain.md §1.7); payable never below zero. */
  @Operation('changeOrderFees', 'Change an order\'s freight or service fees')
  @AssertsFact('CHANGE_FEES')
  @Answers(200, MerchantOrderView, 'the order with the new freight and payable', { ...EXAMPLES.order, consigneeRevealed: false, paymentMethod: 'ONLINE', credit: null, freight: 0, payable: 59700 })
  @Patch(':id/fees')
  fees(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ChangeFeesRequest, @Caller() caller: Principal): Promise<MerchantOrderView> {
    return this.orders.changeFees(id, request, caller);
  }

  /** Changes the consignee within the rules of domain.md §1.6; a refusal says what may change. */
  @Operation('changeOrderConsignee', 'Change an order\'s consignee')
  @AssertsFact('CHANGE_CONSIGNEE')
  @Answers(200, MerchantOrderView, 'the order with the new consignee (masked)', { ...EXAMPLES.order, consigneeRevealed: false, status: 'WAITING_OUTBOUND' })
  @Patch(':id/consignee')
  consignee(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ChangeConsigneeRequest, @Caller() caller: Principal): Promise<MerchantOrderView> {
    return this.orders.changeConsignee(id, request, caller);
  }

  /** Redeems a local-service voucher (LOC) with the code the buyer shows in the shop; the order completes. */
  @Operation('redeemVoucher', 'Redeem a local-service voucher')
  @AssertsFact('REDEEM_VOUCHER')
  @Answers(200, MerchantOrderView, 'the redeemed voucher order', { ...EXAMPLES.order, consigneeRevealed: false, status: 'COMPLETED', kinds: ['LOCAL_SERVICE_VOUCHER'], voucher: { redeemedAt: '2026-11-24T10:00:00.000Z' } })
  @Post(':id/redeem')
  @HttpCode(200)
  redeem(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: RedeemVoucherRequest, @Caller() caller: Principal): Promise<MerchantOrderView> {
    return this.orders.redeem(id, request, caller);
  }

  /**
   * 商家直赔: the merchant records a compensation it paid the buyer directly (docs/compensation.md;
   * the AFTER_SALES grant). Whole fen, never more than the order paid in all; the Idempotency-Key
   * is the record's natural key.
   */
  @Operation('grantDirectCompensation', 'Record a merchant direct compensation (商家直赔) on an order')
  @AssertsFact('GRANT_DIRECT_COMPENSATION')
  @Answers(201, CompensationView, 'the compensation, also shown on the order', { ...EXAMPLES.compensation, kind: 'DIRECT' })
  @Post(':id/direct-compensations')
  directCompensation(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: GrantCompensationRequest, @Headers('idempotency-key') idempotencyKey: string | undefined, @Caller() caller: Principal): Promise<CompensationView> {
    return this.services.call('order', 'POST', `/merchant-orders/${id}/direct-compensations`, caller, { ...request, ...(idempotencyKey ? { idempotencyKey } : {}) });
  }

  /** One of the merchant's orders; consignee masked unless `reveal=true` (logged; needs REVEAL_CONSUMER_INFO). */
  @Operation('getMerchantOrder', 'Get one of the merchant\'s orders')
  @Roles('MERCHANT')
  @RequirePermission('VIEW_ORDERS')
  @RevealsPersonalData()
  @Answers(200, MerchantOrderView, 'the order; consignee masked unless revealed', { ...EXAMPLES.order, consigneeRevealed: false, status: 'WAITING_OUTBOUND' })
  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: RevealQuery, @Caller() caller: Principal): Promise<MerchantOrderView> {
    return this.orders.get(id, caller, query.reveal === 'true');
  }
}

/** Operator: a group-buy's group formed; its orders may now be cancelled and shipped (domain.md §1.3, §1.5). */
@ApiTags('merchant orders')
@ApiBearerAuth()
@Controller('group-buys')
export class GroupBuysController {
  constructor(private readonly services: ServiceClient) {}

  @Operation('markGroupFormed', 'Record that a group-buy formed')
  @AssertsFact('FORM_GROUP')
  @Answers(200, GroupFormedView, 'how many orders of the group were released', EXAMPLES.groupFormed)
  @Post(':groupId/formed')
  @HttpCode(200)
  formed(@Param('groupId') groupId: string, @Caller() caller: Principal): Promise<GroupFormedView> {
    if (!/^[\w-]{1,64}$/.test(groupId)) throw new DomainError('VALIDATION_FAILED', 400, 'groupId must be 1-64 letters, digits, _ or -', { errors: [{ field: 'groupId', message: 'invalid group id' }] });
    return this.services.call('order', 'POST', `/merchant-orders/group-buys/${groupId}/formed`, caller);
  }
}

/** Operator facts that end pauses (domain.md §1.5): only these calls establish them (issue 12). */
@ApiTags('merchant orders')
@ApiBearerAuth()
@Controller('operations')
export class PlatformReleasesController {
  constructor(private readonly services: ServiceClient) {}

  /** Shipping is possible again for a disruption cause, everywhere or in one consignee province; its paused orders wait for outbound again. */
  @Operation('liftLogisticsDisruption', 'Lift a logistics disruption')
  @AssertsFact('LIFT_LOGISTICS_DISRUPTION')
  @Answers(200, LogisticsDisruptionLiftedView, 'how many paused orders were released', { reason: 'LOGISTICS_WEATHER', province: '广东省', released: 12 })
  @Post('logistics-disruptions/lift')
  @HttpCode(200)
  lift(@Body() request: LiftLogisticsDisruptionRequest, @Caller() caller: Principal): Promise<LogisticsDisruptionLiftedView> {
    return this.services.call('order', 'POST', '/operations/logistics-disruptions/lift', caller, request);
  }

  /** Stock arrived at a merchant's shipping warehouse; its out-of-stock and scheduling pauses end (optionally only orders holding given SKUs). */
  @Operation('recordStockArrival', 'Record stock arriving at a merchant\'s warehouse')
  @AssertsFact('RECORD_STOCK_ARRIVAL')
  @Answers(200, StockArrivalView, 'how many paused orders were released', { merchantId: 'b5d6a1de-1e0a-4f7e-a0a5-97c9e2f3d4a1', released: 3 })
  @Post('stock-arrivals')
  @HttpCode(200)
  stockArrived(@Body() request: StockArrivalRequest, @Caller() caller: Principal): Promise<StockArrivalView> {
    return this.services.call('order', 'POST', '/operations/stock-arrivals', caller, request);
  }
}
