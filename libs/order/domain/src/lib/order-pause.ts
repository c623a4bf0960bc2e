import { decideTransition, OrderEffect, OrderFacts, OrderTrigger } from './order-process';
import { OrderStatus } from './order-status';
import { describeRelease, EarlyReleaseEvidence, PAUSE_RELEASE_RULES, PauseReason, PauseReleaseTrigger, pauseReleaseRule } from './pause-reasons';
import { Decision, Transition, veto } from '@orderline/shared/process';

/** An allowed order move, as the process table decided it. */
type OrderTransition = Transition<OrderStatus, OrderTrigger, OrderEffect>;

/**
 * Pausing and releasing an order (domain.md §1.5). Time is an input: `now` is a Date on the
 * platform clock, never read here.
 *
 * Decision: an order carries one active pause. A second reason arising while paused is
 * handled by the service after release (it pauses again), which keeps "what releases this
 * order" a single answer in the paused tab.
 */
export interface OrderPause {
  reason: PauseReason;
  pausedAt: Date;
  /** For reasons released at a known instant (reserved time, subscription or fair date). */
  releaseAt?: Date;
}

export interface PauseRequest {
  reason: PauseReason;
  releaseAt?: Date;
}

export function decidePause(order: OrderFacts, request: PauseRequest, now: Date): Decision<OrderTransition & { pause: OrderPause }> {
  if (!Object.prototype.hasOwnProperty.call(PAUSE_RELEASE_RULES, request.reason)) {
    return veto('UNKNOWN_PAUSE_REASON', `"${String(request.reason)}" is not a pause reason; use one of ${Object.keys(PAUSE_RELEASE_RULES).join(', ')}`);
  }
  const transition = decideTransition(order, 'PAUSE');
  if (!transition.allowed) return transition;
  const rule = pauseReleaseRule(request.reason);
  if (rule.timedBy) {
    if (!request.releaseAt) {
      return veto('PAUSE_RELEASE_TIME_REQUIRED', `a pause for "${rule.label}" needs the instant it ends (releaseAt), when ${rule.timedBy} releases it`);
    }
    if (request.releaseAt.getTime() <= now.getTime()) {
      return veto('PAUSE_RELEASE_TIME_PASSED', `a pause for "${rule.label}" needs a releaseAt in the future; the given ${request.releaseAt.toISOString()} has already passed, so the order can be shipped now`);
    }
  } else if (request.releaseAt) {
    return veto('PAUSE_RELEASE_TIME_NOT_APPLICABLE', `a pause for "${rule.label}" has no release time; it is released by ${describeRelease(request.reason)}`);
  }
  const pause: OrderPause = { reason: request.reason, pausedAt: now, ...(request.releaseAt ? { releaseAt: request.releaseAt } : {}) };
  return { ...transition, pause };
}

export interface PauseRelease {
  trigger: PauseReleaseTrigger;
  /** Only for EARLY_RELEASE_REQUESTED: what shows the buyer agreed (e.g. a chat-log reference). */
  evidence?: { kind: EarlyReleaseEvidence; reference: string };
  /** CERTIFICATE_UPLOADED (gold/jewellery): the certificate's number and where its image is kept. */
  certificate?: { number: string; imageReference: string };
  /** BATCH_NUMBER_UPLOADED (medical devices). */
  batchNumber?: string;
  /** REAL_NAME_APPROVED (telecom SIM): the merchant's record of the check it approved. */
  realNameCheck?: { reference: string };
}

/** What a merchant-owned release carries, as stored on the order and shown with it. */
export type PauseReleaseData = Pick<PauseRelease, 'evidence' | 'certificate' | 'batchNumber' | 'realNameCheck'>;

const present = (text: string | undefined): boolean => typeof text === 'string' && text.trim() !== '';

/**
 * Issue 12: a release the merchant asserts carries the data that justifies it (the certificate,
 * the batch number, the real-name check); a release without it is refused, so the paused tab
 * never empties on a bare claim.
 */
export function releaseDataProblem(release: PauseRelease): string | undefined {
  switch (release.trigger) {
    case 'CERTIFICATE_UPLOADED':
      return present(release.certificate?.number) && present(release.certificate?.imageReference) ? undefined : 'CERTIFICATE_UPLOADED needs certificate.number and certificate.imageReference';
    case 'BATCH_NUMBER_UPLOADED':
      return present(release.batchNumber) ? undefined : 'BATCH_NUMBER_UPLOADED needs batchNumber';
    case 'REAL_NAME_APPROVED':
      return present(release.realNameCheck?.reference) ? undefined : 'REAL_NAME_APPROVED needs realNameCheck.reference (the record of the approved check)';
    default:
      return undefined;
  }
}

/** The data of a release worth keeping (only what its trigger carries). */
export function releaseData(release: PauseRelease): PauseReleaseData {
  switch (release.trigger) {
    case 'EARLY_RELEASE_REQUESTED':
      return release.evidence ? { evidence: { kind: release.evidence.kind, reference: release.evidence.reference.trim() } } : {};
    case 'CERTIFICATE_UPLOADED':
      return release.certificate ? { certificate: { number: release.certificate.number.trim(), imageReference: release.certificate.imageReference.trim() } } : {};
    case 'BATCH_NUMBER_UPLOADED':
      return release.batchNumber ? { batchNumber: release.batchNumber.trim() } : {};
    case 'REAL_NAME_APPROVED':
      return release.realNameCheck ? { realNameCheck: { reference: release.realNameCheck.reference.trim() } } : {};
    default:
      return {};
  }
}

/**
 * Whether `release` ends `pause` now; on success the order moves PAUSED → WAITING_OUTBOUND
 * (through the process table, so its guards apply too).
 */
export function decidePauseRelease(order: OrderFacts, pause: OrderPause, release: PauseRelease, now: Date): Decision<OrderTransition> {
  const rule = pauseReleaseRule(pause.reason);
  if (!rule.releasedBy.includes(release.trigger)) {
    const early = rule.earlyRelease ? '' : ' (early release on request is not offered for this reason)';
    return veto('PAUSE_NOT_RELEASED_BY_TRIGGER', `a pause for "${rule.label}" is released by ${describeRelease(pause.reason)}, not by ${release.trigger}${early}`);
  }
  const missing = releaseDataProblem(release);
  if (missing) return veto('RELEASE_DATA_REQUIRED', missing);
  if (release.trigger === 'EARLY_RELEASE_REQUESTED') {
    // domain.md §1.5: early release of a reserved-time pause needs evidence the buyer agreed.
    const required = rule.earlyRelease?.evidence;
    if (!release.evidence || release.evidence.kind !== required || release.evidence.reference.trim() === '') {
      return veto('EARLY_RELEASE_EVIDENCE_REQUIRED', `early release of a pause for "${rule.label}" needs evidence of kind ${required} with a reference (e.g. the chat log showing the buyer agreed)`);
    }
  } else if (release.trigger === rule.timedBy) {
    if (!pause.releaseAt || now.getTime() < pause.releaseAt.getTime()) {
      const when = pause.releaseAt ? ` at ${pause.releaseAt.toISOString()}` : '';
      const early = rule.earlyRelease ? '; before then only an early release with evidence the buyer agreed' : '';
      return veto('PAUSE_RELEASE_TIME_NOT_REACHED', `a pause for "${rule.label}" ends${when}${early}`);
    }
  }
  return decideTransition(order, 'RESUME');
}

/**
 * For the service's timer: the trigger that releases this pause on its own at `now`, if its
 * time has come; undefined for pauses that wait for an event.
 */
export function timedReleaseDue(pause: OrderPause, now: Date): PauseReleaseTrigger | undefined {
  const rule = pauseReleaseRule(pause.reason);
  if (!rule.timedBy || !pause.releaseAt) return undefined;
  return now.getTime() >= pause.releaseAt.getTime() ? rule.timedBy : undefined;
}
