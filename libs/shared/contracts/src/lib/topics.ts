/** Kafka topics (architecture.md "Events"); each has a `<topic>.dlq` twin for poison events. */
export const Topics = {
  orders: 'orders.v1',
  logistics: 'logistics.v1',
  afterSales: 'after-sales.v1',
  credit: 'credit.v1',
  exports: 'exports.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);

export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}

/** Kafka headers of every published event (the relay writes them; the AsyncAPI document lists them). */
export const EVENT_HEADERS = {
  /** The envelope's `type`, so tools can route without parsing the value. */
  eventType: 'event-type',
} as const;

/** Header names written on a dead-lettered message, next to the original headers. */
export const DLQ_HEADERS = {
  error: 'x-dlq-error',
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  consumerGroup: 'x-dlq-consumer-group',
  attempts: 'x-dlq-attempts',
  failedAt: 'x-dlq-failed-at',
} as const;
