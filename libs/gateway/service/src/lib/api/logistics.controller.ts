import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CarrierEventAcceptedView, CarrierEventRequest, CorrectWaybillRequest, CreateShipmentsRequest, ExpressContractView, ExpressServiceRequest, ShipmentsCreatedView, ShipmentsWithoutTrackingQuery, ShipmentsWithoutTrackingView, ShipmentView, ShippingOptionsView, TrackingView } from '@orderline/logistics/contract';
import { DomainError, Principal, RawBodyRequest } from '@orderline/shared/service-kit';
import { Carriers } from '../app/carriers';
import { ServiceClient } from '../infra/service-client';
import { Public, RequirePermission, Roles } from './auth.guard';
import { Caller } from './caller.decorator';
import { Answers, AnswersFile, AnswersProblem, Operation } from './api-operation';

const SHIPMENT_ID = '5a1e0b7c-0000-4000-8000-00000000000a';
const ORDER_ID = '3f1c9a52-8a44-4d43-9a57-2b3a0f0f7e11';
const SHIPMENT = { id: SHIPMENT_ID, carrier: 'JD_LOGISTICS', serviceProduct: 'STANDARD', waybillNo: 'JDV000000000001', merged: false, packageCount: 1, declaredValue: null, outboundAt: '2026-11-23T08:00:00.000Z', deliveredAt: null } as const;
const RECEIPT = { case: 'THIRD_PARTY_TRACKING_WITHOUT_DELIVERY', region: 'DOMESTIC', autoConfirmAt: '2026-12-15T08:00:00.000Z', closed: false, closedReason: null, closedAt: null, extension: { window: { opensAt: '2026-12-11T08:00:00.000Z', closesAt: '2026-12-14T08:00:00.000Z' }, offeredNow: false, used: false } } as const;
const TRACKING = {
  orderId: ORDER_ID,
  shipped: true,
  shipment: SHIPMENT,
  lines: [{ lineId: 'c0ffee00-0000-4000-8000-000000000003', skuId: 'kettle', title: 'Kettle', quantity: 3 }],
  events: [{ eventId: 'evt-1', status: 'IN_TRANSIT', occurredAt: '2026-11-24T08:00:00.000Z', location: '深圳转运中心', description: null }],
  receipt: RECEIPT,
  interception: null,
} as const;
const SHIPMENT_VIEW = {
  ...SHIPMENT,
  orders: [{ orderId: ORDER_ID, lines: TRACKING.lines, consignee: { name: '李*', phone: '138****0000', address: { province: '广东省', city: '深圳市', county: '***', detail: '***' } }, receipt: RECEIPT, voided: null }],
  events: TRACKING.events,
  interception: null,
  waybillCorrections: [],
} as const;
const DOCUMENT_NOTE = 'application/pdf: the electronic waybill on a 100 × 150 mm label with a Code 128 barcode of the waybill number, the packing slip on A4; Chinese text in an embedded font subset';

/** Outbound and after-outbound operations of domain.md §2, owned by the logistics service. */
@ApiTags('logistics')
@ApiBearerAuth()
@Controller('merchant/shipments')
export class MerchantShipmentsController {
  constructor(private readonly services: ServiceClient) {}

  /**
   * Ships one or many orders (domain.md §2.1): the platform carrier JD_LOGISTICS generates the
   * waybill numbers (STANDARD, or EXPRESS when signed and the route flies); a third-party
   * number is entered and checked against the carrier's format. A batch answers per order
   * (SHIPPED, REFUSED with its code, NOT_FOUND); one order answers 409/422 with the code.
   * `merge: true` ships merged-shipment candidates (§1.9, §2.2) as one package.
   */
  @Operation('shipOrders', 'Ship one or many orders')
  @Roles('MERCHANT')
  @RequirePermission('SHIP')
  @Answers(201, ShipmentsCreatedView, 'per-order results', { results: [{ orderId: ORDER_ID, status: 'SHIPPED', shipmentId: SHIPMENT_ID, waybillNo: 'JDV000000000001' }, { orderId: '0d0e0f00-0000-4000-8000-00000000000b', status: 'REFUSED', code: 'ORDER_PAUSED', reason: 'the order is paused (OUT_OF_STOCK); it ships once the pause is released' }] })
  @Post()
  create(@Body() request: CreateShipmentsRequest, @Caller() caller: Principal): Promise<ShipmentsCreatedView> {
    return this.services.call('logistics', 'POST', '/merchant-shipments', caller, request);
  }

  /** What the outbound form offers: the platform carrier's service products (EXPRESS only when signed, with its air cities) and the third-party carriers with their waybill format. */
  @Operation('getShippingOptions', 'Get the carriers and service products to ship with')
  @Roles('MERCHANT')
  @RequirePermission('SHIP')
  @Answers(200, ShippingOptionsView, 'carriers and service products', {
    platformCarrier: { code: 'JD_LOGISTICS', waybillNo: 'GENERATED', serviceProducts: [{ code: 'STANDARD' }, { code: 'EXPRESS', destinationCities: ['北京市', '上海市'] }] },
    thirdPartyCarriers: [{ code: 'SF', waybillNo: 'ENTERED', example: 'SF1234567890123' }],
  })
  @Get('options')
  options(@Caller() caller: Principal): Promise<ShippingOptionsView> {
    return this.services.call('logistics', 'GET', '/merchant-shipments/options', caller);
  }

  /** "Shipped N days ago and no tracking" (domain.md §2.3); N defaults to NO_TRACKING_ALERT_DAYS. */
  @Operation('listShipmentsWithoutTracking', 'List shipments without a tracking event')
  @Roles('MERCHANT')
  @RequirePermission('VIEW_ORDERS')
  @Answers(200, ShipmentsWithoutTrackingView, 'shipments without a tracking event', { days: 3, items: [{ ...SHIPMENT, orderIds: [ORDER_ID], daysSinceOutbound: 4 }] })
  @Get('without-tracking')
  withoutTracking(@Query() query: ShipmentsWithoutTrackingQuery, @Caller() caller: Principal): Promise<ShipmentsWithoutTrackingView> {
    return this.services.call('logistics', 'GET', `/merchant-shipments/without-tracking${query.days ? `?days=${query.days}` : ''}`, caller);
  }

  /** A shipment with its orders (each with its own lines, consignee masked), tracking, interception and waybill corrections. */
  @Operation('getShipment', 'Get a shipment')
  @Roles('MERCHANT')
  @RequirePermission('VIEW_ORDERS')
  @Answers(200, ShipmentView, 'the shipment', SHIPMENT_VIEW)
  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<ShipmentView> {
    return this.services.call('logistics', 'GET', `/merchant-shipments/${id}`, caller);
  }

  /** Corrects a wrong third-party waybill number (修改快递单号); the old one stays in `waybillCorrections`. */
  @Operation('correctWaybill', 'Correct a third-party waybill number')
  @Roles('MERCHANT')
  @RequirePermission('SHIP')
  @Answers(200, ShipmentView, 'the shipment with its correction history', { ...SHIPMENT_VIEW, carrier: 'SF', waybillNo: 'SF1234567890124', waybillCorrections: [{ previousWaybillNo: 'SF1234567890123', waybillNo: 'SF1234567890124', reason: 'typo', correctedBy: 'a1b2c3d4-0000-4000-8000-000000000001', correctedAt: '2026-11-23T09:00:00.000Z' }] })
  @Patch(':id/waybill')
  correct(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: CorrectWaybillRequest, @Caller() caller: Principal): Promise<ShipmentView> {
    return this.services.call('logistics', 'PATCH', `/merchant-shipments/${id}/waybill`, caller, request);
  }

  /** Asks the platform carrier to intercept the parcel (拦截); its answer arrives as a carrier event. */
  @Operation('interceptShipment', 'Ask the platform carrier to intercept a parcel')
  @Roles('MERCHANT')
  @RequirePermission('SHIP')
  @Answers(200, ShipmentView, 'the shipment, interception REQUESTED', { ...SHIPMENT_VIEW, interception: { status: 'REQUESTED', updatedAt: '2026-11-23T09:00:00.000Z', buyerAskedToRefuseDelivery: false } })
  @Post(':id/intercept')
  @HttpCode(200)
  intercept(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<ShipmentView> {
    return this.services.call('logistics', 'POST', `/merchant-shipments/${id}/intercept`, caller);
  }

  /** The packing slip as PDF (consignee masked). */
  @Operation('getPackingSlip', 'Download a shipment\'s packing slip (PDF)')
  @Roles('MERCHANT')
  @RequirePermission('SHIP')
  @Get(':id/packing-slip')
  @AnswersFile(DOCUMENT_NOTE, 'application/pdf')
  async packingSlip(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal, @Res() response: Response) {
    await this.sendPdf(response, await this.services.call('logistics', 'GET', `/merchant-shipments/${id}/packing-slip`, caller));
  }

  /** The electronic waybill (电子面单) as PDF: it prints the consignee's real phone (domain.md §2.1). */
  @Operation('getWaybillLabel', 'Download a shipment\'s electronic waybill (PDF)')
  @Roles('MERCHANT')
  @RequirePermission('SHIP')
  @Get(':id/waybill-label')
  @AnswersFile(DOCUMENT_NOTE, 'application/pdf')
  async waybill(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal, @Res() response: Response) {
    await this.sendPdf(response, await this.services.call('logistics', 'GET', `/merchant-shipments/${id}/waybill`, caller));
  }

  private async sendPdf(response: Response, document: { filename: string; contentBase64: string }) {
    response.status(200).setHeader('content-type', 'application/pdf');
    response.setHeader('content-disposition', `attachment; filename="${document.filename.replace(/[^\w.-]/g, '_')}"`);
    response.send(Buffer.from(document.contentBase64, 'base64'));
  }
}

@ApiTags('logistics')
@ApiBearerAuth()
@Controller('orders')
export class OrderLogisticsController {
  constructor(private readonly services: ServiceClient) {}

  /** The order's parcel: carrier, waybill, tracking events in time order, interception, and its receipt timer (domain.md §2.4). */
  @Operation('getOrderTracking', 'Get an order\'s parcel and tracking')
  @Roles('BUYER', 'MERCHANT', 'OPERATOR')
  @RequirePermission('VIEW_ORDERS')
  @Answers(200, TrackingView, 'tracking and the auto-confirm deadline', TRACKING)
  @Get(':id/tracking')
  tracking(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<TrackingView> {
    return this.services.call('logistics', 'GET', `/orders/${id}/tracking`, caller);
  }

  /** The buyer's one-time extension of the receipt deadline (延迟收货), only while it is offered (domain.md §2.4). */
  @Operation('extendReceiptDeadline', 'Extend the receipt deadline once')
  @Roles('BUYER')
  @Answers(200, TrackingView, 'tracking with the extended deadline', { ...TRACKING, receipt: { ...RECEIPT, autoConfirmAt: '2026-12-20T08:00:00.000Z', extension: { ...RECEIPT.extension, used: true } } })
  @Post(':id/extend-receipt')
  @HttpCode(200)
  extend(@Param('id', new ParseUUIDPipe()) id: string, @Caller() caller: Principal): Promise<TrackingView> {
    return this.services.call('logistics', 'POST', `/orders/${id}/extend-receipt`, caller);
  }
}

@ApiTags('logistics')
@Controller('carrier-events')
export class CarrierEventsController {
  constructor(
    private readonly carriers: Carriers,
    private readonly services: ServiceClient,
  ) {}

  /**
   * Carrier webhook (domain.md §2.3). Sign the raw body: `X-Carrier-Signature: sha256=<hex
   * HMAC-SHA256(body, webhook secret)>` with `X-Carrier-Code`. A bad signature is 401; an
   * event id seen before is acknowledged with `duplicate: true` and changes nothing. Events
   * may arrive in any order.
   */
  @Operation('receiveCarrierEvent', 'Receive a signed carrier tracking event')
  @Public()
  @ApiHeader({ name: 'x-carrier-code', required: true, example: 'SF' })
  @ApiHeader({ name: 'x-carrier-signature', required: true, example: 'sha256=9f2c…' })
  @ApiBody({ type: CarrierEventRequest })
  @Answers(200, CarrierEventAcceptedView, 'recorded (or a replay, ignored)', { accepted: true, duplicate: false, shipmentId: SHIPMENT_ID })
  @AnswersProblem(401, 'INVALID_SIGNATURE (unknown or disabled carrier, missing or wrong signature)')
  @AnswersProblem(404, 'UNKNOWN_WAYBILL (no shipment of this carrier has the number; after a correction the old one is unknown)')
  @Post()
  @HttpCode(200)
  async receive(@Req() request: RawBodyRequest): Promise<CarrierEventAcceptedView> {
    const code = request.header('x-carrier-code');
    if (!(await this.carriers.verifySignature(code, request.rawBody, request.header('x-carrier-signature')))) {
      throw new DomainError('INVALID_SIGNATURE', 401, 'the carrier signature is missing or wrong (X-Carrier-Code, X-Carrier-Signature: sha256=<hex HMAC of the raw body>)');
    }
    const body = request.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new DomainError('VALIDATION_FAILED', 400, 'the body must be one carrier event object');
    return this.services.call('logistics', 'POST', '/carrier-events', null, { ...body, carrier: code });
  }
}

@ApiTags('logistics')
@ApiBearerAuth()
@Controller('merchants')
export class ExpressServiceController {
  constructor(private readonly services: ServiceClient) {}

  /** Operator: records whether the merchant signed for the platform carrier's express product (特快送). */
  @Operation('setExpressService', 'Record a merchant\'s express-service contract')
  @Roles('OPERATOR')
  @Answers(200, ExpressContractView, 'the contract', { merchantId: 'b5d6a1de-1e0a-4f7e-a0a5-97c9e2f3d4a1', expressSigned: true })
  @Put(':id/express-service')
  express(@Param('id', new ParseUUIDPipe()) id: string, @Body() request: ExpressServiceRequest, @Caller() caller: Principal): Promise<ExpressContractView> {
    return this.services.call('logistics', 'PUT', `/express-contracts/${id}`, caller, request);
  }
}
