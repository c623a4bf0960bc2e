import { buildEnvelope, defineEvent, EventRegistry, type TopicName } from '@orderline/shared/contracts';
import { IsString } from 'class-validator';
import { EventConsumer, onEvent } from './event-consumer';
import { InProcessTransport } from './in-process-transport';
import type { UnitOfWork } from './unit-of-work';

class Pinged {
  @IsString() note!: string;
}
const PingedEvent = defineEvent<Pinged>({ type: 'Pinged', version: 1, topic: 'orders.v1' as TopicName, payload: Pinged, description: 'a test event', keyOf: () => 'k' });

describe('EventConsumer.stop while a message waits for an unreachable database', () => {
  it('returns at once and gives the message back uncommitted (redelivered after the restart)', async () => {
    const bus = new InProcessTransport({ partitions: 1, redeliveryDelayMs: 5 });
    await bus.ensureTopics(['orders.v1']);
    let attempts = 0;
    // The database is down: every transaction fails the way a pool that cannot connect fails.
    const unreachable = { run: async () => { attempts += 1; throw new Error('timeout exceeded when trying to connect'); } } as unknown as UnitOfWork;
    const consumer = new EventConsumer({
      groupId: 'stop-test',
      transport: bus,
      registry: new EventRegistry([PingedEvent]),
      unitOfWork: unreachable,
      handlers: [onEvent(PingedEvent, async () => undefined)],
      // A long back-off: without the fix, stop() waits for it (and then for the next attempt, for ever).
      retryPolicy: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 },
    });
    await consumer.start();
    const envelope = buildEnvelope({ type: 'Pinged', version: 1, producer: 'test', aggregateId: 'a', payload: { note: 'hello' }, occurredAt: new Date() });
    await bus.publish([{ topic: 'orders.v1', key: 'k', value: JSON.stringify(envelope), headers: { 'event-type': 'Pinged' } }]);
    while (attempts < 1) await new Promise((resolve) => setTimeout(resolve, 10)); // the first attempt failed: the back-off runs

    const started = Date.now();
    await consumer.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
    // Not committed: the group's next subscriber gets the message again.
    const redelivered: string[] = [];
    const next = await bus.subscribe({ groupId: 'stop-test', topics: ['orders.v1'], handle: async (messages) => void redelivered.push(...messages.map((m) => m.offset)) });
    expect(await bus.drained(5_000)).toBe(true);
    await next.stop();
    expect(redelivered).toEqual(['0']);
  });
});
