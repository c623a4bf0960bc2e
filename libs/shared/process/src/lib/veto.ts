/**
 * A refusal: a stable machine code (UPPER_SNAKE, part of the API contract, never reworded)
 * and a reason for people that says what IS allowed, so the caller knows the way forward.
 * One shape for every scope: guards of every process and every `decide…` function return it.
 */
export interface Veto {
  code: string;
  reason: string;
}

/** The outcome of every `decide…` function: the allowed result, or one veto. */
export type Decision<T extends object = object> = ({ allowed: true } & T) | { allowed: false; veto: Veto };

export function veto(code: string, reason: string): { allowed: false; veto: Veto } {
  return { allowed: false, veto: { code, reason } };
}

/** Tells a veto from an allowed result of a `decide…` function that returns `T | Veto`. */
export function isVeto(value: unknown): value is Veto {
  return typeof value === 'object' && value !== null && typeof (value as Veto).code === 'string' && typeof (value as Veto).reason === 'string';
}
