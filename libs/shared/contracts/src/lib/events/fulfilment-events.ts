import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';
import { IsFen } from './validators';

export class ShippedLine {
  @IsUUID() lineId: string;
  @IsInt() @Min(1) quantity: number;
  /** What the buyer pays for these units (fen). */
  @IsFen() amount: number;
}

export class OrderShippedPayload {
  @IsUUID() orderId: string;
  @IsUUID() buyerId: string;
  @IsString() shipmentId: string;
  /** The payable amount of what left the warehouse; credit captures it, releases the rest (domain.md §4.2). */
  @IsFen() shippedAmount: number;
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => ShippedLine) lines?: ShippedLine[];
  /** Freight included in `shippedAmount` (the order's freight when the whole order shipped, else 0). */
  @IsOptional() @IsFen() freight?: number;
}

/** Orders topic, keyed by order id. */
export const OrderShipped = defineEvent({
  type: 'OrderShipped',
  version: 1,
  topic: Topics.orders,
  payload: OrderShippedPayload,
  description: 'The order (or part of it) left the warehouse. A credit order\'s hold becomes a loan for the shipped amount.',
  keyOf: (p) => p.orderId,
});

export class RefundedLine {
  @IsUUID() lineId: string;
  @IsInt() @Min(1) quantity: number;
  @IsFen() amount: number;
}

export class RefundSettlementFact {
  @IsString() method: 'ONLINE' | 'COD' | 'CREDIT';
  @IsFen() amount: number;
  @IsString() idempotencyKey: string;
  /** ONLINE: the payment provider's refund reference; COD: the recorded payout; CREDIT: the loan offset. */
  @IsOptional() @IsString() reference?: string;
}

export class RefundCompletedPayload {
  /** Unique per refund; credit-billing applies a refund id once (domain.md §4.5 rule 7). */
  @IsString() refundId: string;
  @IsUUID() orderId: string;
  @IsUUID() buyerId: string;
  @IsString() paymentMethod: 'ONLINE' | 'COD' | 'CREDIT';
  @IsFen() amount: number;
  @IsOptional() @IsString() afterSalesId?: string;
  /** CREDIT: the loan the refund offsets, when after-sales has seen it booked (credit-billing finds it by order id anyway). */
  @IsOptional() @IsUUID() loanId?: string;
  @IsOptional() @IsUUID() merchantId?: string;
  /** All refunds of the order so far, this one included (what the order shows as refunded). */
  @IsOptional() @IsFen() orderRefundedTotal?: number;
  /** What was paid for the order's shipped goods: the ceiling of orderRefundedTotal. */
  @IsOptional() @IsFen() orderPaid?: number;
  /** How the money moved, one settlement per payment method with its own idempotency key. */
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => RefundSettlementFact) settlements?: RefundSettlementFact[];
  @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => RefundedLine) lines: RefundedLine[];
}

/**
 * What credit-billing needs of a granted refund to offset it: the `RefundCompleted` fields its
 * handler reads. After-sales also answers these for a buyer's refunds whose offset it has not
 * heard back about yet (read-your-writes, docs/refund-loop-and-catch-up.md).
 */
export type GrantedRefund = Pick<RefundCompletedPayload, 'refundId' | 'orderId' | 'buyerId' | 'paymentMethod' | 'amount'>;

/** After-sales topic, keyed by order id. */
export const RefundCompleted = defineEvent({
  type: 'RefundCompleted',
  version: 1,
  topic: Topics.afterSales,
  payload: RefundCompletedPayload,
  description: 'A refund was granted and settled. For a CREDIT order credit-billing offsets the loan principal (domain.md §4.5).',
  keyOf: (p) => p.orderId,
});
