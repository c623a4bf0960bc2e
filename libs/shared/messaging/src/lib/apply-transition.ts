import { EventDefinition } from '@orderline/shared/contracts';
import { Transition } from '@orderline/shared/process';
import { PublishOptions, TransactionScope } from './unit-of-work';

/** One event to publish through the outbox; build it with `outgoing` so payload and definition agree. */
export interface OutgoingEvent {
  definition: EventDefinition<any>;
  payload: object;
  options?: PublishOptions;
}

export function outgoing<P extends object>(definition: EventDefinition<P>, payload: P, options?: PublishOptions): OutgoingEvent {
  return { definition, payload, ...(options ? { options } : {}) };
}

/**
 * How one process persists a move; the persistence specifics stay in the service's
 * repository, the order of the steps stays here.
 */
export interface TransitionSteps<Subject, S extends string, T extends string, E extends string> {
  /** Writes the subject in its new status (and whatever else the use case changed on it). */
  save(subject: Subject, transition: Transition<S, T, E>): Promise<void>;
  /**
   * Appends the history row of the move: who, when, why. Only a process whose subject keeps its
   * own trail (a negotiated cancellation's document records when it closed) goes without.
   */
  history?(transition: Transition<S, T, E>): Promise<void>;
  /** The event every move of this process publishes (e.g. a status change), if it has one. */
  event?(transition: Transition<S, T, E>): OutgoingEvent | undefined;
  /**
   * The event of each effect the table declares for this move. A declared effect without an
   * event, or an event for an effect the move does not declare, is a bug: both throw. An effect
   * may be one event per related subject (a shipment's move, once per order in the parcel).
   */
  effects?: Partial<Record<E, (transition: Transition<S, T, E>) => OutgoingEvent | readonly OutgoingEvent[]>>;
}

/**
 * The one place a decided transition is applied: sets the status, saves, appends the history
 * row and publishes the move's events, all in the caller's transaction (so the events exist
 * if and only if the move committed). The decision must be for the subject's current status.
 */
export async function applyTransition<Subject extends { status: S }, S extends string, T extends string, E extends string>(
  scope: Pick<TransactionScope, 'publish'>,
  subject: Subject,
  transition: Transition<S, T, E>,
  steps: TransitionSteps<Subject, S, T, E>,
): Promise<Transition<S, T, E>> {
  if (subject.status !== transition.from) throw new Error(`a ${transition.trigger} decided from ${transition.from} cannot be applied to a subject in ${subject.status}`);
  const undeclared = Object.keys(steps.effects ?? {}).filter((effect) => !(transition.effects as readonly string[]).includes(effect));
  if (undeclared.length > 0) throw new Error(`the ${transition.trigger} transition does not declare the effect ${undeclared.join(', ')} it is given an event for`);
  const events: OutgoingEvent[] = [];
  const own = steps.event?.(transition);
  if (own) events.push(own);
  for (const effect of transition.effects) {
    const build = steps.effects?.[effect];
    if (!build) throw new Error(`the ${transition.trigger} transition declares the effect ${effect}, but no event is given for it`);
    events.push(...[build(transition)].flat());
  }
  subject.status = transition.to;
  await steps.save(subject, transition);
  await steps.history?.(transition);
  for (const event of events) await scope.publish(event.definition, event.payload, event.options);
  return transition;
}
