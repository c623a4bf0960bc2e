import { decide, defineProcess } from '@orderline/shared/process';
import type { PeriodStatus } from './loan';

/** What moves a period of a loan's plan (domain.md §4.3-§4.5). */
export type PeriodTrigger =
  /** Its statement day is issued (§4.4). */
  | 'BILL'
  /** Unpaid after its due date (§4.4). */
  | 'FALL_DUE'
  /** Nothing left to pay: repaid, paid by the balance or credited by refunds. */
  | 'SETTLE'
  /** A refund took all of its principal before it was billed (§4.5 rule 2). */
  | 'VOID';

/**
 * The credit period process, declared with the process engine (start-up checks at import):
 * SCHEDULED → BILLED → OVERDUE, either of the last two → PAID, and SCHEDULED → VOIDED. A
 * billed period is never voided: it stays on its issued statement (§4.5 rule 3).
 */
export const CREDIT_PERIOD_PROCESS = defineProcess<PeriodStatus, PeriodTrigger, { status: PeriodStatus }>({
  name: 'credit period',
  states: ['SCHEDULED', 'BILLED', 'OVERDUE', 'PAID', 'VOIDED'],
  initial: ['SCHEDULED'],
  terminal: ['PAID', 'VOIDED'],
  transitions: [
    { trigger: 'BILL', from: ['SCHEDULED'], to: 'BILLED' },
    { trigger: 'FALL_DUE', from: ['BILLED'], to: 'OVERDUE' },
    { trigger: 'SETTLE', from: ['BILLED', 'OVERDUE'], to: 'PAID' },
    { trigger: 'VOID', from: ['SCHEDULED'], to: 'VOIDED' },
  ],
});

export class PeriodTransitionError extends Error {}

/** The period after `trigger`, as the process decides it; a move the table does not allow is a bug. */
export function movePeriod<P extends { status: PeriodStatus }>(period: P, trigger: PeriodTrigger): P {
  const decision = decide(CREDIT_PERIOD_PROCESS, { status: period.status }, trigger);
  if (!decision.allowed) throw new PeriodTransitionError(decision.veto.reason);
  return { ...period, status: decision.to };
}
