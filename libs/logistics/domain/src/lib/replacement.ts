import { decide, Decision, defineProcess, TransitionDecision } from '@orderline/shared/process';
import { ConsigneeFacts, decideOutbound, OutboundChoice } from './outbound';

/**
 * An exchange's replacement (换货, domain.md §3; issue 18 item 2). After-sales asks for it once
 * the merchant confirmed the returned goods (`ReplacementRequested`); logistics lists it as
 * waiting for outbound, the merchant packs and ships it like any outbound (§2.1: carrier,
 * service product, waybill), and it is received when the platform carrier delivers it or the
 * §2.4 auto-confirm timer fires. Each move tells after-sales (ReplacementShipped,
 * ReplacementReceived), which completes the exchange.
 */
export const REPLACEMENT_STATUSES = ['WAITING_OUTBOUND', 'SHIPPED', 'RECEIVED'] as const;
export type ReplacementStatus = (typeof REPLACEMENT_STATUSES)[number];
export type ReplacementTrigger = 'SHIP' | 'RECEIVE';
export type ReplacementEffect = 'REPLACEMENT_SHIPPED' | 'REPLACEMENT_RECEIVED';

export const REPLACEMENT_PROCESS = defineProcess<ReplacementStatus, ReplacementTrigger, { status: ReplacementStatus }, never, ReplacementEffect>({
  name: 'replacement',
  states: REPLACEMENT_STATUSES,
  initial: ['WAITING_OUTBOUND'],
  terminal: ['RECEIVED'],
  transitions: [
    { trigger: 'SHIP', from: ['WAITING_OUTBOUND'], to: 'SHIPPED', effects: ['REPLACEMENT_SHIPPED'] },
    { trigger: 'RECEIVE', from: ['SHIPPED'], to: 'RECEIVED', effects: ['REPLACEMENT_RECEIVED'] },
  ],
  refuse: (facts, trigger) =>
    trigger === 'SHIP'
      ? { code: 'REPLACEMENT_ALREADY_SHIPPED', reason: `the replacement is ${facts.status}; it ships once (correct its waybill on the shipment instead)` }
      : { code: 'REPLACEMENT_NOT_SHIPPED', reason: `the replacement is ${facts.status}; only a shipped replacement is received` },
});

export type ReplacementDecision = TransitionDecision<ReplacementStatus, ReplacementTrigger, ReplacementEffect>;

export function decideReplacementTransition(status: ReplacementStatus, trigger: ReplacementTrigger): ReplacementDecision {
  return decide(REPLACEMENT_PROCESS, { status }, trigger);
}

/** What the replacement's outbound looks at: the order's consignee and delivery wish, nothing of its payment or pauses. */
export interface ReplacementOutboundFacts {
  merchantId: string;
  consignee: ConsigneeFacts | null;
  specifiedPlatformDelivery: boolean;
}

/**
 * May the replacement leave with this carrier and product? The same outbound rules as the
 * order (§2.1: consignee known, platform delivery honoured, express only signed and on an air
 * route, third-party waybill format), but the order's own state does not matter: it was paid
 * and shipped once, and a pause or payment concerns the first parcel, not the goods owed back.
 * Whether it may ship at all (once) is the process's SHIP move.
 */
export function decideReplacementOutbound(replacement: ReplacementOutboundFacts, choice: OutboundChoice): Decision {
  return decideOutbound(
    { merchantId: replacement.merchantId, placed: true, paid: true, pausedReason: null, cancelled: false, shipped: false, specifiedPlatformDelivery: replacement.specifiedPlatformDelivery, consignee: replacement.consignee },
    choice,
  );
}

export interface OrderLineFacts {
  lineId: string;
  skuId: string;
  title: string;
  quantity: number;
}

/**
 * The replacement parcel's lines: the exchanged quantities of the order's lines, with their SKU
 * and title for the packing slip. A line the order copy lacks keeps its id only (the copy may be
 * older than the request; after-sales checked the lines against what shipped).
 */
export function replacementLines(orderLines: readonly OrderLineFacts[], exchanged: ReadonlyArray<{ lineId: string; quantity: number }>): OrderLineFacts[] {
  return exchanged.map((line) => {
    const ordered = orderLines.find((candidate) => candidate.lineId === line.lineId);
    return { lineId: line.lineId, skuId: ordered?.skuId ?? '', title: ordered?.title ?? '', quantity: line.quantity };
  });
}
