import { isPlatformCarrier } from './carriers';
import { decide, defineProcess, TransitionDecision, Veto } from '@orderline/shared/process';

/**
 * The shipment process (domain.md §2.3): after outbound a parcel travels (NONE: nobody asked to
 * stop it); the merchant may ask the platform carrier to intercept it (拦截) → REQUESTED; the
 * carrier answers INTERCEPTED (→ RETURNED once back at the merchant) or FAILED (the buyer is
 * then asked to refuse delivery). The status is the shipment's `interception` column; delivery
 * is a fact beside it (a delivered parcel can no longer be intercepted).
 */
export const SHIPMENT_STATUSES = ['NONE', 'REQUESTED', 'INTERCEPTED', 'FAILED', 'RETURNED'] as const;
export type InterceptionState = (typeof SHIPMENT_STATUSES)[number];
export type InterceptionTrigger = 'REQUEST' | 'CARRIER_INTERCEPTED' | 'CARRIER_FAILED' | 'RETURNED_TO_SENDER';
/** Every move publishes `ShipmentInterceptionUpdated`, once per order in the parcel. */
export type ShipmentEffect = 'INTERCEPTION_UPDATED';

export interface ShipmentFacts {
  status: InterceptionState;
  carrier: string;
  delivered: boolean;
}

const GUARDS = {
  platformCarrier: (facts: ShipmentFacts): Veto | undefined =>
    isPlatformCarrier(facts.carrier) ? undefined : { code: 'INTERCEPTION_PLATFORM_CARRIER_ONLY', reason: 'only platform-carrier (JD_LOGISTICS) parcels can be intercepted; ask the third-party carrier directly' },
  notDelivered: (facts: ShipmentFacts): Veto | undefined => (facts.delivered ? { code: 'SHIPMENT_ALREADY_DELIVERED', reason: 'the parcel was delivered; use after-sales for a return' } : undefined),
};

export const SHIPMENT_PROCESS = defineProcess<InterceptionState, InterceptionTrigger, ShipmentFacts, keyof typeof GUARDS, ShipmentEffect>({
  name: 'shipment',
  states: SHIPMENT_STATUSES,
  initial: ['NONE'],
  terminal: ['FAILED', 'RETURNED'],
  guards: GUARDS,
  transitions: [
    { trigger: 'REQUEST', from: ['NONE'], to: 'REQUESTED', guards: ['platformCarrier', 'notDelivered'], effects: ['INTERCEPTION_UPDATED'] },
    { trigger: 'CARRIER_INTERCEPTED', from: ['REQUESTED'], to: 'INTERCEPTED', effects: ['INTERCEPTION_UPDATED'] },
    { trigger: 'CARRIER_FAILED', from: ['REQUESTED'], to: 'FAILED', effects: ['INTERCEPTION_UPDATED'] },
    { trigger: 'RETURNED_TO_SENDER', from: ['INTERCEPTED'], to: 'RETURNED', effects: ['INTERCEPTION_UPDATED'] },
  ],
  // A request the parcel could never have (wrong carrier, delivered) says so before "already requested".
  refuse: (facts, trigger, process) => {
    if (trigger === 'REQUEST') {
      const guarded = GUARDS.platformCarrier(facts) ?? GUARDS.notDelivered(facts);
      if (guarded) return guarded;
    }
    const from = process.transitions.find((t) => t.trigger === trigger)?.from ?? [];
    return { code: trigger === 'REQUEST' ? 'INTERCEPTION_ALREADY_REQUESTED' : 'INTERCEPTION_NOT_EXPECTED', reason: `interception is ${facts.status}; ${trigger} applies from ${from.join(' or ')}` };
  },
});

export type ShipmentDecision = TransitionDecision<InterceptionState, InterceptionTrigger, ShipmentEffect>;

export function decideShipmentTransition(facts: ShipmentFacts, trigger: InterceptionTrigger): ShipmentDecision {
  return decide(SHIPMENT_PROCESS, facts, trigger);
}
