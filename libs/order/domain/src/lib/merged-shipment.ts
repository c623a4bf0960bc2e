import { consigneeKey } from './consignee-comparison';
import { CarrierKind, Consignee } from './order-attributes';
import { OrderStatus } from './order-status';

/**
 * Merged-shipment candidates (三同订单, domain.md §1.9): orders of one merchant with the same
 * consignee name, address and phone, all WAITING_OUTBOUND with the platform carrier, can
 * ship as one package with one waybill (§2.2).
 *
 * "Same" is `sameConsignee` (consignee-comparison.ts): whitespace-insensitive, NFKC,
 * Latin case-insensitive text; phone compared as digits with an optional +86 dropped.
 * PAUSED orders are not candidates: they cannot ship (§1.5).
 */
export interface MergeCandidateOrder {
  orderId: string;
  merchantId: string;
  status: OrderStatus;
  carrier: CarrierKind;
  consignee: Consignee;
}

export interface MergedShipmentGroup {
  merchantId: string;
  /** Stable for a given merchant and normalised consignee; usable as a list badge id. */
  key: string;
  /** In input order. */
  orderIds: string[];
}

export function isMergeEligible(order: MergeCandidateOrder): boolean {
  return order.status === 'WAITING_OUTBOUND' && order.carrier === 'JD_LOGISTICS';
}

/** Groups of two or more eligible orders; groups ordered by their first order in the input. */
export function mergedShipmentCandidates(orders: readonly MergeCandidateOrder[]): MergedShipmentGroup[] {
  const groups = new Map<string, MergedShipmentGroup>();
  for (const order of orders) {
    if (!isMergeEligible(order)) continue;
    const key = JSON.stringify([order.merchantId, consigneeKey(order.consignee)]);
    const group = groups.get(key) ?? { merchantId: order.merchantId, key, orderIds: [] };
    if (!group.orderIds.includes(order.orderId)) group.orderIds.push(order.orderId);
    groups.set(key, group);
  }
  return [...groups.values()].filter((group) => group.orderIds.length >= 2);
}
