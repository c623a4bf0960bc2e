import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ApiCode, ApiFen, ApiFlag, ApiInteger, ApiText, ApiTexts, ApiTimestamp, ApiUuid, ApiView, INTERCEPTION_STATUSES, IsFen, MAX_FEN, TRACKING_STATUSES, TrackingStatus } from '@orderline/shared/contracts';

export const SERVICE_PRODUCT_CODES = ['STANDARD', 'EXPRESS'] as const;
export const AUTO_CONFIRM_CASE_CODES = ['PLATFORM_CARRIER', 'THIRD_PARTY_DELIVERED', 'THIRD_PARTY_NO_TRACKING', 'THIRD_PARTY_TRACKING_WITHOUT_DELIVERY'] as const;
export const SHIPMENT_REGIONS = ['DOMESTIC', 'CROSS_BORDER'] as const;
export const SHIPMENT_RESULTS = ['SHIPPED', 'REFUSED', 'NOT_FOUND'] as const;

export const CARRIER_CODE = /^[A-Z][A-Z0-9_]{1,31}$/;
export const WAYBILL_NO = /^[A-Za-z0-9-]{1,64}$/;

export class OrderWaybillRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() orderId: string;
  @ApiProperty({ example: 'SF1234567890123' }) @Matches(WAYBILL_NO, { message: 'waybillNo must be 1-64 letters, digits or -' }) waybillNo: string;
}

/**
 * `POST /merchant/shipments` (domain.md §2.1, §2.2): one or many orders. The platform carrier
 * generates waybill numbers; a third-party number is entered (`waybillNo` for one order,
 * `waybills` per order in a batch). `merge: true` ships merged-shipment candidates as one
 * package with one waybill.
 */
export class CreateShipmentsRequest {
  @ApiProperty({ type: [String], format: 'uuid', example: ['7b0c2f7e-1d7e-4a36-9a51-3f1f4f0a8e21'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ArrayUnique() @IsUUID('all', { each: true }) orderIds: string[];
  @ApiProperty({ example: 'JD_LOGISTICS', description: 'JD_LOGISTICS (the platform carrier) or a third-party carrier code (SF, YTO, ZTO, STO, YUNDA, EMS, JT, …)' })
  @Matches(CARRIER_CODE, { message: 'carrier must be 2-32 upper-case letters, digits or _' }) carrier: string;
  @ApiPropertyOptional({ enum: SERVICE_PRODUCT_CODES, default: 'STANDARD', description: 'platform carrier only; EXPRESS needs a signed merchant and an air route' })
  @IsOptional() @IsIn(SERVICE_PRODUCT_CODES) serviceProduct?: (typeof SERVICE_PRODUCT_CODES)[number];
  @ApiPropertyOptional({ example: 'SF1234567890123', description: 'third-party carrier, one order (or a merged package)' })
  @IsOptional() @Matches(WAYBILL_NO, { message: 'waybillNo must be 1-64 letters, digits or -' }) waybillNo?: string;
  @ApiPropertyOptional({ type: [OrderWaybillRequest], description: 'third-party carrier, batch: the number of each order' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => OrderWaybillRequest) waybills?: OrderWaybillRequest[];
  @ApiPropertyOptional({ description: 'batch outbound: let the platform carrier adapter fill in every waybill number (platform carrier only)' })
  @IsOptional() @IsBoolean() generateWaybillNos?: boolean;
  @ApiPropertyOptional({ description: 'ship the orders as one package with one waybill (merged-shipment candidates, domain.md §2.2)' })
  @IsOptional() @IsBoolean() merge?: boolean;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 999, example: 2, description: 'merged package: number of boxes (default 1)' }) @IsOptional() @IsInt() @Min(1) @Max(999) packageCount?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_FEN, example: 39800, description: 'merged package: declared (insured) value in fen (default the orders\' payable)' }) @IsOptional() @IsFen() declaredValue?: number;
}

/** `PATCH /merchant/shipments/{id}/waybill` (修改快递单号). */
export class CorrectWaybillRequest {
  @ApiProperty({ example: 'SF1234567890124' }) @Matches(WAYBILL_NO, { message: 'waybillNo must be 1-64 letters, digits or -' }) waybillNo: string;
  @ApiPropertyOptional({ example: 'typo at outbound' }) @IsOptional() @IsString() @Length(1, 200) reason?: string;
}

/**
 * A carrier's tracking event, `POST /carrier-events` (domain.md §2.3). The body is signed:
 * `X-Carrier-Code: SF` and `X-Carrier-Signature: sha256=<hex HMAC-SHA256 of the raw body
 * with the carrier's webhook secret>`. `eventId` is unique per carrier; a replay is ignored.
 */
export class CarrierEventRequest {
  @ApiProperty({ example: 'evt-000123', description: 'the carrier\'s id of this event (replays are ignored)' }) @IsString() @Length(1, 128) eventId: string;
  @ApiProperty({ example: 'SF1234567890123' }) @Matches(WAYBILL_NO, { message: 'waybillNo must be 1-64 letters, digits or -' }) waybillNo: string;
  @ApiProperty({ enum: TRACKING_STATUSES }) @IsIn(TRACKING_STATUSES) status: TrackingStatus;
  @ApiProperty({ example: '2026-11-24T08:00:00Z' }) @IsISO8601({ strict: true }) occurredAt: string;
  @ApiPropertyOptional({ example: '深圳转运中心' }) @IsOptional() @IsString() @Length(0, 200) location?: string;
  @ApiPropertyOptional({ example: '快件已到达' }) @IsOptional() @IsString() @Length(0, 500) description?: string;
}

/** What the gateway forwards after checking the signature: the event and whose it is. */
export class VerifiedCarrierEventRequest extends CarrierEventRequest {
  @IsString() @Matches(CARRIER_CODE) carrier: string;
}

export class ShipmentsWithoutTrackingQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 365, example: 3, description: 'shipped at least this many days ago (default NO_TRACKING_ALERT_DAYS)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(365) days?: number;
}

/** Operator: whether a merchant has signed for the platform carrier's express product (特快送). */
export class ExpressServiceRequest {
  @ApiProperty() @IsBoolean() signed: boolean;
}

// ---- What the logistics service answers: the TypeScript its queries return and the OpenAPI
// schemas (docs/api.md). The code lists are the domain's as arrays; logistics-view-codes.ts in
// the service checks at compile time that both say the same.

export class ShipmentResultView {
  @ApiUuid() orderId: string;
  @ApiCode(SHIPMENT_RESULTS) status: (typeof SHIPMENT_RESULTS)[number];
  @ApiUuid({ optional: true }) shipmentId?: string;
  @ApiText({ optional: true }) waybillNo?: string;
  @ApiText({ optional: true, description: 'the refusal code' }) code?: string;
  @ApiText({ optional: true }) reason?: string;
}

export class ShipmentsCreatedView {
  @ApiView([ShipmentResultView]) results: ShipmentResultView[];
  @ApiUuid({ optional: true, description: 'the merged package' }) shipmentId?: string;
}

export class ServiceProductOptionView {
  @ApiCode(SERVICE_PRODUCT_CODES) code: (typeof SERVICE_PRODUCT_CODES)[number];
  @ApiTexts({ optional: true, description: 'EXPRESS: the cities it flies to' }) destinationCities?: string[];
}

export class PlatformCarrierOptionView {
  @ApiText() code: string;
  @ApiText({ description: 'GENERATED: the platform fills in the number' }) waybillNo: string;
  @ApiView([ServiceProductOptionView]) serviceProducts: ServiceProductOptionView[];
}

export class ThirdPartyCarrierOptionView {
  @ApiText() code: string;
  @ApiText({ description: 'ENTERED: the merchant enters the number' }) waybillNo: string;
  @ApiText() example: string;
}

export class ShippingOptionsView {
  @ApiView(PlatformCarrierOptionView) platformCarrier: PlatformCarrierOptionView;
  @ApiView([ThirdPartyCarrierOptionView]) thirdPartyCarriers: ThirdPartyCarrierOptionView[];
}

export class ShipmentSummaryView {
  @ApiUuid() id: string;
  @ApiText() carrier: string;
  @ApiCode(SERVICE_PRODUCT_CODES) serviceProduct: (typeof SERVICE_PRODUCT_CODES)[number];
  @ApiText() waybillNo: string;
  @ApiFlag() merged: boolean;
  @ApiInteger({ minimum: 1 }) packageCount: number;
  @ApiFen({ nullable: true }) declaredValue: number | null;
  @ApiTimestamp() outboundAt: string;
  @ApiTimestamp({ nullable: true }) deliveredAt: string | null;
}

export class ShipmentWithoutTrackingView extends ShipmentSummaryView {
  @ApiTexts({ format: 'uuid' }) orderIds: string[];
  @ApiInteger({ minimum: 0 }) daysSinceOutbound: number;
}

export class ShipmentsWithoutTrackingView {
  @ApiInteger({ minimum: 1 }) days: number;
  @ApiView([ShipmentWithoutTrackingView]) items: ShipmentWithoutTrackingView[];
}

export class ShipmentLineView {
  @ApiUuid() lineId: string;
  @ApiText() skuId: string;
  @ApiText() title: string;
  @ApiInteger({ minimum: 1 }) quantity: number;
}

export class TrackingEventView {
  @ApiText() eventId: string;
  @ApiCode(TRACKING_STATUSES) status: (typeof TRACKING_STATUSES)[number];
  @ApiTimestamp() occurredAt: string;
  @ApiText({ nullable: true }) location: string | null;
  @ApiText({ nullable: true }) description: string | null;
}

export class ReceiptWindowView {
  @ApiTimestamp() opensAt: string;
  @ApiTimestamp() closesAt: string;
}

export class ReceiptExtensionView {
  @ApiView(ReceiptWindowView, { nullable: true }) window: ReceiptWindowView | null;
  @ApiFlag() offeredNow: boolean;
  @ApiFlag() used: boolean;
}

/** The receipt timer (domain.md §2.4): when the order confirms itself, and the buyer's one extension. */
export class ReceiptView {
  @ApiCode(AUTO_CONFIRM_CASE_CODES) case: (typeof AUTO_CONFIRM_CASE_CODES)[number];
  @ApiCode(SHIPMENT_REGIONS) region: (typeof SHIPMENT_REGIONS)[number];
  @ApiTimestamp({ nullable: true }) autoConfirmAt: string | null;
  @ApiFlag() closed: boolean;
  @ApiText({ nullable: true }) closedReason: string | null;
  @ApiTimestamp({ nullable: true }) closedAt: string | null;
  @ApiView(ReceiptExtensionView) extension: ReceiptExtensionView;
}

export class InterceptionView {
  @ApiCode(INTERCEPTION_STATUSES) status: (typeof INTERCEPTION_STATUSES)[number];
  @ApiTimestamp({ nullable: true }) updatedAt: string | null;
  @ApiFlag() buyerAskedToRefuseDelivery: boolean;
}

/** An order's parcel; `shipment`, `receipt` are null and the lists empty until it ships. */
export class TrackingView {
  @ApiUuid() orderId: string;
  @ApiFlag() shipped: boolean;
  @ApiView(ShipmentSummaryView, { nullable: true }) shipment: ShipmentSummaryView | null;
  @ApiView([ShipmentLineView]) lines: ShipmentLineView[];
  @ApiView([TrackingEventView]) events: TrackingEventView[];
  @ApiView(ReceiptView, { nullable: true }) receipt: ReceiptView | null;
  @ApiView(InterceptionView, { nullable: true }) interception: InterceptionView | null;
}

export class ShipmentAddressView {
  @ApiText() province: string;
  @ApiText() city: string;
  @ApiText() county: string;
  @ApiText({ optional: true }) town?: string;
  @ApiText() detail: string;
}

export class MaskedConsigneeView {
  @ApiText({ description: 'masked' }) name: string;
  @ApiText({ description: 'masked' }) phone: string;
  @ApiView(ShipmentAddressView) address: ShipmentAddressView;
}

export class VoidedShipmentOrderView {
  @ApiTimestamp() at: string;
  @ApiText({ nullable: true }) reason: string | null;
}

export class ShipmentOrderView {
  @ApiUuid() orderId: string;
  @ApiView([ShipmentLineView]) lines: ShipmentLineView[];
  @ApiView(MaskedConsigneeView, { nullable: true }) consignee: MaskedConsigneeView | null;
  @ApiView(ReceiptView, { nullable: true }) receipt: ReceiptView | null;
  @ApiView(VoidedShipmentOrderView, { nullable: true }) voided: VoidedShipmentOrderView | null;
}

export class WaybillCorrectionView {
  @ApiText() previousWaybillNo: string;
  @ApiText() waybillNo: string;
  @ApiText({ nullable: true }) reason: string | null;
  @ApiUuid() correctedBy: string;
  @ApiTimestamp() correctedAt: string;
}

export class ShipmentView extends ShipmentSummaryView {
  @ApiView([ShipmentOrderView]) orders: ShipmentOrderView[];
  @ApiView([TrackingEventView]) events: TrackingEventView[];
  @ApiView(InterceptionView, { nullable: true }) interception: InterceptionView | null;
  @ApiView([WaybillCorrectionView]) waybillCorrections: WaybillCorrectionView[];
}

export class CarrierEventAcceptedView {
  @ApiFlag() accepted: boolean;
  @ApiFlag({ description: 'the carrier sent this event id before; nothing changed' }) duplicate: boolean;
  @ApiUuid() shipmentId: string;
}

export class ExpressContractView {
  @ApiUuid() merchantId: string;
  @ApiFlag() expressSigned: boolean;
}
