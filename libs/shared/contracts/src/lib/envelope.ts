import { randomUUID } from 'node:crypto';

/**
 * The JSON envelope every event travels in (architecture.md, "Events"). The payload is
 * the event-specific part; everything else is the same for every event so that relays,
 * inboxes and dead-letter tooling never need to know event types.
 */
export interface EventEnvelope<P = unknown> {
  /** UUID, unique per event; the inbox deduplicates on it. */
  eventId: string;
  /** Past-tense name from the registry, e.g. `OrderPlaced`. */
  type: string;
  /** Payload schema version of this type. */
  version: number;
  /** ISO-8601 UTC instant at which the fact happened (platform clock). */
  occurredAt: string;
  /** Name of the service that wrote the event to its outbox. */
  producer: string;
  /** The id of the aggregate the event is about (order id, credit account id, …). */
  aggregateId: string;
  /** Id shared by every event and request descending from one user action. */
  correlationId: string;
  /** eventId of the event that caused this one, or null when a request caused it. */
  causationId: string | null;
  payload: P;
}

export interface NewEnvelope<P> {
  type: string;
  version: number;
  producer: string;
  aggregateId: string;
  payload: P;
  occurredAt: Date;
  correlationId?: string;
  causationId?: string | null;
  eventId?: string;
}

export function buildEnvelope<P>(input: NewEnvelope<P>): EventEnvelope<P> {
  const eventId = input.eventId ?? randomUUID();
  return {
    eventId,
    type: input.type,
    version: input.version,
    occurredAt: input.occurredAt.toISOString(),
    producer: input.producer,
    aggregateId: input.aggregateId,
    // A request without a correlation id starts a new story: the event is its own root.
    correlationId: input.correlationId ?? eventId,
    causationId: input.causationId ?? null,
    payload: input.payload,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Structural check of the envelope fields; returns the problems found (empty = valid). */
export function envelopeProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['envelope is not a JSON object'];
  const e = value as Record<string, unknown>;
  const problems: string[] = [];
  const requireString = (field: string) => {
    if (typeof e[field] !== 'string' || (e[field] as string).length === 0) problems.push(`${field} must be a non-empty string`);
  };
  if (typeof e.eventId !== 'string' || !UUID.test(e.eventId)) problems.push('eventId must be a UUID');
  requireString('type');
  requireString('producer');
  requireString('aggregateId');
  requireString('correlationId');
  if (!Number.isInteger(e.version) || (e.version as number) < 1) problems.push('version must be a positive integer');
  if (typeof e.occurredAt !== 'string' || Number.isNaN(Date.parse(e.occurredAt))) problems.push('occurredAt must be an ISO-8601 instant');
  if (e.causationId !== null && typeof e.causationId !== 'string') problems.push('causationId must be a string or null');
  if (typeof e.payload !== 'object' || e.payload === null || Array.isArray(e.payload)) problems.push('payload must be a JSON object');
  return problems;
}
