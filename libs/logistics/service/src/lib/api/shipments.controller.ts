import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { CarrierEventAcceptedView, CorrectWaybillRequest, CreateShipmentsRequest, ExpressContractView, ExpressServiceRequest, ShipmentView, ShipmentsCreatedView, ShipmentsWithoutTrackingQuery, ShipmentsWithoutTrackingView, ShippingOptionsView, TrackingView, VerifiedCarrierEventRequest } from '@orderline/logistics/contract';
import { CurrentPrincipal, DomainError, Principal } from '@orderline/shared/service-kit';
import { ExpressContracts } from '../app/express-contracts';
import { ReceiptTimers } from '../app/receipt-timers';
import { ShipOrders } from '../app/ship-orders';
import { ShipmentChanges } from '../app/shipment-changes';
import { ShipmentQueries } from '../app/shipment-queries';

/** The logistics service's internal API; the gateway authenticates and forwards here. */
@Controller('merchant-shipments')
export class MerchantShipmentsController {
  constructor(
    private readonly ship: ShipOrders,
    private readonly changes: ShipmentChanges,
    private readonly queries: ShipmentQueries,
    private readonly contracts: ExpressContracts,
  ) {}

  @Get('options')
  options(@CurrentPrincipal() caller: Principal): Promise<ShippingOptionsView> {
    return this.contracts.shippingOptions(caller);
  }

  @Post()
  @HttpCode(201)
  create(@Body() request: CreateShipmentsRequest, @CurrentPrincipal() caller: Principal): Promise<ShipmentsCreatedView> {
    return this.ship.execute(request, caller);
  }

  @Get('without-tracking')
  withoutTracking(@Query() query: ShipmentsWithoutTrackingQuery, @CurrentPrincipal() caller: Principal): Promise<ShipmentsWithoutTrackingView> {
    return this.queries.withoutTracking(query.days, caller);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<ShipmentView> {
    return this.queries.shipment(id, caller);
  }

  @Patch(':id/waybill')
  async correct(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: CorrectWaybillRequest, @CurrentPrincipal() caller: Principal): Promise<ShipmentView> {
    await this.changes.correctWaybill(id, request, caller);
    return this.queries.shipment(id, caller);
  }

  @Post(':id/intercept')
  @HttpCode(200)
  async intercept(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<ShipmentView> {
    await this.changes.requestInterception(id, caller);
    return this.queries.shipment(id, caller);
  }

  @Get(':id/packing-slip')
  packingSlip(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal) {
    return this.queries.packingSlip(id, caller);
  }

  @Get(':id/waybill')
  waybill(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal) {
    return this.queries.waybill(id, caller);
  }
}

@Controller('orders')
export class OrderTrackingController {
  constructor(
    private readonly queries: ShipmentQueries,
    private readonly timers: ReceiptTimers,
  ) {}

  @Get(':id/tracking')
  tracking(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<TrackingView> {
    return this.queries.tracking(id, caller);
  }

  @Post(':id/extend-receipt')
  @HttpCode(200)
  async extend(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() caller: Principal): Promise<TrackingView> {
    await this.timers.extend(id, caller);
    return this.queries.tracking(id, caller);
  }
}

/** Carrier events the gateway has verified (HMAC) and forwards. */
@Controller('carrier-events')
export class CarrierEventsController {
  constructor(private readonly changes: ShipmentChanges) {}

  @Post()
  @HttpCode(200)
  record(@Body() event: VerifiedCarrierEventRequest): Promise<CarrierEventAcceptedView> {
    return this.changes.recordCarrierEvent(event);
  }
}

@Controller('express-contracts')
export class ExpressContractsController {
  constructor(private readonly contracts: ExpressContracts) {}

  @Put(':merchantId')
  set(@Param('merchantId', new ParseUUIDPipe()) merchantId: string, @Body() request: ExpressServiceRequest, @CurrentPrincipal() caller: Principal): Promise<ExpressContractView> {
    if (caller.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'operators manage express contracts');
    return this.contracts.set(merchantId, request.signed);
  }
}
