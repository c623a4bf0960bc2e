import { deadLetterTopicOf } from '@orderline/shared/contracts';
import { MessagingLogger, silentLogger } from './logger';
import { IncomingMessage, MessageTransport, OutgoingMessage, partitionOfKey, SubscribeOptions, Subscription } from './transport';

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
  logger?: MessagingLogger;
}

/**
 * The event bus of embedded mode (`npm start`): the same contract as Kafka inside one
 * process. Topics have partitions chosen by key hash, so one key's messages are handled in
 * order; each consumer group keeps its own position per partition; a handler that throws
 * gets the same message again (at-least-once), and the message behind it waits. Messages
 * live in memory: what the outbox handed over but no consumer finished is lost if the
 * process is killed; graceful shutdown drains the bus first.
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

  constructor(options: InProcessTransportOptions = {}) {
    this.partitions = options.partitions ?? 3;
    this.redeliveryDelayMs = options.redeliveryDelayMs ?? 250;
    this.retainMessages = options.retainMessages ?? 10_000;
    this.logger = options.logger ?? silentLogger;
  }

  async ensureTopics(topics: readonly string[]): Promise<void> {
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
    for (const message of messages) this.partitionsOf(message.topic); // all-or-nothing
    for (const message of messages) {
      const logs = this.partitionsOf(message.topic);
      logs[partitionOfKey(message.key, logs.length)].append({
        key: message.key,
        value: typeof message.value === 'string' ? Buffer.from(message.value, 'utf8') : message.value,
        headers: { ...(message.headers ?? {}) },
      });
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.groups.has(options.groupId)) throw new Error(`group ${options.groupId} already has a consumer in this process`);
    const workers: GroupWorker[] = [];
    for (const topic of options.topics) {
      this.partitionsOf(topic).forEach((log, partition) => {
        workers.push({ topic, partition, position: options.fromBeginning === false ? log.endOffset : log.baseOffset });
      });
    }
    this.groups.set(options.groupId, { workers, topics: options.topics });
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
          worker.position += batch.length;
          this.trim(worker.topic, worker.partition);
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

  /**
   * Retention, as Kafka's is by size: once a partition holds more than `retainMessages`,
   * messages every subscribed group has consumed are dropped, so memory stays bounded.
   */
  private trim(topic: string, partition: number): void {
    const log = this.topics.get(topic)![partition];
    if (log.messages.length <= this.retainMessages) return;
    let lowest = Infinity;
    for (const group of this.groups.values()) {
      for (const worker of group.workers) {
        if (worker.topic === topic && worker.partition === partition) lowest = Math.min(lowest, worker.position);
      }
    }
    if (Number.isFinite(lowest)) log.trimBefore(Math.min(lowest, log.endOffset - this.retainMessages));
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

  async isHealthy(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.topics.clear();
  }
}
