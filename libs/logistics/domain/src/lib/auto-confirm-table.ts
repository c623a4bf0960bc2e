/**
 * The auto-confirm-of-receipt table (关单逻辑, domain.md §2.4) as data. The figures are the
 * spec's defaults; a deployment may pass its own table to every function.
 */

export const AUTO_CONFIRM_CASES = ['PLATFORM_CARRIER', 'THIRD_PARTY_DELIVERED', 'THIRD_PARTY_NO_TRACKING', 'THIRD_PARTY_TRACKING_WITHOUT_DELIVERY'] as const;
export type AutoConfirmCase = (typeof AUTO_CONFIRM_CASES)[number];

export type ShipmentRegion = 'DOMESTIC' | 'CROSS_BORDER';

/** The instant a case counts its days from. */
export type TimerAnchor = 'DELIVERY' | 'OUTBOUND' | 'LAST_TRACKING_EVENT';

export interface AutoConfirmRule {
  anchor: TimerAnchor;
  /** Auto-confirm "N days after" the anchor (platform-day.ts); 0 = at the anchor itself. */
  confirmAfterDays: number;
  /** The buyer's one-time extension: offered on days a–b after the anchor, adding N days. */
  extension?: { offeredOnDays: readonly [number, number]; extendByDays: number };
}

export type AutoConfirmTable = Record<ShipmentRegion, Record<AutoConfirmCase, AutoConfirmRule>>;

export const AUTO_CONFIRM_TABLE: AutoConfirmTable = {
  DOMESTIC: {
    // The order completes on delivery (妥投).
    PLATFORM_CARRIER: { anchor: 'DELIVERY', confirmAfterDays: 0 },
    // 3 days after delivery; extend once by 5 (total 8) within those 3 days.
    THIRD_PARTY_DELIVERED: { anchor: 'DELIVERY', confirmAfterDays: 3, extension: { offeredOnDays: [1, 3], extendByDays: 5 } },
    // Unsupported carrier, merchant's own delivery, buyer pick-up: 20 days after outbound.
    THIRD_PARTY_NO_TRACKING: { anchor: 'OUTBOUND', confirmAfterDays: 20 },
    // Day 21 after the last tracking event; button on days 18-20, to day 26.
    THIRD_PARTY_TRACKING_WITHOUT_DELIVERY: { anchor: 'LAST_TRACKING_EVENT', confirmAfterDays: 21, extension: { offeredOnDays: [18, 20], extendByDays: 5 } },
  },
  CROSS_BORDER: {
    PLATFORM_CARRIER: { anchor: 'DELIVERY', confirmAfterDays: 0 },
    THIRD_PARTY_DELIVERED: { anchor: 'DELIVERY', confirmAfterDays: 3, extension: { offeredOnDays: [1, 3], extendByDays: 5 } },
    THIRD_PARTY_NO_TRACKING: { anchor: 'OUTBOUND', confirmAfterDays: 60 },
    // Day 23; button on days 21-23, to day 28.
    THIRD_PARTY_TRACKING_WITHOUT_DELIVERY: { anchor: 'LAST_TRACKING_EVENT', confirmAfterDays: 23, extension: { offeredOnDays: [21, 23], extendByDays: 5 } },
  },
};

/**
 * Start-up check: every extension window lies inside the days before its deadline (an
 * extension offered after auto-confirmation could never be used) and extends by something.
 */
export function assertAutoConfirmTableIsConsistent(table: AutoConfirmTable = AUTO_CONFIRM_TABLE): void {
  for (const region of Object.keys(table) as ShipmentRegion[]) {
    for (const kase of AUTO_CONFIRM_CASES) {
      const rule = table[region][kase];
      if (!rule) throw new Error(`auto-confirm table: ${region} ${kase} is missing`);
      if (!Number.isInteger(rule.confirmAfterDays) || rule.confirmAfterDays < 0) throw new Error(`auto-confirm table: ${region} ${kase} confirms after ${rule.confirmAfterDays} days`);
      const extension = rule.extension;
      if (!extension) continue;
      const [first, last] = extension.offeredOnDays;
      if (!Number.isInteger(first) || !Number.isInteger(last) || first < 1 || last < first || last > rule.confirmAfterDays) {
        throw new Error(`auto-confirm table: ${region} ${kase} offers its extension on days ${first}-${last}, outside days 1-${rule.confirmAfterDays}`);
      }
      if (!Number.isInteger(extension.extendByDays) || extension.extendByDays <= 0) throw new Error(`auto-confirm table: ${region} ${kase} extends by ${extension.extendByDays} days`);
    }
  }
}
