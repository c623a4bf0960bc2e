/**
 * A refusal: a stable machine code (UPPER_SNAKE, part of the API contract, never reworded)
 * and a reason for people that says what IS allowed, so the caller knows the way forward.
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
