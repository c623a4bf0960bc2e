import { Veto } from './veto';

/** A guard looks at the facts of one subject and returns a veto to stop the move, or nothing. */
export type Guard<F> = (facts: F) => Veto | undefined;

/**
 * Narrows a transition to subjects whose `facts[fact]` is one of `in` (e.g. one after-sales
 * type). Transitions sharing a (from, trigger) must all select on the same fact with disjoint
 * values: that is how the start-up check proves they never clash. Unlike a guard, a selector
 * does not veto; a subject it does not select simply has no such transition.
 */
export type Selector<F> = { [K in keyof F & string]: { fact: K; in: readonly NonNullable<F[K]>[] } }[keyof F & string];

export interface TransitionDeclaration<S extends string, T extends string, F, G extends string, E extends string> {
  trigger: T;
  from: readonly S[];
  to: S;
  /** Which subjects have this transition at all; see Selector. */
  when?: Selector<F>;
  /** Names of the process's guards, asked in this order; the first veto stops the move. */
  guards?: readonly G[];
  /** Declared outcomes of the move (e.g. the event it publishes), handed out with the decision. */
  effects?: readonly E[];
}

export interface ProcessDeclaration<S extends string, T extends string, F extends { status: S }, G extends string, E extends string> {
  /** Names the process in check errors and in the default refusal code (INVALID_<NAME>_TRANSITION). */
  name: string;
  /** What one subject is called in a refusal's reason ("an order in status … cannot …"); defaults to name. */
  noun?: string;
  states: readonly S[];
  /** States a subject may be created in; every other state must be reachable from one of them. */
  initial: readonly S[];
  /** States without a way out. Every state without an outgoing transition must be listed here. */
  terminal: readonly S[];
  guards?: Readonly<Record<G, Guard<F>>>;
  transitions: readonly TransitionDeclaration<S, T, F, G, E>[];
  /**
   * The refusal when no transition matches, for triggers whose refusal should say more than
   * "not from this state" (e.g. where to go instead). Returning nothing keeps the default.
   * Gets the declaration itself, e.g. to ask `hasTrigger`.
   */
  refuse?: (facts: F, trigger: T, process: ProcessDeclaration<S, T, F, G, E>) => Veto | undefined;
}

/** A declared process that passed the start-up checks; only `defineProcess` makes one. */
export interface Process<S extends string, T extends string, F extends { status: S }, G extends string = string, E extends string = never> extends ProcessDeclaration<S, T, F, G, E> {
  readonly checked: true;
}

/** Thrown when a declared table breaks a start-up rule: the service must not start with it. */
export class ProcessDeclarationError extends Error {
  constructor(process: string, problems: readonly string[]) {
    super(`${process} process: ${problems.join('; ')}`);
    this.name = 'ProcessDeclarationError';
  }
}

/**
 * Declares a process and runs the start-up checks on it: states known, every state reachable
 * from an initial one, terminal states declared (and only those without a way out), guards
 * declared and used, and no (from, trigger) leading two ways unless selectors tell them apart.
 * Declaring at module load means a broken table stops the service before it takes a request.
 */
export function defineProcess<S extends string, T extends string, F extends { status: S }, G extends string = never, E extends string = never>(
  declaration: ProcessDeclaration<S, T, F, G, E>,
): Process<S, T, F, G, E> {
  const problems = processProblems(declaration);
  if (problems.length > 0) throw new ProcessDeclarationError(declaration.name, problems);
  return Object.freeze({ ...declaration, checked: true as const });
}

/** Every broken rule of a declaration (empty when it is sound); `defineProcess` throws on any. */
export function processProblems<S extends string, T extends string, F extends { status: S }, G extends string, E extends string>(
  declaration: ProcessDeclaration<S, T, F, G, E>,
): string[] {
  const problems: string[] = [];
  const states = new Set<S>(declaration.states);
  const known = (state: S, where: string) => {
    if (!states.has(state)) problems.push(`${where} names the undeclared state ${state}`);
  };
  if (declaration.initial.length === 0) problems.push('no initial state is declared');
  declaration.initial.forEach((state) => known(state, 'initial'));
  declaration.terminal.forEach((state) => known(state, 'terminal'));

  const guardNames = new Set(Object.keys(declaration.guards ?? {}));
  const usedGuards = new Set<string>();
  for (const transition of declaration.transitions) {
    const label = `${transition.trigger} → ${transition.to}`;
    transition.from.forEach((state) => known(state, label));
    known(transition.to, label);
    for (const guard of transition.guards ?? []) {
      usedGuards.add(guard);
      if (!guardNames.has(guard)) problems.push(`${label} names the undeclared guard ${guard}`);
    }
  }
  for (const guard of guardNames) if (!usedGuards.has(guard)) problems.push(`the guard ${guard} is declared but no transition uses it`);

  const reachable = new Set<S>(declaration.initial);
  for (let grew = true; grew; ) {
    grew = false;
    for (const transition of declaration.transitions) {
      if (!reachable.has(transition.to) && transition.from.some((state) => reachable.has(state))) {
        reachable.add(transition.to);
        grew = true;
      }
    }
  }
  for (const state of declaration.states) if (!reachable.has(state)) problems.push(`${state} is unreachable from ${declaration.initial.join(', ')}`);

  const terminal = new Set<S>(declaration.terminal);
  for (const state of declaration.states) {
    const hasWayOut = declaration.transitions.some((transition) => transition.from.includes(state));
    if (terminal.has(state) && hasWayOut) problems.push(`${state} is declared terminal but has a way out`);
    if (!terminal.has(state) && !hasWayOut) problems.push(`${state} has no way out and is not declared terminal`);
  }

  problems.push(...ambiguities(declaration.transitions));
  return problems;
}

function ambiguities<S extends string, T extends string, F, G extends string, E extends string>(transitions: readonly TransitionDeclaration<S, T, F, G, E>[]): string[] {
  const problems: string[] = [];
  transitions.forEach((first, index) => {
    for (const second of transitions.slice(index + 1)) {
      if (first.trigger !== second.trigger) continue;
      const shared = first.from.filter((state) => second.from.includes(state));
      if (shared.length === 0) continue;
      const where = `${first.trigger} from ${shared.join(', ')}`;
      if (!first.when || !second.when || first.when.fact !== second.when.fact) {
        problems.push(`${where} is declared twice (→ ${first.to}, → ${second.to}) without selectors on one fact to tell them apart`);
        continue;
      }
      const overlap = first.when.in.filter((value) => (second.when?.in as readonly unknown[]).includes(value));
      if (overlap.length > 0) problems.push(`${where} is declared twice (→ ${first.to}, → ${second.to}) for ${first.when.fact} ${overlap.join(', ')}`);
    }
  });
  return problems;
}
