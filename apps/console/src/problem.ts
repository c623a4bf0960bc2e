// The gateway answers every refusal as problem+json (RFC 9457 with a stable `code` and, for
// validation, `errors[]` per field); the console shows the message and the fields it concerns.

export interface FieldError {
  field: string;
  message: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly fields: FieldError[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
  }
}

/** The problem an answer carries, or a generic one naming the status when the body is not a problem. */
export function problemOf(status: number, body: unknown, retryAfter?: string | null): ApiProblem {
  const value = (body ?? {}) as Record<string, unknown>;
  const fields = Array.isArray(value['errors'])
    ? (value['errors'] as Array<Record<string, unknown>>).map((error) => ({ field: String(error['field'] ?? ''), message: String(error['message'] ?? '') }))
    : [];
  const retry = retryAfter ? Number(retryAfter) : undefined;
  const detail = typeof value['detail'] === 'string' ? value['detail'] : `HTTP ${status}`;
  return new ApiProblem(status, typeof value['code'] === 'string' ? value['code'] : `HTTP_${status}`, detail, fields, Number.isFinite(retry) ? retry : undefined);
}
