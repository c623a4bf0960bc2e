import { BusGroupPosition, BusLogEntry, BusLogStore } from './bus-log-store';
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

describe('in-process bus with a durable store (issue 13 item 1)', () => {
  // A store kept in this test stands for the data folder (PGlite itself needs ESM, which the
  // unit project does not load; tests/embedded-crash runs the real one): a second bus on the
  // same store is the platform after a SIGKILL (the first is abandoned, never stopped or drained).

  it('keeps what a group has not committed across a crash, resumes each group at its own position, and keeps key order', async () => {
    const store = new KeptBusLogStore();
    const first = new InProcessTransport({ partitions: 2, store, redeliveryDelayMs: 5 });
    await first.ensureTopics(['t']);
    const fastSeen: string[] = [];
    await first.subscribe({ groupId: 'fast', topics: ['t'], handle: async (batch) => void fastSeen.push(...batch.map((m) => m.value!.toString())) });
    // The slow group never commits before the crash: its handler hangs, as one does when the process dies mid-transaction.
    await first.subscribe({ groupId: 'slow', topics: ['t'], handle: () => new Promise<void>(() => undefined) });
    await first.publish(Array.from({ length: 6 }, (_, i) => ({ topic: 't', key: `k${i % 2}`, value: `m${i}` })));
    await waitFor(() => fastSeen.length === 6);

    const second = new InProcessTransport({ partitions: 2, store, redeliveryDelayMs: 5 });
    await second.ensureTopics(['t']);
    const slowAfter: string[] = [];
    const fastAfter: string[] = [];
    const slow = await second.subscribe({ groupId: 'slow', topics: ['t'], handle: async (batch) => void slowAfter.push(...batch.map((m) => m.value!.toString())) });
    const fast = await second.subscribe({ groupId: 'fast', topics: ['t'], handle: async (batch) => void fastAfter.push(...batch.map((m) => m.value!.toString())) });
    await second.publish([{ topic: 't', key: 'k0', value: 'm6' }]);
    expect(await second.drained(2_000)).toBe(true);
    // Nothing lost for the group that had not committed, in key order; the other one resumes after its commits.
    expect(slowAfter.filter((v) => ['m0', 'm2', 'm4', 'm6'].includes(v))).toEqual(['m0', 'm2', 'm4', 'm6']);
    expect(slowAfter.filter((v) => ['m1', 'm3', 'm5'].includes(v))).toEqual(['m1', 'm3', 'm5']);
    expect(fastAfter).toEqual(['m6']);
    await Promise.all([slow.stop(), fast.stop()]);
  });

  it('trims the stored log only below every group\'s committed position, and offsets continue after a restart', async () => {
    const store = new KeptBusLogStore();
    const first = new InProcessTransport({ partitions: 1, store, retainMessages: 5 });
    await first.ensureTopics(['t']);
    let handled = 0;
    const group = await first.subscribe({ groupId: 'g', topics: ['t'], handle: async (batch) => void (handled += batch.length) });
    for (let i = 0; i < 20; i++) await first.publish([{ topic: 't', key: 'k', value: String(i) }]);
    expect(await first.drained(2_000)).toBe(true);
    await group.stop();
    expect(handled).toBe(20);
    expect(store.entries.length).toBeLessThanOrEqual(6);

    const second = new InProcessTransport({ partitions: 1, store, retainMessages: 5 });
    await second.ensureTopics(['t']);
    const offsets: string[] = [];
    await second.publish([{ topic: 't', key: 'k', value: '20' }]);
    const resumed = await second.subscribe({ groupId: 'g', topics: ['t'], handle: async (batch) => void offsets.push(...batch.map((m) => `${m.offset}:${m.value}`)) });
    expect(await second.drained(2_000)).toBe(true);
    expect(offsets).toEqual(['20:20']);
    await resumed.stop();
  });
});

describe('in-process bus: a group that takes topics over from another (SubscribeOptions.takesOverFrom)', () => {
  it('starts where the old group committed, keeps its own position after a restart, and lets retention trim what the old group stopped reading', async () => {
    const store = new KeptBusLogStore();
    const first = new InProcessTransport({ partitions: 1, store, retainMessages: 3 });
    await first.ensureTopics(['waited', 'later']);
    const old = await first.subscribe({ groupId: 'svc', topics: ['waited', 'later'], handle: async () => undefined });
    await first.publish(['a', 'b', 'c'].map((value) => ({ topic: 'later', key: 'k', value })));
    expect(await first.drained(2_000)).toBe(true);
    await old.stop();
    await first.publish([{ topic: 'later', key: 'k', value: 'd' }]);

    // After the upgrade (a restart on the same store): `svc.batched` takes `later` over, `svc` keeps `waited`.
    const second = new InProcessTransport({ partitions: 1, store, retainMessages: 3 });
    await second.ensureTopics(['waited', 'later']);
    const seen: string[] = [];
    const batched = await second.subscribe({ groupId: 'svc.batched', topics: ['later'], takesOverFrom: 'svc', handle: async (batch) => void seen.push(...batch.map((m) => m.value!.toString())) });
    const main = await second.subscribe({ groupId: 'svc', topics: ['waited'], handle: async () => undefined });
    expect(await second.drained(2_000)).toBe(true);
    // Not a, b, c again: the old group had committed them.
    expect(seen).toEqual(['d']);
    expect(await second.consumerLag('svc.batched', ['later'])).toEqual([{ topic: 'later', partition: 0, lag: 0 }]);
    // The old group's frozen position on `later` is gone, so retention trims below the new group's.
    for (const value of ['e', 'f', 'g', 'h', 'i']) await second.publish([{ topic: 'later', key: 'k', value }]);
    expect(await second.drained(2_000)).toBe(true);
    expect(store.entries.filter((entry) => entry.topic === 'later').length).toBeLessThanOrEqual(4);
    await Promise.all([batched.stop(), main.stop()]);

    // A restart later: the new group resumes at its own position, the take-over is not done again.
    const third = new InProcessTransport({ partitions: 1, store, retainMessages: 3 });
    await third.ensureTopics(['waited', 'later']);
    await third.publish([{ topic: 'later', key: 'k', value: 'j' }]);
    const after: string[] = [];
    const resumed = await third.subscribe({ groupId: 'svc.batched', topics: ['later'], takesOverFrom: 'svc', handle: async (batch) => void after.push(...batch.map((m) => m.value!.toString())) });
    expect(await third.drained(2_000)).toBe(true);
    expect(after).toEqual(['j']);
    await resumed.stop();
  });

  it('takes over a topic moved to it later, partition by partition, while it keeps its own positions on the others', async () => {
    const bus = new InProcessTransport({ partitions: 1 });
    await bus.ensureTopics(['first', 'second']);
    const old = await bus.subscribe({ groupId: 'svc', topics: ['second'], handle: async () => undefined });
    await bus.publish([{ topic: 'second', key: 'k', value: 'already applied' }]);
    const batchedBefore = await bus.subscribe({ groupId: 'svc.batched', topics: ['first'], takesOverFrom: 'svc', handle: async () => undefined });
    expect(await bus.drained(2_000)).toBe(true);
    await Promise.all([old.stop(), batchedBefore.stop()]);
    await bus.publish([{ topic: 'second', key: 'k', value: 'new' }]);
    const seen: string[] = [];
    const batched = await bus.subscribe({ groupId: 'svc.batched', topics: ['first', 'second'], takesOverFrom: 'svc', handle: async (batch) => void seen.push(...batch.map((m) => m.value!.toString())) });
    expect(await bus.drained(2_000)).toBe(true);
    expect(seen).toEqual(['new']);
    await batched.stop();
  });

  it('refuses to take over topics the old group still consumes in the same process', async () => {
    const bus = new InProcessTransport({ partitions: 1 });
    await bus.ensureTopics(['t']);
    const old = await bus.subscribe({ groupId: 'svc', topics: ['t'], handle: async () => undefined });
    await expect(bus.subscribe({ groupId: 'svc.batched', topics: ['t'], takesOverFrom: 'svc', handle: async () => undefined })).rejects.toThrow(/while svc consumes them/);
    await old.stop();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** What survives the process in these tests: entries and positions, copied in and out like rows. */
class KeptBusLogStore implements BusLogStore {
  entries: BusLogEntry[] = [];
  private readonly positions = new Map<string, BusGroupPosition>();

  async load() {
    const byOffset = [...this.entries].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.offset - b.offset);
    return { entries: byOffset.map((entry) => ({ ...entry, value: Buffer.from(entry.value) })), positions: [...this.positions.values()].map((position) => ({ ...position })) };
  }

  async append(entries: readonly BusLogEntry[]) {
    this.entries.push(...entries.map((entry) => ({ ...entry, value: Buffer.from(entry.value) })));
  }

  async commit(position: BusGroupPosition, onlyIfMissing = false) {
    const key = `${position.groupId}/${position.topic}/${position.partition}`;
    if (!onlyIfMissing || !this.positions.has(key)) this.positions.set(key, { ...position });
  }

  async forget(groupId: string, topic: string) {
    for (const [key, position] of this.positions) if (position.groupId === groupId && position.topic === topic) this.positions.delete(key);
  }

  async trimBefore(topic: string, partition: number, offset: number) {
    this.entries = this.entries.filter((entry) => entry.topic !== topic || entry.partition !== partition || entry.offset >= offset);
  }
}

describe('in-process bus consumer lag', () => {
  it("reports a group's lag per partition from its committed position to the end of the log", async () => {
    const bus = new InProcessTransport({ partitions: 1 });
    await bus.ensureTopics(['lagging']);
    await bus.publish(Array.from({ length: 4 }, (_, i) => ({ topic: 'lagging', key: 'k', value: `m${i}` })));
    // A group that never subscribed reads from the start: all four are ahead of it.
    expect(await bus.consumerLag('late', ['lagging'])).toEqual([{ topic: 'lagging', partition: 0, lag: 4 }]);
    const subscription = await bus.subscribe({ groupId: 'late', topics: ['lagging'], handle: async () => undefined });
    expect(await bus.drained(2_000)).toBe(true);
    expect(await bus.consumerLag('late', ['lagging'])).toEqual([{ topic: 'lagging', partition: 0, lag: 0 }]);
    await subscription.stop();
  });
});
