import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Min, ValidateNested } from 'class-validator';
import { defineEvent } from '../registry';
import { Topics } from '../topics';
import { IsFen } from './validators';
import { CREDIT_PLANS, CreditPlanType, PAYMENT_METHODS, PaymentMethod } from '@orderline/shared/platform-rules';


export class OrderLineSnapshot {
  @IsUUID() lineId: string;
  @IsString() skuId: string;
  @IsString() title: string;
  @IsFen() unitPrice: number;
  @IsInt() @Min(1) quantity: number;
  @IsFen() lineTotal: number;
  /**
   * The line's share of the order-level discount (coupon, domain.md §1.1a), allocated by
   * largest remainder over line totals (§3); absent in events written before coupons = 0.
   */
  @IsOptional() @IsFen() discount?: number;
}

export class CreditTerms {
  @IsIn(CREDIT_PLANS) plan: CreditPlanType;
  @IsOptional() @IsIn([3, 6, 12, 24]) periods?: number;
}

export class EventAddress {
  @IsString() province: string;
  @IsString() city: string;
  @IsString() county: string;
  @IsOptional() @IsString() town?: string;
  @IsString() detail: string;
}

/**
 * The consignee as entered: what `consigneeSealed` holds once opened (`openPersonalData`).
 * Only services that must keep it open it: logistics (the electronic waybill prints the real
 * phone, domain.md §2.1; merged shipments compare name, phone and address, §1.9) and the
 * export read model (§5).
 */
export class EventConsignee {
  @IsString() name: string;
  @IsString() phone: string;
  @ValidateNested() @Type(() => EventAddress) address: EventAddress;
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
  /** A subscription child order (定期购): its parent, whose payment covers it. */
  @IsOptional() @IsUUID() parentOrderId?: string;
  /** Cross-border order (海囤全球): the §2.4 timers use the cross-border figures. */
  @IsOptional() @IsBoolean() crossBorder?: boolean;
  /** The buyer specified platform delivery (指定京配): only the platform carrier may ship it. */
  @IsOptional() @IsBoolean() specifiedPlatformDelivery?: boolean;
  /** Sum of the lines (fen); optional for events written before it existed. */
  @IsOptional() @IsFen() goodsTotal?: number;
  /** Promotions, coupons and points taken off (fen). */
  @IsOptional() @IsFen() discountTotal?: number;
  /** The consignee (`EventConsignee`) sealed with the personal-data key (`sealPersonalData`); never in clear in an event. */
  @IsOptional() @IsString() consigneeSealed?: string;
  /** Special kinds of domain.md §1.1 as the order service names them (CROSS_BORDER, PRESALE, RESERVATION, GROUP_BUY, SUBSCRIPTION, LOCAL_SERVICE_VOUCHER, GIFT_SHIPPED_LATER, …). */
  @IsOptional() @IsArray() @IsString({ each: true }) kinds?: string[];
  @IsOptional() @IsString() fulfilment?: string;
  @IsOptional() @IsString() buyerNote?: string;
}

export class OrderPaidPayload {
  @IsUUID() orderId: string;
  @IsUUID() buyerId: string;
  @IsIn(PAYMENT_METHODS) paymentMethod: PaymentMethod;
  @IsFen() amount: number;
  /** The credit hold that pays the order when the method is CREDIT. */
  @IsOptional() @IsUUID() creditHoldId?: string;
  /** Set for a subscription child: no new money moved, its share of the parent's payment. */
  @IsOptional() @IsUUID() parentOrderId?: string;
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

export class OrderPausedPayload {
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  /** A pause reason code of domain.md §1.5, e.g. OUT_OF_STOCK. */
  @IsString() reason: string;
  @IsOptional() @IsString() releaseAt?: string;
}

export class OrderResumedPayload {
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsString() pauseReason: string;
  /** What released it, e.g. STOCK_ARRIVED or EARLY_RELEASE_REQUESTED. */
  @IsString() trigger: string;
}

export class ConsigneeChangedPayload {
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  /** Which parts changed. */
  @IsArray() @IsString({ each: true }) changed: string[];
  /** The phone changed: virtual numbers bound to the old one are re-bound (domain.md §6.2). */
  @IsBoolean() phoneChanged: boolean;
  /** The consignee after the change, sealed (`sealPersonalData`), for logistics' waybill and the export read model. */
  @IsOptional() @IsString() consigneeSealed?: string;
}

export const OrderPaused = defineEvent({
  type: 'OrderPaused',
  version: 1,
  topic: Topics.orders,
  payload: OrderPausedPayload,
  description: 'The order waits with a pause reason and is not released for shipping (domain.md §1.5).',
  keyOf: (p) => p.orderId,
});

export const OrderResumed = defineEvent({
  type: 'OrderResumed',
  version: 1,
  topic: Topics.orders,
  payload: OrderResumedPayload,
  description: 'The pause was released; the order waits for outbound again (domain.md §1.5).',
  keyOf: (p) => p.orderId,
});

export const ConsigneeChanged = defineEvent({
  type: 'ConsigneeChanged',
  version: 1,
  topic: Topics.orders,
  payload: ConsigneeChangedPayload,
  description: 'The consignee (name, phone, address) changed within the rules of domain.md §1.6.',
  keyOf: (p) => p.orderId,
});

export class OrderStatusEventPayload {
  @IsUUID() orderId: string;
  @IsUUID() merchantId: string;
  @IsUUID() buyerId: string;
}

export const OrderDelivered = defineEvent({
  type: 'OrderDelivered',
  version: 1,
  topic: Topics.orders,
  payload: OrderStatusEventPayload,
  description: 'The order was delivered (妥投).',
  keyOf: (p) => p.orderId,
});

export const OrderCompleted = defineEvent({
  type: 'OrderCompleted',
  version: 1,
  topic: Topics.orders,
  payload: OrderStatusEventPayload,
  description: 'The order is complete: delivered by the platform carrier, or receipt confirmed (domain.md §2.4).',
  keyOf: (p) => p.orderId,
});

export class DispatchRejectedPayload {
  @IsUUID() orderId: string;
  @IsString() shipmentId: string;
  /** The order's status when the dispatch arrived (PAUSED, CANCELLED, …). */
  @IsString() orderStatus: string;
}

export const DispatchRejected = defineEvent({
  type: 'DispatchRejected',
  version: 1,
  topic: Topics.orders,
  payload: DispatchRejectedPayload,
  description: 'The order did not ship on a ShipmentDispatched: it was no longer waiting for outbound (paused or cancelled first). Logistics voids that shipment for the order.',
  keyOf: (p) => p.orderId,
});
