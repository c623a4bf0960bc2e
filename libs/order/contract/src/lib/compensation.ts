import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ApiCode, ApiDate, ApiFen, ApiText, ApiTimestamp, ApiUuid, MAX_FEN, PHONE_PATTERN } from '@orderline/shared/contracts';
import { COMPENSATION_KINDS, ID_DOCUMENT_TYPES, LOC_SIGNUP_KINDS, CompensationKind, IdDocumentType, LocSignupKind } from '@orderline/shared/platform-rules';

/**
 * Compensation (赔付) and LOC sign-up forms on an order (issue 18, docs/compensation.md).
 */

/** `POST /orders/{id}/advance-compensations` (operator) and `POST /merchant/orders/{id}/direct-compensations` (merchant). */
export class GrantCompensationRequest {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_FEN, description: 'fen, at least 1; all compensation of an order together never exceeds what it paid', example: 2000 })
  @IsInt()
  @Min(1)
  @Max(MAX_FEN)
  amount: number;
  @ApiProperty({ example: 'goods arrived damaged; compensated before the return' }) @IsString() @Length(1, 200) reason: string;
}

/** What the gateway forwards: the public request and the caller's Idempotency-Key, the record's natural key. */
export class ServiceGrantCompensationRequest extends GrantCompensationRequest {
  @IsOptional() @Matches(/^[\x21-\x7e]{1,255}$/) idempotencyKey?: string;
}

export class CompensationView {
  @ApiUuid() id: string;
  @ApiCode(COMPENSATION_KINDS, { description: 'ADVANCE 先行赔付, DIRECT 商家直赔, LATE_SHIPPING 延迟发货赔付' }) kind: CompensationKind;
  @ApiFen() amount: number;
  @ApiText() reason: string;
  @ApiTimestamp() grantedAt: string;
}

/** ISO-8601 calendar date, YYYY-MM-DD. */
export const CLASS_DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * The sign-up form of a local-service sign-up SKU (LOC 驾校报名 / 活动报名): required when the
 * order's SKU is a sign-up, refused otherwise. Name, phone and ID are personal data: sealed in
 * events, masked for the merchant (domain.md §6.1).
 */
export class LocSignupFormRequest {
  @ApiProperty({ example: '王小明' }) @IsString() @Length(1, 50) name: string;
  @ApiProperty({ pattern: PHONE_PATTERN.source, example: '13700001111' }) @Matches(PHONE_PATTERN, { message: 'phone must be 6-20 digits' }) phone: string;
  @ApiProperty({ enum: ID_DOCUMENT_TYPES, example: 'RESIDENT_ID' }) @IsIn(ID_DOCUMENT_TYPES) idType: IdDocumentType;
  @ApiProperty({ example: '110101199003071234', description: '5-30 letters or digits' }) @Matches(/^[A-Za-z0-9]{5,30}$/, { message: 'idNumber must be 5-30 letters or digits' }) idNumber: string;
  @ApiProperty({ format: 'date', example: '2026-12-20', description: 'the class or activity date chosen' }) @Matches(CLASS_DATE_PATTERN, { message: 'classDate must be a date YYYY-MM-DD' }) classDate: string;
}

export class LocSignupView {
  @ApiCode(LOC_SIGNUP_KINDS) kind: LocSignupKind;
  @ApiText() name: string;
  @ApiText() phone: string;
  @ApiCode(ID_DOCUMENT_TYPES) idType: IdDocumentType;
  @ApiText({ description: 'masked for the merchant (first 3 and last 4 kept)' }) idNumber: string;
  @ApiDate() classDate: string;
  @ApiTimestamp() signedUpAt: string;
}
