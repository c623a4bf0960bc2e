import { Admin, CompressionTypes, Consumer, IHeaders, Kafka, logLevel, Producer } from 'kafkajs';
import { deadLetterTopicOf } from '@orderline/shared/contracts';
import { MessagingLogger, silentLogger } from './logger';
import { IncomingMessage, MessageTransport, OutgoingMessage, PartitionLag, SubscribeOptions, Subscription } from './transport';
import { stopKafkajsIdleLoop } from './kafkajs-idle-loop';
import { ConsumerLiveness } from './consumer-liveness';
import { byTopic, OffsetCommits, PartitionPosition } from './offset-commits';

/** Tries of a take-over that meets a retriable broker error (`takeOverPositions`). */
const TAKE_OVER_ATTEMPTS = 10;

export interface KafkaTransportOptions {
  brokers: string[];
  clientId: string;
  /** Prepended to every topic name, so test runs and tenants can share one broker. */
  topicPrefix?: string;
  partitions?: number;
  /** Concurrent partitions per consumer (each partition is still handled in order). */
  partitionsConsumedConcurrently?: number;
  /** Consumer session (and rebalance) timeout; heartbeats every third of it, at most 3 s. Default 30 s. */
  sessionTimeoutMs?: number;
  /**
   * A consumer in its group that neither fetches nor handles a batch for this long, while the
   * broker answers, is stuck and is replaced by a new one (consumer-liveness.ts). Default 60 s:
   * an idle consumer fetches every 5 s at most.
   */
  fetchStallMs?: number;
  /** How often a consumer commits its positions while it applies events (offset-commits.ts). Default 1 s. */
  commitIntervalMs?: number;
  logger?: MessagingLogger;
}

const DEFAULT_FETCH_STALL_MS = 60_000;
const DEFAULT_COMMIT_INTERVAL_MS = 1_000;
/** How long a restart waits for the stuck consumer to leave before starting its successor. */
const RESTART_DISCONNECT_WAIT_MS = 10_000;

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    result[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return result;
}

/** One KafkaJS consumer of a subscription, as its watchdog sees it. */
interface RunningConsumer {
  consumer: Consumer;
  /** In its group (readiness). */
  joined: () => boolean;
  /** Crashed, and KafkaJS will not restart it. */
  abandoned: () => boolean;
  stopCommitting: () => Promise<void>;
}

/** How long start-up keeps trying to create its topics while the broker settles. */
const ENSURE_TOPICS_BUDGET_MS = 120_000;

export class KafkaTransport implements MessageTransport {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private readonly prefix: string;
  private readonly logger: MessagingLogger;
  private producer?: Producer;
  private producerConnecting?: Promise<Producer>;
  private admin?: Admin;
  private readonly consumers = new Set<Consumer>();
  private readonly watchdogs = new Set<ReturnType<typeof setInterval>>();
  private closed = false;

  constructor(private readonly options: KafkaTransportOptions) {
    this.prefix = options.topicPrefix ?? '';
    this.logger = options.logger ?? silentLogger;
    const logger = this.logger;
    // Every connection's request queue otherwise wakes up every millisecond (kafkajs-idle-loop.ts).
    if (!stopKafkajsIdleLoop()) logger.warn('kafkajs: not the version kafkajs-idle-loop.ts was written for; its request queues keep their idle timer loop');
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      connectionTimeout: 3_000,
      requestTimeout: 30_000,
      retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 12 },
      logLevel: logLevel.WARN,
      logCreator: () => ({ level, log }) => {
        const { message, ...extra } = log;
        // KafkaJS is chatty at WARN during a broker outage; keep it as structured warnings.
        if (level <= logLevel.ERROR) logger.error(`kafkajs: ${message}`, extra);
        else logger.warn(`kafkajs: ${message}`, extra);
      },
    });
  }

  private physical(topic: string): string {
    return this.prefix + topic;
  }

  private logical(topic: string): string {
    return this.prefix && topic.startsWith(this.prefix) ? topic.slice(this.prefix.length) : topic;
  }

  private async adminClient(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /**
   * Creates the topics (and their dead-letter topics) this service needs and waits until each has
   * a leader. Idempotent, so it is simply tried again while the broker is settling: several
   * services create the same topics at once, and a broker that has just restarted or is busy
   * answers metadata for a topic it has just created with "does not host this topic-partition"
   * for a while — KafkaJS only waits out LEADER_NOT_AVAILABLE there. A start-up that gave up on
   * that would leave the service down for a condition that clears by itself.
   */
  async ensureTopics(topics: readonly string[]): Promise<void> {
    const wanted = [...new Set(topics.flatMap((topic) => [topic, deadLetterTopicOf(topic)]))].map((t) => this.physical(t));
    const giveUpAt = Date.now() + ENSURE_TOPICS_BUDGET_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.createMissingTopics(wanted);
        return;
      } catch (error) {
        if (Date.now() >= giveUpAt) throw error;
        const delay = Math.min(5_000, 250 * 2 ** Math.min(attempt, 5));
        this.logger.warn('kafka: topics not ready yet, trying again', { attempt, retryInMs: delay, error: String((error as Error)?.message ?? error) });
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async createMissingTopics(wanted: readonly string[]): Promise<void> {
    const admin = await this.adminClient();
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: this.options.partitions ?? 3, replicationFactor: 1 })),
        });
      } catch (error) {
        // Another service may have created the same topics a moment earlier.
        if (!/already exists/i.test(String((error as Error).message))) throw error;
      }
    }
    // Every partition of every topic has a leader before the service says it is ready.
    const { topics } = await admin.fetchTopicMetadata({ topics: [...wanted] });
    const leaderless = topics.filter((topic) => topic.partitions.length === 0 || topic.partitions.some((partition) => partition.leader < 0));
    if (leaderless.length > 0) throw new Error(`topics without a leader yet: ${leaderless.map((topic) => topic.name).join(', ')}`);
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    if (!this.producerConnecting) {
      // Idempotent producer: the broker drops duplicates of a retried send, and with one
      // request in flight a partition never sees messages reordered by a retry.
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      this.producerConnecting = producer
        .connect()
        .then(() => {
          this.producer = producer;
          return producer;
        })
        .finally(() => {
          this.producerConnecting = undefined;
        });
    }
    return this.producerConnecting;
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connectedProducer();
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const message of messages) {
      const list = byTopic.get(message.topic) ?? [];
      list.push(message);
      byTopic.set(message.topic, list);
    }
    await producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic: this.physical(topic),
        messages: list.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      })),
    });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.closed = false;
    const stallMs = this.options.fetchStallMs ?? DEFAULT_FETCH_STALL_MS;
    const liveness = new ConsumerLiveness(stallMs, Date.now());
    if (options.takesOverFrom !== undefined) await this.takeOverPositions(options.groupId, options.takesOverFrom, options.topics);
    let running = await this.startConsumer(options, liveness);
    let stopped = false;
    let replaced = true;
    let restarting: Promise<void> | undefined;
    const restart = (reason: string): Promise<void> =>
      (restarting ??= (async () => {
        this.logger.warn('kafka: restarting a consumer', { group: options.groupId, reason });
        const stuck = running;
        this.consumers.delete(stuck.consumer);
        // A stuck consumer may never finish its disconnect; the new one does not wait for it.
        await Promise.race([stuck.consumer.disconnect().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, RESTART_DISCONNECT_WAIT_MS).unref())]);
        if (stopped || this.closed) return;
        liveness.restarted(Date.now());
        // Until a successor runs, the watchdog keeps trying (the broker may have gone meanwhile).
        replaced = false;
        running = await this.startConsumer(options, liveness);
        replaced = true;
      })().finally(() => (restarting = undefined)));
    // The watchdog (consumer-liveness.ts): in its group, idle, no fetch for a long while, and the
    // broker answers — the consumer is stuck, not the bus; a new consumer takes over. So does one
    // KafkaJS crashed and will not restart (an error it does not count as retriable), which would
    // otherwise sit outside its group for good while its partitions' lag grows.
    const watchdog = setInterval(() => {
      if (stopped || this.closed || restarting) return;
      const reason = !replaced
        ? 'the last restart did not start a consumer'
        : running.abandoned()
          ? 'KafkaJS gave up on it after a crash'
          : liveness.stalled(Date.now(), running.joined())
            ? `no fetch for ${stallMs / 1000} s while in its group`
            : undefined;
      if (reason === undefined) return;
      void this.isHealthy()
        .then((healthy) => (healthy && !stopped ? restart(reason) : undefined))
        .catch((error: unknown) => this.logger.error('kafka: a stuck consumer could not be restarted; trying again', { group: options.groupId, error: String(error) }));
    }, Math.min(10_000, Math.max(100, Math.floor(stallMs / 3))));
    watchdog.unref();
    this.watchdogs.add(watchdog);
    return {
      joined: () => running.joined(),
      stop: async () => {
        stopped = true;
        clearInterval(watchdog);
        this.watchdogs.delete(watchdog);
        await restarting?.catch(() => undefined);
        // Positions applied and not yet committed are committed now; a batch still in hand
        // commits its own when it ends, before disconnect() lets the consumer leave.
        this.consumers.delete(running.consumer);
        await running.stopCommitting();
        await running.consumer.disconnect();
      },
    };
  }

  /**
   * SubscribeOptions.takesOverFrom: every partition of `topics` where the new group has no
   * committed offset and the old group has one gets the old group's offset, before the new
   * group's first member joins (the broker takes a commit for a group without members). Done
   * partition by partition, so a start that died half-way finishes the rest next time; once done
   * there is nothing left to copy and no admin write happens. The old group's offsets stay:
   * Kafka's retention does not depend on them.
   */
  private async takeOverPositions(groupId: string, from: string, topics: readonly string[]): Promise<void> {
    // Right after a broker starts, the groups' coordinator may still be moving (NOT_COORDINATOR,
    // COORDINATOR_LOAD_IN_PROGRESS): the admin client's offset calls answer that error instead of
    // retrying it, and a service start failed on it once. Retriable errors are tried again, a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.copyPositions(groupId, from, topics);
      } catch (error) {
        if ((error as { retriable?: boolean }).retriable !== true || attempt >= TAKE_OVER_ATTEMPTS) throw error;
        this.logger.warn('kafka: taking over positions failed, trying again', { group: groupId, from, attempt, error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 250 * attempt)));
      }
    }
  }

  private async copyPositions(groupId: string, from: string, topics: readonly string[]): Promise<void> {
    const admin = await this.adminClient();
    const physicalTopics = topics.map((topic) => this.physical(topic));
    const missing = async () => {
      const own = await admin.fetchOffsets({ groupId: this.prefix + groupId, topics: physicalTopics });
      const old = await admin.fetchOffsets({ groupId: this.prefix + from, topics: physicalTopics });
      return old
        .map(({ topic, partitions }) => ({
          topic,
          partitions: partitions
            .filter((p) => Number(p.offset) >= 0 && Number(own.find((o) => o.topic === topic)?.partitions.find((q) => q.partition === p.partition)?.offset ?? -1) < 0)
            .map(({ partition, offset }) => ({ partition, offset })),
        }))
        .filter(({ partitions }) => partitions.length > 0);
    };
    for (const { topic, partitions } of await missing()) {
      try {
        await admin.setOffsets({ groupId: this.prefix + groupId, topic, partitions });
        this.logger.log('kafka: a group took over another group\'s positions', { group: groupId, from, topic: this.logical(topic), partitions });
      } catch (error) {
        // Another instance of the service started first and its member already joined: fine if it copied them.
        if ((await missing()).some((left) => left.topic === topic)) throw error;
      }
    }
  }

  /** One KafkaJS consumer of the group, running; its fetches and batches reported to `liveness`. */
  private async startConsumer(options: SubscribeOptions, liveness: ConsumerLiveness): Promise<RunningConsumer> {
    const consumer = this.kafka.consumer({
      groupId: this.prefix + options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? 30_000) / 3)),
      allowAutoTopicCreation: false,
      retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 20 },
      // A batch window: the broker answers once the window passed or a megabyte waits (transport.ts).
      ...(options.batchWindowMs ? { minBytes: 1_048_576, maxWaitTimeInMs: options.batchWindowMs } : {}),
    });
    // Readiness asks whether the group was joined (docs/observability.md "Health"); a crash that
    // KafkaJS restarts from ends in a new GROUP_JOIN.
    let joined = false;
    let abandoned = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    consumer.on(consumer.events.CRASH, (event) => {
      joined = false;
      if (event.payload.restart) return;
      abandoned = true;
      this.logger.error('kafka: a consumer crashed and KafkaJS will not restart it; the watchdog replaces it', { group: options.groupId, error: String(event.payload.error) });
    });
    consumer.on(consumer.events.STOP, () => (joined = false));
    consumer.on(consumer.events.FETCH, () => liveness.fetched(Date.now()));
    const commits = new ConsumerCommits(consumer, new OffsetCommits(this.options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS, Date.now()), options.groupId, this.logger);
    consumer.on(consumer.events.GROUP_JOIN, (event) => commits.positions.assigned(event.payload.memberAssignment));
    this.consumers.add(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics.map((t) => this.physical(t)), fromBeginning: options.fromBeginning ?? true });
      await this.runConsumer(consumer, options, liveness, commits);
    } catch (error) {
      commits.stop();
      this.consumers.delete(consumer);
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    return { consumer, joined: () => joined, abandoned: () => abandoned, stopCommitting: () => commits.flushAndStop() };
  }

  private runConsumer(consumer: Consumer, options: SubscribeOptions, liveness: ConsumerLiveness, commits: ConsumerCommits): Promise<void> {
    return consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      // Offsets are resolved by hand after the handler's database transaction committed, and
      // committed by ConsumerCommits (offset-commits.ts): KafkaJS's autoCommit commits after
      // every batch, whatever its interval says.
      eachBatchAutoResolve: false,
      autoCommit: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
        liveness.batchStarted();
        commits.batchStarted();
        try {
          const chunkSize = options.maxBatchSize ?? 100;
          for (let start = 0; start < batch.messages.length; start += chunkSize) {
            if (!isRunning() || isStale()) break;
            const chunk: IncomingMessage[] = batch.messages.slice(start, start + chunkSize).map((message) => ({
              topic: this.logical(batch.topic),
              partition: batch.partition,
              offset: message.offset,
              key: message.key ? message.key.toString() : null,
              value: message.value,
              headers: headersToStrings(message.headers),
            }));
            await options.handle(chunk, { heartbeat });
            resolveOffset(chunk[chunk.length - 1].offset);
            commits.positions.applied(batch.topic, batch.partition, chunk[chunk.length - 1].offset);
            await heartbeat();
          }
          // While stopping, KafkaJS no longer commits through the consumer: this batch's own
          // commit function still reaches the coordinator.
          await commits.commitIfDue(!isRunning(), (positions) => commitOffsetsIfNecessary(byTopic(positions)));
        } finally {
          commits.batchEnded();
          liveness.batchEnded(Date.now());
        }
      },
    });
  }

  async consumerLag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
    if (topics.length === 0) return [];
    const admin = await this.adminClient();
    const committed = await admin.fetchOffsets({ groupId: this.prefix + groupId, topics: topics.map((topic) => this.physical(topic)) });
    const lags: PartitionLag[] = [];
    for (const { topic, partitions } of committed) {
      for (const end of await admin.fetchTopicOffsets(topic)) {
        const offset = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
        // -1: the group committed nothing there yet, so it will read from the oldest message kept.
        const position = offset < 0 ? Number(end.low) : offset;
        lags.push({ topic: this.logical(topic), partition: end.partition, lag: Math.max(0, Number(end.high) - position) });
      }
    }
    return lags;
  }

  async isHealthy(): Promise<boolean> {
    try {
      const admin = await this.adminClient();
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref());
      await Promise.race([admin.describeCluster(), timeout]);
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watchdogs.forEach((watchdog) => clearInterval(watchdog));
    this.watchdogs.clear();
    await Promise.allSettled([...this.consumers].map((consumer) => consumer.disconnect()));
    this.consumers.clear();
    await Promise.allSettled([this.producer?.disconnect(), this.admin?.disconnect()]);
    this.producer = undefined;
    this.admin = undefined;
  }
}

/**
 * Commits one KafkaJS consumer's positions (offset-commits.ts): at the end of a batch once the
 * interval has passed, from a timer when no batch is in hand (the last positions of a burst,
 * so lag reaches 0), at once when the consumer stops.
 */
class ConsumerCommits {
  private handling = 0;
  private stopping = false;
  private committing?: Promise<void>;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly consumer: Consumer,
    readonly positions: OffsetCommits,
    private readonly groupId: string,
    private readonly logger: MessagingLogger,
  ) {
    this.timer = setInterval(() => {
      if (this.handling === 0 && this.positions.due(Date.now())) void this.commit((positions) => this.consumer.commitOffsets(positions));
    }, positions.intervalMs);
    this.timer.unref();
  }

  batchStarted(): void {
    this.handling += 1;
  }

  batchEnded(): void {
    this.handling = Math.max(0, this.handling - 1);
  }

  /** At the end of a batch: commits when the interval has passed, or always when `now` (stopping). */
  async commitIfDue(now: boolean, send: (positions: PartitionPosition[]) => Promise<unknown>): Promise<void> {
    if (now || this.stopping || this.positions.due(Date.now())) await this.commit(send);
  }

  /** The consumer is about to disconnect: what is applied and idle is committed now. */
  async flushAndStop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.committing;
    if (this.handling === 0) await this.commit((positions) => this.consumer.commitOffsets(positions));
  }

  stop(): void {
    this.stopping = true;
    clearInterval(this.timer);
  }

  private async commit(send: (positions: PartitionPosition[]) => Promise<unknown>): Promise<void> {
    // One commit at a time: a caller that finds one in flight waits for it, then sends its own.
    while (this.committing) await this.committing;
    this.committing = (async () => {
      const positions = this.positions.uncommitted();
      if (positions.length === 0) return;
      try {
        await send(positions);
        this.positions.committedAt(positions, Date.now());
      } catch (error) {
        // Not committed: tried again next time; a successor would read these events again and
        // its inbox skip them.
        this.logger.warn('kafka: committing consumer positions failed; trying again later', { group: this.groupId, error: String((error as Error)?.message ?? error) });
      }
    })().finally(() => (this.committing = undefined));
    return this.committing;
  }
}
