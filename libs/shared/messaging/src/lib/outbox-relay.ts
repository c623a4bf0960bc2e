import { DataSource } from 'typeorm';
import { MessagingLogger, silentLogger } from './logger';
import { retryDelayMs } from './retry-policy';
import { MessageTransport } from './transport';

export interface OutboxRelayOptions {
  dataSource: DataSource;
  transport: MessageTransport;
  /** Service name; relays of the same service share one lock. */
  producer: string;
  batchSize?: number;
  /** Safety-net poll when no commit woke the relay (another instance's rows, a crash). */
  pollIntervalMs?: number;
  logger?: MessagingLogger;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  event_type: string;
  envelope: string;
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
  private readonly logger: MessagingLogger;
  private publishedTotal = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.logger = options.logger ?? silentLogger;
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
    while (this.running) {
      this.wakeRequested = false;
      let published: number;
      try {
        published = await this.publishBatch();
        failures = 0;
      } catch (error) {
        failures += 1;
        const delay = retryDelayMs(Math.min(failures + 1, 8), { maxAttempts: Infinity, baseDelayMs: 200, maxDelayMs: 5_000 });
        this.logger.warn('outbox relay: publish failed, will retry', { producer: this.options.producer, error: String(error), retryInMs: delay });
        await sleep(delay);
        continue;
      }
      if (published < this.batchSize && !this.wakeRequested && this.running) await this.waitForWake();
    }
  }

  private waitForWake(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.pollIntervalMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeWaiter = () => {
        this.wakeWaiter = undefined;
        done();
      };
    });
  }

  /** Publishes one batch; returns how many rows it published (0 when another relay holds the lock). */
  async publishBatch(): Promise<number> {
    const count = await this.options.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query(`SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`, [`outbox:${this.options.producer}`]);
      if (!locked) return 0;
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, topic, message_key, event_type, envelope FROM outbox_event WHERE published_at IS NULL ORDER BY id LIMIT $1`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      await this.options.transport.publish(
        rows.map((row) => ({ topic: row.topic, key: row.message_key, value: row.envelope, headers: { 'event-type': row.event_type } })),
      );
      await manager.query(`UPDATE outbox_event SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((row) => row.id)]);
      return rows.length;
    });
    this.publishedTotal += count;
    return count;
  }

  /** Number of committed rows not yet published. */
  async backlog(): Promise<number> {
    const [{ count }] = await this.options.dataSource.query(`SELECT count(*)::int AS count FROM outbox_event WHERE published_at IS NULL`);
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
