import { deadLetterTopicOf } from '@orderline/shared/contracts';
import { BusLogEntry, BusLogStore } from './bus-log-store';
import { MessagingLogger, silentLogger } from './logger';
import { IncomingMessage, MessageTransport, OutgoingMessage, partitionOfKey, PartitionLag, SubscribeOptions, Subscription } from './transport';

interface StoredMessage {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

class PartitionLog {
  /** Offset of messages[0]; messages every group has consumed are trimmed away. */
  baseOffset = 0;
  readonly messages: StoredMessage[] = [];
  private waiters: Array<() => void> = [];

  get endOffset(): number {
    return this.baseOffset + this.messages.length;
  }

  append(message: StoredMessage): void {
    this.messages.push(message);
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }

  at(offset: number): StoredMessage | undefined {
    return this.messages[offset - this.baseOffset];
  }

  waitForMore(): { promise: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    this.waiters.push(wake);
    return { promise, cancel: wake };
  }

  trimBefore(offset: number): void {
    const drop = Math.min(offset - this.baseOffset, this.messages.length);
    if (drop > 0) {
      this.messages.splice(0, drop);
      this.baseOffset += drop;
    }
  }
}

interface GroupWorker {
  topic: string;
  partition: number;
  position: number;
}

export interface InProcessTransportOptions {
  partitions?: number;
  /** Pause before a message whose handler threw is delivered again. */
  redeliveryDelayMs?: number;
  /** Messages kept per partition before consumed ones are dropped (default 10 000). */
  retainMessages?: number;
  /**
   * Durable log and group positions (embedded mode: a PGlite of its own). Without it the bus
   * lives in memory only and a hard kill loses what it holds (unit tests, `--ephemeral`).
   */
  store?: BusLogStore;
  logger?: MessagingLogger;
}

const positionKey = (groupId: string, topic: string, partition: number) => `${groupId}\u0000${topic}\u0000${partition}`;

/**
 * The event bus of embedded mode (`npm start`): the same contract as Kafka inside one
 * process. Topics have partitions chosen by key hash, so one key's messages are handled in
 * order; each consumer group keeps its own position per partition; a handler that throws
 * gets the same message again (at-least-once), and the message behind it waits.
 *
 * With a `store` the log and the committed positions are durable, as Kafka's are: `publish`
 * resolves only once the messages are stored (so the relay marks its outbox rows published
 * only then), and a group's position is stored only after its handler committed. After a
 * SIGKILL the bus reloads both and every group resumes from its last committed position
 * (redelivered messages are dropped by the consumers' inbox). docs/embedded-bus.md.
 */
export class InProcessTransport implements MessageTransport {
  readonly kind = 'in-process' as const;
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly groups = new Map<string, { workers: GroupWorker[]; topics: string[] }>();
  private readonly partitions: number;
  private readonly redeliveryDelayMs: number;
  private readonly retainMessages: number;
  private readonly logger: MessagingLogger;
  private readonly busy = new Set<Promise<void>>();
  private readonly store?: BusLogStore;
  /** Committed position of every group that ever subscribed (also those not running now): retention keeps what they have not read. */
  private readonly committed = new Map<string, { topic: string; partition: number; position: number }>();
  private loaded?: Promise<void>;
  /** Publishes run one after another: offsets are assigned, stored, then made visible in that order. */
  private publishing: Promise<unknown> = Promise.resolve();

  constructor(options: InProcessTransportOptions = {}) {
    this.partitions = options.partitions ?? 3;
    this.redeliveryDelayMs = options.redeliveryDelayMs ?? 250;
    this.retainMessages = options.retainMessages ?? 10_000;
    this.store = options.store;
    this.logger = options.logger ?? silentLogger;
  }

  private ready(): Promise<void> {
    return (this.loaded ??= this.loadStored());
  }

  /** Rebuilds the partitions and the groups' positions from the store (after a restart or a crash). */
  private async loadStored(): Promise<void> {
    if (!this.store) return;
    const { entries, positions } = await this.store.load();
    const logOf = (topic: string, partition: number): PartitionLog | undefined => {
      if (!this.topics.has(topic)) this.topics.set(topic, Array.from({ length: this.partitions }, () => new PartitionLog()));
      return this.topics.get(topic)![partition];
    };
    for (const entry of entries) {
      const log = logOf(entry.topic, entry.partition);
      if (!log) continue;
      if (log.messages.length === 0) log.baseOffset = entry.offset;
      if (entry.offset !== log.endOffset) throw new Error(`bus log ${entry.topic}/${entry.partition} has a gap at offset ${log.endOffset}`);
      log.messages.push({ key: entry.key, value: entry.value, headers: entry.headers });
    }
    for (const position of positions) {
      this.committed.set(positionKey(position.groupId, position.topic, position.partition), { topic: position.topic, partition: position.partition, position: position.position });
      // Every message below every group's position may have been trimmed: the log continues after the highest one.
      const log = logOf(position.topic, position.partition);
      if (log && log.messages.length === 0 && position.position > log.baseOffset) log.baseOffset = position.position;
    }
    this.logger.log('in-process bus: log loaded', { messages: entries.length, positions: positions.length });
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
    await this.ready();
    for (const topic of topics.flatMap((t) => [t, deadLetterTopicOf(t)])) {
      if (!this.topics.has(topic)) this.topics.set(topic, Array.from({ length: this.partitions }, () => new PartitionLog()));
    }
  }

  private partitionsOf(topic: string): PartitionLog[] {
    const logs = this.topics.get(topic);
    // Same as Kafka with auto-creation off: publishing to an unknown topic is an error.
    if (!logs) throw new Error(`unknown topic ${topic}`);
    return logs;
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    await this.ready();
    for (const message of messages) this.partitionsOf(message.topic); // all-or-nothing
    const run = this.publishing.then(() => this.appendInOrder(messages));
    this.publishing = run.catch(() => undefined);
    return run;
  }

  private async appendInOrder(messages: readonly OutgoingMessage[]): Promise<void> {
    const pending = new Map<PartitionLog, number>();
    const entries: BusLogEntry[] = messages.map((message) => {
      const logs = this.partitionsOf(message.topic);
      const partition = partitionOfKey(message.key, logs.length);
      const log = logs[partition];
      const offset = log.endOffset + (pending.get(log) ?? 0);
      pending.set(log, (pending.get(log) ?? 0) + 1);
      return {
        topic: message.topic,
        partition,
        offset,
        key: message.key,
        value: typeof message.value === 'string' ? Buffer.from(message.value, 'utf8') : message.value,
        headers: { ...(message.headers ?? {}) },
      };
    });
    // Stored first: a message a consumer can see is one a restart still has.
    if (this.store) await this.store.append(entries);
    for (const { topic, partition, key, value, headers } of entries) this.partitionsOf(topic)[partition].append({ key, value, headers });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    await this.ready();
    if (this.groups.has(options.groupId)) throw new Error(`group ${options.groupId} already has a consumer in this process`);
    const from = options.takesOverFrom;
    if (from !== undefined && this.groups.get(from)?.topics.some((topic) => options.topics.includes(topic))) throw new Error(`group ${options.groupId} cannot take topics over from ${from} while ${from} consumes them`);
    const workers: GroupWorker[] = [];
    for (const topic of options.topics) {
      this.partitionsOf(topic).forEach((log, partition) => {
        // SubscribeOptions.takesOverFrom: where the group has no position yet, it starts where the old one stopped.
        const committed = this.committed.get(positionKey(options.groupId, topic, partition))?.position ?? (from === undefined ? undefined : this.committed.get(positionKey(from, topic, partition))?.position);
        const position = committed ?? (options.fromBeginning === false ? log.endOffset : log.baseOffset);
        workers.push({ topic, partition, position: Math.max(position, log.baseOffset) });
      });
    }
    this.groups.set(options.groupId, { workers, topics: options.topics });
    // A new group's start is recorded at once, so retention keeps what it has not read even
    // if the process dies before it commits anything.
    for (const worker of workers) {
      const key = positionKey(options.groupId, worker.topic, worker.partition);
      if (this.committed.has(key)) continue;
      this.committed.set(key, { topic: worker.topic, partition: worker.partition, position: worker.position });
      await this.store?.commit({ groupId: options.groupId, topic: worker.topic, partition: worker.partition, position: worker.position }, true);
    }
    // Only once the new group's start is stored: the old group no longer reads these topics,
    // and its frozen positions there would stop retention from trimming them.
    if (from !== undefined) await this.forgetPositions(from, options.topics);
    let running = true;
    const pendingWaits = new Set<() => void>();

    const runWorker = async (worker: GroupWorker) => {
      const log = this.partitionsOf(worker.topic)[worker.partition];
      while (running) {
        const stored = log.at(worker.position);
        if (!stored) {
          const wait = log.waitForMore();
          pendingWaits.add(wait.cancel);
          await wait.promise;
          pendingWaits.delete(wait.cancel);
          continue;
        }
        const batch: IncomingMessage[] = [];
        for (let offset = worker.position; batch.length < (options.maxBatchSize ?? 100); offset++) {
          const message = log.at(offset);
          if (!message) break;
          batch.push({ topic: worker.topic, partition: worker.partition, offset: String(offset), key: message.key, value: message.value, headers: { ...message.headers } });
        }
        const delivery = options.handle(batch, { heartbeat: async () => undefined });
        const tracked = delivery.then(
          () => undefined,
          () => undefined,
        );
        this.busy.add(tracked);
        try {
          await delivery;
          const next = worker.position + batch.length;
          // Stored after the handler's own commit (its inbox row): a crash in between redelivers.
          await this.store?.commit({ groupId: options.groupId, topic: worker.topic, partition: worker.partition, position: next });
          worker.position = next;
          this.committed.set(positionKey(options.groupId, worker.topic, worker.partition), { topic: worker.topic, partition: worker.partition, position: next });
          await this.trim(worker.topic, worker.partition);
        } catch (error) {
          this.logger.warn('in-process bus: handler failed, redelivering', { topic: worker.topic, partition: worker.partition, offset: batch[0].offset, error: String(error) });
          await new Promise((resolve) => setTimeout(resolve, this.redeliveryDelayMs));
        } finally {
          this.busy.delete(tracked);
        }
      }
    };

    const loops = workers.map((worker) => runWorker(worker));
    return {
      stop: async () => {
        running = false;
        pendingWaits.forEach((wake) => wake());
        await Promise.all(loops);
        this.groups.delete(options.groupId);
      },
    };
  }

  private async forgetPositions(groupId: string, topics: readonly string[]): Promise<void> {
    for (const topic of topics) {
      this.partitionsOf(topic).forEach((_, partition) => this.committed.delete(positionKey(groupId, topic, partition)));
      await this.store?.forget(groupId, topic);
    }
  }

  /**
   * Retention, as Kafka's is by size: once a partition holds more than `retainMessages`,
   * messages every group that ever subscribed has committed are dropped (from the store
   * too), so memory and disk stay bounded.
   */
  private async trim(topic: string, partition: number): Promise<void> {
    const log = this.topics.get(topic)![partition];
    if (log.messages.length <= this.retainMessages) return;
    let lowest = Infinity;
    for (const committed of this.committed.values()) {
      if (committed.topic === topic && committed.partition === partition) lowest = Math.min(lowest, committed.position);
    }
    if (!Number.isFinite(lowest)) return;
    const before = Math.min(lowest, log.endOffset - this.retainMessages);
    if (before <= log.baseOffset) return;
    log.trimBefore(before);
    await this.store?.trimBefore(topic, partition, before).catch((error) => this.logger.warn('in-process bus: trimming the stored log failed; it is retried at the next trim', { topic, partition, error: String(error) }));
  }

  /** Resolves when every subscribed group has consumed everything published so far. */
  async drained(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const behind = [...this.groups.values()].some((group) =>
        group.workers.some((worker) => worker.position < this.partitionsOf(worker.topic)[worker.partition].endOffset),
      );
      if (!behind && this.busy.size === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  async consumerLag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
    await this.ready();
    return topics.flatMap((topic) =>
      this.partitionsOf(topic).map((log, partition) => {
        const position = this.committed.get(positionKey(groupId, topic, partition))?.position ?? log.baseOffset;
        return { topic, partition, lag: Math.max(0, log.endOffset - position) };
      }),
    );
  }

  async isHealthy(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.topics.clear();
  }
}
