import { NEGOTIATED_CANCELLATION_STATUSES, NegotiatedCancellationReason, NegotiatedCancellationStatus } from '@orderline/shared/platform-rules';
import { PaymentMethod } from './order-attributes';
import { OrderStatus, PRE_SHIPMENT_STATUSES } from './order-status';
import { decide, Decision, defineProcess, Guard, Transition, veto, Veto } from '@orderline/shared/process';

/**
 * Negotiated cancellation by the merchant (协商取消订单, domain.md §1.4) as a pure state
 * machine of the request: PENDING → REJECTED (buyer objected) | WITHDRAWN (merchant) |
 * AUTO_CANCELLED (the objection window passed). Every decide function takes `now` as a Date
 * on the platform clock.
 *
 * The objection window is half-open: [submittedAt, submittedAt + 48 h). At exactly
 * submittedAt + 48 h the buyer has not objected "within 48 h", so the order cancels and
 * neither an objection nor a withdrawal is accepted any more.
 */

export const NEGOTIATED_CANCELLATION_REASONS = {
  OUT_OF_STOCK_OVERSOLD_OR_DEFECTIVE: 'out of stock, oversold or defective goods',
  BUYER_REFUSED_COD_DELIVERY: 'the buyer refused the cash-on-delivery parcel',
  BUYER_UNREACHABLE: 'the buyer cannot be reached',
  BREAKS_PURCHASE_RULES_OR_UNDELIVERABLE: 'the order breaks purchase rules or the address is undeliverable',
  BUYER_ASKED_TO_CANCEL: 'the buyer asked to cancel',
} as const satisfies Record<NegotiatedCancellationReason, string>;
export type { NegotiatedCancellationReason, NegotiatedCancellationStatus } from '@orderline/shared/platform-rules';

export interface NegotiatedCancellationPolicy {
  objectionWindowMs: number;
  minimumCallAttemptsForUnreachable: number;
}

/** domain.md §1.4 defaults: 48 h objection window, at least 3 calls before "unreachable". */
export const DEFAULT_NEGOTIATED_CANCELLATION_POLICY: NegotiatedCancellationPolicy = {
  objectionWindowMs: 48 * 60 * 60 * 1000,
  minimumCallAttemptsForUnreachable: 3,
};

export type NegotiatedCancellationTrigger = 'BUYER_OBJECTS' | 'MERCHANT_WITHDRAWS' | 'OBJECTION_WINDOW_PASSED';

export interface NegotiatedCancellationRequest {
  status: NegotiatedCancellationStatus;
  reason: NegotiatedCancellationReason;
  submittedAt: Date;
  /** submittedAt + objection window: the order cancels automatically at this instant. */
  objectionDeadline: Date;
  /** Calls the merchant declares having made, stored as declared (§1.4). */
  callAttempts: readonly Date[];
  note?: string;
  closedAt?: Date;
}

export interface NegotiatedCancellationOrder {
  status: OrderStatus;
  paymentMethod: PaymentMethod;
  /** Another request still PENDING for this order. */
  hasPendingRequest: boolean;
}

export interface NegotiatedCancellationSubmission {
  reason: NegotiatedCancellationReason;
  callAttempts?: readonly Date[];
  note?: string;
}

export function decideNegotiatedCancellationSubmission(
  order: NegotiatedCancellationOrder,
  submission: NegotiatedCancellationSubmission,
  now: Date,
  policy: NegotiatedCancellationPolicy = DEFAULT_NEGOTIATED_CANCELLATION_POLICY,
): Decision<{ request: NegotiatedCancellationRequest }> {
  if (order.paymentMethod !== 'COD') {
    // domain.md §1.4: online-paid and credit orders cannot be submitted at all.
    return veto(
      'NEGOTIATED_CANCELLATION_COD_ONLY',
      `negotiated cancellation is only for cash-on-delivery (COD) orders; for this ${order.paymentMethod} order file an abnormal-order complaint instead`,
    );
  }
  if (!PRE_SHIPMENT_STATUSES.includes(order.status)) {
    // domain.md §1.2: CANCELLED is reachable only before shipment.
    return veto('ORDER_NOT_CANCELLABLE', `an order in status ${order.status} cannot be cancelled; negotiated cancellation is possible while the order is ${PRE_SHIPMENT_STATUSES.join(', ')}`);
  }
  if (order.hasPendingRequest) {
    return veto('NEGOTIATED_CANCELLATION_ALREADY_PENDING', 'this order already has a pending negotiated cancellation; withdraw it or wait for its outcome before submitting another');
  }
  if (!Object.prototype.hasOwnProperty.call(NEGOTIATED_CANCELLATION_REASONS, submission.reason)) {
    return veto('UNKNOWN_NEGOTIATED_CANCELLATION_REASON', `"${String(submission.reason)}" is not a negotiated cancellation reason; use one of ${Object.keys(NEGOTIATED_CANCELLATION_REASONS).join(', ')}`);
  }
  const callAttempts = [...(submission.callAttempts ?? [])].sort((a, b) => a.getTime() - b.getTime());
  if (callAttempts.some((at) => at.getTime() > now.getTime())) {
    return veto('CALL_ATTEMPT_IN_FUTURE', 'declared call attempts must have happened already; give the times the buyer was called');
  }
  if (submission.reason === 'BUYER_UNREACHABLE') {
    // domain.md §1.4: at least 3 calls before "cannot reach buyer". Two declarations at the
    // same instant are one call.
    const distinctCalls = new Set(callAttempts.map((at) => at.getTime())).size;
    if (distinctCalls < policy.minimumCallAttemptsForUnreachable) {
      return veto(
        'CALL_ATTEMPTS_REQUIRED',
        `the reason BUYER_UNREACHABLE needs at least ${policy.minimumCallAttemptsForUnreachable} declared call attempts at different times (${distinctCalls} given); call the buyer again or pick another reason`,
      );
    }
  }
  return {
    allowed: true,
    request: {
      status: 'PENDING',
      reason: submission.reason,
      submittedAt: now,
      objectionDeadline: new Date(now.getTime() + policy.objectionWindowMs),
      callAttempts,
      ...(submission.note !== undefined ? { note: submission.note } : {}),
    },
  };
}

/** What the request's guards look at: the objection window and the platform clock. */
export interface NegotiatedCancellationFacts {
  status: NegotiatedCancellationStatus;
  objectionDeadline: Date;
  now: Date;
}

function windowOpen(facts: NegotiatedCancellationFacts): boolean {
  return facts.now.getTime() < facts.objectionDeadline.getTime();
}

const objectionWindowOpen: Guard<NegotiatedCancellationFacts> = (facts) =>
  windowOpen(facts) ? undefined : { code: 'OBJECTION_WINDOW_CLOSED', reason: `the buyer could object until ${facts.objectionDeadline.toISOString()}; after that the order is cancelled automatically` };

const withdrawalWindowOpen: Guard<NegotiatedCancellationFacts> = (facts) =>
  windowOpen(facts) ? undefined : { code: 'WITHDRAWAL_WINDOW_CLOSED', reason: `the merchant could withdraw until ${facts.objectionDeadline.toISOString()}; the order is now cancelled automatically` };

const objectionWindowPassed: Guard<NegotiatedCancellationFacts> = (facts) =>
  windowOpen(facts) ? { code: 'OBJECTION_WINDOW_OPEN', reason: `the buyer may object until ${facts.objectionDeadline.toISOString()}; the order is cancelled automatically from then on` } : undefined;

/**
 * The request's process (domain.md §1.4): the buyer objects or the merchant withdraws within
 * the window, or the window passes and the order cancels. Every outcome is final.
 */
export const NEGOTIATED_CANCELLATION_PROCESS = defineProcess({
  name: 'negotiated cancellation',
  states: NEGOTIATED_CANCELLATION_STATUSES,
  initial: ['PENDING'],
  terminal: ['REJECTED', 'WITHDRAWN', 'AUTO_CANCELLED'],
  guards: { objectionWindowOpen, withdrawalWindowOpen, objectionWindowPassed },
  transitions: [
    { trigger: 'BUYER_OBJECTS', from: ['PENDING'], to: 'REJECTED', guards: ['objectionWindowOpen'] },
    { trigger: 'MERCHANT_WITHDRAWS', from: ['PENDING'], to: 'WITHDRAWN', guards: ['withdrawalWindowOpen'] },
    { trigger: 'OBJECTION_WINDOW_PASSED', from: ['PENDING'], to: 'AUTO_CANCELLED', guards: ['objectionWindowPassed'] },
  ],
  // Every move starts from PENDING: a refusal always means the request is already closed.
  refuse: (facts: NegotiatedCancellationFacts): Veto => ({
    code: 'NEGOTIATED_CANCELLATION_NOT_PENDING',
    reason: `the request is already ${facts.status}; only a PENDING request can be objected to, withdrawn or auto-cancelled`,
  }),
});

/** An allowed move of a request, and the request as it is once moved (closed at `now`). */
export type NegotiatedCancellationDecision = Decision<Transition<NegotiatedCancellationStatus, NegotiatedCancellationTrigger> & { request: NegotiatedCancellationRequest }>;

function decideRequest(request: NegotiatedCancellationRequest, trigger: NegotiatedCancellationTrigger, now: Date): NegotiatedCancellationDecision {
  const decision = decide(NEGOTIATED_CANCELLATION_PROCESS, { status: request.status, objectionDeadline: request.objectionDeadline, now }, trigger);
  if (!decision.allowed) return decision;
  return { ...decision, request: { ...request, status: decision.to, closedAt: now } };
}

/** The buyer objects (after the SMS): the request is rejected, the order stays. */
export function decideBuyerObjection(request: NegotiatedCancellationRequest, now: Date): NegotiatedCancellationDecision {
  return decideRequest(request, 'BUYER_OBJECTS', now);
}

/** The merchant withdraws (e.g. reached the buyer after all); only within the window. */
export function decideMerchantWithdrawal(request: NegotiatedCancellationRequest, now: Date): NegotiatedCancellationDecision {
  return decideRequest(request, 'MERCHANT_WITHDRAWS', now);
}

/**
 * The timer: once the window has passed without objection the request auto-cancels. The
 * service then cancels the order through the order process ('CANCEL'), whose guards still apply.
 */
export function decideAutoCancellation(request: NegotiatedCancellationRequest, now: Date): NegotiatedCancellationDecision {
  return decideRequest(request, 'OBJECTION_WINDOW_PASSED', now);
}
