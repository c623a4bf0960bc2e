import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsISO8601, IsOptional, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';
import { IsFen } from './validators';

/**
 * Order facts beyond the headline events of order-events.ts: the generic transition record,
 * shipping-deadline warnings and time-outs, fee changes, COD reconciliation and voucher
 * redemption. All on the orders topic, keyed by order id.
 */

export class OrderStatusChangedPayload {
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  /** The status left (null only for a new order). */
  @IsOptional() @IsString() from: string | null;
  @IsString() to: string;
  /** Why, e.g. PAID_ONLINE, RECEIPT_CONFIRMED, PAUSED: OUT_OF_STOCK. */
  @IsOptional() @IsString() reason: string | null;
  /** Who: `buyer:<id>`, `merchant:<id>`, `operator:<id>` or `system`. */
  @IsString() actor: string;
  @IsISO8601() at: string;
}

/** Every move of the order process, as written to the order's history (domain.md §1.2). */
export const OrderStatusChanged = defineEvent({
  type: 'OrderStatusChanged',
  version: 1,
  topic: Topics.orders,
  payload: OrderStatusChangedPayload,
  description: 'One transition of the order process (who, when, why, from, to); written with the history row (domain.md §1.2).',
  keyOf: (p) => p.orderId,
});

export class ShippingDeadlinePayload {
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  /** The promised shipping deadline the order is judged against (domain.md §1.8). */
  @IsISO8601() promisedShipBy: string;
  /** Set when the merchant reported the delay in advance (延迟发货报备). */
  @IsOptional() @IsISO8601() reportedShipBy?: string;
}

export const ShippingWarningRaised = defineEvent({
  type: 'ShippingWarningRaised',
  version: 1,
  topic: Topics.orders,
  payload: ShippingDeadlinePayload,
  description: 'An order still to ship entered the warning window before its promised deadline (发货预警, domain.md §1.8).',
  keyOf: (p) => p.orderId,
});

export const ShippingTimedOut = defineEvent({
  type: 'ShippingTimedOut',
  version: 1,
  topic: Topics.orders,
  payload: ShippingDeadlinePayload,
  description: 'An order passed its promised shipping deadline without shipping (发货超时, domain.md §1.8).',
  keyOf: (p) => p.orderId,
});

export class ServiceFeeSnapshot {
  @IsString() @Length(1, 40) feeType: string;
  @IsFen() amount: number;
  @IsArray() @ArrayMaxSize(200) @IsString({ each: true }) skuIds: string[];
}

export class OrderFeesChangedPayload {
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsFen() freight: number;
  @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => ServiceFeeSnapshot) serviceFees: ServiceFeeSnapshot[];
  /** The recomputed payable, never below zero (domain.md §1.7). */
  @IsFen() payable: number;
}

export const OrderFeesChanged = defineEvent({
  type: 'OrderFeesChanged',
  version: 1,
  topic: Topics.orders,
  payload: OrderFeesChangedPayload,
  description: 'The merchant changed freight or service fees of an unpaid order (domain.md §1.7).',
  keyOf: (p) => p.orderId,
});

export class CodReconciledPayload {
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  /** What the courier collected, as finance reconciled it. */
  @IsFen() collectedAmount: number;
  @IsString() @Length(1, 64) settlementReference: string;
}

export const CodReconciled = defineEvent({
  type: 'CodReconciled',
  version: 1,
  topic: Topics.orders,
  payload: CodReconciledPayload,
  description: 'Finance reconciled the cash a courier collected for a COD order; the order completes (domain.md §1.2).',
  keyOf: (p) => p.orderId,
});

export class VoucherRedeemedPayload {
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsISO8601() redeemedAt: string;
}

export const VoucherRedeemed = defineEvent({
  type: 'VoucherRedeemed',
  version: 1,
  topic: Topics.orders,
  payload: VoucherRedeemedPayload,
  description: 'A local-service voucher (LOC) order was redeemed in the shop with its verification code; nothing ships (domain.md §1.1).',
  keyOf: (p) => p.orderId,
});
