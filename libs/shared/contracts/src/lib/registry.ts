import { validateSync, ValidationError } from 'class-validator';
import { inspectDocument, TEXT_PROBLEM_MESSAGES } from '@orderline/shared/platform-rules';
import { EventEnvelope, envelopeProblems } from './envelope';
import { TopicName } from './topics';
import { memoizeValidationMetadata } from './validation-metadata-cache';
import { passesValidation } from './validity-check';
import { instantiatePayload } from './payload-instances';

type PayloadClass<P> = new () => P;

/** One event type: declared once, here, with its topic, payload class and routing key. */
export interface EventDefinition<P extends object = object> {
  type: string;
  version: number;
  topic: TopicName;
  payload: PayloadClass<P>;
  /** What the event means, for people reading the registry. */
  description: string;
  /** Kafka key: keeps every event of one order (or credit account) in one partition. */
  keyOf(payload: P): string;
}

export function defineEvent<P extends object>(definition: EventDefinition<P>): EventDefinition<P> {
  return definition;
}

export type PayloadOf<D> = D extends EventDefinition<infer P> ? P : never;

/** Thrown when an event cannot be decoded or fails its schema; never worth retrying. */
export class EventContractError extends Error {
  constructor(message: string, readonly problems: string[] = []) {
    super(problems.length ? `${message}: ${problems.join('; ')}` : message);
  }
}

function flattenErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
    return [...own, ...flattenErrors(error.children ?? [], path)];
  });
}

export class EventRegistry {
  private readonly byType = new Map<string, EventDefinition>();

  constructor(definitions: readonly EventDefinition<any>[]) {
    // Every published and consumed event is validated against its class (issue 19).
    memoizeValidationMetadata();
    for (const definition of definitions) {
      if (this.byType.has(definition.type)) throw new Error(`event type ${definition.type} declared twice`);
      this.byType.set(definition.type, definition);
    }
  }

  definitions(): EventDefinition[] {
    return [...this.byType.values()];
  }

  /** Whether `type` is a declared event type. */
  has(type: string): boolean {
    return this.byType.has(type);
  }

  get(type: string): EventDefinition {
    const definition = this.byType.get(type);
    if (!definition) throw new EventContractError(`unknown event type "${type}"`);
    return definition;
  }

  /** Validates a payload against its class; returns the class instance. */
  validatePayload<P extends object>(definition: EventDefinition<P>, payload: unknown): P {
    if (typeof payload !== 'object' || payload === null) throw new EventContractError(`${definition.type} payload must be an object`);
    // The free-text rule of the edge holds for events too (docs/security.md): a payload with a
    // NUL or a lone surrogate is refused before it reaches the outbox, so it is never published.
    // Messages name the field, never its value (they end up in logs and DLQ headers).
    // Lengths are the payload classes' own @Length caps (sealed blobs may exceed the edge's cap).
    const textProblems = inspectDocument(payload, { maxDepth: 16, maxArrayLength: 10_000, maxValues: 1_000_000 })
      .text.filter((violation) => violation.problem !== 'TOO_LONG')
      .map((violation) => `${violation.field}: ${TEXT_PROBLEM_MESSAGES[violation.problem]}`);
    if (textProblems.length) throw new EventContractError(`invalid ${definition.type} payload`, textProblems);
    const instance = instantiatePayload(definition.payload, payload);
    // A valid payload (nearly all of them) is answered without class-validator's error tree;
    // anything else is judged, and described, by class-validator itself.
    if (passesValidation(instance, { forbidNonWhitelisted: false })) return instance;
    const problems = flattenErrors(validateSync(instance as object, { forbidUnknownValues: true }));
    if (problems.length) throw new EventContractError(`invalid ${definition.type} payload`, problems);
    return instance;
  }

  /** Parses raw bytes from the wire into a validated envelope (payload as its class). */
  decode(raw: Buffer | string | null): EventEnvelope {
    if (raw === null) throw new EventContractError('empty message');
    let parsed: unknown;
    try {
      parsed = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
    } catch (error) {
      throw new EventContractError(`message is not JSON (${(error as Error).message})`);
    }
    const problems = envelopeProblems(parsed);
    if (problems.length) throw new EventContractError('invalid envelope', problems);
    const envelope = parsed as EventEnvelope;
    const definition = this.get(envelope.type);
    if (envelope.version !== definition.version) {
      throw new EventContractError(`unsupported ${envelope.type} version ${envelope.version} (expected ${definition.version})`);
    }
    return { ...envelope, payload: this.validatePayload(definition, envelope.payload) };
  }
}
