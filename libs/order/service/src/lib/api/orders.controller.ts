import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { BuyerOrderListView, BuyerOrdersQuery, CompensationView, ServiceGrantCompensationRequest, CancelOrderRequest, CodReconciliationRequest, LineSnapshotView, OrderView, PlaceOrderRequest, RiskFlagRequest, RiskFlagView } from '@orderline/order/contract';
import { CurrentPrincipal, Principal } from '@orderline/shared/service-kit';
import { BuyerOrderList } from '../app/buyer-order-list';
import { CancelOrder } from '../app/cancel-order';
import { GetOrder } from '../app/get-order';
import { OrderFlags } from '../app/order-flags';
import { OrderPayments } from '../app/order-payments';
import { PlaceOrder } from '../app/place-order';
import { OrderSettlements } from '../app/order-settlements';
import { Compensations } from '../app/compensations';

/** The order service's internal API; the gateway authenticates and forwards here. */
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly placeOrder: PlaceOrder,
    private readonly cancelOrder: CancelOrder,
    private readonly getOrder: GetOrder,
    private readonly payments: OrderPayments,
    private readonly flags: OrderFlags,
    private readonly settlements: OrderSettlements,
    private readonly compensations: Compensations,
    private readonly buyerOrders: BuyerOrderList,
  ) {}

  /** 先行赔付: the platform compensates the buyer first, on an operator's word (docs/compensation.md). */
  @Post(':id/advance-compensations')
  advanceCompensation(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ServiceGrantCompensationRequest, @CurrentPrincipal() caller: Principal): Promise<CompensationView> {
    return this.compensations.grant(id, 'ADVANCE', request, caller);
  }

  @Post(':id/cod-reconciliation')
  @HttpCode(200)
  async reconcileCod(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: CodReconciliationRequest, @CurrentPrincipal() caller: Principal): Promise<OrderView> {
    await this.settlements.reconcileCod(id, request, caller);
    return this.getOrder.execute(id, caller);
  }

  @Put(':id/risk-flag')
  riskFlag(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: RiskFlagRequest, @CurrentPrincipal() caller: Principal): Promise<RiskFlagView> {
    return this.flags.setRiskFlag(id, request.flagged, request.reason, caller);
  }

  @Get(':id/lines/:lineId/snapshot')
  snapshot(@Param('id', new ParseUUIDPipe()) id: string, @Param('lineId', new ParseUUIDPipe()) lineId: string, @CurrentPrincipal() caller: Principal): Promise<LineSnapshotView> {
    return this.getOrder.lineSnapshot(id, lineId, caller);
  }

  @Post(':id/confirm-receipt')
  @HttpCode(200)
  async confirmReceipt(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<OrderView> {
    await this.payments.confirmReceipt(id, caller);
    return this.getOrder.execute(id, caller);
  }

  @Post(':id/pay')
  @HttpCode(200)
  async pay(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<OrderView> {
    await this.payments.pay(id, caller);
    return this.getOrder.execute(id, caller);
  }

  @Post()
  async place(@Body() request: PlaceOrderRequest, @CurrentPrincipal() caller: Principal): Promise<OrderView> {
    return this.getOrder.answerToPlacement(await this.placeOrder.execute(request, caller), caller);
  }

  @Get()
  list(@Query() query: BuyerOrdersQuery, @CurrentPrincipal() caller: Principal): Promise<BuyerOrderListView> {
    return this.buyerOrders.list(query, caller);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<OrderView> {
    return this.getOrder.execute(id, caller);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  async cancel(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: CancelOrderRequest, @CurrentPrincipal() caller: Principal): Promise<OrderView> {
    await this.cancelOrder.execute(id, request.reason, caller);
    return this.getOrder.execute(id, caller);
  }
}
