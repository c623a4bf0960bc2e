import { InProcessTransport } from './in-process-transport';
import { IncomingMessage, partitionOfKey } from './transport';

describe('partitioning by key', () => {
  it('is stable and spreads keys', () => {
    expect(partitionOfKey('order-1', 3)).toBe(partitionOfKey('order-1', 3));
    const used = new Set(Array.from({ length: 50 }, (_, i) => partitionOfKey(`order-${i}`, 3)));
    expect(used.size).toBe(3);
    expect(partitionOfKey(null, 3)).toBe(0);
  });
});

describe('in-process bus', () => {
  it('keeps one key in order, redelivers after a failure, and refuses unknown topics', async () => {
    const bus = new InProcessTransport({ partitions: 3, redeliveryDelayMs: 5 });
    await bus.ensureTopics(['t']);
    await expect(bus.publish([{ topic: 'nope', key: 'k', value: 'x' }])).rejects.toThrow(/unknown topic/);
    const seen: string[] = [];
    let failOnce = true;
    const subscription = await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      maxBatchSize: 1,
      handle: async ([message]: IncomingMessage[]) => {
        const value = message.value!.toString();
        if (value === 'k1-2' && failOnce) {
          failOnce = false;
          throw new Error('transient');
        }
        seen.push(value);
      },
    });
    await bus.publish(Array.from({ length: 5 }, (_, i) => ({ topic: 't', key: 'k1', value: `k1-${i}` })));
    await bus.publish([{ topic: 't', key: 'k2', value: 'k2-0' }]);
    expect(await bus.drained(2_000)).toBe(true);
    expect(seen.filter((v) => v.startsWith('k1'))).toEqual(['k1-0', 'k1-1', 'k1-2', 'k1-3', 'k1-4']);
    expect(seen).toContain('k2-0');
    await subscription.stop();
  });

  it('gives each group its own position and lets a second group read from the start', async () => {
    const bus = new InProcessTransport({ partitions: 1 });
    await bus.ensureTopics(['t']);
    await bus.publish([{ topic: 't', key: 'a', value: '1' }]);
    const first: string[] = [];
    const second: string[] = [];
    const one = await bus.subscribe({ groupId: 'one', topics: ['t'], handle: async (batch) => void first.push(...batch.map((m) => m.value!.toString())) });
    const two = await bus.subscribe({ groupId: 'two', topics: ['t'], handle: async (batch) => void second.push(...batch.map((m) => m.value!.toString())) });
    await bus.publish([{ topic: 't', key: 'a', value: '2' }]);
    await bus.drained(2_000);
    expect(first).toEqual(['1', '2']);
    expect(second).toEqual(['1', '2']);
    await Promise.all([one.stop(), two.stop()]);
  });

  it('hands over consecutive messages of a partition together and redelivers all of them on failure', async () => {
    const bus = new InProcessTransport({ partitions: 1, redeliveryDelayMs: 5 });
    await bus.ensureTopics(['t']);
    await bus.publish(Array.from({ length: 7 }, (_, i) => ({ topic: 't', key: 'k', value: String(i) })));
    const calls: string[][] = [];
    let failed = false;
    const subscription = await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      maxBatchSize: 3,
      handle: async (batch) => {
        calls.push(batch.map((m) => m.value!.toString()));
        if (!failed && batch.some((m) => m.value!.toString() === '4')) {
          failed = true;
          throw new Error('transient');
        }
      },
    });
    await bus.drained(2_000);
    expect(calls).toEqual([['0', '1', '2'], ['3', '4', '5'], ['3', '4', '5'], ['6']]);
    await subscription.stop();
  });

  it('drops consumed messages past its retention, so memory stays bounded', async () => {
    const bus = new InProcessTransport({ partitions: 1, retainMessages: 10 });
    await bus.ensureTopics(['t']);
    let handled = 0;
    const subscription = await bus.subscribe({ groupId: 'g', topics: ['t'], handle: async (batch) => void (handled += batch.length) });
    await bus.publish(Array.from({ length: 100 }, (_, i) => ({ topic: 't', key: 'k', value: String(i) })));
    await bus.drained(2_000);
    expect(handled).toBe(100);
    const late: string[] = [];
    const lateGroup = await bus.subscribe({ groupId: 'late', topics: ['t'], handle: async (batch) => void late.push(...batch.map((m) => m.value!.toString())) });
    await bus.drained(2_000);
    expect(late.length).toBeLessThanOrEqual(11);
    expect(late[late.length - 1]).toBe('99');
    await Promise.all([subscription.stop(), lateGroup.stop()]);
  });
});
