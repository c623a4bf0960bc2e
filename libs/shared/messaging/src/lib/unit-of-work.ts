import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, EntityTarget, ObjectLiteral, QueryFailedError, QueryRunner } from 'typeorm';
import { buildEnvelope, EventDefinition, EventRegistry } from '@orderline/shared/contracts';
import { TraceCarrier, traceCarrierOf } from '@orderline/shared/observability';
import { CoalescingConnection, combinedWrites, insertStatement, prepared, SqlStatement } from '@orderline/shared/persistence';
import { currentEventContext } from './event-context';

export interface PublishOptions {
  /** Defaults to the routing key (order id or credit account id). */
  aggregateId?: string;
}

/** The driver's connection (node-postgres client, `PreparingClient` on PostgreSQL) under a query runner. */
type DriverConnection = { query(text: string, values: unknown[]): Promise<unknown>; pipeline?: boolean } & Partial<CoalescingConnection>;

/** An event waiting in a transaction for its outbox row. */
type OutboxRow = { eventId: string; type: string; topic: string; key: string; envelope: string; trace: TraceCarrier };

function outboxInsertOf(rows: readonly OutboxRow[]): SqlStatement {
  return {
    sql: `INSERT INTO outbox_event (event_id, event_type, topic, message_key, envelope, traceparent, tracestate)
       SELECT e.event_id, e.event_type, e.topic, e.message_key, e.envelope, e.traceparent, e.tracestate
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS e(event_id, event_type, topic, message_key, envelope, traceparent, tracestate, n)
       ORDER BY e.n`,
    values: [rows.map((r) => r.eventId), rows.map((r) => r.type), rows.map((r) => r.topic), rows.map((r) => r.key), rows.map((r) => r.envelope), rows.map((r) => r.trace.traceparent), rows.map((r) => r.trace.tracestate)],
  };
}

/**
 * One database transaction of a use case. State changes go through `manager`; events go
 * through `publish`, which writes them to the outbox in the same transaction, so an event
 * exists if and only if the state change committed.
 */
export class TransactionScope {
  private readonly pending: OutboxRow[] = [];
  /** Rows written with the events at commit, by entity, in the order they were given. */
  private readonly atCommit = new Map<EntityTarget<ObjectLiteral>, { rows: Array<Partial<ObjectLiteral>>; ignoreConflicts: boolean }>();
  private published = 0;
  /** Answers of the writes sent without waiting (`sendWrite`), and the first of them that failed. */
  private readonly unanswered: Array<Promise<unknown>> = [];
  private failedWrite?: QueryFailedError;

  constructor(
    readonly manager: EntityManager,
    private readonly registry: EventRegistry,
    private readonly producer: string,
    private readonly now: () => Date,
  ) {}

  get publishedCount(): number {
    return this.published;
  }

  async publish<P extends object>(definition: EventDefinition<P>, payload: P, options: PublishOptions = {}): Promise<string> {
    // Validated on the way out as well as on the way in: a producer bug fails its own
    // transaction instead of poisoning every consumer.
    this.registry.validatePayload(definition, payload);
    const key = definition.keyOf(payload);
    const context = currentEventContext();
    const envelope = buildEnvelope({
      type: definition.type,
      version: definition.version,
      producer: this.producer,
      aggregateId: options.aggregateId ?? key,
      payload: { ...payload },
      occurredAt: this.now(),
      correlationId: context?.correlationId,
      causationId: context?.causationId ?? null,
    });
    // Buffered and written with one statement just before the commit (see `commit`).
    // The span writing the event (a request's, a consumer's) becomes the parent of its consumers' spans.
    this.pending.push({ eventId: envelope.eventId, type: envelope.type, topic: definition.topic, key, envelope: JSON.stringify(envelope), trace: traceCarrierOf() });
    this.published += 1;
    return envelope.eventId;
  }

  /**
   * Puts an event that already went out once back in the outbox exactly as it was on the wire
   * (a dead-letter re-drive): the envelope keeps its event id, so every inbox that applied it
   * drops it; the outbox row gets an id of its own (`outboxEventId`), because the same event
   * may be re-driven more than once. Returns that id.
   */
  republish(message: { type: string; topic: string; key: string; envelope: string }): string {
    const outboxEventId = randomUUID();
    this.pending.push({ eventId: outboxEventId, type: message.type, topic: message.topic, key: message.key, envelope: message.envelope, trace: traceCarrierOf() });
    this.published += 1;
    return outboxEventId;
  }

  /**
   * Inserts rows that nothing in this transaction reads back (an order's history, the lines of
   * an order being placed) with the transaction's last statement, together with its events (see
   * `commit`): one round trip for all of them instead of one per insert (issue 19). Rows of one
   * entity go in one multi-row INSERT in the order given, so generated ids keep that order. A
   * row that breaks a constraint fails the commit, and so the transaction, as it would have
   * failed the insert; with `ignoreConflicts` such a row is skipped (`ON CONFLICT DO NOTHING`).
   */
  insertAtCommit<T extends ObjectLiteral>(target: EntityTarget<T>, rows: ReadonlyArray<Partial<T>>, options: { ignoreConflicts?: boolean } = {}): void {
    if (rows.length === 0) return;
    const key = target as EntityTarget<ObjectLiteral>;
    const ignoreConflicts = options.ignoreConflicts ?? false;
    const given = this.atCommit.get(key);
    if (given && given.ignoreConflicts !== ignoreConflicts) throw new Error('insertAtCommit: rows of one entity are written with one conflict rule');
    if (given) given.rows.push(...rows);
    else this.atCommit.set(key, { rows: [...rows], ignoreConflicts });
  }

  /**
   * Sends a write whose answer nothing in the transaction needs (an UPDATE by key of a row the
   * transaction holds locked, an INSERT) without waiting for that answer: it leaves with the
   * transaction's next statement, in one write on the wire, and costs no round trip of its own
   * (issue 19). Statements keep their order on the connection, so what follows sees what it
   * wrote, rows read back included. Its answer is checked at the commit. If it fails, PostgreSQL
   * refuses every later statement of the transaction and answers the COMMIT with a ROLLBACK;
   * the unit of work then throws this write's own error, not a later refusal, so retries and
   * problem answers see the real cause (a deadlock, a constraint). Not for a write whose
   * failure or row count the caller acts on. Its text is prepared (`prepared`): a write by key
   * or an insert, whose plan does not depend on its values. Without pipelining (the embedded
   * PGlite, `DATABASE_PIPELINING=off`) it is sent and awaited like any statement.
   */
  async sendWrite(statement: SqlStatement): Promise<void> {
    const runner = this.manager.queryRunner as (QueryRunner & { databaseConnection: DriverConnection }) | undefined;
    if (!runner) throw new Error('sendWrite: the scope has no query runner');
    if (!runner.isTransactionActive) await runner.startTransaction();
    const text = prepared(statement.sql);
    const connection = runner.databaseConnection;
    connection.sendWithNext?.();
    const answer = connection.query(text, statement.values).then(
      () => undefined,
      (error: Error) => {
        runner.connection.logger.logQueryError(error, text, statement.values, runner);
        this.failedWrite ??= new QueryFailedError(text, statement.values, error);
        throw this.failedWrite;
      },
    );
    // Without pipelining the driver takes one statement at a time (queueing a second is
    // deprecated in node-postgres 8): the write is awaited like any other, and fails at once.
    if (!connection.pipeline) return answer;
    answer.catch(() => undefined);
    this.unanswered.push(answer);
  }

  /** The error of a write sent without waiting that failed (`sendWrite`), once its answer is in. */
  get writeFailure(): QueryFailedError | undefined {
    return this.failedWrite;
  }

  /**
   * Writes what waits for the commit with one statement: the rows of `insertAtCommit`, then the
   * buffered events in publish order as one multi-row outbox insert; then commits. The write is
   * handed to the connection before TypeORM sends the COMMIT, so with a pipelining client
   * (`PreparingClient`) both travel together, in one write: one round trip, not two. If the write fails,
   * PostgreSQL answers that COMMIT with a ROLLBACK, and the write's error is thrown: nothing of
   * the transaction is kept, as before. When the work sent no statement of its own, no
   * transaction was begun (`UnitOfWork.run`) and this one statement is all of it.
   */
  async commit(runner: QueryRunner): Promise<void> {
    try {
      await this.writeAndCommit(runner);
    } catch (error) {
      throw this.failedWrite ?? error;
    }
    // Answered before the COMMIT was (one connection, in order). A failed one turned the COMMIT
    // into a ROLLBACK, which PostgreSQL reports as a success.
    await Promise.allSettled(this.unanswered.splice(0));
    if (this.failedWrite) throw this.failedWrite;
  }

  private async writeAndCommit(runner: QueryRunner): Promise<void> {
    const writes: SqlStatement[] = [...this.atCommit].map(([target, { rows, ignoreConflicts }]) => insertStatement(this.manager, target, rows, { ignoreConflicts }));
    this.atCommit.clear();
    if (this.pending.length > 0) writes.push(outboxInsertOf(this.pending.splice(0)));
    const began = runner.isTransactionActive;
    if (writes.length === 0) return began ? runner.commitTransaction() : undefined;
    const { sql, values } = combinedWrites(writes);
    // The same few shapes (which rows, how many events) recur on every command of a kind.
    const text = prepared(sql);
    // Straight to the driver, so the write is on its way before the COMMIT is asked for.
    const connection = (began ? (runner as QueryRunner & { databaseConnection: DriverConnection }).databaseConnection : ((await runner.connect()) as DriverConnection));
    if (began) connection.sendWithNext?.();
    const written = connection.query(text, values).then(
      () => undefined,
      (error: Error) => {
        runner.connection.logger.logQueryError(error, text, values, runner);
        throw new QueryFailedError(text, values, error);
      },
    );
    // No statement before this one: it is the whole unit of work, atomic on its own (no BEGIN, no COMMIT).
    if (!began) return written;
    written.catch(() => undefined);
    await runner.commitTransaction();
    await written;
  }
}

export interface UnitOfWorkOptions {
  dataSource: DataSource;
  registry: EventRegistry;
  producer: string;
  now?: () => Date;
  /** Called after a commit that wrote outbox rows: wakes the relay (no polling lag). */
  onEventsCommitted?: () => void;
}

export class UnitOfWork {
  constructor(private readonly options: UnitOfWorkOptions) {}

  get dataSource(): DataSource {
    return this.options.dataSource;
  }

  /**
   * Runs `work` as one transaction: TypeORM's `dataSource.transaction`, with the commit in the
   * scope's hands (`TransactionScope.commit`). The transaction begins with the work's first
   * statement, not before it: a work that only buffers rows and events for the commit (a use
   * case that loaded what it decides on before it began, like placing an order) costs one
   * statement instead of a BEGIN, that statement and a COMMIT (issue 19).
   */
  async run<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T> {
    const runner = this.options.dataSource.createQueryRunner();
    beginOnFirstStatement(runner);
    let scope: TransactionScope | undefined;
    try {
      scope = new TransactionScope(runner.manager, this.options.registry, this.options.producer, this.options.now ?? (() => new Date()));
      const result = await work(scope);
      await scope.commit(runner);
      if (scope.publishedCount > 0) this.options.onEventsCommitted?.();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      // A statement refused because a write sent without waiting had failed: that write's error is the cause.
      throw scope?.writeFailure ?? error;
    } finally {
      await runner.release();
    }
  }
}

/**
 * Makes `runner` begin its transaction right before the first statement sent through it (its
 * manager, its repositories). TypeORM's own BEGIN goes through `query` too, with the transaction
 * already marked active, so it passes straight on.
 */
function beginOnFirstStatement(runner: QueryRunner): void {
  const query = runner.query.bind(runner);
  runner.query = (async (...args: Parameters<QueryRunner['query']>) => {
    if (!runner.isTransactionActive) await runner.startTransaction();
    return query(...args);
  }) as QueryRunner['query'];
}
