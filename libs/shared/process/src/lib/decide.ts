import { Process, ProcessDeclaration, TransitionDeclaration } from './process-definition';
import { Decision, Veto } from './veto';

/** An allowed move: where from, where to, and the outcomes the table declares for it. */
export interface Transition<S extends string, T extends string, E extends string = never> {
  trigger: T;
  from: S;
  to: S;
  effects: readonly E[];
}

export type TransitionDecision<S extends string, T extends string, E extends string = never> = Decision<Transition<S, T, E>>;

/**
 * Decides whether `trigger` may move the subject described by `facts` now, and where to:
 * the one transition of the table for (facts.status, trigger) that selects these facts, if
 * every guard it names lets it pass. Anything the table does not list is refused.
 */
export function decide<S extends string, T extends string, F extends { status: S }, G extends string, E extends string>(
  process: Process<S, T, F, G, E>,
  facts: F,
  trigger: T,
): TransitionDecision<S, T, E> {
  const transition = process.transitions.find((candidate) => candidate.trigger === trigger && candidate.from.includes(facts.status) && selects(candidate, facts));
  if (!transition) return { allowed: false, veto: process.refuse?.(facts, trigger, process) ?? defaultRefusal(process, facts.status, trigger) };
  for (const name of transition.guards ?? []) {
    const veto = process.guards?.[name](facts);
    if (veto) return { allowed: false, veto };
  }
  return { allowed: true, trigger, from: facts.status, to: transition.to, effects: transition.effects ?? [] };
}

/** Whether the table has `trigger` for subjects like these at all, from any state. */
export function hasTrigger<S extends string, T extends string, F extends { status: S }, G extends string, E extends string>(process: ProcessDeclaration<S, T, F, G, E>, facts: F, trigger: T): boolean {
  return process.transitions.some((candidate) => candidate.trigger === trigger && selects(candidate, facts));
}

/** "cancel" for CANCEL, "ship return" for SHIP_RETURN: a trigger as words in a reason. */
export function triggerWords(trigger: string): string {
  return trigger.toLowerCase().replace(/_/g, ' ');
}

function selects<S extends string, T extends string, F, G extends string, E extends string>(transition: TransitionDeclaration<S, T, F, G, E>, facts: F): boolean {
  if (!transition.when) return true;
  return (transition.when.in as readonly unknown[]).includes(facts[transition.when.fact]);
}

function defaultRefusal(process: { name: string; noun?: string }, status: string, trigger: string): Veto {
  const noun = process.noun ?? process.name;
  const article = /^[aeiou]/i.test(noun) ? 'an' : 'a';
  return {
    code: `INVALID_${process.name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_TRANSITION`,
    reason: `${article} ${noun} in status ${status} cannot ${triggerWords(trigger)}`,
  };
}
