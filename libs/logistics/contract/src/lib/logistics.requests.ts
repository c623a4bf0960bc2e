import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsFen, TRACKING_STATUSES, TrackingStatus } from '@orderline/shared/contracts';

const CARRIER_CODE = /^[A-Z][A-Z0-9_]{1,31}$/;
const WAYBILL_NO = /^[A-Za-z0-9-]{1,64}$/;

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
  @ApiPropertyOptional({ enum: ['STANDARD', 'EXPRESS'], default: 'STANDARD', description: 'platform carrier only; EXPRESS needs a signed merchant and an air route' })
  @IsOptional() @IsIn(['STANDARD', 'EXPRESS']) serviceProduct?: 'STANDARD' | 'EXPRESS';
  @ApiPropertyOptional({ example: 'SF1234567890123', description: 'third-party carrier, one order (or a merged package)' })
  @IsOptional() @Matches(WAYBILL_NO, { message: 'waybillNo must be 1-64 letters, digits or -' }) waybillNo?: string;
  @ApiPropertyOptional({ type: [OrderWaybillRequest], description: 'third-party carrier, batch: the number of each order' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => OrderWaybillRequest) waybills?: OrderWaybillRequest[];
  @ApiPropertyOptional({ description: 'batch outbound: let the platform carrier adapter fill in every waybill number (platform carrier only)' })
  @IsOptional() @IsBoolean() generateWaybillNos?: boolean;
  @ApiPropertyOptional({ description: 'ship the orders as one package with one waybill (merged-shipment candidates, domain.md §2.2)' })
  @IsOptional() @IsBoolean() merge?: boolean;
  @ApiPropertyOptional({ example: 2, description: 'merged package: number of boxes (default 1)' }) @IsOptional() @IsInt() @Min(1) @Max(999) packageCount?: number;
  @ApiPropertyOptional({ example: 39800, description: 'merged package: declared (insured) value in fen (default the orders\' payable)' }) @IsOptional() @IsFen() declaredValue?: number;
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
  @ApiPropertyOptional({ example: 3, description: 'shipped at least this many days ago (default NO_TRACKING_ALERT_DAYS)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(365) days?: number;
}

/** Operator: whether a merchant has signed for the platform carrier's express product (特快送). */
export class ExpressServiceRequest {
  @ApiProperty() @IsBoolean() signed: boolean;
}
