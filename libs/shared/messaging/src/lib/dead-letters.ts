import { deadLetterTopicOf } from '@orderline/shared/contracts';
import { DLQ_HEADERS } from './event-consumer';
import { MessagingLogger, silentLogger } from './logger';
import { IncomingMessage, MessageTransport, Subscription } from './transport';
import { UnitOfWork } from './unit-of-work';

/** One dead-lettered event as an operator sees it. */
export interface DeadLetterView {
  id: string;
  eventId: string | null;
  eventType: string | null;
  key: string;
  originalTopic: string;
  originalPartition: number | null;
  originalOffset: string | null;
  error: string | null;
  attempts: number | null;
  failedAt: string | null;
  consumerGroup: string;
  dlq: { topic: string; partition: number; offset: string };
  redrivenAt: string | null;
}

/** Which dead letters a list or a re-drive concerns (all when empty). */
export interface DeadLetterFilter {
  eventId?: string;
  /** The original topic (`orders`, `after-sales`, …). */
  topic?: string;
}

export interface DeadLettersOptions {
  /** The consumer group whose dead letters these are (the service's group; the recorder is named after it). */
  groupId: string;
  /** The service's other groups, when its consumer is split (ServiceRuntimeOptions.batchedTopics): their dead letters are the service's too. */
  otherGroupIds?: readonly string[];
  transport: MessageTransport;
  /** Re-drives are outbox rows: written through the unit of work, published by the relay. */
  unitOfWork: UnitOfWork;
  logger?: MessagingLogger;
}

const COLUMNS = `id, consumer_group, dlq_topic, dlq_partition, dlq_offset, event_id, event_type, message_key, original_topic, original_partition, original_offset, error, attempts, failed_at, redriven_at`;

function viewOf(row: Record<string, any>): DeadLetterView {
  return {
    id: String(row.id),
    eventId: row.event_id ?? null,
    eventType: row.event_type ?? null,
    key: row.message_key,
    originalTopic: row.original_topic,
    originalPartition: row.original_partition ?? null,
    originalOffset: row.original_offset ?? null,
    error: row.error ?? null,
    attempts: row.attempts ?? null,
    failedAt: row.failed_at ? new Date(row.failed_at).toISOString() : null,
    consumerGroup: row.consumer_group,
    dlq: { topic: row.dlq_topic, partition: row.dlq_partition, offset: row.dlq_offset },
    redrivenAt: row.redriven_at ? new Date(row.redriven_at).toISOString() : null,
  };
}

/** The event's id and type, read from the envelope without trusting it (a DLQ message may be anything). */
function identityOf(message: IncomingMessage): { eventId: string | null; eventType: string | null } {
  try {
    const parsed = JSON.parse(message.value?.toString('utf8') ?? 'null') as { eventId?: unknown; type?: unknown } | null;
    return {
      eventId: typeof parsed?.eventId === 'string' ? parsed.eventId.slice(0, 64) : null,
      eventType: typeof parsed?.type === 'string' ? parsed.type.slice(0, 100) : message.headers['event-type'] ?? null,
    };
  } catch {
    return { eventId: null, eventType: message.headers['event-type'] ?? null };
  }
}

const intOrNull = (value: string | undefined) => (value !== undefined && /^\d+$/.test(value) ? Number(value) : null);

/**
 * A service's dead letters (issue 13 item 4). The service reads the `.dlq` twins of the topics
 * it consumes with a group of its own (`<group>.dead-letters`) and records the messages its
 * consumer group dead-lettered (other groups' dead letters sit in the same DLQ topics and are
 * theirs to re-drive). An operator lists them and re-drives them: the original envelope goes
 * back to the original topic through this service's outbox (see `TransactionScope.republish`),
 * so it passes its partition in key order, with the consumer's retries and DLQ, like any event;
 * other groups already applied it and their inboxes drop it. A re-driven row is marked in the
 * same transaction as its outbox row, so it is never re-driven twice; if the event fails
 * again it comes back as a new dead letter.
 */
export class DeadLetters {
  private subscription?: Subscription;
  private readonly logger: MessagingLogger;

  private readonly groupIds: string[];

  constructor(private readonly options: DeadLettersOptions) {
    this.logger = options.logger ?? silentLogger;
    this.groupIds = [options.groupId, ...(options.otherGroupIds ?? [])];
  }

  get groupId(): string {
    return this.options.groupId;
  }

  get recorderGroupId(): string {
    return `${this.options.groupId}.dead-letters`;
  }

  /** Starts recording the dead letters of `topics` (the topics the group consumes). */
  async start(topics: readonly string[]): Promise<void> {
    if (this.subscription || topics.length === 0) return;
    this.subscription = await this.options.transport.subscribe({
      groupId: this.recorderGroupId,
      topics: topics.map(deadLetterTopicOf),
      handle: (messages) => this.record(messages),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  /** Records the service's groups' own dead letters; the key (group + DLQ coordinates) makes a redelivery a no-op. */
  async record(messages: readonly IncomingMessage[]): Promise<void> {
    const mine = messages.filter((message) => this.groupIds.includes(message.headers[DLQ_HEADERS.consumerGroup]));
    if (mine.length === 0) return;
    const identities = mine.map(identityOf);
    await this.options.unitOfWork.dataSource.query(
      `INSERT INTO dead_letter (consumer_group, dlq_topic, dlq_partition, dlq_offset, event_id, event_type, message_key, original_topic, original_partition, original_offset, error, attempts, failed_at, envelope)
       SELECT d.consumer_group, d.dlq_topic, d.dlq_partition, d.dlq_offset, d.event_id, d.event_type, d.message_key, d.original_topic, d.original_partition, d.original_offset, d.error, d.attempts, d.failed_at, d.envelope
       FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $10::text[], $11::text[], $12::int[], $13::timestamptz[], $14::text[])
         AS d(consumer_group, dlq_topic, dlq_partition, dlq_offset, event_id, event_type, message_key, original_topic, original_partition, original_offset, error, attempts, failed_at, envelope)
       ON CONFLICT DO NOTHING`,
      [
        mine.map((m) => m.headers[DLQ_HEADERS.consumerGroup]),
        mine.map((m) => m.topic),
        mine.map((m) => m.partition),
        mine.map((m) => m.offset),
        identities.map((identity) => identity.eventId),
        identities.map((identity) => identity.eventType),
        mine.map((m) => m.key ?? ''),
        // A DLQ message without its header still names its topic: the DLQ's twin.
        mine.map((m) => m.headers[DLQ_HEADERS.originalTopic] ?? m.topic.replace(/\.dlq$/, '')),
        mine.map((m) => intOrNull(m.headers[DLQ_HEADERS.originalPartition])),
        mine.map((m) => m.headers[DLQ_HEADERS.originalOffset] ?? null),
        mine.map((m) => m.headers[DLQ_HEADERS.error] ?? null),
        mine.map((m) => intOrNull(m.headers[DLQ_HEADERS.attempts])),
        mine.map((m) => (m.headers[DLQ_HEADERS.failedAt] && !Number.isNaN(Date.parse(m.headers[DLQ_HEADERS.failedAt])) ? m.headers[DLQ_HEADERS.failedAt] : null)),
        mine.map((m) => m.value?.toString('utf8') ?? ''),
      ],
    );
    this.logger.warn('dead letters recorded for an operator', { group: this.options.groupId, count: mine.length });
  }

  /** Dead letters of the group, oldest first; `waitingOnly` leaves out those already re-driven. */
  async list(filter: DeadLetterFilter = {}, waitingOnly = false, limit = 200): Promise<DeadLetterView[]> {
    const rows = await this.options.unitOfWork.dataSource.query(
      `SELECT ${COLUMNS} FROM dead_letter WHERE consumer_group = ANY($1) AND ($2::text IS NULL OR event_id = $2) AND ($3::text IS NULL OR original_topic = $3) ${waitingOnly ? 'AND redriven_at IS NULL' : ''} ORDER BY id LIMIT $4`,
      [this.groupIds, filter.eventId ?? null, filter.topic ?? null, limit],
    );
    return rows.map(viewOf);
  }

  /**
   * Re-drives the waiting dead letters that match: each distinct event goes back to its
   * original topic once (as an outbox row), and every matching row is marked re-driven in
   * the same transaction. Returns the rows re-driven.
   */
  async redrive(filter: DeadLetterFilter = {}): Promise<DeadLetterView[]> {
    const redriven = await this.options.unitOfWork.run(async (scope) => {
      const rows: Array<Record<string, any>> = await scope.manager.query(
        `SELECT ${COLUMNS}, envelope FROM dead_letter
          WHERE consumer_group = ANY($1) AND redriven_at IS NULL AND ($2::text IS NULL OR event_id = $2) AND ($3::text IS NULL OR original_topic = $3)
          ORDER BY id FOR UPDATE SKIP LOCKED`,
        [this.groupIds, filter.eventId ?? null, filter.topic ?? null],
      );
      const outboxIdOfEvent = new Map<string, string>();
      for (const row of rows) {
        // The same event dead-lettered twice (a crash between the DLQ publish and the commit) goes out once.
        const identity = row.event_id ?? `row:${row.id}`;
        let outboxEventId = outboxIdOfEvent.get(identity);
        if (!outboxEventId) {
          outboxEventId = scope.republish({ type: row.event_type ?? 'unknown', topic: row.original_topic, key: row.message_key, envelope: row.envelope });
          outboxIdOfEvent.set(identity, outboxEventId);
        }
        await scope.manager.query(`UPDATE dead_letter SET redriven_at = now(), redrive_outbox_event_id = $2 WHERE id = $1`, [row.id, outboxEventId]);
        row.redriven_at = new Date();
      }
      return rows.map(viewOf);
    });
    if (redriven.length > 0) this.logger.warn('dead letters re-driven by an operator', { group: this.options.groupId, count: redriven.length, events: redriven.map((row) => row.eventId) });
    return redriven;
  }
}
