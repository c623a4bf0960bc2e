import { EVENT_HEADERS } from '@orderline/shared/contracts';
import { outboxMetrics } from '@orderline/shared/metrics';
import { SendSpan, startSendSpan } from '@orderline/shared/observability';
import type { PoolClient, QueryResult } from 'pg';
import { prepared } from '@orderline/shared/persistence';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { MessagingLogger, silentLogger } from './logger';
import { retryDelayMs } from './retry-policy';
import { MessageTransport, OutgoingMessage } from './transport';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  transport: MessageTransport;
  /** Service name; relays of the same service share one lock. */
  producer: string;
  batchSize?: number;
  /** Safety-net poll when no commit woke the relay (another instance's rows, a crash). */
  pollIntervalMs?: number;
  /**
   * While busy (commits woke the relay during its last pass), wait this long before the next
   * pass, so it takes what commits in the meantime too: fewer, fuller passes, produce requests
   * and consumer deliveries (Kafka's `linger.ms`). A wake that finds the relay idle is served at
   * once. Default 0 here; the services run with `OUTBOX_LINGER_MS` (10 ms).
   */
  lingerMs?: number;
  logger?: MessagingLogger;
  /**
   * The pass's batch read and mark run as statements prepared once per connection (SQL
   * `PREPARE`, then `EXECUTE` inside the pass's two simple-protocol round trips): planning them
   * was most of their cost. Off (default) for the embedded PGlite, whose connections share one
   * session; the service runtime turns it on with DATABASE_PREPARED_STATEMENTS.
   */
  preparedStatements?: boolean;
  /**
   * Failed publishes of one row (while the bus itself is healthy) before the row is parked
   * (default 10). Parked rows wait for `redriveParked()` and hold back later rows of their key.
   */
  maxAttempts?: number;
}

/** An outbox row an operator sees: parked after `attempts` failures. */
export interface ParkedOutboxRow {
  id: string;
  eventId: string;
  eventType: string;
  topic: string;
  key: string;
  attempts: number;
  lastError: string | null;
  parkedAt: string;
}

/**
 * Rows the relay may publish now: not published, not parked, and no earlier row of the same
 * key (topic + message key) parked — a parked row holds its key back so consumers never see
 * a key's later events before an earlier one.
 */
const PUBLISHABLE = `o.published_at IS NULL AND o.parked_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM outbox_event p WHERE p.parked_at IS NOT NULL AND p.published_at IS NULL AND p.topic = o.topic AND p.message_key = o.message_key AND p.id < o.id)`;

/**
 * The first round trip of a pass: the transaction, its service-wide lock and the oldest
 * publishable rows. The batch is read by the partial index of unpublished rows in id order:
 * a bitmap scan (which the planner picks from statistics that lag behind a busy outbox)
 * visits the heap page of every row published since the last vacuum, where an index scan
 * skips their entries once it has seen them dead — about 0.8 ms against 0.05 ms per pass
 * after a few thousand events (tools/bench/README.md, "The relay's pass"). The rows are read
 * even when the lock is taken by another relay; they are then ignored.
 *
 * Simple-protocol text (several statements, no parameters): the producer name is quoted as
 * a literal and the batch size is an integer. With `preparedBatch` the read is the connection's
 * prepared statement of that name (`relayStatements`).
 */
export function openBatchSql(producer: string, batchSize: number, preparedBatch?: string): string {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`outbox relay batch size must be a positive integer, not ${batchSize}`);
  return `BEGIN;
SET LOCAL enable_bitmapscan = off;
SET LOCAL enable_seqscan = off;
SELECT pg_try_advisory_xact_lock(hashtext(${quoteLiteral(`outbox:${producer}`)})) AS locked;
${preparedBatch ? `EXECUTE ${preparedBatch}` : batchReadSql(batchSize)}`;
}

/** The oldest publishable rows, one batch (the pass's read, prepared or not). */
function batchReadSql(batchSize: number): string {
  return `SELECT o.id, o.event_id, o.topic, o.message_key, o.event_type, o.envelope, o.attempts, o.traceparent, o.tracestate FROM outbox_event o WHERE ${PUBLISHABLE} ORDER BY o.id LIMIT ${batchSize}`;
}

/** The second round trip: the rows the bus acknowledged are marked, and the pass commits. */
function markPublishedAndCommitSql(ids: readonly string[], preparedMark?: string): string {
  for (const id of ids) if (!/^[0-9]+$/.test(id)) throw new Error(`outbox row id ${JSON.stringify(id)} is not a bigint`);
  if (!ids.length) return 'COMMIT';
  const idArray = `'{${ids.join(',')}}'`;
  return preparedMark ? `EXECUTE ${preparedMark}(${idArray}); COMMIT` : `UPDATE outbox_event SET published_at = now() WHERE id = ANY(${idArray}::bigint[]); COMMIT`;
}

/**
 * The pass's two statements that cost planning on every pass (~0.2 and ~0.08 ms of the
 * backend, pg_stat_statements with track_planning: tools/bench/README.md "Prepared statements"),
 * as SQL prepared statements of a connection. The batch size is part of the text, so it is
 * part of the name. Executed inside the pass's transaction, after its `SET LOCAL`s, so the plan
 * PostgreSQL keeps (the read has no parameters: planned at its first run, and again only when
 * the table's statistics change) is made with the bitmap and sequential scans off, as every
 * pass's own plan was.
 */
export function relayStatements(batchSize: number): { batch: string; mark: string; prepare: string } {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`outbox relay batch size must be a positive integer, not ${batchSize}`);
  const batch = `orderline_outbox_batch_${batchSize}`;
  const mark = 'orderline_outbox_mark';
  return {
    batch,
    mark,
    prepare: `PREPARE ${batch} AS ${batchReadSql(batchSize)};
PREPARE ${mark} (bigint[]) AS UPDATE outbox_event SET published_at = now() WHERE id = ANY($1)`,
  };
}

/** PostgreSQL's invalid_sql_statement_name: the connection lost its prepared statements (DISCARD ALL, a pooler). */
const UNKNOWN_PREPARED_STATEMENT = '26000';

/** The safety poll's question, prepared by the pool's client (`prepared`). */
const ANYTHING_TO_PUBLISH = prepared(`SELECT EXISTS (SELECT 1 FROM outbox_event o WHERE ${PUBLISHABLE}) AS found`);

/** A string as a PostgreSQL literal (standard_conforming_strings, on since PostgreSQL 9.1). */
function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

interface OutboxRow {
  id: string;
  event_id: string;
  topic: string;
  message_key: string;
  event_type: string;
  envelope: string;
  attempts: number;
  traceparent: string | null;
  tracestate: string | null;
}

/** A row on its way to the bus, with the producer span whose context its headers carry. */
function sendOf(row: OutboxRow, transport: MessageTransport): { message: OutgoingMessage; span: SendSpan } {
  const span = startSendSpan(`send ${row.event_type}`, row, {
    'messaging.system': transport.kind,
    'messaging.operation.type': 'send',
    'messaging.destination.name': row.topic,
    'messaging.message.id': row.event_id,
    'orderline.event_type': row.event_type,
  });
  return { message: { topic: row.topic, key: row.message_key, value: row.envelope, headers: { [EVENT_HEADERS.eventType]: row.event_type, ...span.headers } }, span };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Moves committed outbox rows to the bus, oldest first, and marks them published.
 *
 * One transaction per batch holds a transaction-scoped advisory lock for the service, so
 * several relay instances never publish rows concurrently (and a key's events leave in
 * commit order); the rows are marked published only after the bus acknowledged them, so a
 * crash in between re-publishes (at-least-once; the consumers' inbox removes duplicates).
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wakeRequested = false;
  private wakeWaiter?: () => void;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lingerMs: number;
  private readonly logger: MessagingLogger;
  private readonly maxAttempts: number;
  private publishedTotal = 0;
  /** The pool's connections this relay's statements are prepared on (a new connection is a new client). */
  private readonly preparedClients = new WeakSet<PoolClient>();

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.lingerMs = options.lingerMs ?? 0;
    this.logger = options.logger ?? silentLogger;
    this.maxAttempts = options.maxAttempts ?? 10;
  }

  get published(): number {
    return this.publishedTotal;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.runLoop();
  }

  /** A transaction with outbox rows just committed. */
  wake(): void {
    this.wakeRequested = true;
    this.wakeWaiter?.();
  }

  private async runLoop(): Promise<void> {
    let failures = 0;
    let timedOut = false;
    while (this.running) {
      this.wakeRequested = false;
      let published: number;
      try {
        // The safety poll finds nothing almost always: one statement says so, without the
        // transaction and lock a batch takes (three statements fewer per second per service).
        published = timedOut && !(await this.anythingToPublish()) ? 0 : await this.publishBatch();
        failures = 0;
      } catch (error) {
        failures += 1;
        outboxMetrics.failed(this.options.producer, 'bus_unavailable');
        const delay = retryDelayMs(Math.min(failures + 1, 8), { maxAttempts: Infinity, baseDelayMs: 200, maxDelayMs: 5_000 });
        this.logger.warn('outbox relay: publish failed, will retry', { producer: this.options.producer, error: String(error), retryInMs: delay });
        await sleep(delay);
        continue;
      }
      if (published < this.batchSize && !this.wakeRequested && this.running) timedOut = await this.waitForWake();
      else {
        timedOut = false;
        // Commits came in during the pass: let a few more join the next one.
        if (published > 0 && published < this.batchSize && this.lingerMs > 0 && this.running) await sleep(this.lingerMs);
      }
    }
  }

  /** Resolves true when the poll interval passed without a wake. */
  private waitForWake(): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(true), this.pollIntervalMs);
      const done = (timedOut: boolean) => {
        clearTimeout(timer);
        this.wakeWaiter = undefined;
        resolve(timedOut);
      };
      this.wakeWaiter = () => done(false);
    });
  }

  private async anythingToPublish(): Promise<boolean> {
    // With values, so the pool's client can send it as a named statement (ANYTHING_TO_PUBLISH).
    const [{ found }] = await this.options.dataSource.query(ANYTHING_TO_PUBLISH, []);
    return found === true;
  }

  /**
   * The relay's statements on this connection, prepared the first time the relay meets it.
   * Another relay of the process (another batch size) may have prepared the mark already, so
   * what the session holds is asked first.
   */
  private async preparedOn(client: PoolClient): Promise<ReturnType<typeof relayStatements>> {
    const statements = relayStatements(this.batchSize);
    if (this.preparedClients.has(client)) return statements;
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM pg_prepared_statements WHERE name = ANY($1::text[])`, [[statements.batch, statements.mark]]);
    const held = new Set(rows.map((row) => row.name));
    const missing = statements.prepare.split(';\n').filter((text) => !held.has(text.split(' ')[1]));
    if (missing.length) await client.query(missing.join(';\n'));
    this.preparedClients.add(client);
    return statements;
  }

  /** Publishes one batch; returns how many rows it published (0 when another relay holds the lock). */
  async publishBatch(): Promise<number> {
    // The pool's own client: a pass is statements TypeORM has no use for, and a client that
    // cannot even roll back must be dropped from the pool (pg-pool's release with an error).
    const driver = this.options.dataSource.driver as PostgresDriver;
    const [client, release] = (await driver.obtainMasterConnection()) as [PoolClient, (error?: Error) => void];
    let broken: Error | undefined;
    try {
      const count = await this.publishBatchOn(client);
      this.publishedTotal += count;
      return count;
    } catch (error) {
      // Whatever failed, the connection goes back without this transaction.
      await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))));
      throw error;
    } finally {
      release(broken);
    }
  }

  /**
   * One pass in two round trips (each a simple-protocol query of several statements): the
   * transaction, its lock and the batch; then, after the bus acknowledged the batch, the
   * mark and the commit. A pass with nothing to do just commits. Five round trips
   * before: at one event per pass (below saturation) the relays' statements were a large
   * share of every service's database work (tools/bench/README.md, "The relay's pass").
   */
  private async publishBatchOn(client: PoolClient): Promise<number> {
    const statements = this.options.preparedStatements ? await this.preparedOn(client) : undefined;
    let opened: QueryResult[];
    try {
      opened = (await client.query(openBatchSql(this.options.producer, this.batchSize, statements?.batch))) as unknown as QueryResult[];
    } catch (error) {
      // Prepared again on the next pass.
      if ((error as { code?: string }).code === UNKNOWN_PREPARED_STATEMENT) this.preparedClients.delete(client);
      throw error;
    }
    const [, , , lock, batch] = opened;
    const rows = batch.rows as OutboxRow[];
    if (lock.rows[0]?.locked !== true || rows.length === 0) {
      // COMMIT, not ROLLBACK: nothing was written, and a database's rollback count is what
      // operators watch for failing transactions.
      await client.query('COMMIT');
      return 0;
    }
    const sends = rows.map((row) => sendOf(row, this.options.transport));
    try {
      await this.options.transport.publish(sends.map((send) => send.message));
      sends.forEach((send) => send.span.end());
    } catch (error) {
      sends.forEach((send) => send.span.end(error));
      // The bus is down: nothing is the rows' fault; the loop retries the batch with backoff.
      if (!(await this.options.transport.isHealthy().catch(() => false))) throw error;
      return this.publishOneByOne(client, rows);
    }
    await client.query(markPublishedAndCommitSql(rows.map((row) => row.id), statements?.mark));
    outboxMetrics.published(this.options.producer, rows.map((row) => row.topic));
    return rows.length;
  }

  /**
   * The bus refused a batch while healthy: some row is at fault. Each row is published alone,
   * in order; a failing row counts an attempt (parked at `maxAttempts`) and holds back the
   * rest of its key in this pass; other keys go on.
   */
  private async publishOneByOne(client: PoolClient, rows: OutboxRow[]): Promise<number> {
    const heldBack = new Set<string>();
    const published: string[] = [];
    for (const row of rows) {
      const key = `${row.topic}\u0000${row.message_key}`;
      if (heldBack.has(key)) continue;
      const send = sendOf(row, this.options.transport);
      try {
        await this.options.transport.publish([send.message]);
        send.span.end();
        published.push(row.id);
        outboxMetrics.published(this.options.producer, [row.topic]);
      } catch (error) {
        send.span.end(error);
        heldBack.add(key);
        outboxMetrics.failed(this.options.producer, 'row_refused');
        const attempts = row.attempts + 1;
        const park = attempts >= this.maxAttempts;
        await client.query(`UPDATE outbox_event SET attempts = $2, last_error = $3, parked_at = CASE WHEN $4 THEN now() ELSE NULL END WHERE id = $1`, [row.id, attempts, String(error).slice(0, 1000), park]);
        const fields = { producer: this.options.producer, outboxId: row.id, eventType: row.event_type, topic: row.topic, key: row.message_key, attempts, error: String(error) };
        if (park) this.logger.error('outbox relay: row parked after repeated failures; its key is held back until an operator re-drives it', fields);
        else this.logger.warn('outbox relay: row refused by the bus, will retry', fields);
      }
    }
    await client.query(markPublishedAndCommitSql(published));
    return published.length;
  }

  /** Number of committed rows the relay can publish now (parked rows and the rows they hold back excluded). */
  async backlog(): Promise<number> {
    const [{ count }] = await this.options.dataSource.query(`SELECT count(*)::int AS count FROM outbox_event o WHERE ${PUBLISHABLE}`);
    return count;
  }

  /**
   * What the metrics report: the backlog, the age of its oldest row (database clock, 0 when
   * empty) and the parked rows, in one statement.
   */
  async stats(): Promise<{ backlog: number; oldestUnpublishedAgeSeconds: number; parked: number }> {
    const [row] = await this.options.dataSource.query(
      `SELECT (SELECT count(*)::int FROM outbox_event o WHERE ${PUBLISHABLE}) AS backlog,
              (SELECT coalesce(extract(epoch FROM now() - min(o.created_at)), 0)::float8 FROM outbox_event o WHERE ${PUBLISHABLE}) AS oldest,
              (SELECT count(*)::int FROM outbox_event WHERE parked_at IS NOT NULL AND published_at IS NULL) AS parked`,
    );
    return { backlog: row.backlog, oldestUnpublishedAgeSeconds: Math.max(0, Number(row.oldest)), parked: row.parked };
  }

  /** Parked rows, oldest first (operator view). */
  async parked(limit = 100): Promise<ParkedOutboxRow[]> {
    const rows = await this.options.dataSource.query(
      `SELECT id, event_id, event_type, topic, message_key, attempts, last_error, parked_at FROM outbox_event WHERE parked_at IS NOT NULL AND published_at IS NULL ORDER BY id LIMIT $1`,
      [limit],
    );
    return rows.map((row: Record<string, any>) => ({
      id: String(row.id),
      eventId: row.event_id,
      eventType: row.event_type,
      topic: row.topic,
      key: row.message_key,
      attempts: row.attempts,
      lastError: row.last_error ?? null,
      parkedAt: new Date(row.parked_at).toISOString(),
    }));
  }

  /** An operator re-drives parked rows: they (and the rows they held back) are published again, in order. Returns how many were parked. */
  async redriveParked(): Promise<number> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
    const [rows] = await this.options.dataSource.query(`UPDATE outbox_event SET parked_at = NULL, attempts = 0 WHERE parked_at IS NOT NULL AND published_at IS NULL RETURNING id`);
    const count = rows.length;
    if (count > 0) this.logger.warn('outbox relay: parked rows re-driven by an operator', { producer: this.options.producer, count });
    this.wake();
    return count;
  }

  /** Stops the loop after publishing what is committed (bounded by `timeoutMs`). */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeWaiter?.();
    await this.loop;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const published = await this.publishBatch();
        if (published === 0 && (await this.backlog()) === 0) return;
        if (published === 0) await sleep(100);
      } catch (error) {
        this.logger.warn('outbox relay: flush on shutdown failed; rows stay for the next start', { error: String(error) });
        return;
      }
    }
  }
}
