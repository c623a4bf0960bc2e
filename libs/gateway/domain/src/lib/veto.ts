/** A refusal with a stable code and a reason that says what is allowed instead. */
export interface Veto {
  code: string;
  reason: string;
}
