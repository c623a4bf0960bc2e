import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ApiCode, ApiFlag, ApiInteger, ApiText, ApiTimestamp, ApiUuid, ApiView, REPLACEMENT_RECEIPTS } from '@orderline/shared/contracts';
import { CARRIER_CODE, SERVICE_PRODUCT_CODES, ShipmentLineView, ShipmentSummaryView, WAYBILL_NO } from './logistics.requests';

/** An exchange's replacement, from waiting for outbound to received (logistics domain replacement.ts). */
export const REPLACEMENT_STATUS_CODES = ['WAITING_OUTBOUND', 'SHIPPED', 'RECEIVED'] as const;

/**
 * `POST /merchant/replacements/{afterSalesId}/ship`: the replacement leaves like an outbound
 * (domain.md §2.1): the platform carrier generates the waybill, a third-party number is entered.
 */
export class ShipReplacementRequest {
  @ApiProperty({ example: 'JD_LOGISTICS', description: 'JD_LOGISTICS (the platform carrier) or a third-party carrier code (SF, YTO, ZTO, …)' })
  @Matches(CARRIER_CODE, { message: 'carrier must be 2-32 upper-case letters, digits or _' }) carrier: string;
  @ApiPropertyOptional({ enum: SERVICE_PRODUCT_CODES, default: 'STANDARD', description: 'platform carrier only; EXPRESS needs a signed merchant and an air route' })
  @IsOptional() @IsIn(SERVICE_PRODUCT_CODES) serviceProduct?: (typeof SERVICE_PRODUCT_CODES)[number];
  @ApiPropertyOptional({ example: 'SF1234567890123', description: 'third-party carrier: the number on the parcel' })
  @IsOptional() @Matches(WAYBILL_NO, { message: 'waybillNo must be 1-64 letters, digits or -' }) waybillNo?: string;
}

export class ReplacementListQuery {
  @ApiPropertyOptional({ enum: REPLACEMENT_STATUS_CODES, description: 'only replacements in this status (WAITING_OUTBOUND: still to ship)' })
  @IsOptional() @IsIn(REPLACEMENT_STATUS_CODES) status?: (typeof REPLACEMENT_STATUS_CODES)[number];
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export class ReturnParcelsWithoutTrackingQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 365, example: 3, description: 'registered at least this many days ago (default NO_TRACKING_ALERT_DAYS)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(365) days?: number;
}

export class ReplacementView {
  @ApiUuid() afterSalesId: string;
  @ApiUuid() orderId: string;
  @ApiCode(REPLACEMENT_STATUS_CODES) status: (typeof REPLACEMENT_STATUS_CODES)[number];
  @ApiView([ShipmentLineView]) lines: ShipmentLineView[];
  @ApiTimestamp() requestedAt: string;
  @ApiView(ShipmentSummaryView, { nullable: true }) shipment: ShipmentSummaryView | null;
  @ApiCode(REPLACEMENT_RECEIPTS, { nullable: true }) receivedBy: (typeof REPLACEMENT_RECEIPTS)[number] | null;
  @ApiTimestamp({ nullable: true }) receivedAt: string | null;
}

export class ReplacementsView {
  @ApiView([ReplacementView]) items: ReplacementView[];
}

export class ReturnParcelWithoutTrackingView {
  @ApiUuid() afterSalesId: string;
  @ApiUuid() orderId: string;
  @ApiText() carrier: string;
  @ApiText() waybillNo: string;
  @ApiFlag() pickup: boolean;
  @ApiTimestamp() registeredAt: string;
  @ApiInteger({ minimum: 0 }) daysSinceRegistered: number;
}

export class ReturnParcelsWithoutTrackingView {
  @ApiInteger({ minimum: 0 }) days: number;
  @ApiView([ReturnParcelWithoutTrackingView]) items: ReturnParcelWithoutTrackingView[];
}
