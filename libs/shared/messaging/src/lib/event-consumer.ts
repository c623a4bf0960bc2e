import { deadLetterTopicOf, DLQ_HEADERS, EVENT_HEADERS, EventDefinition, EventEnvelope, EventRegistry } from '@orderline/shared/contracts';
import { consumerMetrics } from '@orderline/shared/metrics';
import { inConsumeSpan } from '@orderline/shared/observability';
import { prepared } from '@orderline/shared/persistence';
import { runWithEventContext } from './event-context';
import { MessagingLogger, silentLogger } from './logger';
import { DEFAULT_RETRY_POLICY, retryDelayMs, RetryPolicy, shouldRetry } from './retry-policy';
import { DeliveryContext, IncomingMessage, MessageTransport, Subscription } from './transport';
import { TransactionScope, UnitOfWork } from './unit-of-work';

/** The inbox insert of a batch, its handlers' transaction locks first (`recordInInbox`); one text for every batch. */
const RECORD_IN_INBOX = prepared(`WITH locked AS (SELECT count(pg_advisory_xact_lock(hashtext(k))) FROM unnest($7::text[]) AS k)
       INSERT INTO inbox_message (consumer_group, event_id, event_type, source_topic, source_partition, source_offset)
       SELECT $1, e.event_id, e.event_type, e.topic, e.partition, e.source_offset
       FROM locked, unnest($2::uuid[], $3::text[], $4::text[], $5::int[], $6::text[]) AS e(event_id, event_type, topic, partition, source_offset)
       ON CONFLICT DO NOTHING RETURNING event_id`);

export type EventHandler<P> = (event: EventEnvelope<P>, scope: TransactionScope) => Promise<void>;

export interface EventHandlerBinding {
  definition: EventDefinition;
  handle: EventHandler<any>;
  /**
   * What the handler will lock (e.g. a credit account, an order of a read model). Every
   * transaction of the consumer takes these keys' transaction locks first, in sorted order (with
   * its inbox insert), so that concurrent batches touching the same rows queue instead of
   * deadlocking, and a handler need not lock them itself.
   */
  lockKey?: (event: EventEnvelope<any>) => string;
}

/** Declares which handler applies an event type inside a consumer group. */
export function onEvent<P extends object>(definition: EventDefinition<P>, handle: EventHandler<P>, options: { lockKey?: (event: EventEnvelope<P>) => string } = {}): EventHandlerBinding {
  return { definition: definition as unknown as EventDefinition, handle, lockKey: options.lockKey as EventHandlerBinding['lockKey'] };
}

export interface EventConsumerOptions {
  groupId: string;
  transport: MessageTransport;
  registry: EventRegistry;
  unitOfWork: UnitOfWork;
  handlers: EventHandlerBinding[];
  retryPolicy?: RetryPolicy;
  /** Events applied together in one transaction when none of them fails (default 100). */
  maxBatchSize?: number;
  logger?: MessagingLogger;
  /** The `service` label of this consumer's metrics (default: the group id). */
  service?: string;
  /** Delay the group accepts to receive its events in fewer deliveries (SubscribeOptions.batchWindowMs). */
  batchWindowMs?: number;
  /**
   * The name its events are recorded under in the inbox (default: the group id). The groups a
   * service's consumer is split into share one, so an event one group applied is a duplicate to
   * the other (a take-over, SubscribeOptions.takesOverFrom, redelivers what was not committed).
   */
  inboxName?: string;
  /** The group this one takes its topics over from (SubscribeOptions.takesOverFrom). */
  takesOverFrom?: string;
}

/** Declared with the topics (the AsyncAPI document lists them); re-exported for the consumer's users. */
export { DLQ_HEADERS };

/**
 * PostgreSQL unreachable or restarting is not the event's fault: such failures are retried
 * without limit (the partition waits) instead of sending a good event to the DLQ.
 */
export function isInfrastructureError(error: unknown): boolean {
  const code = (error as { code?: string })?.code ?? (error as { driverError?: { code?: string } })?.driverError?.code;
  if (typeof code === 'string' && (/^08/.test(code) || code === '57P01' || code === '57P03' || code === '57014' || code === '53300' || code === 'ECONNREFUSED' || code === 'ECONNRESET')) return true;
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(String((error as Error)?.message ?? ''));
}

/**
 * What a retry or dead-letter log line says about an event: its id, type and key, never its
 * payload (it may hold a consignee or other personal data; issue 12 item 7).
 */
function describeMessage(message: IncomingMessage): Record<string, unknown> {
  let eventId: unknown;
  let type: unknown;
  try {
    const parsed = JSON.parse(message.value?.toString('utf8') ?? 'null') as { eventId?: unknown; type?: unknown } | null;
    eventId = typeof parsed?.eventId === 'string' ? parsed.eventId.slice(0, 64) : undefined;
    type = typeof parsed?.type === 'string' ? parsed.type.slice(0, 64) : undefined;
  } catch {
    // Not JSON: the coordinates below still find it in the DLQ.
  }
  return { eventId, type, key: message.key, topic: message.topic, partition: message.partition, offset: message.offset };
}

/** Sleeps `ms` in 1 s steps, keeping the group membership alive; ends early once `stopping()` holds. */
async function sleepWithHeartbeat(ms: number, context: DeliveryContext, stopping: () => boolean): Promise<void> {
  let left = ms;
  while (left > 0 && !stopping()) {
    const step = Math.min(left, 1_000);
    await new Promise((resolve) => setTimeout(resolve, step));
    left -= step;
    await context.heartbeat().catch(() => undefined);
  }
}

/** A delivery abandoned because its consumer is stopping: the message stays uncommitted (redelivered). */
export class ConsumerStopping extends Error {
  constructor(groupId: string, cause: unknown) {
    super(`consumer ${groupId} is stopping: the message is given back for redelivery (${String((cause as Error)?.message ?? cause)})`);
    this.name = 'ConsumerStopping';
  }
}

/**
 * Consumes events through the inbox: each event is applied in one transaction together
 * with the row that records its id, so a redelivered event changes nothing; the bus
 * position advances only after that commit. A failing event is retried with back-off a
 * bounded number of times, then goes to `<topic>.dlq` with the error and its original
 * coordinates in headers, and the partition moves on.
 */
export class EventConsumer {
  private readonly handlers = new Map<string, EventHandlerBinding>();
  private readonly retryPolicy: RetryPolicy;
  private readonly logger: MessagingLogger;
  private subscription?: Subscription;
  private readonly metricsService: string;
  private stats = { applied: 0, duplicates: 0, deadLettered: 0, batches: 0, fallbacks: 0 };
  /** Set while `stop()` runs: a message still being retried is given back instead of retried on. */
  private stopping = false;

  constructor(private readonly options: EventConsumerOptions) {
    for (const binding of options.handlers) {
      if (this.handlers.has(binding.definition.type)) throw new Error(`two handlers for ${binding.definition.type} in ${options.groupId}`);
      this.handlers.set(binding.definition.type, binding);
    }
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.logger = options.logger ?? silentLogger;
    this.metricsService = options.service ?? options.groupId;
  }

  get counters(): Readonly<{ applied: number; duplicates: number; deadLettered: number; batches: number; fallbacks: number }> {
    return this.stats;
  }

  get groupId(): string {
    return this.options.groupId;
  }

  topics(): string[] {
    return [...new Set([...this.handlers.values()].map((binding) => binding.definition.topic))];
  }

  async start(): Promise<void> {
    if (this.handlers.size === 0 || this.subscription) return;
    this.subscription = await this.options.transport.subscribe({
      groupId: this.options.groupId,
      topics: this.topics(),
      maxBatchSize: this.options.maxBatchSize ?? 100,
      batchWindowMs: this.options.batchWindowMs,
      takesOverFrom: this.options.takesOverFrom,
      handle: (messages, context) => this.deliverBatch(messages, context),
    });
  }

  /** True when there is nothing to consume, or the subscription has joined its group (readiness). */
  joined(): boolean {
    if (this.handlers.size === 0) return true;
    if (!this.subscription) return false;
    return this.subscription.joined?.() ?? true;
  }

  /**
   * Leaves the group. A message in its retry back-off (the database unreachable, or a failing
   * handler) is given back uncommitted rather than retried on, so stopping never waits on an
   * outage; the bus delivers it again after the restart and the inbox keeps that to once.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    try {
      await this.subscription?.stop();
    } finally {
      this.subscription = undefined;
      this.stopping = false;
    }
  }

  /**
   * The common case: every message of the batch decodes and applies, so all of them commit in
   * one transaction (one inbox insert, one commit). If anything fails the transaction rolls
   * back and each message takes the one-by-one path with its retries and DLQ.
   */
  async deliverBatch(messages: IncomingMessage[], context: DeliveryContext): Promise<void> {
    if (messages.length > 1) {
      try {
        await this.applyTogether(messages);
        this.stats.batches += 1;
        return;
      } catch (error) {
        if (isInfrastructureError(error)) this.logger.warn('consumer: database unavailable during a batch', { group: this.options.groupId, error: String(error) });
        this.stats.fallbacks += 1;
      }
    }
    for (const message of messages) await this.deliver(message, context);
  }

  /**
   * A message whose `event-type` header names a declared type this group has no handler for is
   * passed over without parsing or validating its value: a topic carries many types and most
   * groups apply a few (decoding the rest was most of the CPU of logistics' and export's
   * consumers, issue 19). A message without the header, or naming an undeclared type, is
   * decoded as before, so it still reaches the DLQ when it is not a valid event.
   */
  private passesOver(message: IncomingMessage): boolean {
    const type = message.headers[EVENT_HEADERS.eventType];
    return type !== undefined && !this.handlers.has(type) && this.options.registry.has(type);
  }

  private async applyTogether(messages: IncomingMessage[]): Promise<void> {
    const events = messages.filter((message) => !this.passesOver(message)).map((message) => ({ message, event: this.options.registry.decode(message.value) }));
    const wanted = events.filter(({ event }) => this.handlers.has(event.type));
    if (wanted.length === 0) return;
    const seen = new Set<string>();
    const unique = wanted.filter(({ event }) => !seen.has(event.eventId) && seen.add(event.eventId));
    let applied = 0;
    let fresh = new Set<string>();
    await this.options.unitOfWork.run(async (scope) => {
      fresh = new Set(await this.recordInInbox(scope, unique));
      for (const { message, event } of unique) {
        if (!fresh.has(event.eventId)) continue;
        await this.inSpan(message, event, () => runWithEventContext({ correlationId: event.correlationId, causationId: event.eventId }, () => this.handlers.get(event.type)!.handle(event, scope)));
        applied += 1;
      }
    });
    // Counted after the commit: a rolled-back batch is applied again one by one.
    for (const { event } of unique) if (fresh.has(event.eventId)) consumerMetrics.applied(this.metricsService, this.options.groupId, event.type);
    this.stats.applied += applied;
    this.stats.duplicates += wanted.length - applied;
  }

  /**
   * Records the events in the inbox and answers the ids that were not there yet (a redelivered
   * event is skipped). The same statement first takes the transaction locks the handlers declare
   * (`lockKey`), in sorted order, so that concurrent transactions touching the same rows queue
   * instead of deadlocking; a lock taken for an event that turns out to be a duplicate is harmless.
   * One round trip for both (they were one per lock plus the insert, issue 19).
   */
  private async recordInInbox(scope: TransactionScope, events: ReadonlyArray<{ message: IncomingMessage; event: EventEnvelope<unknown> }>): Promise<string[]> {
    const lockKeys = [...new Set(events.flatMap(({ event }) => this.handlers.get(event.type)?.lockKey?.(event as EventEnvelope<any>) ?? []))].sort();
    const recorded: Array<{ event_id: string }> = await scope.manager.query(
      RECORD_IN_INBOX,
      [
        this.options.inboxName ?? this.options.groupId,
        events.map(({ event }) => event.eventId),
        events.map(({ event }) => event.type),
        events.map(({ message }) => message.topic),
        events.map(({ message }) => message.partition),
        events.map(({ message }) => message.offset),
        lockKeys,
      ],
    );
    return recorded.map((row) => row.event_id);
  }

  /** Handles one message to the end: applied, skipped, or dead-lettered. */
  async deliver(message: IncomingMessage, context: DeliveryContext): Promise<void> {
    let attempts = 0;
    for (;;) {
      attempts += 1;
      try {
        await this.applyOnce(message);
        return;
      } catch (error) {
        if (this.stopping) throw new ConsumerStopping(this.options.groupId, error);
        if (isInfrastructureError(error)) {
          attempts -= 1;
          this.logger.warn('consumer: database unavailable, retrying', { group: this.options.groupId, error: String(error) });
          await sleepWithHeartbeat(this.retryPolicy.maxDelayMs, context, () => this.stopping);
          continue;
        }
        if (!shouldRetry(attempts, this.retryPolicy)) {
          await this.deadLetter(message, error, attempts);
          return;
        }
        consumerMetrics.retried(this.metricsService, this.options.groupId, message.topic);
        const delay = retryDelayMs(attempts + 1, this.retryPolicy);
        this.logger.warn('consumer: event failed, retrying', {
          group: this.options.groupId,
          ...describeMessage(message),
          attempt: attempts,
          retryInMs: delay,
          error: String((error as Error)?.message ?? error),
        });
        await sleepWithHeartbeat(delay, context, () => this.stopping);
      }
    }
  }

  private async applyOnce(message: IncomingMessage): Promise<void> {
    if (this.passesOver(message)) return;
    const event = this.options.registry.decode(message.value);
    const binding = this.handlers.get(event.type);
    // A topic carries many event types; this group applies only those it has handlers for.
    if (!binding) return;
    let applied = false;
    await this.inSpan(message, event, () => runWithEventContext({ correlationId: event.correlationId, causationId: event.eventId }, () =>
      this.options.unitOfWork.run(async (scope) => {
        const recorded = await this.recordInInbox(scope, [{ message, event }]);
        if (recorded.length === 0) {
          this.stats.duplicates += 1;
          return;
        }
        await binding.handle(event, scope);
        this.stats.applied += 1;
        applied = true;
      }),
    ));
    if (applied) consumerMetrics.applied(this.metricsService, this.options.groupId, event.type);
  }

  /**
   * The consumer span of one event: child of the producer span named by the message's
   * `traceparent`, so the trace of the request that wrote the event continues here.
   */
  private inSpan<T>(message: IncomingMessage, event: EventEnvelope<unknown>, work: () => Promise<T>): Promise<T> {
    return inConsumeSpan(`process ${event.type}`, message.headers, {
      'messaging.system': this.options.transport.kind,
      'messaging.operation.type': 'process',
      'messaging.destination.name': message.topic,
      'messaging.destination.partition.id': String(message.partition),
      'messaging.kafka.offset': Number(message.offset),
      'messaging.consumer.group.name': this.options.groupId,
      'messaging.message.id': event.eventId,
      'orderline.event_type': event.type,
    }, work);
  }

  private async deadLetter(message: IncomingMessage, error: unknown, attempts: number): Promise<void> {
    const reason = String((error as Error)?.message ?? error).slice(0, 2_000);
    this.logger.error('consumer: event sent to the dead-letter topic', {
      group: this.options.groupId,
      ...describeMessage(message),
      attempts,
      error: reason,
    });
    // If this publish fails the error propagates: the bus redelivers the message, so a
    // poison event is never dropped without reaching the DLQ.
    await this.options.transport.publish([
      {
        topic: deadLetterTopicOf(message.topic),
        key: message.key ?? '',
        value: message.value ?? Buffer.alloc(0),
        headers: {
          ...message.headers,
          [DLQ_HEADERS.error]: reason,
          [DLQ_HEADERS.originalTopic]: message.topic,
          [DLQ_HEADERS.originalPartition]: String(message.partition),
          [DLQ_HEADERS.originalOffset]: message.offset,
          [DLQ_HEADERS.consumerGroup]: this.options.groupId,
          [DLQ_HEADERS.attempts]: String(attempts),
          [DLQ_HEADERS.failedAt]: new Date().toISOString(),
        },
      },
    ]);
    this.stats.deadLettered += 1;
    consumerMetrics.deadLettered(this.metricsService, this.options.groupId, message.topic);
  }
}
