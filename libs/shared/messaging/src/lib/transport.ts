/**
 * What the services need from an event bus. Two implementations: Kafka (KafkaJS) and the
 * in-process bus of embedded mode. Both give: topics split into partitions, a message's
 * key choosing its partition (so one key's messages stay in order), consumer groups with
 * committed positions, and at-least-once delivery (a handler that throws gets the message
 * again). Retries, the inbox and the dead-letter topic sit above this, in EventConsumer,
 * so they behave the same on both.
 */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface DeliveryContext {
  /** Keeps group membership alive while a long batch or a retry back-off runs. */
  heartbeat(): Promise<void>;
}

/**
 * Receives consecutive messages of one partition, in order; the group's position moves past
 * all of them when the promise resolves, and none of them when it rejects (redelivery).
 */
export type MessageHandler = (messages: IncomingMessage[], context: DeliveryContext) => Promise<void>;

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  handle: MessageHandler;
  /** Most messages handed over in one call (default 100). */
  maxBatchSize?: number;
  /** Read each topic from its start when the group has no committed position yet (default true). */
  fromBeginning?: boolean;
  /**
   * For a group that can wait: how long the bus may hold a fetch to gather its messages
   * (default 0: each message as soon as it is there). On Kafka every delivery is a fetch
   * round trip that costs the client and the broker about as much as the message's own work, so
   * a group that applies few of its topics' events trades this much delay for one delivery per
   * window instead of one per event. The in-process bus delivers at once either way.
   */
  batchWindowMs?: number;
  /**
   * The group this one takes topics over from, when a service splits its consumer in two (a
   * group for the events someone waits on, one with a batch window for the rest). On each
   * partition of `topics` where this group has no committed position yet, it starts where that
   * group committed instead of where `fromBeginning` says: the old group's inbox rows may be
   * pruned by retention, so a replay from the start could apply an event twice. Per partition,
   * so a topic moved over later is taken over too; partitions the old group never committed
   * start as `fromBeginning` says. The
   * consumer must keep the old group's inbox name (EventConsumerOptions.inboxName), so what
   * the old group applied and had not committed is a duplicate, not a new event.
   */
  takesOverFrom?: string;
}

export interface Subscription {
  /** Stops fetching, lets the message in hand finish, commits what was processed. */
  stop(): Promise<void>;
  /** False until the consumer has joined its group, and again after it crashed or stopped (readiness). */
  joined?(): boolean;
}

/** How far a consumer group is behind on one partition (the consumer lag metric). */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Messages between the group's committed position and the end of the partition. */
  lag: number;
}

export interface MessageTransport {
  readonly kind: 'kafka' | 'in-process';
  /** Creates the topics and their `.dlq` twins if missing (never relies on auto-creation). */
  ensureTopics(topics: readonly string[]): Promise<void>;
  /** Resolves once every message is durably accepted (Kafka: acks=all). */
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** The group's lag on every partition of `topics` (Kafka: committed offset vs high watermark). */
  consumerLag(groupId: string, topics: readonly string[]): Promise<PartitionLag[]>;
  /** True when the bus can take and deliver messages now. */
  isHealthy(): Promise<boolean>;
  close(): Promise<void>;
}

/** Partition of a key: the same key always lands in the same partition. */
export function partitionOfKey(key: string | null, partitions: number): number {
  if (!key) return 0;
  // FNV-1a: cheap, stable across processes and versions.
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
