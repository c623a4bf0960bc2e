import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { IsFen, MAX_FEN, PHONE_PATTERN } from '@orderline/shared/contracts';
import { CREDIT_PLANS, CreditPlanType, MERCHANT_RELEASE_TRIGGERS, NEGOTIATED_CANCELLATION_REASON_CODES, ORDER_STATUSES, PAUSE_REASONS, PAUSE_RELEASE_TRIGGERS, PAYMENT_METHODS, PaymentMethod } from '@orderline/shared/platform-rules';
import { SKU_ID_PATTERN } from './catalog.request';
import { RealNameCheckRequest, ReleaseCertificateRequest } from './fact-owners.request';
import { BUYER_CANCEL_REASONS, FULFILMENT_KINDS, ORDER_KINDS } from './order.views';
import { LocSignupFormRequest } from './compensation';

/**
 * One line of `POST /orders`: a SKU of the merchant's catalog and a quantity. Title, unit
 * price and snapshot come from the catalog (domain.md §1.1a); a `unitPrice` or `title` sent
 * here is refused as an unknown field (400).
 */
export class OrderItemRequest {
  @ApiProperty({ example: 'sku-kettle-01' }) @Matches(SKU_ID_PATTERN, { message: 'skuId must be 1-64 letters, digits, _ . or -, starting with a letter or digit' }) skuId: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 9_999, example: 1 }) @IsInt() @Min(1) @Max(9_999) quantity: number;
}

export class AddressRequest {
  @ApiProperty({ example: '广东省' }) @IsString() @Length(1, 50) province: string;
  @ApiProperty({ example: '深圳市' }) @IsString() @Length(1, 50) city: string;
  @ApiProperty({ example: '南山区' }) @IsString() @Length(1, 50) county: string;
  @ApiPropertyOptional({ example: '粤海街道' }) @IsOptional() @IsString() @Length(1, 50) town?: string;
  @ApiProperty({ example: '科技园 1 号' }) @IsString() @Length(1, 200) detail: string;
}

export class ConsigneeRequest {
  @ApiProperty({ example: '张三' }) @IsString() @Length(1, 50) name: string;
  @ApiProperty({ pattern: PHONE_PATTERN.source, example: '13812345678' }) @Matches(PHONE_PATTERN, { message: 'phone must be 6-20 digits' }) phone: string;
  @ApiProperty({ type: AddressRequest }) @IsObject() @ValidateNested() @Type(() => AddressRequest) address: AddressRequest;
}

export class CreditTermsRequest {
  @ApiProperty({ enum: CREDIT_PLANS }) @IsIn(CREDIT_PLANS) plan: CreditPlanType;
  @ApiPropertyOptional({ type: 'integer', enum: [3, 6, 12, 24] }) @IsOptional() @IsIn([3, 6, 12, 24]) periods?: number;
}

/** 定期购: the items are per period; the order is paid once and split into one child order per period. */
export class SubscriptionRequest {
  @ApiProperty({ type: 'integer', minimum: 2, maximum: 24, example: 3 }) @IsInt() @Min(2) @Max(24) periods: number;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 90, example: 30, description: 'days between production dates' }) @IsInt() @Min(1) @Max(90) intervalDays: number;
  @ApiProperty({ example: '2026-12-01T00:00:00Z', description: 'production date of the first period' }) @IsISO8601({ strict: true }) firstProductionDate: string;
}

/**
 * The kinds of domain.md §1.1 that are the buyer's own choices. Kinds that are facts of the
 * goods (cross-border, presale, SIM card, voucher, …) come from the SKUs (`SkuKindsRequest`)
 * and are refused here as unknown fields (docs/catalog-and-pricing.md).
 */
export class OrderAttributesRequest {
  /** 预定: the delivery time the buyer reserved; the order pauses until then (§1.5). */
  @ApiPropertyOptional({ example: '2026-12-05T02:00:00Z' }) @IsOptional() @IsISO8601({ strict: true }) reservedDeliveryAt?: string;
  /** 赠品后发: this order holds the gift of another order of the same buyer and merchant; it ships after that one is delivered. */
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() giftForOrderId?: string;
  @ApiPropertyOptional({ type: SubscriptionRequest }) @IsOptional() @IsObject() @ValidateNested() @Type(() => SubscriptionRequest) subscription?: SubscriptionRequest;
  /** 拼团: the group the buyer joined; the order cannot be cancelled or shipped until it forms. */
  @ApiPropertyOptional({ example: 'group-42' }) @IsOptional() @Matches(/^[\w-]{1,64}$/, { message: 'groupBuyId must be 1-64 letters, digits, _ or -' }) groupBuyId?: string;
}

/** `POST /orders` (architecture.md payload sketch). */
export class PlaceOrderRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() merchantId: string;
  @ApiProperty({ type: [OrderItemRequest] })
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => OrderItemRequest)
  items: OrderItemRequest[];
  @ApiProperty({ type: ConsigneeRequest }) @IsObject() @ValidateNested() @Type(() => ConsigneeRequest) consignee: ConsigneeRequest;
  @ApiProperty({ enum: PAYMENT_METHODS }) @IsIn(PAYMENT_METHODS) paymentMethod: PaymentMethod;
  @ApiPropertyOptional({ type: CreditTermsRequest }) @IsOptional() @IsObject() @ValidateNested() @Type(() => CreditTermsRequest) credit?: CreditTermsRequest;
  /** A merchant coupon (domain.md §1.1a), applied as an order-level discount. */
  @ApiPropertyOptional({ example: 'WELCOME10' }) @IsOptional() @Matches(/^[A-Z0-9][A-Z0-9_-]{2,31}$/, { message: 'couponCode must be 3-32 upper-case letters, digits, _ or -' }) couponCode?: string;
  @ApiPropertyOptional({ enum: FULFILMENT_KINDS }) @IsOptional() @IsIn(FULFILMENT_KINDS) fulfilment?: (typeof FULFILMENT_KINDS)[number];
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @Length(0, 500) buyerNote?: string;
  @ApiPropertyOptional({ description: 'the buyer chose platform delivery (指定京配)' }) @IsOptional() @IsBoolean() specifiedPlatformDelivery?: boolean;
  @ApiPropertyOptional({ type: OrderAttributesRequest }) @IsOptional() @IsObject() @ValidateNested() @Type(() => OrderAttributesRequest) attributes?: OrderAttributesRequest;
  /** Required when the SKU is a LOC sign-up (drivingSchoolSignup / activitySignup), refused otherwise. */
  @ApiPropertyOptional({ type: LocSignupFormRequest, description: 'the sign-up form of a LOC sign-up SKU (required for one, refused otherwise)' }) @IsOptional() @IsObject() @ValidateNested() @Type(() => LocSignupFormRequest) signup?: LocSignupFormRequest;
}



/** `POST /orders/{id}/cancel` (domain.md §1.3). */
export class CancelOrderRequest {
  @ApiProperty({ enum: BUYER_CANCEL_REASONS }) @IsIn(BUYER_CANCEL_REASONS) reason: (typeof BUYER_CANCEL_REASONS)[number];
}

/** `POST /merchant/orders/{id}/pause` (domain.md §1.5). */
export class PauseOrderRequest {
  // The document lists the codes; an unknown one passes this shape check and is refused by the order domain (422 with the list).
  @ApiProperty({ enum: PAUSE_REASONS, example: 'OUT_OF_STOCK', description: 'a pause reason code of domain.md §1.5' }) @Matches(/^[A-Z_]{2,60}$/, { message: 'reason must be a pause reason code' }) reason: string;
  @ApiPropertyOptional({ example: '2026-12-01T02:00:00Z', description: 'for timed reasons (reserved time, subscription date, fair date)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  releaseAt?: string;
}

export class ReleaseEvidenceRequest {
  @ApiProperty({ enum: ['BUYER_AGREEMENT'] }) @IsIn(['BUYER_AGREEMENT']) kind: 'BUYER_AGREEMENT';
  @ApiProperty({ example: 'chat-2026-11-23-0042' }) @IsString() @Length(1, 200) reference: string;
}

/** `POST /merchant/orders/{id}/resume`: what released the pause (an event or operation of §1.5). */
export class ResumeOrderRequest {
  @ApiProperty({ enum: PAUSE_RELEASE_TRIGGERS, example: 'CERTIFICATE_UPLOADED', description: `a merchant may assert ${MERCHANT_RELEASE_TRIGGERS.join(', ')}; the others are 403 NOT_THE_FACT_OWNER (docs/who-may-do-what.md)` }) @Matches(/^[A-Z_]{2,60}$/, { message: 'trigger must be a release trigger code' }) trigger: string;
  @ApiPropertyOptional({ type: ReleaseEvidenceRequest }) @IsOptional() @IsObject() @ValidateNested() @Type(() => ReleaseEvidenceRequest) evidence?: ReleaseEvidenceRequest;
  // Merchant-owned releases carry their data (issue 12): stored and shown on the order.
  @ApiPropertyOptional({ type: ReleaseCertificateRequest }) @IsOptional() @IsObject() @ValidateNested() @Type(() => ReleaseCertificateRequest) certificate?: ReleaseCertificateRequest;
  @ApiPropertyOptional({ example: 'LOT-20261101-A' }) @IsOptional() @IsString() @Length(1, 64) batchNumber?: string;
  @ApiPropertyOptional({ type: RealNameCheckRequest }) @IsOptional() @IsObject() @ValidateNested() @Type(() => RealNameCheckRequest) realNameCheck?: RealNameCheckRequest;
}

/** `PATCH /merchant/orders/{id}/consignee` (domain.md §1.6); omitted parts stay. */
export class ChangeConsigneeRequest {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 50) name?: string;
  @ApiPropertyOptional({ pattern: PHONE_PATTERN.source }) @IsOptional() @Matches(PHONE_PATTERN, { message: 'phone must be 6-20 digits' }) phone?: string;
  @ApiPropertyOptional({ type: AddressRequest }) @IsOptional() @IsObject() @ValidateNested() @Type(() => AddressRequest) address?: AddressRequest;
}

/** The list filters by the order statuses (domain.md §1.2). */
export const ORDER_LIST_STATUSES = ORDER_STATUSES;

/** A page of orders, newest first: the status tab and the keyset cursor of both order lists. */
export class OrderPageQuery {
  @ApiPropertyOptional({ enum: ORDER_LIST_STATUSES }) @IsOptional() @IsIn(ORDER_LIST_STATUSES) status?: (typeof ORDER_LIST_STATUSES)[number];
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 }) @IsOptional() @Matches(/^([1-9]|[1-9][0-9]|100)$/, { message: 'limit must be 1-100' }) limit?: string;
  @ApiPropertyOptional({ description: 'from the previous page' }) @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor is not valid' }) cursor?: string;
}

/** `GET /orders`: the signed-in buyer's own orders (the buyer comes from the token, never from the query). */
export class BuyerOrdersQuery extends OrderPageQuery {}

/** `GET /merchant/orders` filters (domain.md §1.10). */
export class MerchantOrdersQuery extends OrderPageQuery {
  @ApiPropertyOptional({ enum: ['ONLINE', 'COD', 'CREDIT'] }) @IsOptional() @IsIn(['ONLINE', 'COD', 'CREDIT']) paymentMethod?: 'ONLINE' | 'COD' | 'CREDIT';
  @ApiPropertyOptional({ description: 'placed at or after (ISO-8601)' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ description: 'placed before (ISO-8601)' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() orderId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() buyerId?: string;
  @ApiPropertyOptional({ example: 'sku-kettle' }) @IsOptional() @IsString() @Length(1, 64) skuId?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'] }) @IsOptional() @IsIn(['true', 'false']) riskFlag?: 'true' | 'false';
  @ApiPropertyOptional({ enum: ORDER_KINDS, description: 'special kind (domain.md §1.1)' }) @IsOptional() @IsIn(ORDER_KINDS) kind?: (typeof ORDER_KINDS)[number];
  @ApiPropertyOptional({ enum: ['true', 'false'] }) @IsOptional() @IsIn(['true', 'false']) hasBuyerNote?: 'true' | 'false';
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'after-sales refunded part of the order' }) @IsOptional() @IsIn(['true', 'false']) hasRefund?: 'true' | 'false';
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'the order has an after-sales request' }) @IsOptional() @IsIn(['true', 'false']) hasAfterSales?: 'true' | 'false';
  @ApiPropertyOptional({ enum: ['true', 'false'] }) @IsOptional() @IsIn(['true', 'false']) lateShippingReported?: 'true' | 'false';
  @ApiPropertyOptional({ enum: ['WARNING', 'TIMED_OUT'], description: 'orders still to ship in their warning window or past their deadline (§1.8)' }) @IsOptional() @IsIn(['WARNING', 'TIMED_OUT']) shippingDeadline?: 'WARNING' | 'TIMED_OUT';
}

export class ServiceFeeChangeRequest {
  @ApiProperty({ example: 'INSTALLATION' }) @Matches(/^[A-Z][A-Z0-9_]{1,39}$/, { message: 'feeType must be an upper-case fee type code' }) feeType: string;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_FEN, description: 'new amount in fen; 0 removes the fee type', example: 3000 }) @IsFen() amount: number;
  @ApiPropertyOptional({ type: [String], description: 'required for a fee type the order does not have yet' }) @IsOptional() @ArrayMinSize(1) @ArrayMaxSize(200) @IsString({ each: true }) @Length(1, 64, { each: true }) skuIds?: string[];
}

/** `PATCH /merchant/orders/{id}/fees` (domain.md §1.7): the freight the buyer will pay (0 = free shipping) and/or service fees. */
export class ChangeFeesRequest {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_FEN, description: 'new freight in fen', example: 0 }) @IsOptional() @IsFen() freight?: number;
  @ApiPropertyOptional({ type: [ServiceFeeChangeRequest] }) @IsOptional() @ArrayMinSize(1) @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ServiceFeeChangeRequest) serviceFees?: ServiceFeeChangeRequest[];
}

/** `POST /merchant/cancellation-requests` (domain.md §1.4): COD orders only. */
export class CancellationRequestRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() orderId: string;
  @ApiProperty({ enum: NEGOTIATED_CANCELLATION_REASON_CODES, example: 'BUYER_UNREACHABLE' })
  @Matches(/^[A-Z_]{2,60}$/, { message: 'reason must be a reason code' })
  reason: string;
  @ApiPropertyOptional({ description: 'when the merchant called the buyer (at least 3 for BUYER_UNREACHABLE)', example: ['2026-11-23T02:00:00Z'] })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsISO8601({ strict: true }, { each: true })
  callAttempts?: string[];
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @Length(0, 500) note?: string;
}

/** `POST /merchant/orders/remarks`: one remark appended to many orders (domain.md §1.1). */
export class OrderRemarksRequest {
  @ApiProperty({ type: [String], format: 'uuid' }) @ArrayMinSize(1) @ArrayMaxSize(200) @IsUUID('all', { each: true }) orderIds: string[];
  @ApiProperty({ example: 'call before delivery' }) @IsString() @Length(1, 500) remark: string;
}

/** `PUT /orders/{id}/risk-flag` (operator): a risk-control flag shown in the merchant list. */
export class RiskFlagRequest {
  @ApiProperty() @IsBoolean() flagged: boolean;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @Length(1, 200) reason?: string;
}

/** `POST /merchant/orders/late-shipping-reports` (domain.md §1.8): reported in advance, per order. */
export class LateShippingReportRequest {
  @ApiProperty({ type: [String], format: 'uuid' }) @ArrayMinSize(1) @ArrayMaxSize(200) @IsUUID('all', { each: true }) orderIds: string[];
  @ApiProperty({ example: '2026-12-03T10:00:00Z' }) @IsISO8601({ strict: true }) newShipBy: string;
  @ApiProperty({ example: 'stock arrives on Thursday' }) @IsString() @Length(1, 200) reason: string;
}

/** `POST /orders/{id}/cod-reconciliation` (finance operator, domain.md §1.2): the cash the courier collected. */
export class CodReconciliationRequest {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_FEN, description: 'fen; must equal the order payable', example: 19900 }) @IsFen() collectedAmount: number;
  @ApiProperty({ example: 'COD-SETTLE-2026-11-23-0007', description: "the courier's settlement batch reference" }) @Matches(/^[\w.:-]{1,64}$/, { message: 'settlementReference must be 1-64 letters, digits or . : _ -' }) settlementReference: string;
}

/** `POST /merchant/orders/{id}/redeem` (domain.md §1.1 LOC): the code the buyer shows in the shop. */
export class RedeemVoucherRequest {
  @ApiProperty({ example: '04711235' }) @Matches(/^\d{8}$/, { message: 'verificationCode must be 8 digits' }) verificationCode: string;
}
