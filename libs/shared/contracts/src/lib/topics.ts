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
