import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { AFTER_SALES_REQUEST_TYPES, AfterSalesRequestType, ApiCode, ApiFen, ApiFlag, ApiInteger, ApiText, ApiTexts, ApiTimestamp, ApiUuid, ApiView, REPLACEMENT_RECEIPTS, TRACKING_STATUSES } from '@orderline/shared/contracts';
import { PAYMENT_METHODS, PaymentMethod } from '@orderline/shared/platform-rules';

/** Reason codes a buyer picks (the sources' list, shortened). */
export const AFTER_SALES_REASONS = ['DEFECTIVE', 'NOT_AS_DESCRIBED', 'WRONG_ITEM', 'DAMAGED_IN_TRANSIT', 'NOT_RECEIVED', 'NO_LONGER_WANTED', 'SIZE_OR_FIT', 'OTHER'] as const;

export const AFTER_SALES_STATUS_NAMES = ['REQUESTED', 'APPROVED', 'REJECTED', 'RETURN_IN_TRANSIT', 'RECEIVED', 'RETURN_DISPUTED', 'REFUND_PENDING', 'REFUNDED', 'REPLACEMENT_REQUESTED', 'REPLACEMENT_SHIPPED', 'EXCHANGED'] as const;

export class AfterSalesLineRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() lineId: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 9_999, example: 1 }) @IsInt() @Min(1) @Max(9_999) quantity: number;
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
  @ApiProperty({ enum: AFTER_SALES_REASONS }) @IsIn(AFTER_SALES_REASONS) reason: (typeof AFTER_SALES_REASONS)[number];
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
  @ApiPropertyOptional({ enum: AFTER_SALES_STATUS_NAMES }) @IsOptional() @IsIn(AFTER_SALES_STATUS_NAMES) status?: (typeof AFTER_SALES_STATUS_NAMES)[number];
  @ApiPropertyOptional({ enum: AFTER_SALES_REQUEST_TYPES }) @IsOptional() @IsIn(AFTER_SALES_REQUEST_TYPES) type?: (typeof AFTER_SALES_REQUEST_TYPES)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() orderId?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 20, maximum: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,200}$/) cursor?: string;
}

export class RefundableQuery {
  @ApiProperty({ format: 'uuid' }) @IsUUID() orderId: string;
}

/** An operator takes a FAILED credit refund settlement out of the automatic path (issue 13 item 4). */
export class EscalateRefundSettlementRequest {
  @ApiProperty({ example: 'Loan already fully refunded by a manual adjustment; finance to reconcile.' }) @IsString() @Length(1, 500) note: string;
}

// ---- What the after-sales service answers: the TypeScript its queries return and the OpenAPI schemas (docs/api.md).

/** A refund's settlement state, worst first: a failed or escalated settlement shows over a pending one (issue 13 item 4). */
export const REFUND_SETTLEMENT_STATUSES = ['ESCALATED', 'FAILED', 'PENDING', 'SETTLED'] as const;
export const AFTER_SALES_COMMANDS = ['APPLY', 'APPROVE', 'REJECT', 'SHIP_RETURN', 'CONFIRM_RECEIPT', 'REPORT_PROBLEM', 'GRANT_REFUND', 'REQUEST_REPLACEMENT', 'SHIP_REPLACEMENT', 'RECEIVE_REPLACEMENT', 'COMPLETE_REFUND'] as const;
/** The order as after-sales knows it from the order events. */
export const AFTER_SALES_ORDER_STATUSES = ['PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'COMPLETED', 'CANCELLED'] as const;

export class AfterSalesLineView {
  @ApiUuid() lineId: string;
  @ApiInteger({ minimum: 1 }) quantity: number;
}

export class AfterSalesReviewView {
  @ApiCode(['APPROVED', 'REJECTED']) decision: 'APPROVED' | 'REJECTED';
  @ApiCode(['MERCHANT', 'SYSTEM']) by: 'MERCHANT' | 'SYSTEM';
  @ApiText({ optional: true }) reason?: string;
  @ApiTimestamp() at: string;
}

export class ReturnShipmentView {
  @ApiText() carrier: string;
  @ApiText() waybillNo: string;
  @ApiFlag() pickup: boolean;
  @ApiTimestamp() at: string;
}

/** One carrier event of the return parcel, as logistics reported it (ReturnParcelTracked). */
export class ReturnTrackingEventView {
  @ApiCode(TRACKING_STATUSES) status: (typeof TRACKING_STATUSES)[number];
  @ApiTimestamp() occurredAt: string;
  @ApiText({ optional: true }) location?: string;
}

/** An exchange's replacement parcel, as logistics reported it (ReplacementShipped, ReplacementReceived). */
export class ReplacementShipmentView {
  @ApiUuid() shipmentId: string;
  @ApiText() carrier: string;
  @ApiText() waybillNo: string;
  @ApiTimestamp() shippedAt: string;
  @ApiCode(REPLACEMENT_RECEIPTS, { nullable: true }) receivedBy: (typeof REPLACEMENT_RECEIPTS)[number] | null;
  @ApiTimestamp({ nullable: true }) receivedAt: string | null;
}

export class ReturnReceiptView {
  @ApiCode(['OK', 'PROBLEM']) condition: 'OK' | 'PROBLEM';
  @ApiText({ optional: true }) note?: string;
  @ApiTimestamp() at: string;
}

export class RefundLineView {
  @ApiUuid() lineId: string;
  @ApiInteger({ minimum: 1 }) quantity: number;
  @ApiFen() amount: number;
}

export class RefundSettlementView {
  @ApiCode(PAYMENT_METHODS) method: PaymentMethod;
  @ApiFen() amount: number;
  /** PENDING, SETTLED, FAILED (credit-billing refused the offset: see failureReason) or ESCALATED (an operator took it over). */
  @ApiCode(REFUND_SETTLEMENT_STATUSES) status: (typeof REFUND_SETTLEMENT_STATUSES)[number];
  @ApiText() idempotencyKey: string;
  @ApiText({ nullable: true }) provider: string | null;
  @ApiText({ nullable: true }) reference: string | null;
  @ApiInteger({ minimum: 0 }) attempts: number;
  @ApiTimestamp({ nullable: true }) settledAt: string | null;
  @ApiText({ nullable: true }) failureReason: string | null;
  @ApiText({ nullable: true }) lastError: string | null;
  @ApiTimestamp({ nullable: true }) failedAt: string | null;
  @ApiTimestamp({ nullable: true }) escalatedAt: string | null;
  @ApiText({ nullable: true }) escalationNote: string | null;
}

export class RefundView {
  @ApiUuid() id: string;
  @ApiFen() amount: number;
  @ApiText() status: string;
  @ApiText() reason: string;
  @ApiView([RefundLineView]) lines: RefundLineView[];
  @ApiTimestamp() grantedAt: string;
  @ApiTimestamp({ nullable: true }) completedAt: string | null;
  /** SETTLED, PENDING, or FAILED / ESCALATED when a settlement failed (issue 13 item 4). */
  @ApiCode(REFUND_SETTLEMENT_STATUSES) settlementStatus: (typeof REFUND_SETTLEMENT_STATUSES)[number];
  @ApiView([RefundSettlementView]) settlements: RefundSettlementView[];
}

export class AfterSalesStatusChangeView {
  @ApiCode(AFTER_SALES_STATUS_NAMES, { nullable: true }) from: (typeof AFTER_SALES_STATUS_NAMES)[number] | null;
  @ApiCode(AFTER_SALES_STATUS_NAMES) to: (typeof AFTER_SALES_STATUS_NAMES)[number];
  @ApiCode(AFTER_SALES_COMMANDS) command: (typeof AFTER_SALES_COMMANDS)[number];
  @ApiText() actor: string;
  @ApiTimestamp() at: string;
  @ApiText({ optional: true }) note?: string;
}

export class AfterSalesRequestView {
  @ApiUuid() id: string;
  @ApiUuid() orderId: string;
  @ApiUuid() merchantId: string;
  @ApiUuid() buyerId: string;
  @ApiCode(AFTER_SALES_REQUEST_TYPES) type: (typeof AFTER_SALES_REQUEST_TYPES)[number];
  @ApiCode(AFTER_SALES_STATUS_NAMES) status: (typeof AFTER_SALES_STATUS_NAMES)[number];
  @ApiText() reason: string;
  @ApiText({ nullable: true }) description: string | null;
  @ApiTexts() evidence: string[];
  @ApiView([AfterSalesLineView]) lines: AfterSalesLineView[];
  @ApiTimestamp() reviewDeadline: string;
  @ApiView(AfterSalesReviewView, { nullable: true }) review: AfterSalesReviewView | null;
  @ApiView(ReturnShipmentView, { nullable: true }) returnShipment: ReturnShipmentView | null;
  /** The return parcel's carrier events in time order (empty until the carrier reports one). */
  @ApiView([ReturnTrackingEventView]) returnTracking: ReturnTrackingEventView[];
  @ApiView(ReturnReceiptView, { nullable: true }) receipt: ReturnReceiptView | null;
  /** An exchange's replacement once logistics shipped it. */
  @ApiView(ReplacementShipmentView, { nullable: true }) replacement: ReplacementShipmentView | null;
  @ApiView(RefundView, { nullable: true }) refund: RefundView | null;
  @ApiView([AfterSalesStatusChangeView]) history: AfterSalesStatusChangeView[];
  @ApiTimestamp() createdAt: string;
  @ApiTimestamp() updatedAt: string;
}

export class AfterSalesPageView {
  @ApiView([AfterSalesRequestView]) items: AfterSalesRequestView[];
  @ApiText({ nullable: true }) nextCursor: string | null;
}

export class RefundableLineView {
  @ApiUuid() lineId: string;
  @ApiText({ nullable: true }) skuId: string | null;
  @ApiText({ nullable: true }) title: string | null;
  @ApiInteger({ minimum: 0 }) quantity: number;
  @ApiFen() paid: number;
  @ApiFen() gross: number;
  @ApiFen() freightShare: number;
  @ApiFen() discountShare: number;
  @ApiInteger({ minimum: 0 }) refundedQuantity: number;
  @ApiInteger({ minimum: 0 }) returnableQuantity: number;
}

export class RefundableView {
  @ApiUuid() orderId: string;
  @ApiCode(AFTER_SALES_ORDER_STATUSES) status: (typeof AFTER_SALES_ORDER_STATUSES)[number];
  @ApiFlag() delivered: boolean;
  @ApiCode(PAYMENT_METHODS) paymentMethod: PaymentMethod;
  @ApiFen({ nullable: true }) paid: number | null;
  @ApiFen() refunded: number;
  @ApiView([RefundableLineView]) lines: RefundableLineView[];
}
