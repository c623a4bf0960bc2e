import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';
import { IsFen } from './validators';

export const PAYMENT_METHODS = ['ONLINE', 'COD', 'CREDIT'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const CREDIT_PLANS = ['DEFERRED', 'INSTALLMENT'] as const;
export type CreditPlanType = (typeof CREDIT_PLANS)[number];

export class OrderLineSnapshot {
  @IsUUID() lineId: string;
  @IsString() skuId: string;
  @IsString() title: string;
  @IsFen() unitPrice: number;
  @IsInt() @Min(1) quantity: number;
  @IsFen() lineTotal: number;
}

export class CreditTerms {
  @IsIn(CREDIT_PLANS) plan: CreditPlanType;
  @IsOptional() @IsIn([3, 6, 12, 24]) periods?: number;
}

export class OrderPlacedPayload {
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsUUID() buyerId: string;
  @IsIn(PAYMENT_METHODS) paymentMethod: PaymentMethod;
  /** What the buyer owes for the order: goods + freight − discounts. */
  @IsFen() payable: number;
  @IsFen() freight: number;
  @IsOptional() @ValidateNested() @Type(() => CreditTerms) credit?: CreditTerms;
  @IsArray() @ArrayMinSize(1) @ValidateNested({ each: true }) @Type(() => OrderLineSnapshot) lines: OrderLineSnapshot[];
}

export class OrderPaidPayload {
  @IsUUID() orderId: string;
  @IsUUID() buyerId: string;
  @IsIn(PAYMENT_METHODS) paymentMethod: PaymentMethod;
  @IsFen() amount: number;
  /** The credit hold that pays the order when the method is CREDIT. */
  @IsOptional() @IsUUID() creditHoldId?: string;
}

export class OrderCancelledPayload {
  @IsUUID() orderId: string;
  @IsUUID() buyerId: string;
  @IsIn(PAYMENT_METHODS) paymentMethod: PaymentMethod;
  /** Reason code: NO_LONGER_WANTED, ORDERED_BY_MISTAKE, CREDIT_DECLINED, … */
  @IsString() reason: string;
  @IsIn(['BUYER', 'MERCHANT', 'SYSTEM']) cancelledBy: 'BUYER' | 'MERCHANT' | 'SYSTEM';
  /** Status the order left; credit-billing releases a hold only for pre-shipment states. */
  @IsString() previousStatus: string;
}

/** Orders topic, keyed by order id so one order's events are consumed in order. */
export const OrderPlaced = defineEvent({
  type: 'OrderPlaced',
  version: 1,
  topic: Topics.orders,
  payload: OrderPlacedPayload,
  description: 'A buyer placed an order (status UNPAID). Credit-billing places a hold for CREDIT orders.',
  keyOf: (p) => p.orderId,
});

export const OrderPaid = defineEvent({
  type: 'OrderPaid',
  version: 1,
  topic: Topics.orders,
  payload: OrderPaidPayload,
  description: 'The order is paid (online payment, COD acceptance or a granted credit hold) and waits for outbound.',
  keyOf: (p) => p.orderId,
});

export const OrderCancelled = defineEvent({
  type: 'OrderCancelled',
  version: 1,
  topic: Topics.orders,
  payload: OrderCancelledPayload,
  description: 'The order was cancelled before shipment (domain.md §1.3). Any credit hold is released.',
  keyOf: (p) => p.orderId,
});
