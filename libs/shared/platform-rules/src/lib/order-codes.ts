/**
 * The order service's code lists that the public API shows (domain.md §1.2–§1.5). They live
 * in the shared rules for the same reason as the fact owners: the order domain builds its
 * rules on them, and the API's response schemas (order contract, gateway) name the same
 * arrays, which may not import the order domain. One array per list, so the document's
 * enums are the values the code checks.
 */

/** Order life cycle states (domain.md §1.2). */
export const ORDER_STATUSES = ['UNPAID', 'WAITING_OUTBOUND', 'PAUSED', 'SHIPPED', 'DELIVERED', 'COMPLETED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Why an order waiting for outbound is paused (domain.md §1.5); the order domain gives each its release rule. */
export const PAUSE_REASONS = [
  'LOGISTICS_TRAFFIC_CONTROL',
  'LOGISTICS_SMART_SCHEDULING',
  'LOGISTICS_EPIDEMIC',
  'LOGISTICS_WEATHER',
  'LOGISTICS_PROMOTION_LOAD',
  'LOGISTICS_ROAD_PROBLEM',
  'BEFORE_RESERVED_DELIVERY_TIME',
  'GIFT_SHIPPED_LATER',
  'OUT_OF_STOCK',
  'OUT_OF_STOCK_IN_TRANSFER',
  'OUT_OF_STOCK_CANNOT_ARRIVE',
  'OUT_OF_STOCK_BACK_ORDER',
  'SCHEDULING',
  'AWAITING_REAL_NAME_CHECK',
  'AWAITING_CERTIFICATE',
  'AWAITING_BATCH_NUMBER',
  'WAITING_FOR_GROUP',
  'SUBSCRIPTION_PERIOD_NOT_DUE',
  'DEALER_ORDERING_FAIR',
] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/** The events or operations that release a pause (domain.md §1.5); names as published/handled by the services. */
export const PAUSE_RELEASE_TRIGGERS = [
  'LOGISTICS_DISRUPTION_LIFTED',
  'RESERVED_TIME_REACHED',
  'EARLY_RELEASE_REQUESTED',
  'MAIN_ITEM_DELIVERED',
  'STOCK_ARRIVED',
  'REAL_NAME_APPROVED',
  'CERTIFICATE_UPLOADED',
  'BATCH_NUMBER_UPLOADED',
  'GROUP_FORMED',
  'SUBSCRIPTION_DATE_REACHED',
  'FAIR_SHIPPING_DATE_REACHED',
] as const;
export type PauseReleaseTrigger = (typeof PAUSE_RELEASE_TRIGGERS)[number];

/** The reasons a merchant may give for a negotiated cancellation of a COD order (domain.md §1.4). */
export const NEGOTIATED_CANCELLATION_REASON_CODES = [
  'OUT_OF_STOCK_OVERSOLD_OR_DEFECTIVE',
  'BUYER_REFUSED_COD_DELIVERY',
  'BUYER_UNREACHABLE',
  'BREAKS_PURCHASE_RULES_OR_UNDELIVERABLE',
  'BUYER_ASKED_TO_CANCEL',
] as const;
export type NegotiatedCancellationReason = (typeof NEGOTIATED_CANCELLATION_REASON_CODES)[number];

export const NEGOTIATED_CANCELLATION_STATUSES = ['PENDING', 'REJECTED', 'WITHDRAWN', 'AUTO_CANCELLED'] as const;
export type NegotiatedCancellationStatus = (typeof NEGOTIATED_CANCELLATION_STATUSES)[number];

/** Where an order still to ship stands against its promised shipping deadline (domain.md §1.8). */
export const SHIPPING_DEADLINE_STATES = ['NONE', 'WARNING', 'TIMED_OUT'] as const;
export type ShippingDeadlineState = (typeof SHIPPING_DEADLINE_STATES)[number];

/**
 * The kinds of compensation (赔付, domain.md §1.8, §5): 先行赔付 advance (the platform pays first,
 * an operator records it), 商家直赔 merchant direct, 延迟发货赔付 late shipping (the time-out rule).
 */
export const COMPENSATION_KINDS = ['ADVANCE', 'DIRECT', 'LATE_SHIPPING'] as const;
export type CompensationKind = (typeof COMPENSATION_KINDS)[number];

/** Local-service (LOC) sign-ups (domain.md §1.1, §5): the SKU says which form its orders carry. */
export const LOC_SIGNUP_KINDS = ['DRIVING_SCHOOL', 'ACTIVITY'] as const;
export type LocSignupKind = (typeof LOC_SIGNUP_KINDS)[number];

/** The identity documents a sign-up form accepts (居民身份证, passport, 港澳/台湾 travel permits). */
export const ID_DOCUMENT_TYPES = ['RESIDENT_ID', 'PASSPORT', 'HK_MACAO_PERMIT', 'TAIWAN_PERMIT'] as const;
export type IdDocumentType = (typeof ID_DOCUMENT_TYPES)[number];
