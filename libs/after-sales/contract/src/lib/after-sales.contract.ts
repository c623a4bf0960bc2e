import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { AFTER_SALES_REQUEST_TYPES, AfterSalesRequestType } from '@orderline/shared/contracts';

/** Reason codes a buyer picks (the sources' list, shortened). */
export const AFTER_SALES_REASONS = ['DEFECTIVE', 'NOT_AS_DESCRIBED', 'WRONG_ITEM', 'DAMAGED_IN_TRANSIT', 'NOT_RECEIVED', 'NO_LONGER_WANTED', 'SIZE_OR_FIT', 'OTHER'] as const;

export const AFTER_SALES_STATUS_NAMES = ['REQUESTED', 'APPROVED', 'REJECTED', 'RETURN_IN_TRANSIT', 'RECEIVED', 'RETURN_DISPUTED', 'REFUND_PENDING', 'REFUNDED', 'REPLACEMENT_REQUESTED'] as const;

export class AfterSalesLineRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() lineId: string;
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(9_999) quantity: number;
}

/** `POST /after-sales`: the buyer applies for chosen lines and quantities of a shipped order. */
export class ApplyAfterSalesRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() orderId: string;
  @ApiProperty({ enum: AFTER_SALES_REQUEST_TYPES }) @IsIn(AFTER_SALES_REQUEST_TYPES) type: AfterSalesRequestType;
  @ApiProperty({ type: [AfterSalesLineRequest] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => AfterSalesLineRequest)
  lines: AfterSalesLineRequest[];
  @ApiProperty({ enum: AFTER_SALES_REASONS }) @IsIn(AFTER_SALES_REASONS) reason: string;
  @ApiPropertyOptional({ example: 'The lid does not close.' }) @IsOptional() @IsString() @Length(0, 500) description?: string;
  /** References of uploaded images (the upload itself is outside this service). */
  @ApiPropertyOptional({ type: [String], example: ['img://evidence/lid-1.jpg'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(9)
  @IsString({ each: true })
  @Length(1, 300, { each: true })
  evidence?: string[];
}

export class RejectAfterSalesRequest {
  @ApiProperty({ example: 'The item shows signs of use beyond inspection.' }) @IsString() @Length(1, 500) reason: string;
}

/** Either the buyer's carrier + waybill, or `pickup: true` to book a platform-carrier pickup. */
export class ReturnShipmentRequest {
  @ApiPropertyOptional({ example: 'SF' }) @IsOptional() @Matches(/^[A-Z0-9_]{2,32}$/, { message: 'carrier must be a carrier code such as SF or JD_LOGISTICS' }) carrier?: string;
  @ApiPropertyOptional({ example: 'SF1234567890' }) @IsOptional() @Matches(/^[A-Za-z0-9-]{4,64}$/, { message: 'waybillNo must be 4-64 letters, digits or dashes' }) waybillNo?: string;
  @ApiPropertyOptional({ description: 'book a platform-carrier pickup instead of entering a waybill' }) @IsOptional() @IsBoolean() pickup?: boolean;
}

export class ConfirmReturnReceiptRequest {
  @ApiPropertyOptional({ enum: ['OK', 'PROBLEM'], default: 'OK', description: 'PROBLEM: the returned goods have a problem; no refund follows' })
  @IsOptional()
  @IsIn(['OK', 'PROBLEM'])
  condition?: 'OK' | 'PROBLEM';
  @ApiPropertyOptional({ example: 'Seal broken, item missing its charger' }) @IsOptional() @IsString() @Length(0, 500) note?: string;
}

export class AfterSalesListQuery {
  @ApiPropertyOptional({ enum: AFTER_SALES_STATUS_NAMES }) @IsOptional() @IsIn(AFTER_SALES_STATUS_NAMES) status?: string;
  @ApiPropertyOptional({ enum: AFTER_SALES_REQUEST_TYPES }) @IsOptional() @IsIn(AFTER_SALES_REQUEST_TYPES) type?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() orderId?: string;
  @ApiPropertyOptional({ default: 20, maximum: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,200}$/) cursor?: string;
}

export class RefundableQuery {
  @ApiProperty({ format: 'uuid' }) @IsUUID() orderId: string;
}

/** An operator takes a FAILED credit refund settlement out of the automatic path (issue 13 item 4). */
export class EscalateRefundSettlementRequest {
  @ApiProperty({ example: 'Loan already fully refunded by a manual adjustment; finance to reconcile.' }) @IsString() @Length(1, 500) note: string;
}
