import { ApiCode, ApiObjects, ApiCodes, ApiFen, ApiFlag, ApiInteger, ApiMap, ApiText, ApiTexts, ApiTimestamp, ApiUuid, ApiView, AFTER_SALES_REQUEST_TYPES } from '@orderline/shared/contracts';
import { CompensationView, LocSignupView } from './compensation';
import { CREDIT_PLANS, NEGOTIATED_CANCELLATION_REASON_CODES, NEGOTIATED_CANCELLATION_STATUSES, ORDER_STATUSES, PAUSE_REASONS, PAUSE_RELEASE_TRIGGERS, PAYMENT_METHODS, SHIPPING_DEADLINE_STATES, CreditPlanType, NegotiatedCancellationReason, NegotiatedCancellationStatus, OrderStatus, PauseReason, PauseReleaseTrigger, PaymentMethod, ShippingDeadlineState } from '@orderline/shared/platform-rules';

/**
 * What the order service answers (and the gateway passes on): the classes are the TypeScript
 * the services return and, through their decorators, the OpenAPI schemas (docs/api.md).
 */

export const ORDER_KINDS = ['CROSS_BORDER', 'CUSTOMS_AUCTION', 'RESERVATION', 'PRESALE', 'GROUP_BUY', 'SUBSCRIPTION', 'LOCAL_SERVICE_VOUCHER', 'GIFT_SHIPPED_LATER', 'SIM_CARD', 'TOP_UP_GIFT', 'CUSTOMISED', 'LOCAL_SERVICE_SIGNUP'] as const;

/** The buyer's own reasons to cancel (domain.md §1.3). */
export const BUYER_CANCEL_REASONS = ['NO_LONGER_WANTED', 'ORDERED_BY_MISTAKE', 'WRONG_ADDRESS', 'FOUND_CHEAPER', 'DELIVERY_TOO_SLOW', 'OTHER'] as const;

/** Every reason an order is cancelled for: the buyer's, the platform's, and the negotiated ones (domain.md §1.3, §1.4). */
export const ORDER_CANCELLATION_REASONS = [
  ...BUYER_CANCEL_REASONS,
  'CREDIT_DECLINED',
  'PAYMENT_TIMEOUT',
  ...NEGOTIATED_CANCELLATION_REASON_CODES.map((reason) => `NEGOTIATED_${reason}` as const),
] as const;
export type OrderCancellationReason = (typeof ORDER_CANCELLATION_REASONS)[number];

export type BuyerCancelReason = (typeof BUYER_CANCEL_REASONS)[number];

export const ORDER_CANCELLED_BY = ['BUYER', 'MERCHANT', 'SYSTEM', 'UNKNOWN'] as const;
export type OrderCancelledBy = (typeof ORDER_CANCELLED_BY)[number];

/** Who fulfils the order: the platform carrier or a third-party one the merchant books. */
export const FULFILMENT_KINDS = ['JD_LOGISTICS', 'THIRD_PARTY'] as const;

export class AddressView {
  @ApiText() province: string;
  @ApiText() city: string;
  @ApiText() county: string;
  @ApiText({ optional: true }) town?: string;
  @ApiText() detail: string;
}

export class ConsigneeView {
  @ApiText({ description: 'masked (李*) for merchants unless revealed' }) name: string;
  @ApiText({ description: 'masked (138****0000) for merchants unless revealed' }) phone: string;
  @ApiView(AddressView) address: AddressView;
}

export class OrderLineView {
  @ApiUuid() id: string;
  @ApiText() skuId: string;
  @ApiText() title: string;
  @ApiFen() unitPrice: number;
  @ApiInteger({ minimum: 1 }) quantity: number;
  @ApiFen() lineTotal: number;
  /** The line's share of the order-level discount (fen). */
  @ApiFen({ description: "the line's share of the order-level discount (fen)" }) discount: number;
}

export class OrderStatusChangeView {
  @ApiCode(ORDER_STATUSES, { nullable: true }) from: OrderStatus | null;
  @ApiCode(ORDER_STATUSES) to: OrderStatus;
  @ApiText({ nullable: true, description: 'why (PLACED, a cancellation or pause reason, …)' }) reason: string | null;
  @ApiText({ description: '`buyer:<id>`, `merchant:<account>`, `operator:<account>` or `system`' }) actor: string;
  @ApiTimestamp() at: string;
}

export class OrderCreditTermsView {
  @ApiCode(CREDIT_PLANS) plan: CreditPlanType;
  @ApiInteger({ nullable: true, minimum: 1 }) periods: number | null;
  @ApiUuid({ nullable: true }) holdId: string | null;
}

export class OrderCancellationView {
  @ApiCode(ORDER_CANCELLATION_REASONS) reason: OrderCancellationReason;
  @ApiCode(ORDER_CANCELLED_BY) by: OrderCancelledBy;
}

export class OrderPauseView {
  @ApiCode(PAUSE_REASONS) reason: PauseReason;
  @ApiTimestamp() pausedAt: string;
  @ApiTimestamp({ optional: true }) releaseAt?: string;
}

export class OrderRemarkView {
  @ApiText() text: string;
  @ApiTimestamp() at: string;
}

export class ServiceFeeLineView {
  @ApiText() skuId: string;
  @ApiText() title: string;
  @ApiFen() unitPrice: number;
  @ApiInteger({ minimum: 1 }) quantity: number;
}

export class OrderServiceFeeView {
  @ApiText() feeType: string;
  @ApiFen() amount: number;
  @ApiTexts() skuIds: string[];
  @ApiView([ServiceFeeLineView]) appliesTo: ServiceFeeLineView[];
}

export class OrderAfterSalesLinkView {
  @ApiUuid() id: string;
  @ApiCode(AFTER_SALES_REQUEST_TYPES) type: (typeof AFTER_SALES_REQUEST_TYPES)[number];
  @ApiText({ description: 'the after-sales status when last heard of' }) status: string;
  @ApiObjects() lines: unknown;
  @ApiTimestamp() requestedAt: string;
  @ApiText({ description: 'the route the reader may call for the request' }) link: string;
}

export class OrderRefundView {
  // As RefundCompleted carries them: strings (after-sales gives UUIDs, other refunders need not).
  @ApiText() refundId: string;
  @ApiText({ nullable: true }) afterSalesId: string | null;
  @ApiFen() amount: number;
  @ApiObjects() lines: unknown;
  @ApiTimestamp() refundedAt: string;
  @ApiText({ nullable: true }) link: string | null;
}

export class CodReconciliationView {
  @ApiFen() collectedAmount: number;
  @ApiText() settlementReference: string;
  @ApiTimestamp() reconciledAt: string;
}

export class VoucherView {
  @ApiText({ optional: true, description: 'the buyer only' }) verificationCode?: string;
  @ApiTimestamp({ nullable: true }) redeemedAt: string | null;
}

export class ReleaseEvidenceView {
  @ApiText() kind: string;
  @ApiText() reference: string;
}

export class ReleaseCertificateView {
  @ApiText() number: string;
  @ApiText() imageReference: string;
}

export class RealNameCheckView {
  @ApiText() reference: string;
}

export class PauseReleaseView {
  @ApiCode(PAUSE_REASONS) reason: PauseReason;
  @ApiCode(PAUSE_RELEASE_TRIGGERS) trigger: PauseReleaseTrigger;
  /** `merchant:<account>`, `operator:<account>` or `system`. */
  @ApiText({ description: '`merchant:<account>`, `operator:<account>` or `system`' }) by: string;
  @ApiTimestamp() at: string;
  @ApiView(ReleaseEvidenceView, { optional: true }) evidence?: ReleaseEvidenceView;
  @ApiView(ReleaseCertificateView, { optional: true }) certificate?: ReleaseCertificateView;
  @ApiText({ optional: true }) batchNumber?: string;
  @ApiView(RealNameCheckView, { optional: true }) realNameCheck?: RealNameCheckView;
}

export class OrderCancellationRequestLinkView {
  @ApiUuid() id: string;
  @ApiCode(NEGOTIATED_CANCELLATION_STATUSES) status: NegotiatedCancellationStatus;
  @ApiCode(NEGOTIATED_CANCELLATION_REASON_CODES) reason: NegotiatedCancellationReason;
  @ApiTimestamp() objectionDeadline: string;
  @ApiText() link: string;
}

export class OrderView {
  @ApiUuid() id: string;
  @ApiUuid() merchantId: string;
  @ApiUuid() buyerId: string;
  @ApiCode(ORDER_STATUSES) status: OrderStatus;
  @ApiCode(PAYMENT_METHODS) paymentMethod: PaymentMethod;
  @ApiView(OrderCreditTermsView, { nullable: true }) credit: OrderCreditTermsView | null;
  @ApiFen() goodsTotal: number;
  @ApiFen() freight: number;
  @ApiFen() payable: number;
  /** The coupon's discount (domain.md §1.1a), already taken off `payable`. */
  @ApiFen({ description: "the coupon's discount (fen), already taken off payable" }) discountTotal: number;
  @ApiText({ nullable: true }) couponCode: string | null;
  @ApiView(OrderCancellationView, { nullable: true }) cancellation: OrderCancellationView | null;
  @ApiView(OrderPauseView, { nullable: true }) pause: OrderPauseView | null;
  @ApiCode(FULFILMENT_KINDS, { nullable: true }) fulfilment: (typeof FULFILMENT_KINDS)[number] | null;
  /** Merchant remarks (empty for the buyer). */
  @ApiView([OrderRemarkView], { description: 'merchant remarks (empty for the buyer)' }) remarks: OrderRemarkView[];
  @ApiText({ nullable: true }) buyerNote: string | null;
  /** Special kinds of domain.md §1.1 (CROSS_BORDER, SUBSCRIPTION, LOCAL_SERVICE_VOUCHER, …). */
  @ApiCodes(ORDER_KINDS) kinds: (typeof ORDER_KINDS)[number][];
  @ApiView([OrderServiceFeeView]) serviceFees: OrderServiceFeeView[];
  /** The promised shipping deadline (domain.md §1.8), once the order could ship. */
  @ApiTimestamp({ nullable: true }) promisedShipBy: string | null;
  /** After-sales requests of the order with their latest state (domain.md §1.10 link). */
  @ApiView([OrderAfterSalesLinkView]) afterSales: OrderAfterSalesLinkView[];
  @ApiFen() refundedAmount: number;
  @ApiView([OrderRefundView]) refunds: OrderRefundView[];
  @ApiView(CodReconciliationView, { nullable: true }) codReconciliation: CodReconciliationView | null;
  /** Compensation to the buyer (赔付, docs/compensation.md): advance, merchant direct and late shipping, oldest first. */
  @ApiView([CompensationView]) compensations: CompensationView[];
  @ApiFen({ description: 'all compensation of the order (fen), never more than it paid' }) compensatedAmount: number;
  @ApiView(VoucherView, { nullable: true }) voucher: VoucherView | null;
  /** The sign-up form of a local-service sign-up order (LOC), personal data masked for the merchant. */
  @ApiView(LocSignupView, { nullable: true }) signup: LocSignupView | null;
  @ApiMap('any', { nullable: true, description: 'PARENT {periods, intervalDays, childOrderIds} or CHILD {parentOrderId, period, productionDate}' }) subscription: Record<string, unknown> | null;
  @ApiUuid({ nullable: true }) giftForOrderId: string | null;
  /** Releases of past pauses with the data their owner attached (certificate, batch number, …). */
  @ApiView([PauseReleaseView]) pauseReleases: PauseReleaseView[];
  /** The carrier the order actually shipped with (from logistics' ShipmentDispatched), once shipped. */
  @ApiText({ nullable: true }) shipmentCarrier: string | null;
  /** Negotiated cancellation requests of the order (domain.md §1.4), each with a link for the reader. */
  @ApiView([OrderCancellationRequestLinkView]) cancellationRequests: OrderCancellationRequestLinkView[];
  @ApiView(ConsigneeView) consignee: ConsigneeView;
  @ApiView([OrderLineView]) lines: OrderLineView[];
  @ApiView([OrderStatusChangeView]) history: OrderStatusChangeView[];
  @ApiTimestamp() createdAt: string;
  @ApiTimestamp() updatedAt: string;
}

/** A merchant's view of one order: the consignee masked unless revealed (domain.md §6.1). */
export class MerchantOrderView extends OrderView {
  @ApiFlag({ description: 'true when the consignee is shown in clear (the reveal is logged)' }) consigneeRevealed: boolean;
}

export class LineSnapshotView {
  @ApiUuid() orderId: string;
  @ApiUuid() lineId: string;
  @ApiText() skuId: string;
  @ApiText() title: string;
  @ApiFen() unitPrice: number;
  @ApiInteger({ minimum: 1 }) quantity: number;
  @ApiFen() lineTotal: number;
  @ApiFen() discount: number;
  @ApiMap('string') attributes: Record<string, string>;
  @ApiTimestamp() capturedAt: string;
}

export class RiskFlagView {
  @ApiUuid() orderId: string;
  @ApiFlag() riskFlag: boolean;
  @ApiText({ nullable: true }) riskReason: string | null;
}

export const BATCH_RESULTS = ['ADDED', 'NOT_FOUND'] as const;

export class OrderBatchResultView {
  @ApiUuid() orderId: string;
  @ApiCode(BATCH_RESULTS) result: (typeof BATCH_RESULTS)[number];
}

export const LATE_SHIPPING_RESULTS = ['REPORTED', 'REFUSED', 'NOT_FOUND'] as const;

export class LateShippingReportResultView {
  @ApiUuid() orderId: string;
  @ApiCode(LATE_SHIPPING_RESULTS) result: (typeof LATE_SHIPPING_RESULTS)[number];
  @ApiText({ optional: true, description: 'the refusal code' }) code?: string;
  @ApiText({ optional: true }) reason?: string;
}

export class GroupFormedView {
  @ApiText() groupId: string;
  @ApiInteger({ minimum: 0, description: 'orders of the group' }) orders: number;
  @ApiInteger({ minimum: 0, description: 'paused orders released' }) released: number;
}

export class LogisticsDisruptionLiftedView {
  @ApiText() reason: string;
  @ApiText({ nullable: true }) province: string | null;
  @ApiInteger({ minimum: 0 }) released: number;
}

export class StockArrivalView {
  @ApiUuid() merchantId: string;
  @ApiInteger({ minimum: 0 }) released: number;
}

export class CancellationRequestView {
  @ApiUuid() id: string;
  @ApiUuid() orderId: string;
  /** This request and its order, as routes the reader may call. */
  @ApiText({ description: 'this request as a route the reader may call' }) link: string;
  @ApiText() orderLink: string;
  @ApiCode(NEGOTIATED_CANCELLATION_STATUSES) status: NegotiatedCancellationStatus;
  @ApiCode(NEGOTIATED_CANCELLATION_REASON_CODES) reason: NegotiatedCancellationReason;
  @ApiTimestamp() objectionDeadline: string;
  @ApiTimestamp() submittedAt: string;
  @ApiTimestamp({ nullable: true }) closedAt: string | null;
}

export class CancellationRequestListView {
  @ApiView([CancellationRequestView]) items: CancellationRequestView[];
}

export class MerchantOrderListLineView {
  @ApiText() skuId: string;
  @ApiText() title: string;
  @ApiFen() unitPrice: number;
  @ApiInteger({ minimum: 1 }) quantity: number;
}

export class ShippingDeadlineView {
  @ApiCode(SHIPPING_DEADLINE_STATES) state: ShippingDeadlineState;
  @ApiTimestamp() deadline: string;
}

export class MerchantOrderListItemView {
  @ApiUuid() id: string;
  @ApiCode(ORDER_STATUSES) status: OrderStatus;
  @ApiCode(PAYMENT_METHODS) paymentMethod: PaymentMethod;
  @ApiFen() goodsTotal: number;
  @ApiFen() freight: number;
  @ApiFen() payable: number;
  @ApiUuid() buyerId: string;
  @ApiText({ nullable: true }) buyerNote: string | null;
  @ApiView(OrderPauseView, { nullable: true }) pause: OrderPauseView | null;
  @ApiFlag() riskFlag: boolean;
  @ApiTimestamp({ nullable: true }) lateShippingReportedShipBy: string | null;
  @ApiView(ConsigneeView) consignee: ConsigneeView;
  @ApiView(ShippingDeadlineView, { nullable: true }) shippingDeadline: ShippingDeadlineView | null;
  @ApiCodes(ORDER_KINDS) kinds: (typeof ORDER_KINDS)[number][];
  @ApiFlag({ nullable: true, description: 'cross-border orders: bonded or not' }) bonded: boolean | null;
  @ApiView([MerchantOrderListLineView]) lines: MerchantOrderListLineView[];
  @ApiFen() refundedAmount: number;
  @ApiTexts() afterSalesLinks: string[];
  @ApiView(OrderCancellationView, { nullable: true }) cancellation: OrderCancellationView | null;
  @ApiText({ nullable: true }) cancellationRequestLink: string | null;
  @ApiText({ nullable: true, description: 'orders that can ship together share it (domain.md §1.9)' }) mergeGroup: string | null;
  /** domain.md §1.1/§1.10: the remarks the merchant appended (one or many orders at once), oldest first. */
  @ApiView([OrderRemarkView], { description: "the merchant's remarks, oldest first" }) remarks: OrderRemarkView[];
  @ApiTimestamp() createdAt: string;
}

export class OrderStatusCountsView {
  @ApiInteger({ minimum: 0 }) UNPAID: number;
  @ApiInteger({ minimum: 0 }) WAITING_OUTBOUND: number;
  @ApiInteger({ minimum: 0 }) PAUSED: number;
  @ApiInteger({ minimum: 0 }) SHIPPED: number;
  @ApiInteger({ minimum: 0 }) DELIVERED: number;
  @ApiInteger({ minimum: 0 }) COMPLETED: number;
  @ApiInteger({ minimum: 0 }) CANCELLED: number;
}

export class MerchantOrderListView {
  @ApiView([MerchantOrderListItemView]) items: MerchantOrderListItemView[];
  @ApiView(OrderStatusCountsView) counts: Record<OrderStatus, number>;
  @ApiText({ nullable: true, description: 'pass as `cursor` for the next page' }) nextCursor: string | null;
}

/** One order of the buyer's own list (`GET /orders`): what the list shows, without the consignee. */
export class BuyerOrderListItemView {
  @ApiUuid() id: string;
  @ApiUuid() merchantId: string;
  @ApiCode(ORDER_STATUSES) status: string;
  @ApiCode(PAYMENT_METHODS) paymentMethod: string;
  @ApiView(OrderCreditTermsView, { nullable: true }) credit: OrderCreditTermsView | null;
  @ApiFen() goodsTotal: number;
  @ApiFen() freight: number;
  @ApiFen({ description: "the coupon's discount (fen), already taken off payable" }) discountTotal: number;
  @ApiFen() payable: number;
  @ApiFen() refundedAmount: number;
  @ApiView([MerchantOrderListLineView]) lines: MerchantOrderListLineView[];
  @ApiView(OrderCancellationView, { nullable: true }) cancellation: OrderCancellationView | null;
  @ApiTimestamp() createdAt: string;
}

export class BuyerOrderListView {
  @ApiView([BuyerOrderListItemView]) items: BuyerOrderListItemView[];
  @ApiText({ nullable: true, description: 'pass as `cursor` for the next page' }) nextCursor: string | null;
}

export class SkuServiceFeeView {
  @ApiText() feeType: string;
  @ApiFen() amount: number;
}

export class SkuView {
  @ApiText() skuId: string;
  @ApiUuid() merchantId: string;
  @ApiText() title: string;
  @ApiFen() unitPrice: number;
  @ApiMap('string') attributes: Record<string, string>;
  @ApiFlag() listed: boolean;
  @ApiInteger({ nullable: true, minimum: 0, description: 'null: not tracked' }) stock: number | null;
  @ApiView(SkuServiceFeeView, { nullable: true }) serviceFee: SkuServiceFeeView | null;
  @ApiMap('boolean') kinds: Record<string, boolean>;
  @ApiTimestamp() updatedAt: string;
}

export class SkuPageView {
  @ApiView([SkuView]) items: SkuView[];
  @ApiText({ nullable: true }) nextCursor: string | null;
}

export class FreightRuleView {
  @ApiFen() amount: number;
  @ApiFen({ nullable: true }) freeAbove: number | null;
}

export class CouponView {
  @ApiText() code: string;
  @ApiUuid() merchantId: string;
  @ApiFen() amountOff: number;
  @ApiFen() minimumSpend: number;
  @ApiTimestamp() validFrom: string;
  @ApiTimestamp() validTo: string;
  @ApiInteger({ minimum: 1 }) quantity: number;
  @ApiInteger({ minimum: 0 }) remaining: number;
}
