import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ReplacementListQuery, ReplacementsView, ReplacementView, ReturnParcelsWithoutTrackingQuery, ReturnParcelsWithoutTrackingView, ShipReplacementRequest } from '@orderline/logistics/contract';
import { Principal } from '@orderline/shared/service-kit';
import { ServiceClient } from '../infra/service-client';
import { RequirePermission, Roles } from './auth.guard';
import { Caller } from './caller.decorator';
import { Answers, Operation } from './api-operation';

const AFTER_SALES_ID = '5a1e5a1e-0000-4000-8000-000000000010';
const ORDER_ID = '3f1c9a52-8a44-4d43-9a57-2b3a0f0f7e11';
const REPLACEMENT = {
  afterSalesId: AFTER_SALES_ID,
  orderId: ORDER_ID,
  status: 'SHIPPED',
  lines: [{ lineId: 'c0ffee00-0000-4000-8000-000000000003', skuId: 'kettle', title: 'Kettle', quantity: 1 }],
  requestedAt: '2026-11-26T08:00:00.000Z',
  shipment: { id: '5a1e0b7c-0000-4000-8000-00000000000c', carrier: 'JD_LOGISTICS', serviceProduct: 'STANDARD', waybillNo: 'JDV000000000042', merged: false, packageCount: 1, declaredValue: null, outboundAt: '2026-11-26T10:00:00.000Z', deliveredAt: null },
  receivedBy: null,
  receivedAt: null,
} as const;

/**
 * Exchanges end to end (issue 18 item 2), owned by the logistics service: the replacement of an
 * exchange waits on the merchant's outbound list once the returned goods were confirmed, and
 * ships like an order (domain.md §2.1); return parcels are tracked like outbound ones.
 */
@ApiTags('logistics')
@ApiBearerAuth()
@Controller('merchant/replacements')
export class MerchantReplacementsController {
  constructor(private readonly services: ServiceClient) {}

  /** The replacements of the merchant's exchanges, oldest request first; `status=WAITING_OUTBOUND` is what is still to ship. */
  @Operation('listReplacements', 'List the replacements of exchanges')
  @Roles('MERCHANT')
  @RequirePermission('SHIP')
  @Answers(200, ReplacementsView, 'replacements, oldest request first', { items: [{ ...REPLACEMENT, status: 'WAITING_OUTBOUND', shipment: null }] })
  @Get()
  list(@Query() query: ReplacementListQuery, @Caller() caller: Principal): Promise<ReplacementsView> {
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.limit) params.set('limit', String(query.limit));
    return this.services.call('logistics', 'GET', `/merchant-replacements${params.size ? `?${params}` : ''}`, caller);
  }

  /**
   * Ships an exchange's replacement to the order's consignee with the outbound rules of an order
   * (JD_LOGISTICS generates the waybill; a third-party number is entered and checked). It is then
   * tracked by carrier events and received on platform-carrier delivery or by the §2.4 timer,
   * which completes the exchange. `{id}` is the after-sales request.
   */
  @Operation('shipReplacement', 'Ship the replacement of an exchange')
  @Roles('MERCHANT')
  @RequirePermission('SHIP')
  @Answers(201, ReplacementView, 'the replacement, SHIPPED', REPLACEMENT)
  @Post(':id/ship')
  ship(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ShipReplacementRequest, @Caller() caller: Principal): Promise<ReplacementView> {
    return this.services.call('logistics', 'POST', `/merchant-replacements/${id}/ship`, caller, request);
  }
}

@ApiTags('logistics')
@ApiBearerAuth()
@Controller('merchant/return-parcels')
export class MerchantReturnParcelsController {
  constructor(private readonly services: ServiceClient) {}

  /** Return parcels registered at least N days ago (default NO_TRACKING_ALERT_DAYS) that no carrier event has reached: the "no tracking" alert of domain.md §2.3 for goods coming back. */
  @Operation('listReturnParcelsWithoutTracking', 'List return parcels without a tracking event')
  @Roles('MERCHANT')
  @RequirePermission('AFTER_SALES')
  @Answers(200, ReturnParcelsWithoutTrackingView, 'return parcels without a tracking event', {
    days: 3,
    items: [{ afterSalesId: AFTER_SALES_ID, orderId: ORDER_ID, carrier: 'SF', waybillNo: 'SF1234567890123', pickup: false, registeredAt: '2026-11-23T10:00:00.000Z', daysSinceRegistered: 4 }],
  })
  @Get('without-tracking')
  withoutTracking(@Query() query: ReturnParcelsWithoutTrackingQuery, @Caller() caller: Principal): Promise<ReturnParcelsWithoutTrackingView> {
    return this.services.call('logistics', 'GET', `/merchant-return-parcels/without-tracking${query.days !== undefined ? `?days=${query.days}` : ''}`, caller);
  }
}
