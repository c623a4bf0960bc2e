import { getMetadataStorage, MAX, MIN, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { ALL_EVENTS } from './catalog';
import { EVENT_FLOWS, EventTypeName, ServiceName } from './event-flows';
import { EventDefinition } from './registry';
import { ALL_TOPICS, deadLetterTopicOf, DLQ_HEADERS, EVENT_HEADERS, TopicName } from './topics';
import { transformerMetadata } from './transformer-metadata';

type Schema = Record<string, unknown>;

const SCHEMA_REF = '#/components/schemas/';

const TOPIC_DESCRIPTIONS: Record<TopicName, string> = {
  'orders.v1': 'Facts about orders, written by the order service; keyed by order id so one order’s events keep their order.',
  'logistics.v1': 'Shipments, tracking and receipt timers, written by the logistics service; keyed by order id.',
  'after-sales.v1': 'Return, refund and exchange requests and the refunds they settle, written by the after-sales service; keyed by order id.',
  'credit.v1': 'Credit holds, loans, statements, repayments and refund offsets, written by the credit-billing service; keyed by credit account id (or order id when a decision has no account).',
  'exports.v1': 'Export tasks that finished, written by the export service; keyed by task id.',
};

/** What one event means for the documents built from the registry (AsyncAPI, the events catalogue). */
export interface EventCatalogueEntry {
  type: EventTypeName;
  version: number;
  topic: TopicName;
  description: string;
  /** The payload fields the Kafka key is taken from, in the order `keyOf` tries them. */
  keyFields: string[];
  payloadSchema: string;
  producer: ServiceName;
  consumers: readonly ServiceName[];
}

/** Runs `keyOf` on a recording stand-in to learn which payload fields the key comes from. */
function keyFieldsOf(definition: EventDefinition): string[] {
  const read: string[] = [];
  const recorder = new Proxy({}, { get: (_target, property) => (read.push(String(property)), undefined) });
  definition.keyOf(recorder);
  return read;
}

export function eventCatalogue(): EventCatalogueEntry[] {
  return ALL_EVENTS.map((definition) => ({
    type: definition.type as EventTypeName,
    version: definition.version,
    topic: definition.topic,
    description: definition.description,
    keyFields: keyFieldsOf(definition as unknown as EventDefinition),
    payloadSchema: definition.payload.name,
    producer: EVENT_FLOWS[definition.type as EventTypeName].producer,
    consumers: EVENT_FLOWS[definition.type as EventTypeName].consumers,
  }));
}

/** The payload classes and every class nested in them (through @ValidateNested + @Type). */
function payloadClasses(): Set<Function> {
  const storage = getMetadataStorage();
  const found = new Set<Function>();
  const visit = (target: Function) => {
    if (found.has(target)) return;
    found.add(target);
    for (const meta of storage.getTargetValidationMetadatas(target, '', true, false)) {
      if (meta.type !== ValidationTypes.NESTED_VALIDATION) continue;
      const typeMeta = transformerMetadata.findTypeMetadata(target, meta.propertyName);
      const child = typeMeta ? typeMeta.typeFunction() : Reflect.getMetadata('design:type', target.prototype, meta.propertyName);
      if (typeof child === 'function' && child !== Array && child !== Object) visit(child as Function);
    }
    const parent = Object.getPrototypeOf(target) as Function;
    if (parent && parent !== Function.prototype) visit(parent);
  };
  for (const definition of ALL_EVENTS) visit(definition.payload);
  return found;
}

/**
 * JSON schemas of every payload class, derived from the same class-validator metadata that
 * validates events at the outbox and the inbox (one source). Only the payload classes and the
 * classes nested in them are converted: request DTOs loaded in the same process are left out.
 */
export function eventPayloadSchemas(): Record<string, Schema> {
  const storage = getMetadataStorage();
  const wanted = payloadClasses();
  const all = (storage as unknown as { validationMetadatas: Map<Function, ValidationMetadata[]> }).validationMetadatas;
  const names = new Map<string, Function>();
  for (const target of wanted) {
    const other = names.get(target.name);
    if (other && other !== target) throw new Error(`two event payload classes are named ${target.name}: schema names must be unique`);
    names.set(target.name, target);
  }
  const onlyPayloads = {
    validationMetadatas: new Map([...all].filter(([target]) => wanted.has(target))),
    getTargetValidatorConstraints: (target: Function) => storage.getTargetValidatorConstraints(target),
  };
  const schemas = validationMetadatasToSchemas({
    classValidatorMetadataStorage: onlyPayloads as unknown as ReturnType<typeof getMetadataStorage>,
    classTransformerMetadataStorage: transformerMetadata,
    refPointerPrefix: SCHEMA_REF,
    // The defaults say `type: number` for @Min/@Max, which would override @IsInt's `integer`
    // (money is integer fen): bounds only bound.
    additionalConverters: {
      [MIN]: (meta: ValidationMetadata) => ({ minimum: meta.constraints[0] }),
      [MAX]: (meta: ValidationMetadata) => ({ maximum: meta.constraints[0] }),
    },
  }) as Record<string, Schema>;
  // No additionalProperties: false: a consumer validates the fields it knows and ignores others,
  // so a producer may add an optional field before every consumer knows it.
  return schemas;
}

const ENVELOPE_FIELDS: Record<string, Schema> = {
  eventId: { type: 'string', format: 'uuid', description: 'Unique per event; the inbox deduplicates on it.' },
  type: { type: 'string', description: 'The event type (past tense), e.g. OrderPlaced.' },
  version: { type: 'integer', minimum: 1, description: 'Payload schema version of this type.' },
  occurredAt: { type: 'string', format: 'date-time', description: 'When the fact happened (platform clock, UTC).' },
  producer: { type: 'string', description: 'The service whose outbox wrote the event.' },
  aggregateId: { type: 'string', description: 'Id of the aggregate the event is about (order id, credit account id, …).' },
  correlationId: { type: 'string', description: 'Shared by every request and event descending from one user action.' },
  causationId: { type: ['string', 'null'], description: 'eventId of the event that caused this one; null when a request did.' },
};

function envelopeSchema(entry: EventCatalogueEntry): Schema {
  return {
    type: 'object',
    description: `The envelope every event travels in; \`payload\` is ${entry.payloadSchema}.`,
    required: [...Object.keys(ENVELOPE_FIELDS), 'payload'],
    properties: {
      ...ENVELOPE_FIELDS,
      type: { ...ENVELOPE_FIELDS['type'], const: entry.type },
      version: { ...ENVELOPE_FIELDS['version'], const: entry.version },
      producer: { ...ENVELOPE_FIELDS['producer'], const: entry.producer },
      payload: { $ref: `${SCHEMA_REF}${entry.payloadSchema}` },
    },
  };
}

const EVENT_HEADER_SCHEMA: Schema = {
  type: 'object',
  required: [EVENT_HEADERS.eventType],
  properties: { [EVENT_HEADERS.eventType]: { type: 'string', description: 'The envelope’s `type`, for routing without parsing the value.' } },
};

const DLQ_HEADER_DESCRIPTIONS: Record<keyof typeof DLQ_HEADERS, string> = {
  error: 'Why the consumer gave up (the error message; never the payload).',
  originalTopic: 'The topic the event was read from.',
  originalPartition: 'Its partition (decimal).',
  originalOffset: 'Its offset (decimal).',
  consumerGroup: 'The consumer group that failed to apply it.',
  attempts: 'How many times it was tried (decimal).',
  failedAt: 'When it was dead-lettered (ISO-8601, UTC).',
};

const DLQ_HEADER_SCHEMA: Schema = {
  type: 'object',
  description: 'The original headers (event-type when the event had one) and the dead-letter headers.',
  required: Object.values(DLQ_HEADERS),
  properties: {
    ...(EVENT_HEADER_SCHEMA['properties'] as Schema),
    ...Object.fromEntries((Object.keys(DLQ_HEADERS) as Array<keyof typeof DLQ_HEADERS>).map((key) => [DLQ_HEADERS[key], { type: 'string', description: DLQ_HEADER_DESCRIPTIONS[key] }])),
  },
};

function keyDescription(entry: EventCatalogueEntry): string {
  return entry.keyFields.map((field) => `payload.${field}`).join(', or when absent ');
}

function message(entry: EventCatalogueEntry, deadLettered: boolean): Schema {
  const flow = entry.consumers.length ? `Consumed by ${entry.consumers.join(', ')}.` : 'No service consumes it yet (published for integrations).';
  return {
    name: deadLettered ? `${entry.type}.dlq` : entry.type,
    title: deadLettered ? `${entry.type} (dead-lettered)` : entry.type,
    summary: entry.description,
    description: deadLettered
      ? `A ${entry.type} that a consumer could not apply after its retries (or could not decode), copied unchanged with the dead-letter headers. Bad JSON and unknown types land here too, with the same headers.`
      : `${entry.description}\n\nProduced by ${entry.producer} through its transactional outbox. ${flow} Key: ${keyDescription(entry)}.`,
    contentType: 'application/json',
    headers: deadLettered ? DLQ_HEADER_SCHEMA : EVENT_HEADER_SCHEMA,
    payload: envelopeSchema(entry),
    correlationId: { description: 'Correlation id shared by the request and every event it causes.', location: '$message.payload#/correlationId' },
    bindings: { kafka: { key: { type: 'string', description: keyDescription(entry) }, bindingVersion: '0.5.0' } },
    'x-producer': entry.producer,
    'x-consumers': entry.consumers,
    'x-event-version': entry.version,
  };
}

const CONSUMER_DESCRIPTION =
  'Applies each event once, in one transaction with its inbox row; retries with exponential back-off, then copies the event to the topic’s .dlq twin and moves on.';

/**
 * The AsyncAPI 3.0 document of every topic and event, built from the registry (ALL_EVENTS,
 * ALL_TOPICS), the payload classes' validation metadata and the declared flows. Served by the
 * gateway at /asyncapi.json and written to docs/api/asyncapi.json by tools/api/write-asyncapi.mjs.
 */
export function buildAsyncApiDocument(options: { version: string }): Schema {
  const entries = eventCatalogue();
  const channels: Schema = {};
  const operations: Schema = {};
  const messages: Schema = {};
  for (const topic of ALL_TOPICS) {
    const onTopic = entries.filter((entry) => entry.topic === topic);
    const dlq = deadLetterTopicOf(topic);
    channels[topic] = {
      address: topic,
      title: topic,
      description: TOPIC_DESCRIPTIONS[topic],
      messages: Object.fromEntries(onTopic.map((entry) => [entry.type, { $ref: `#/components/messages/${entry.type}` }])),
      bindings: { kafka: { partitions: 3, bindingVersion: '0.5.0' } },
    };
    channels[dlq] = {
      address: dlq,
      title: dlq,
      description: `Dead letters of ${topic}: events a consumer group could not apply, with the x-dlq-* headers. Nothing consumes it; an operator reads it.`,
      messages: Object.fromEntries(onTopic.map((entry) => [`${entry.type}.dlq`, { $ref: `#/components/messages/${entry.type}.dlq` }])),
      bindings: { kafka: { partitions: 3, bindingVersion: '0.5.0' } },
    };
    for (const entry of onTopic) {
      messages[entry.type] = message(entry, false);
      messages[`${entry.type}.dlq`] = message(entry, true);
    }
    const producers = [...new Set(onTopic.map((entry) => entry.producer))];
    for (const producer of producers) {
      operations[`${producer}.send.${topic}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${topic}` },
        title: `${producer} publishes to ${topic}`,
        summary: `Relayed from the ${producer} outbox (idempotent producer, acks=all), after the transaction that wrote them commits.`,
        messages: onTopic.filter((entry) => entry.producer === producer).map((entry) => ({ $ref: `#/channels/${topic}/messages/${entry.type}` })),
      };
    }
    const consumers = [...new Set(onTopic.flatMap((entry) => entry.consumers))];
    for (const consumer of consumers) {
      const consumed = onTopic.filter((entry) => entry.consumers.includes(consumer));
      operations[`${consumer}.receive.${topic}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${topic}` },
        title: `${consumer} consumes ${topic}`,
        summary: CONSUMER_DESCRIPTION,
        messages: consumed.map((entry) => ({ $ref: `#/channels/${topic}/messages/${entry.type}` })),
      };
      operations[`${consumer}.send.${dlq}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${dlq}` },
        title: `${consumer} dead-letters ${topic}`,
        summary: 'An event this consumer could not apply after its retries.',
        messages: consumed.map((entry) => ({ $ref: `#/channels/${dlq}/messages/${entry.type}.dlq` })),
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    id: 'urn:orderline:events',
    info: {
      title: 'Orderline events',
      version: options.version,
      description:
        'Every integration event of Orderline: five services talk only through these Kafka topics, each event written by a transactional outbox and read through an inbox. ' +
        'Generated from the event registry (libs/shared/contracts): payload schemas from the classes that validate the events. Money is integer fen; times are ISO-8601 UTC.',
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The broker of a local stack (KAFKA_BROKERS). Topics carry KAFKA_TOPIC_PREFIX when one is set; embedded mode runs the same topics on an in-process bus.',
      },
    },
    channels,
    operations,
    components: { messages, schemas: eventPayloadSchemas() },
  };
}
