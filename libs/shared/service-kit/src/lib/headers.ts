/** The request id a caller may send and every answer echoes (docs/observability.md). */
export const CORRELATION_HEADER = 'x-correlation-id';
/** A correlation id the caller may choose; any other value is replaced by a new UUID. */
export const CORRELATION_ID_PATTERN = /^[\w.:-]{1,128}$/;
/** The shared secret the gateway sends with every call to a service. */
export const INTERNAL_TOKEN_HEADER = 'x-internal-token';
