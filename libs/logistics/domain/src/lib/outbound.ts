import { isPlatformCarrier, ServiceProduct, waybillNoProblem } from './carriers';
import { Decision, veto } from '@orderline/shared/process';

/**
 * What logistics knows about an order from the order service's events (it never reads the
 * order database): paid or not, paused, cancelled, already shipped.
 */
export interface ShippableOrderFacts {
  merchantId: string;
  placed: boolean;
  paid: boolean;
  pausedReason: string | null;
  cancelled: boolean;
  shipped: boolean;
  specifiedPlatformDelivery: boolean;
  consignee: ConsigneeFacts | null;
}

export interface ConsigneeFacts {
  name: string;
  phone: string;
  address: { province: string; city: string; county: string; town?: string; detail: string };
}

export interface OutboundChoice {
  carrier: string;
  serviceProduct: ServiceProduct;
  /** The merchant's number for a third-party carrier; absent for the platform carrier (generated). */
  waybillNo?: string;
  merchantSignedExpress: boolean;
  /** Cities the platform carrier flies to (特快送 "next day to key cities"). */
  airCities: readonly string[];
}

/**
 * May this order leave the warehouse with this carrier and product (domain.md §2.1, §1.5)?
 * Paused, cancelled and unpaid orders never ship; express needs a signed merchant and an
 * air route; a third-party waybill must have its carrier's format.
 */
export function decideOutbound(order: ShippableOrderFacts, choice: OutboundChoice): Decision {
  if (!order.placed) return veto('ORDER_NOT_KNOWN_YET', 'logistics has not received this order yet; try again in a moment');
  if (order.cancelled) return veto('ORDER_CANCELLED', 'a cancelled order cannot ship');
  if (order.shipped) return veto('ORDER_ALREADY_SHIPPED', 'this order has shipped already; correct its waybill instead');
  if (!order.paid) return veto('ORDER_NOT_PAID', 'an unpaid order cannot ship; it ships once paid (or its credit hold is granted)');
  if (order.pausedReason) return veto('ORDER_PAUSED', `the order is paused (${order.pausedReason}); it ships once the pause is released`);
  if (!order.consignee) return veto('CONSIGNEE_UNKNOWN', 'logistics has no consignee for this order; it cannot print a waybill');
  if (order.specifiedPlatformDelivery && !isPlatformCarrier(choice.carrier)) return veto('PLATFORM_DELIVERY_SPECIFIED', 'the buyer specified platform delivery (指定京配): ship it with JD_LOGISTICS');
  const product = decideServiceProduct(order.consignee, choice);
  if (!product.allowed) return product;
  if (!isPlatformCarrier(choice.carrier)) {
    if (!choice.waybillNo) return veto('WAYBILL_NO_REQUIRED', `enter the ${choice.carrier} waybill number; only the platform carrier generates them`);
    const problem = waybillNoProblem(choice.carrier, choice.waybillNo);
    if (problem) return veto('WAYBILL_NO_INVALID', problem);
  }
  return { allowed: true };
}

/** domain.md §2.1: standard by default; express only if signed and the route flies — else absent. */
export function decideServiceProduct(consignee: ConsigneeFacts, choice: Pick<OutboundChoice, 'carrier' | 'serviceProduct' | 'merchantSignedExpress' | 'airCities'>): Decision {
  if (choice.serviceProduct === 'STANDARD') return { allowed: true };
  if (!isPlatformCarrier(choice.carrier)) return veto('SERVICE_PRODUCT_PLATFORM_ONLY', 'service products are chosen only with the platform carrier JD_LOGISTICS');
  if (!choice.merchantSignedExpress) return veto('EXPRESS_NOT_SIGNED', 'the merchant has not signed for express (特快送); ship STANDARD');
  if (!choice.airCities.includes(consignee.address.city)) return veto('EXPRESS_ROUTE_NOT_SUPPORTED', `express flies to ${choice.airCities.join(', ')}; ${consignee.address.city} is served by STANDARD`);
  return { allowed: true };
}

/** domain.md §1.9: same consignee name, same address, same phone. */
export function mergeKey(consignee: ConsigneeFacts): string {
  const a = consignee.address;
  return JSON.stringify([consignee.name.trim(), consignee.phone.trim(), a.province, a.city, a.county, a.town ?? '', a.detail.trim()]);
}

/**
 * Merged outbound (domain.md §2.2): merged-shipment candidates of §1.9 — the same merchant,
 * the same consignee, all waiting for outbound, with the platform carrier — ship as one
 * package. Logistics checks it from its own facts (the list's flag is only a hint).
 */
export function decideMerge(orders: readonly ShippableOrderFacts[], carrier: string): Decision {
  if (orders.length < 2) return veto('MERGE_NEEDS_TWO_ORDERS', 'a merged shipment carries at least two orders');
  if (!isPlatformCarrier(carrier)) return veto('MERGE_PLATFORM_CARRIER_ONLY', 'merged shipments go with the platform carrier JD_LOGISTICS (domain.md §1.9)');
  if (new Set(orders.map((o) => o.merchantId)).size > 1) return veto('MERGE_DIFFERENT_MERCHANTS', 'merged orders belong to one merchant');
  const keys = new Set(orders.map((o) => (o.consignee ? mergeKey(o.consignee) : 'unknown')));
  if (keys.size > 1 || keys.has('unknown')) return veto('MERGE_CONSIGNEE_DIFFERS', 'merged orders must have the same consignee name, phone and address');
  return { allowed: true };
}
