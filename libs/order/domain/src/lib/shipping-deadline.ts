import { ShippingDeadlineState } from '@orderline/shared/platform-rules';
/**
 * Shipping warnings (发货预警) and time-outs (发货超时) per order against the promised shipping
 * deadline (domain.md §1.8). Time is an input (`now`, a Date on the platform clock).
 *
 * Decision on the edges: the promised deadline is the last instant at which shipping is on
 * time. WARNING covers [deadline − window, deadline] (both ends included); TIMED_OUT starts
 * strictly after the deadline. A shipped order is judged at its shipping time: shipped late
 * stays TIMED_OUT (the export lists it), shipped on time is NONE.
 */
export type { ShippingDeadlineState } from '@orderline/shared/platform-rules';

export interface ShippingDeadlinePolicy {
  /** How long before the deadline the warning starts; default 24 h (configuration). */
  warningWindowMs: number;
}

export const DEFAULT_SHIPPING_DEADLINE_POLICY: ShippingDeadlinePolicy = { warningWindowMs: 24 * 60 * 60 * 1000 };

export interface ShippingDeadlineFacts {
  promisedShipBy: Date;
  shippedAt?: Date;
}

export interface ShippingDeadlineView {
  state: ShippingDeadlineState;
  deadline: Date;
  warningFrom: Date;
}

export function shippingDeadlineState(order: ShippingDeadlineFacts, now: Date, policy: ShippingDeadlinePolicy = DEFAULT_SHIPPING_DEADLINE_POLICY): ShippingDeadlineView {
  if (!Number.isFinite(policy.warningWindowMs) || policy.warningWindowMs < 0) throw new Error(`shipping warning window must be a non-negative duration, got ${policy.warningWindowMs}`);
  const deadline = order.promisedShipBy.getTime();
  const warningFrom = new Date(deadline - policy.warningWindowMs);
  const view = (state: ShippingDeadlineState): ShippingDeadlineView => ({ state, deadline: order.promisedShipBy, warningFrom });
  if (order.shippedAt) return view(order.shippedAt.getTime() > deadline ? 'TIMED_OUT' : 'NONE');
  const at = now.getTime();
  if (at > deadline) return view('TIMED_OUT');
  if (at >= warningFrom.getTime()) return view('WARNING');
  return view('NONE');
}
