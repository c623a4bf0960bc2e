import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { NEGOTIATED_CANCELLATION_STATUSES } from '@orderline/shared/platform-rules';

/** CERTIFICATE_UPLOADED (gold/jewellery, domain.md §1.5): what the merchant uploaded. */
export class ReleaseCertificateRequest {
  @ApiProperty({ example: 'NGTC-2026-0012345' }) @IsString() @Length(1, 64) number: string;
  @ApiProperty({ example: 'img://certificates/NGTC-2026-0012345.jpg', description: 'where the certificate image is kept' }) @IsString() @Length(1, 300) imageReference: string;
}

/** REAL_NAME_APPROVED (telecom SIM): the merchant's record of the real-name check it approved. */
export class RealNameCheckRequest {
  @ApiProperty({ example: 'rn-check-2026-11-23-0007' }) @IsString() @Length(1, 200) reference: string;
}

export const LOGISTICS_DISRUPTION_REASONS = ['LOGISTICS_TRAFFIC_CONTROL', 'LOGISTICS_SMART_SCHEDULING', 'LOGISTICS_EPIDEMIC', 'LOGISTICS_WEATHER', 'LOGISTICS_PROMOTION_LOAD', 'LOGISTICS_ROAD_PROBLEM'] as const;

/** Operator: shipping is possible again for a disruption cause, everywhere or in one province (domain.md §1.5). */
export class LiftLogisticsDisruptionRequest {
  @ApiProperty({ enum: LOGISTICS_DISRUPTION_REASONS, example: 'LOGISTICS_WEATHER' }) @IsIn(LOGISTICS_DISRUPTION_REASONS) reason: (typeof LOGISTICS_DISRUPTION_REASONS)[number];
  @ApiPropertyOptional({ example: '广东省', description: "the consignee province the disruption covered; omitted = every province" }) @IsOptional() @IsString() @Length(1, 40) province?: string;
}

/** Operator: stock arrived at a merchant's shipping warehouse; its out-of-stock and scheduling pauses end (domain.md §1.5). */
export class StockArrivalRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() merchantId: string;
  @ApiPropertyOptional({ example: ['sku-kettle'], description: "only orders holding one of these SKUs; omitted = every out-of-stock order of the merchant" })
  @IsOptional()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  skuIds?: string[];
}

/** `GET /cancellation-requests` (buyer) and `GET /merchant/cancellation-requests`: optionally one order's. */
export class CancellationRequestsQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() orderId?: string;
  @ApiPropertyOptional({ enum: NEGOTIATED_CANCELLATION_STATUSES }) @IsOptional() @Matches(/^[A-Z_]{2,20}$/) status?: string;
}

