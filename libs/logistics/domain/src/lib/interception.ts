import { isPlatformCarrier } from './carriers';
import { Decision, veto } from '@orderline/shared/process';

/**
 * Interception of a platform-carrier parcel in transit (拦截, domain.md §2.3) as a declared
 * table: requested → intercepted (→ returned to the merchant) or failed (the buyer is then
 * asked to refuse delivery).
 */
export type InterceptionState = 'NONE' | 'REQUESTED' | 'INTERCEPTED' | 'FAILED' | 'RETURNED';
export type InterceptionTrigger = 'REQUEST' | 'CARRIER_INTERCEPTED' | 'CARRIER_FAILED' | 'RETURNED_TO_SENDER';

export const INTERCEPTION_TABLE: readonly { trigger: InterceptionTrigger; from: readonly InterceptionState[]; to: InterceptionState }[] = [
  { trigger: 'REQUEST', from: ['NONE'], to: 'REQUESTED' },
  { trigger: 'CARRIER_INTERCEPTED', from: ['REQUESTED'], to: 'INTERCEPTED' },
  { trigger: 'CARRIER_FAILED', from: ['REQUESTED'], to: 'FAILED' },
  { trigger: 'RETURNED_TO_SENDER', from: ['INTERCEPTED'], to: 'RETURNED' },
];

export interface InterceptionFacts {
  carrier: string;
  state: InterceptionState;
  delivered: boolean;
}

export function decideInterception(facts: InterceptionFacts, trigger: InterceptionTrigger): Decision<{ to: InterceptionState }> {
  if (trigger === 'REQUEST') {
    if (!isPlatformCarrier(facts.carrier)) return veto('INTERCEPTION_PLATFORM_CARRIER_ONLY', 'only platform-carrier (JD_LOGISTICS) parcels can be intercepted; ask the third-party carrier directly');
    if (facts.delivered) return veto('SHIPMENT_ALREADY_DELIVERED', 'the parcel was delivered; use after-sales for a return');
  }
  const row = INTERCEPTION_TABLE.find((r) => r.trigger === trigger);
  if (!row || !row.from.includes(facts.state)) {
    return veto(trigger === 'REQUEST' ? 'INTERCEPTION_ALREADY_REQUESTED' : 'INTERCEPTION_NOT_EXPECTED', `interception is ${facts.state}; ${trigger} applies from ${row?.from.join(' or ')}`);
  }
  return { allowed: true, to: row.to };
}
