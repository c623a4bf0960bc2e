import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Min, ValidateNested } from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';

export const AFTER_SALES_REQUEST_TYPES = ['RETURN_AND_REFUND', 'REFUND_ONLY', 'EXCHANGE'] as const;
export type AfterSalesRequestType = (typeof AFTER_SALES_REQUEST_TYPES)[number];

export class AfterSalesLine {
  @IsUUID() lineId: string;
  @IsInt() @Min(1) quantity: number;
}

export class AfterSalesRequestedPayload {
  @IsUUID() afterSalesId: string;
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsUUID() buyerId: string;
  @IsIn(AFTER_SALES_REQUEST_TYPES) type: AfterSalesRequestType;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => AfterSalesLine) lines: AfterSalesLine[];
  /** Reason code chosen by the buyer, e.g. DEFECTIVE, NOT_AS_DESCRIBED, NOT_RECEIVED. */
  @IsString() reason: string;
  /** When the request is approved automatically if the merchant has not answered (platform clock). */
  @IsISO8601() reviewDeadline: string;
}

export class AfterSalesApprovedPayload {
  @IsUUID() afterSalesId: string;
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsUUID() buyerId: string;
  @IsIn(AFTER_SALES_REQUEST_TYPES) type: AfterSalesRequestType;
  /** MERCHANT, or SYSTEM when the review deadline passed without an answer. */
  @IsIn(['MERCHANT', 'SYSTEM']) approvedBy: 'MERCHANT' | 'SYSTEM';
}

export class AfterSalesRejectedPayload {
  @IsUUID() afterSalesId: string;
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsUUID() buyerId: string;
  @IsString() @Length(1, 500) reason: string;
}

export class ReturnShipmentRegisteredPayload {
  @IsUUID() afterSalesId: string;
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsString() @Length(2, 32) carrier: string;
  @IsString() @Length(1, 64) waybillNo: string;
  /** true: a platform-carrier pickup was booked (logistics sends the courier); false: the buyer shipped it. */
  @IsBoolean() pickup: boolean;
}

export class ReturnReceivedPayload {
  @IsUUID() afterSalesId: string;
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsUUID() buyerId: string;
  @IsArray() @ValidateNested({ each: true }) @Type(() => AfterSalesLine) lines: AfterSalesLine[];
  /** OK, or PROBLEM when the merchant reported a problem with the returned goods (no refund follows). */
  @IsIn(['OK', 'PROBLEM']) condition: 'OK' | 'PROBLEM';
  @IsOptional() @IsString() @Length(0, 500) note?: string;
}

export class ReplacementRequestedPayload {
  @IsUUID() afterSalesId: string;
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsUUID() buyerId: string;
  /** The lines and quantities to ship again to the order's consignee. */
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => AfterSalesLine) lines: AfterSalesLine[];
}

/** After-sales topic, keyed by order id (architecture.md). */
export const AfterSalesRequested = defineEvent({
  type: 'AfterSalesRequested',
  version: 1,
  topic: Topics.afterSales,
  payload: AfterSalesRequestedPayload,
  description: 'A buyer applied for a return and refund, a refund only or an exchange of some lines (domain.md §3).',
  keyOf: (p) => p.orderId,
});

export const AfterSalesApproved = defineEvent({
  type: 'AfterSalesApproved',
  version: 1,
  topic: Topics.afterSales,
  payload: AfterSalesApprovedPayload,
  description: 'The merchant approved the request, or its review deadline passed (approved automatically).',
  keyOf: (p) => p.orderId,
});

export const AfterSalesRejected = defineEvent({
  type: 'AfterSalesRejected',
  version: 1,
  topic: Topics.afterSales,
  payload: AfterSalesRejectedPayload,
  description: 'The merchant rejected the request with a reason; its lines may be applied for again.',
  keyOf: (p) => p.orderId,
});

export const ReturnShipmentRegistered = defineEvent({
  type: 'ReturnShipmentRegistered',
  version: 1,
  topic: Topics.afterSales,
  payload: ReturnShipmentRegisteredPayload,
  description: 'The goods of a request travel back to the merchant: waybill entered by the buyer, or a platform pickup booked. Logistics tracks it.',
  keyOf: (p) => p.orderId,
});

export const ReturnReceived = defineEvent({
  type: 'ReturnReceived',
  version: 1,
  topic: Topics.afterSales,
  payload: ReturnReceivedPayload,
  description: 'The merchant confirmed receipt of the returned goods (or reported a problem with them).',
  keyOf: (p) => p.orderId,
});

export const ReplacementRequested = defineEvent({
  type: 'ReplacementRequested',
  version: 1,
  topic: Topics.afterSales,
  payload: ReplacementRequestedPayload,
  description: 'An exchange: the returned goods arrived; logistics ships the same lines again to the order\'s consignee.',
  keyOf: (p) => p.orderId,
});
