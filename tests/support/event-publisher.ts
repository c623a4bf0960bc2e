import { Kafka, logLevel, Producer } from 'kafkajs';
import { buildEnvelope, EventDefinition } from '@orderline/shared/contracts';

/**
 * Publishes events onto the real topics exactly as a service's outbox relay would (same
 * envelope, topic, key), for tests of a consumer whose producer is not built yet.
 */
export class EventPublisher {
  private producer?: Producer;

  constructor(
    private readonly brokers: string,
    private readonly topicPrefix: string,
  ) {}

  async publish<P extends object>(definition: EventDefinition<P>, payload: P, producer = 'test'): Promise<string> {
    if (!this.producer) {
      this.producer = new Kafka({ clientId: 'test-publisher', brokers: this.brokers.split(','), logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
      await this.producer.connect();
    }
    const key = definition.keyOf(payload);
    const envelope = buildEnvelope({ type: definition.type, version: definition.version, producer, aggregateId: key, payload, occurredAt: new Date() });
    await this.producer.send({ topic: this.topicPrefix + definition.topic, acks: -1, messages: [{ key, value: JSON.stringify(envelope) }] });
    return envelope.eventId;
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}
