/**
 * A refusal: a stable machine code (UPPER_SNAKE, part of the API contract) and a reason for
 * people that says what IS allowed. Same shape as the order domain's; each scope keeps its
 * own copy because domain libs may not import another service's scope (eslint boundaries).
 */
export interface Veto {
  code: string;
  reason: string;
}

export type Decision<T extends object = object> = ({ allowed: true } & T) | { allowed: false; veto: Veto };

export function veto(code: string, reason: string): { allowed: false; veto: Veto } {
  return { allowed: false, veto: { code, reason } };
}
