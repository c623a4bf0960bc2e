/**
 * What an order is (domain.md §1.1): payment method, fulfilment, consignee and the special
 * kinds that change the rules elsewhere (address changes §1.6, fee changes §1.7, pauses
 * §1.5, cancellation §1.3). Types only, plus small readers of them.
 */

export const CARRIER_KINDS = ['JD_LOGISTICS', 'THIRD_PARTY'] as const;
/** JD_LOGISTICS is the platform carrier (京东快递/京配); anything else is THIRD_PARTY. */
export type CarrierKind = (typeof CARRIER_KINDS)[number];

/**
 * The carrier whose rules apply to an order (domain.md §1.6, §1.9): once shipped, the carrier the
 * parcel actually left with, not the fulfilment chosen at placement — an order placed without a
 * fulfilment and shipped with SF follows the third-party rows. Before shipment, THIRD_PARTY only
 * when the order was placed for a third-party carrier.
 */
export function carrierKindOf(order: { fulfilment: string | null; shipmentCarrier: string | null }): CarrierKind {
  if (order.shipmentCarrier) return order.shipmentCarrier === 'JD_LOGISTICS' ? 'JD_LOGISTICS' : 'THIRD_PARTY';
  return order.fulfilment === 'THIRD_PARTY' ? 'THIRD_PARTY' : 'JD_LOGISTICS';
}

export interface Fulfilment {
  carrier: CarrierKind;
  /** The buyer chose platform delivery at checkout (指定京配); narrows address changes (§1.6). */
  buyerSpecifiedPlatformDelivery: boolean;
}

/**
 * A consignee address in four administrative levels plus a free-text detail line (§1.1).
 * Not every region has a town (level 4); `town` is then absent, and the "last level" of
 * the address is the county (see `lastAddressLevel`).
 */
export interface Address {
  province: string;
  city: string;
  county: string;
  town?: string;
  detail: string;
}

/** Level numbers as the spec counts them: 1 province, 2 city, 3 county, 4 town. */
export const ADDRESS_LEVELS = [
  { level: 1, field: 'province' },
  { level: 2, field: 'city' },
  { level: 3, field: 'county' },
  { level: 4, field: 'town' },
] as const;
export type AddressLevel = (typeof ADDRESS_LEVELS)[number]['level'];

/** The deepest level the address has: 4 when it has a town, else 3 (domain.md §1.6). */
export function lastAddressLevel(address: Address): 3 | 4 {
  return address.town !== undefined && address.town.trim() !== '' ? 4 : 3;
}

export interface Consignee {
  name: string;
  phone: string;
  address: Address;
}

/**
 * The special kinds of §1.1. Each is optional and they may combine (a cross-border presale
 * is both); each carries the data its rules need.
 */
export interface SpecialAttributes {
  /** 海囤全球/京东国际; `bonded` is shown in the order list (§1.10). */
  crossBorder?: { bonded: boolean };
  customsAuction?: { auctionId: string };
  /** 预定: the buyer reserved a delivery time; the order pauses until then (§1.5). */
  reservation?: { reservedDeliveryAt: Date };
  /** 预售: deposit now, balance later. */
  presale?: { balanceDueAt?: Date };
  /** 拼团: until the group forms the order can neither be cancelled (§1.3) nor shipped. */
  groupBuy?: { groupId: string; formed: boolean };
  /** 定期购: a parent order split into one child order per period. */
  subscription?: SubscriptionAttributes;
  /** LOC: redeemed in a shop with a verification code, nothing is shipped. */
  localServiceVoucher?: { verificationCode: string; redeemedAt?: Date };
  /** LOC sign-up (驾校报名 / 活动报名): a voucher order whose buyer filled in a sign-up form. */
  localServiceSignup?: { kind: 'DRIVING_SCHOOL' | 'ACTIVITY' };
  /** 赠品后发: a gift order released once the main item is delivered (§1.5). */
  giftShippedLater?: { mainOrderId: string };
  /** A telecom SIM card: waits for the buyer's real-name check before shipping (§1.5); its own export (§5). */
  simCard?: { realNameApproved: boolean };
  /** A top-up gift (充值赠品) order; its own export (§5). */
  topUpGift?: Record<string, never>;
  /** A customised (定制) product order; its own export (§5). */
  customised?: Record<string, never>;
}

export type SubscriptionAttributes =
  | { role: 'PARENT'; periods: number; childOrderIds: readonly string[] }
  | { role: 'CHILD'; parentOrderId: string; period: number; productionDate: Date };

export const ORDER_KINDS = [
  'CROSS_BORDER',
  'CUSTOMS_AUCTION',
  'RESERVATION',
  'PRESALE',
  'GROUP_BUY',
  'SUBSCRIPTION',
  'LOCAL_SERVICE_VOUCHER',
  'GIFT_SHIPPED_LATER',
  'SIM_CARD',
  'TOP_UP_GIFT',
  'CUSTOMISED',
  'LOCAL_SERVICE_SIGNUP',
] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

const KIND_OF_ATTRIBUTE: Record<keyof SpecialAttributes, OrderKind> = {
  crossBorder: 'CROSS_BORDER',
  customsAuction: 'CUSTOMS_AUCTION',
  reservation: 'RESERVATION',
  presale: 'PRESALE',
  groupBuy: 'GROUP_BUY',
  subscription: 'SUBSCRIPTION',
  localServiceVoucher: 'LOCAL_SERVICE_VOUCHER',
  giftShippedLater: 'GIFT_SHIPPED_LATER',
  simCard: 'SIM_CARD',
  topUpGift: 'TOP_UP_GIFT',
  customised: 'CUSTOMISED',
  localServiceSignup: 'LOCAL_SERVICE_SIGNUP',
};

/** The kinds an order has, in the declared order of ORDER_KINDS (for lists and filters). */
export function orderKinds(attributes: SpecialAttributes): OrderKind[] {
  const present = new Set<OrderKind>();
  for (const key of Object.keys(KIND_OF_ATTRIBUTE) as (keyof SpecialAttributes)[]) {
    if (attributes[key] !== undefined) present.add(KIND_OF_ATTRIBUTE[key]);
  }
  return ORDER_KINDS.filter((kind) => present.has(kind));
}
