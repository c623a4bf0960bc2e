/**
 * Why an order waiting for outbound is paused, and what releases it (domain.md §1.5).
 * The table is data so the order list can show each reason and the service can route a
 * release event to the orders it concerns.
 */

import { FactOwner, OwnedPauseReleaseTrigger, PAUSE_REASONS, PAUSE_RELEASE_OWNERS, PauseReason, PauseReleaseTrigger } from '@orderline/shared/platform-rules';

// The reasons and release triggers are listed in the shared rules (the API's schemas show them);
// the table below gives every reason its rule, and the compiler checks it has one for each.
export { PAUSE_REASONS, PAUSE_RELEASE_TRIGGERS } from '@orderline/shared/platform-rules';
export type { PauseReason, PauseReleaseTrigger } from '@orderline/shared/platform-rules';

// Every trigger names its owner (issue 12 item 2); the table is shared with the gateway, which
// checks it at the edge. A trigger added here without an owner there fails to compile.
const OWNERS_OF_EVERY_TRIGGER: Record<PauseReleaseTrigger, FactOwner> & Record<OwnedPauseReleaseTrigger, unknown> = PAUSE_RELEASE_OWNERS;
export const RELEASE_TRIGGER_OWNERS = OWNERS_OF_EVERY_TRIGGER;

/** Evidence a merchant can attach to an early-release request. */
export type EarlyReleaseEvidence = 'BUYER_AGREEMENT';

export interface PauseReleaseRule {
  /** Label as the order list's "paused" tab shows it. */
  label: string;
  /** Any of these releases the pause. */
  releasedBy: readonly PauseReleaseTrigger[];
  /**
   * Set for reasons that end at a known instant: the pause must then record `releaseAt`, and
   * this trigger releases it only once that instant has come.
   */
  timedBy?: 'RESERVED_TIME_REACHED' | 'SUBSCRIPTION_DATE_REACHED' | 'FAIR_SHIPPING_DATE_REACHED';
  /** Set where the merchant may ask for release before the rule fires, and with what evidence. */
  earlyRelease?: { evidence: EarlyReleaseEvidence };
}

// The logistics-disruption row of §1.5 lists six causes; each is its own reason code so the
// paused tab can say which one, and all are lifted by the same operator/system event.
const LOGISTICS_DISRUPTION = (label: string): PauseReleaseRule => ({ label, releasedBy: ['LOGISTICS_DISRUPTION_LIFTED'] });
// §1.5 out of stock "incl. in-transit internal transfer, cannot arrive, back-order".
const OUT_OF_STOCK = (label: string): PauseReleaseRule => ({ label, releasedBy: ['STOCK_ARRIVED'] });

export const PAUSE_RELEASE_RULES = {
  LOGISTICS_TRAFFIC_CONTROL: LOGISTICS_DISRUPTION('logistics disruption: traffic control'),
  LOGISTICS_SMART_SCHEDULING: LOGISTICS_DISRUPTION('logistics disruption: smart scheduling'),
  LOGISTICS_EPIDEMIC: LOGISTICS_DISRUPTION('logistics disruption: epidemic'),
  LOGISTICS_WEATHER: LOGISTICS_DISRUPTION('logistics disruption: weather'),
  LOGISTICS_PROMOTION_LOAD: LOGISTICS_DISRUPTION('logistics disruption: big-promotion load'),
  LOGISTICS_ROAD_PROBLEM: LOGISTICS_DISRUPTION('logistics disruption: road problems'),
  BEFORE_RESERVED_DELIVERY_TIME: {
    label: 'before the reserved delivery time (未到预约收货时间)',
    releasedBy: ['RESERVED_TIME_REACHED', 'EARLY_RELEASE_REQUESTED'],
    timedBy: 'RESERVED_TIME_REACHED',
    // §1.5: "the merchant may ask for early release with evidence that the buyer agreed".
    earlyRelease: { evidence: 'BUYER_AGREEMENT' },
  },
  GIFT_SHIPPED_LATER: { label: 'gift shipped after the main item (赠品后发)', releasedBy: ['MAIN_ITEM_DELIVERED'] },
  OUT_OF_STOCK: OUT_OF_STOCK('out of stock (缺货)'),
  OUT_OF_STOCK_IN_TRANSFER: OUT_OF_STOCK('out of stock: internal transfer in transit'),
  OUT_OF_STOCK_CANNOT_ARRIVE: OUT_OF_STOCK('out of stock: stock cannot arrive'),
  OUT_OF_STOCK_BACK_ORDER: OUT_OF_STOCK('out of stock: back-order'),
  // Decision: "调度中" (stock moving between warehouses) ends when the stock reaches the
  // shipping warehouse, i.e. the same STOCK_ARRIVED event as an out-of-stock pause.
  SCHEDULING: { label: 'scheduling: stock moving between warehouses (调度中)', releasedBy: ['STOCK_ARRIVED'] },
  AWAITING_REAL_NAME_CHECK: { label: 'awaiting the buyer real-name check (telecom SIM)', releasedBy: ['REAL_NAME_APPROVED'] },
  AWAITING_CERTIFICATE: { label: 'awaiting certificate data (gold/jewellery)', releasedBy: ['CERTIFICATE_UPLOADED'] },
  AWAITING_BATCH_NUMBER: { label: 'awaiting the batch number (medical devices)', releasedBy: ['BATCH_NUMBER_UPLOADED'] },
  WAITING_FOR_GROUP: { label: 'waiting for the group to form (拼团)', releasedBy: ['GROUP_FORMED'] },
  SUBSCRIPTION_PERIOD_NOT_DUE: {
    label: 'subscription period not yet due (定期购)',
    releasedBy: ['SUBSCRIPTION_DATE_REACHED'],
    timedBy: 'SUBSCRIPTION_DATE_REACHED',
  },
  DEALER_ORDERING_FAIR: {
    label: 'dealer ordering fair (新通路订货会)',
    releasedBy: ['FAIR_SHIPPING_DATE_REACHED'],
    timedBy: 'FAIR_SHIPPING_DATE_REACHED',
  },
} as const satisfies Record<PauseReason, PauseReleaseRule>;

export function pauseReleaseRule(reason: PauseReason): PauseReleaseRule {
  return PAUSE_RELEASE_RULES[reason];
}

/** "released by X or Y" for messages. */
export function describeRelease(reason: PauseReason): string {
  return pauseReleaseRule(reason).releasedBy.join(' or ');
}

/**
 * The reasons the platform clock releases (domain.md §1.5: reserved time, subscription date,
 * fair date). The order timer claims only pauses with these reasons, so a pause that waits for an
 * event is never due, whatever `releaseAt` it carries, and cannot make the timer spin.
 */
export const TIMED_PAUSE_REASONS: readonly PauseReason[] = PAUSE_REASONS.filter((reason) => pauseReleaseRule(reason).timedBy !== undefined);
