import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ALL_TOPICS, buildEnvelope, createEventRegistry, EventRegistry, OrderPlaced, OrderPlacedPayload, Topics } from '@orderline/shared/contracts';
import {
  CreateMessagingTables1763900000000,
  DeadLetterRecords1764700013600,
  OutboxTraceContext1765016000200,
  DeadLetters,
  DLQ_HEADERS,
  OutboxParking1764700013500,
  EventConsumer,
  IncomingMessage,
  InProcessTransport,
  KafkaTransport,
  MessageTransport,
  onEvent,
  OutboxRelay,
  openBatchSql,
  relayStatements,
  Subscription,
  UnitOfWork,
} from '@orderline/shared/messaging';
import { createServiceDataSource, openServiceDatabase } from '@orderline/shared/persistence';
import { databaseUrl, infrastructure, isolation, waitUntil } from './support/infrastructure';

jest.setTimeout(120_000);

const registry: EventRegistry = createEventRegistry();
/** freight carries a sequence number; this value makes the handler fail every time. */
const HANDLER_BUG = 13_013;
/** This one makes it fail until the test fixes the cause (a dead letter worth re-driving). */
const FIXABLE_BUG = 13_014;
let fixableBugFixed = false;

function payload(orderId: string, sequence: number): OrderPlacedPayload {
  return {
    orderId,
    merchantId: randomUUID(),
    buyerId: randomUUID(),
    paymentMethod: 'CREDIT',
    payable: 100 + sequence,
    freight: sequence,
    lines: [{ lineId: randomUUID(), skuId: 'sku', title: 'Thing', unitPrice: 100, quantity: 1, lineTotal: 100 }],
  } as OrderPlacedPayload;
}

function wireEvent(type: string, body: unknown, orderId: string): string {
  return JSON.stringify(buildEnvelope({ type, version: 1, producer: 'test', aggregateId: orderId, payload: body, occurredAt: new Date() }));
}

/** A database of its own with the messaging tables (outbox, inbox, dead letters), migrated. */
async function openMessagingDatabase(databasePrefix: string): Promise<DataSource> {
  const url = databaseUrl(infrastructure().postgresUrl, `${databasePrefix}_db`);
  return openServiceDatabase(createServiceDataSource({ url, entities: [], migrations: [CreateMessagingTables1763900000000, OutboxParking1764700013500, DeadLetterRecords1764700013600, OutboxTraceContext1765016000200] }), url);
}

interface Harness {
  dataSource: DataSource;
  transport: MessageTransport;
  unitOfWork: UnitOfWork;
  relay: OutboxRelay;
  consumer: EventConsumer;
  deadLetters: IncomingMessage[];
  dlqReader: Subscription;
  /** What the consumer group dead-lettered, as the service records it for an operator. */
  deadLetterBox: DeadLetters;
  applied(): Promise<Array<{ order_id: string; sequence: number }>>;
  close(): Promise<void>;
}

const transports: Array<[string, (topicPrefix: string) => MessageTransport]> = [
  ['Kafka', (topicPrefix) => new KafkaTransport({ brokers: infrastructure().kafkaBrokers.split(','), clientId: 'backbone-test', topicPrefix })],
  ['the in-process bus', () => new InProcessTransport({ redeliveryDelayMs: 50 })],
];

describe.each(transports)('event backbone on %s with real PostgreSQL', (name, makeTransport) => {
  let harness: Harness;

  beforeAll(async () => {
    const names = isolation(`bb_${name === 'Kafka' ? 'kafka' : 'local'}`);
    const dataSource = await openMessagingDatabase(names.databasePrefix);
    await dataSource.query(`CREATE TABLE applied_event (id bigserial PRIMARY KEY, event_id uuid NOT NULL, order_id uuid NOT NULL, sequence integer NOT NULL)`);
    const transport = makeTransport(names.topicPrefix);
    await transport.ensureTopics(ALL_TOPICS);
    const relay = new OutboxRelay({ dataSource, transport, producer: 'backbone-test', pollIntervalMs: 200 });
    const unitOfWork = new UnitOfWork({ dataSource, registry, producer: 'backbone-test', onEventsCommitted: () => relay.wake() });
    const consumer = new EventConsumer({
      groupId: 'backbone-consumer',
      transport,
      registry,
      unitOfWork,
      retryPolicy: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
      handlers: [
        onEvent(OrderPlaced, async (event, scope) => {
          if (event.payload.freight === HANDLER_BUG) throw new Error('handler bug: cannot apply this event');
          if (event.payload.freight === FIXABLE_BUG && !fixableBugFixed) throw new Error('reference data missing: cannot apply this event yet');
          await scope.manager.query(`INSERT INTO applied_event (event_id, order_id, sequence) VALUES ($1, $2, $3)`, [event.eventId, event.payload.orderId, event.payload.freight]);
        }),
      ],
    });
    const deadLetters: IncomingMessage[] = [];
    const dlqReader = await transport.subscribe({ groupId: 'dlq-reader', topics: [`${Topics.orders}.dlq`], handle: async (messages) => void deadLetters.push(...messages) });
    relay.start();
    await consumer.start();
    const deadLetterBox = new DeadLetters({ groupId: 'backbone-consumer', transport, unitOfWork });
    await deadLetterBox.start(consumer.topics());
    harness = {
      dataSource,
      transport,
      unitOfWork,
      relay,
      consumer,
      deadLetters,
      dlqReader,
      deadLetterBox,
      applied: () => dataSource.query(`SELECT order_id, sequence FROM applied_event ORDER BY id`),
      close: async () => {
        await consumer.stop();
        await deadLetterBox.stop();
        await dlqReader.stop();
        await relay.stop();
        await transport.close();
        await dataSource.destroy();
      },
    };
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('publishes committed events once, in order per key, and never a rolled-back one', async () => {
    const orderId = randomUUID();
    for (let sequence = 1; sequence <= 20; sequence++) {
      await harness.unitOfWork.run((scope) => scope.publish(OrderPlaced, payload(orderId, sequence)).then(() => undefined));
    }
    await expect(
      harness.unitOfWork.run(async (scope) => {
        await scope.publish(OrderPlaced, payload(orderId, 999));
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    await harness.unitOfWork.run((scope) => scope.publish(OrderPlaced, payload(orderId, 21)).then(() => undefined));

    const rows = await waitUntil(async () => {
      const applied = (await harness.applied()).filter((row) => row.order_id === orderId);
      return applied.length >= 21 ? applied : undefined;
    }, '21 events applied');
    expect(rows.map((row) => row.sequence)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(await harness.relay.backlog()).toBe(0);
  });

  it('refuses to write an invalid event to the outbox', async () => {
    await expect(harness.unitOfWork.run((scope) => scope.publish(OrderPlaced, { ...payload(randomUUID(), 1), payable: 1.5 }))).rejects.toThrow(/payable/);
  });

  it('applies a redelivered event only once', async () => {
    const orderId = randomUUID();
    await harness.unitOfWork.run((scope) => scope.publish(OrderPlaced, payload(orderId, 1)).then(() => undefined));
    await waitUntil(async () => (await harness.applied()).some((row) => row.order_id === orderId), 'the first delivery');
    const [row] = await harness.dataSource.query(`SELECT message_key, envelope FROM outbox_event WHERE envelope::jsonb -> 'payload' ->> 'orderId' = $1`, [orderId]);
    const duplicatesBefore = harness.consumer.counters.duplicates;
    await harness.transport.publish([{ topic: Topics.orders, key: row.message_key, value: row.envelope }]);
    await harness.transport.publish([{ topic: Topics.orders, key: row.message_key, value: row.envelope }]);
    await waitUntil(async () => harness.consumer.counters.duplicates >= duplicatesBefore + 2, 'both redeliveries to be seen');
    expect((await harness.applied()).filter((applied) => applied.order_id === orderId)).toHaveLength(1);
  });

  it('sends poison events to the DLQ after bounded retries and goes on with the good ones', async () => {
    const orderId = randomUUID();
    const key = orderId; // one partition: the good event behind the poison must still come through
    await harness.transport.publish([
      { topic: Topics.orders, key, value: wireEvent('OrderPlaced', payload(orderId, 1), orderId) },
      { topic: Topics.orders, key, value: '{"this is": not json' },
      { topic: Topics.orders, key, value: wireEvent('OrderTeleported', { orderId }, orderId) },
      { topic: Topics.orders, key, value: wireEvent('OrderPlaced', { ...payload(orderId, 2), payable: -5 }, orderId) },
      { topic: Topics.orders, key, value: wireEvent('OrderPlaced', payload(orderId, HANDLER_BUG), orderId) },
      { topic: Topics.orders, key, value: wireEvent('OrderPlaced', payload(orderId, 3), orderId) },
    ]);
    const applied = await waitUntil(async () => {
      const rows = (await harness.applied()).filter((row) => row.order_id === orderId);
      return rows.length >= 2 ? rows : undefined;
    }, 'the good events');
    expect(applied.map((row) => row.sequence)).toEqual([1, 3]);

    const dead = await waitUntil(async () => {
      const mine = harness.deadLetters.filter((message) => message.key === key);
      return mine.length >= 4 ? mine : undefined;
    }, 'four dead letters');
    expect(dead).toHaveLength(4);
    expect(harness.consumer.counters.deadLettered).toBeGreaterThanOrEqual(4);
    for (const message of dead) {
      expect(message.headers[DLQ_HEADERS.attempts]).toBe('3');
      expect(message.headers[DLQ_HEADERS.originalTopic]).toBe(Topics.orders);
      expect(message.headers[DLQ_HEADERS.consumerGroup]).toBe('backbone-consumer');
      expect(Number(message.headers[DLQ_HEADERS.originalOffset])).toBeGreaterThanOrEqual(0);
    }
    const errors = dead.map((message) => message.headers[DLQ_HEADERS.error]);
    expect(errors[0]).toMatch(/not JSON/);
    expect(errors[1]).toMatch(/unknown event type "OrderTeleported"/);
    expect(errors[2]).toMatch(/payable/);
    expect(errors[3]).toMatch(/handler bug/);
    expect(dead[0].value?.toString()).toBe('{"this is": not json');
  });

  it('passes over an event type it has no handler for by its header, without decoding it; an undeclared type in the header is still dead-lettered', async () => {
    const orderId = randomUUID();
    const key = orderId;
    const deadLetteredBefore = harness.consumer.counters.deadLettered;
    await harness.transport.publish([
      // Declared, not handled by this group: never parsed, so its broken value sends nothing to the DLQ.
      { topic: Topics.orders, key, value: '{"not": decoded', headers: { 'event-type': 'OrderPaid' } },
      { topic: Topics.orders, key, value: wireEvent('OrderTeleported', { orderId }, orderId), headers: { 'event-type': 'OrderTeleported' } },
      { topic: Topics.orders, key, value: wireEvent('OrderPlaced', payload(orderId, 1), orderId), headers: { 'event-type': 'OrderPlaced' } },
    ]);
    await waitUntil(async () => (await harness.applied()).some((row) => row.order_id === orderId), 'the handled event');
    // Same partition, in order: the two messages before it were done with before it was applied.
    expect(harness.consumer.counters.deadLettered).toBe(deadLetteredBefore + 1);
    const dead = await waitUntil(async () => {
      const mine = harness.deadLetters.filter((message) => message.key === key);
      return mine.length >= 1 ? mine : undefined;
    }, 'the dead letter of the undeclared type');
    expect(dead.map((message) => message.headers[DLQ_HEADERS.error])).toEqual([expect.stringMatching(/unknown event type "OrderTeleported"/)]);
  });

  it('re-drives a dead-lettered event once its cause is fixed: applied once, never re-driven twice, other groups unaffected', async () => {
    fixableBugFixed = false; // the suite runs once per transport
    // Another group that applies the same topic: it applied the event the first time.
    const bystanderApplied: string[] = [];
    const bystander = new EventConsumer({
      groupId: 'backbone-bystander',
      transport: harness.transport,
      registry,
      unitOfWork: harness.unitOfWork,
      handlers: [onEvent(OrderPlaced, async (event) => void bystanderApplied.push(event.eventId))],
    });
    await bystander.start();
    try {
      const orderId = randomUUID();
      const eventId = await harness.unitOfWork.run((scope) => scope.publish(OrderPlaced, payload(orderId, FIXABLE_BUG)));
      const [dead] = await waitUntil(async () => {
        const rows = await harness.deadLetterBox.list({ eventId });
        return rows.length > 0 ? rows : undefined;
      }, 'the dead letter to be recorded');
      expect(dead).toMatchObject({ eventId, eventType: 'OrderPlaced', key: orderId, originalTopic: Topics.orders, attempts: 3, consumerGroup: 'backbone-consumer', redrivenAt: null });
      expect(dead.error).toMatch(/reference data missing/);
      expect(dead.failedAt).not.toBeNull();
      await waitUntil(async () => bystanderApplied.includes(eventId) || undefined, 'the bystander group to apply the event');
      expect((await harness.applied()).filter((row) => row.order_id === orderId)).toEqual([]);

      // The operator fixes the cause and re-drives it (filtered by topic: the other dead letters of this suite stay).
      fixableBugFixed = true;
      const duplicatesBefore = bystander.counters.duplicates;
      const redriven = await harness.deadLetterBox.redrive({ eventId, topic: Topics.orders });
      expect(redriven.map((row) => row.eventId)).toEqual([eventId]);
      expect(redriven[0].redrivenAt).not.toBeNull();
      expect(await harness.deadLetterBox.redrive({ eventId })).toEqual([]);

      const applied = await waitUntil(async () => {
        const rows = (await harness.applied()).filter((row) => row.order_id === orderId);
        return rows.length > 0 ? rows : undefined;
      }, 'the re-driven event to be applied');
      expect(applied).toEqual([{ order_id: orderId, sequence: FIXABLE_BUG }]);
      // The other group already had it: its inbox dropped the re-driven copy.
      await waitUntil(async () => bystander.counters.duplicates > duplicatesBefore || undefined, 'the bystander to see the re-driven copy');
      expect(bystanderApplied.filter((id) => id === eventId)).toHaveLength(1);
      // The re-drive went out through the outbox, as one row carrying the original envelope.
      const outbox = await harness.dataSource.query(`SELECT envelope, published_at FROM outbox_event WHERE envelope::jsonb ->> 'eventId' = $1 ORDER BY id`, [eventId]);
      expect(outbox).toHaveLength(2);
      expect(outbox[1].envelope).toBe(outbox[0].envelope);
      expect((await harness.deadLetterBox.list({ eventId }))[0].redrivenAt).not.toBeNull();
    } finally {
      await bystander.stop();
    }
  });

  it('lets several relays drain one outbox without publishing a row twice', async () => {
    await harness.relay.stop();
    const orderIds = Array.from({ length: 30 }, () => randomUUID());
    // Written while no relay runs: as after a crash between commit and publish.
    for (const orderId of orderIds) {
      await harness.unitOfWork.run(async (scope) => {
        for (let sequence = 1; sequence <= 10; sequence++) await scope.publish(OrderPlaced, payload(orderId, sequence));
      });
    }
    expect(await harness.relay.backlog()).toBe(300);
    const duplicatesBefore = harness.consumer.counters.duplicates;
    // Two with prepared passes (as the services run), one without (a rolling change of DATABASE_PREPARED_STATEMENTS).
    const relays = Array.from({ length: 3 }, (_, i) => new OutboxRelay({ dataSource: harness.dataSource, transport: harness.transport, producer: 'backbone-test', batchSize: 25, pollIntervalMs: 50, preparedStatements: i < 2 }));
    relays.forEach((relay) => relay.start());
    const wanted = new Set<string>(orderIds);
    const rows = await waitUntil(async () => {
      const mine = (await harness.applied()).filter((row) => wanted.has(row.order_id));
      return mine.length >= 300 ? mine : undefined;
    }, '300 events applied');
    await Promise.all(relays.map((relay) => relay.stop()));
    harness.relay = new OutboxRelay({ dataSource: harness.dataSource, transport: harness.transport, producer: 'backbone-test', pollIntervalMs: 200 });
    harness.relay.start();

    expect(rows).toHaveLength(300);
    // The backlog arrived in runs that were applied a batch per transaction.
    expect(harness.consumer.counters.batches).toBeGreaterThan(0);
    expect(relays.reduce((sum, relay) => sum + relay.published, 0)).toBe(300);
    expect(harness.consumer.counters.duplicates).toBe(duplicatesBefore);
    for (const orderId of orderIds) {
      expect(rows.filter((row) => row.order_id === orderId).map((row) => row.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
  });
});

describe('a consumer batch window on Kafka', () => {
  it('gathers events published apart into fewer deliveries than events, and still delivers each once', async () => {
    const { topicPrefix } = isolation('bb_window');
    const transport = new KafkaTransport({ brokers: infrastructure().kafkaBrokers.split(','), clientId: 'backbone-window', topicPrefix, partitions: 1 });
    try {
      await transport.ensureTopics([Topics.orders]);
      const deliveries: number[] = [];
      const subscription = await transport.subscribe({ groupId: 'window', topics: [Topics.orders], batchWindowMs: 1_000, handle: async (messages) => void deliveries.push(messages.length) });
      // The group must be in before anything is sent, or the first fetch finds all eight at once.
      await waitUntil(async () => subscription.joined?.() === true, 'the windowed group joined');
      const orderId = randomUUID();
      for (let sequence = 1; sequence <= 8; sequence++) {
        await transport.publish([{ topic: Topics.orders, key: orderId, value: wireEvent('OrderPlaced', payload(orderId, sequence), orderId) }]);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      await waitUntil(async () => deliveries.reduce((sum, count) => sum + count, 0) >= 8, 'eight events delivered');
      await subscription.stop();
      // Without the window each event, sent 40 ms after the last, is a fetch of its own.
      expect(deliveries.reduce((sum, count) => sum + count, 0)).toBe(8);
      expect(deliveries.length).toBeLessThanOrEqual(3);
    } finally {
      await transport.close();
    }
  });
});

describe("the outbox relay's batch read", () => {
  /** Every plan node under `node` (EXPLAIN … FORMAT JSON). */
  function planNodes(node: Record<string, any>): Array<Record<string, any>> {
    return [node, ...((node.Plans as Array<Record<string, any>> | undefined) ?? []).flatMap(planNodes)];
  }

  it('walks the index of unpublished rows, not the heap pages of every row published since the last vacuum', async () => {
    const names = isolation('bb_relayscan');
    const dataSource = await openMessagingDatabase(names.databasePrefix);
    const transport = new InProcessTransport({ redeliveryDelayMs: 50 });
    try {
      await transport.ensureTopics([Topics.orders]);
      // A busy outbox as the planner sees it: statistics taken while 5,000 rows waited, and
      // all of them published since (their old versions stay in the partial index until a vacuum).
      await dataSource.query(
        `INSERT INTO outbox_event (event_id, topic, message_key, event_type, envelope)
         SELECT gen_random_uuid(), 'orders.v1', 'k' || (n % 50), 'OrderPlaced', repeat('x', 600) FROM generate_series(1, 5000) AS n`,
      );
      await dataSource.query(`ANALYZE outbox_event`);
      await dataSource.query(`UPDATE outbox_event SET published_at = now()`);
      await dataSource.query(`INSERT INTO outbox_event (event_id, topic, message_key, event_type, envelope) SELECT gen_random_uuid(), 'orders.v1', 'fresh', 'OrderPlaced', '{}' FROM generate_series(1, 3)`);

      const statements = openBatchSql('relay-scan-test', 500).split(';\n');
      const batchRead = statements.pop() as string;
      const explain = async () => {
        const plans: Array<{ 'QUERY PLAN': Array<{ Plan: Record<string, any> }> }> = await dataSource.transaction(async (manager) => {
          for (const statement of statements.slice(1)) await manager.query(statement); // BEGIN is the transaction's own
          return manager.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${batchRead}`);
        });
        return plans[0]['QUERY PLAN'][0].Plan;
      };
      let plan = await explain();
      const nodes = planNodes(plan);
      expect(nodes.map((node) => node['Node Type'])).not.toContain('Bitmap Heap Scan');
      expect(nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
      expect(nodes.some((node) => node['Node Type'] === 'Index Scan' && node['Index Name'] === 'outbox_event_unpublished')).toBe(true);
      // A plain index read marks each entry whose row version is dead to every snapshot, and
      // later reads skip it; a bitmap scan never marks them. A snapshot older than the UPDATE in
      // this new database (an autovacuum worker analyzing its fresh catalogs, say) keeps
      // the versions alive for a moment: read until it has gone.
      const touchedBlocks = (node: Record<string, any>): number => node['Shared Hit Blocks'] + node['Shared Read Blocks'];
      await waitUntil(async () => {
        plan = await explain();
        return touchedBlocks(plan) < 60;
      }, "a read that skips the published rows' index entries");
      expect(plan['Actual Rows']).toBe(3);
      // The 5,000 published rows fill ~700 heap pages; the read touches a handful of pages.
      expect(touchedBlocks(plan)).toBeLessThan(60);

      // And the relay's pass itself publishes the three and nothing else.
      const published: string[] = [];
      const subscription = await transport.subscribe({ groupId: 'scan-reader', topics: [Topics.orders], handle: async (messages) => void published.push(...messages.map((message) => message.key ?? '')) });
      const relay = new OutboxRelay({ dataSource, transport, producer: 'relay-scan-test' });
      expect(await relay.publishBatch()).toBe(3);
      expect(await relay.publishBatch()).toBe(0);
      expect(await relay.backlog()).toBe(0);
      await waitUntil(async () => published.length >= 3, 'the three rows delivered');
      expect(published).toEqual(['fresh', 'fresh', 'fresh']);

      // As the services run it (DATABASE_PREPARED_STATEMENTS=on): the read and the mark are
      // prepared once on the connection, every pass reuses them, and the plan PostgreSQL keeps
      // still walks the index. One connection, so the test sees the relay's session.
      const oneConnection = createServiceDataSource({ url: databaseUrl(infrastructure().postgresUrl, `${names.databasePrefix}_db`), entities: [], migrations: [], poolSize: 1 });
      await oneConnection.initialize();
      try {
        const preparedRelay = new OutboxRelay({ dataSource: oneConnection, transport, producer: 'relay-scan-test', preparedStatements: true });
        await oneConnection.query(`INSERT INTO outbox_event (event_id, topic, message_key, event_type, envelope) SELECT gen_random_uuid(), 'orders.v1', 'prepared', 'OrderPlaced', '{}' FROM generate_series(1, 2)`);
        expect(await preparedRelay.publishBatch()).toBe(2);
        for (let pass = 0; pass < 6; pass++) expect(await preparedRelay.publishBatch()).toBe(0);
        await waitUntil(async () => published.length >= 5, 'the two rows delivered');
        expect(published.slice(3)).toEqual(['prepared', 'prepared']);
        const { batch, mark } = relayStatements(500);
        const held: Array<{ name: string; runs: number; generic: number }> = await oneConnection.query(
          `SELECT name, (generic_plans + custom_plans)::int AS runs, generic_plans::int AS generic FROM pg_prepared_statements WHERE name = ANY($1::text[]) ORDER BY name`,
          [[batch, mark]],
        );
        // The read has no parameters, so PostgreSQL plans it once and reuses that plan from the first pass.
        expect(held).toEqual([{ name: batch, runs: 7, generic: 7 }, { name: mark, runs: 1, generic: 0 }]);
        const preparedPlan: Array<{ 'QUERY PLAN': Array<{ Plan: Record<string, any> }> }> = await oneConnection.transaction(async (manager) => {
          for (const statement of statements.slice(1, 3)) await manager.query(statement); // the pass's SET LOCALs
          return manager.query(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE ${batch}`);
        });
        const preparedNodes = planNodes(preparedPlan[0]['QUERY PLAN'][0].Plan);
        expect(preparedNodes.map((node) => node['Node Type'])).not.toContain('Bitmap Heap Scan');
        expect(preparedNodes.some((node) => node['Node Type'] === 'Index Scan' && node['Index Name'] === 'outbox_event_unpublished')).toBe(true);
        // A connection that lost its statements (DISCARD ALL, a pooler) fails one pass and prepares them again.
        await oneConnection.query('DEALLOCATE ALL');
        await expect(preparedRelay.publishBatch()).rejects.toThrow(/does not exist/);
        await oneConnection.query(`INSERT INTO outbox_event (event_id, topic, message_key, event_type, envelope) VALUES (gen_random_uuid(), 'orders.v1', 'again', 'OrderPlaced', '{}')`);
        expect(await preparedRelay.publishBatch()).toBe(1);
      } finally {
        await oneConnection.destroy();
      }
      await subscription.stop();
    } finally {
      await transport.close();
      await dataSource.destroy();
    }
  });
});

describe("the outbox relay's linger", () => {
  it('takes the commits made during a pass and during the linger after it in one next pass', async () => {
    const names = isolation('bb_linger');
    const dataSource = await openMessagingDatabase(names.databasePrefix);
    const transport = new InProcessTransport({ redeliveryDelayMs: 50 });
    await transport.ensureTopics([Topics.orders]);
    /** The keys of each publish call; the first call waits until the test opens the gate. */
    const runRound = async (lingerMs: number): Promise<string[][]> => {
      const batches: string[][] = [];
      let openGate = (): void => undefined;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      const bus = Object.create(transport) as MessageTransport;
      bus.publish = async (messages) => {
        batches.push(messages.map((message) => message.key ?? ''));
        if (batches.length === 1) await gate;
        return transport.publish(messages);
      };
      const relay = new OutboxRelay({ dataSource, transport: bus, producer: `linger-${lingerMs}`, lingerMs, pollIntervalMs: 60_000 });
      const unitOfWork = new UnitOfWork({ dataSource, registry, producer: `linger-${lingerMs}`, onEventsCommitted: () => relay.wake() });
      const commit = (key: string) => unitOfWork.run((scope) => scope.publish(OrderPlaced, payload(key, 1)).then(() => undefined));
      const [first, duringPass, afterPass] = [randomUUID(), randomUUID(), randomUUID()];
      relay.start();
      try {
        await commit(first);
        await waitUntil(async () => batches.length === 1, 'the first pass publishing');
        // Committed while the first pass waits for the bus: the relay is busy.
        await commit(duringPass);
        openGate();
        await waitUntil(async () => relay.published >= 1, 'the first pass done');
        // Committed right after it: within the linger, or a pass of its own without one.
        await commit(afterPass);
        await waitUntil(async () => relay.published === 3, 'all three published');
        const label = new Map<string, string>([[first, 'first'], [duringPass, 'during the pass'], [afterPass, 'after the pass']]);
        return batches.map((keys) => keys.map((key) => label.get(key) ?? key));
      } finally {
        await relay.stop();
      }
    };
    try {
      // A linger far longer than a commit takes, even on a busy machine. Without it the relay
      // starts its second pass as soon as the first ends, and 'after the pass' goes in a third.
      expect(await runRound(3_000)).toEqual([['first'], ['during the pass', 'after the pass']]);
    } finally {
      await transport.close();
      await dataSource.destroy();
    }
  });
});

describe('the Kafka consumer watchdog', () => {
  it('replaces a consumer that stays in its group without fetching, and the group goes on reading', async () => {
    const { topicPrefix } = isolation('bb_watchdog');
    const warnings: Array<{ message: string; fields: Record<string, unknown> }> = [];
    const logger = { log: () => undefined, warn: (message: string, fields: Record<string, unknown> = {}) => void warnings.push({ message, fields }), error: () => undefined };
    // An allowance below the 5 s an idle KafkaJS consumer waits between fetches: to the
    // watchdog this consumer looks stuck whenever nothing arrives, as a really stuck one would.
    const transport = new KafkaTransport({ brokers: infrastructure().kafkaBrokers.split(','), clientId: 'backbone-watchdog', topicPrefix, partitions: 1, fetchStallMs: 2_000, logger });
    try {
      await transport.ensureTopics([Topics.orders]);
      const received: string[] = [];
      const subscription = await transport.subscribe({ groupId: 'watched', topics: [Topics.orders], handle: async (messages) => void received.push(...messages.map((message) => message.offset)) });
      const orderId = randomUUID();
      await transport.publish([{ topic: Topics.orders, key: orderId, value: wireEvent('OrderPlaced', payload(orderId, 1), orderId) }]);
      await waitUntil(async () => received.length >= 1, 'the first event read');
      await waitUntil(async () => warnings.some((warning) => warning.message === 'kafka: restarting a consumer' && warning.fields.group === 'watched'), 'the idle consumer restarted by the watchdog', 60_000);
      // The successor joins the group and reads what comes next; the first event's offset was committed.
      await transport.publish([{ topic: Topics.orders, key: orderId, value: wireEvent('OrderPlaced', payload(orderId, 2), orderId) }]);
      await waitUntil(async () => received.includes('1'), 'the second event read after the restart', 60_000);
      expect(received.filter((offset) => offset === '0').length).toBeGreaterThanOrEqual(1);
      await subscription.stop();
    } finally {
      await transport.close();
    }
  });

  it('replaces a consumer KafkaJS crashed and will not restart, and the successor reads the event again', async () => {
    const { topicPrefix } = isolation('bb_abandoned');
    const warnings: Array<{ message: string; fields: Record<string, unknown> }> = [];
    const logger = { log: () => undefined, warn: (message: string, fields: Record<string, unknown> = {}) => void warnings.push({ message, fields }), error: () => undefined };
    // The default stall allowance (60 s): only the crash can make the watchdog act within the wait.
    const transport = new KafkaTransport({ brokers: infrastructure().kafkaBrokers.split(','), clientId: 'backbone-abandoned', topicPrefix, partitions: 1, logger });
    try {
      await transport.ensureTopics([Topics.orders]);
      const received: string[] = [];
      let calls = 0;
      const subscription = await transport.subscribe({
        groupId: 'abandoned',
        topics: [Topics.orders],
        handle: async (messages) => {
          // A TypeError is one KafkaJS neither retries nor restarts from (its CRASH says restart: false).
          if ((calls += 1) === 1) throw new TypeError('a bug below the inbox');
          received.push(...messages.map((message) => message.offset));
        },
      });
      const orderId = randomUUID();
      await transport.publish([{ topic: Topics.orders, key: orderId, value: wireEvent('OrderPlaced', payload(orderId, 1), orderId) }]);
      await waitUntil(async () => received.includes('0'), 'the event read by the successor', 50_000, 200);
      expect(warnings.filter((warning) => warning.message === 'kafka: restarting a consumer').map((warning) => warning.fields)).toEqual([{ group: 'abandoned', reason: 'KafkaJS gave up on it after a crash' }]);
      await subscription.stop();
    } finally {
      await transport.close();
    }
  });
});

describe.each(transports)('a consumer split in two groups on %s (ServiceRuntimeOptions.batchedTopics)', (name, makeTransport) => {
  it("the new group starts where the old one committed and shares its inbox: nothing replayed, nothing applied twice, a restart does not take over again, and its dead letters are the service's", async () => {
    const names = isolation(`bb_split_${name === 'Kafka' ? 'kafka' : 'local'}`);
    const dataSource = await openMessagingDatabase(names.databasePrefix);
    const transport = makeTransport(names.topicPrefix);
    try {
      await dataSource.query(`CREATE TABLE applied_event (event_id uuid PRIMARY KEY, sequence integer NOT NULL)`);
      await transport.ensureTopics([Topics.orders]);
      const unitOfWork = new UnitOfWork({ dataSource, registry, producer: 'split-test' });
      const consumerOf = (groupId: string, takesOverFrom?: string) =>
        new EventConsumer({
          groupId,
          inboxName: 'svc',
          takesOverFrom,
          transport,
          registry,
          unitOfWork,
          retryPolicy: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 100 },
          handlers: [
            onEvent(OrderPlaced, async (event, scope) => {
              if (event.payload.freight === HANDLER_BUG) throw new Error('handler bug: cannot apply this event');
              await scope.manager.query(`INSERT INTO applied_event (event_id, sequence) VALUES ($1, $2)`, [event.eventId, event.payload.freight]);
            }),
          ],
        });
      const orderId = randomUUID();
      const envelopes = Array.from({ length: 9 }, (_, i) => wireEvent('OrderPlaced', payload(orderId, i + 1), orderId));
      const send = (values: string[]) => transport.publish(values.map((value) => ({ topic: Topics.orders, key: orderId, value })));
      const applied = async () => (await dataSource.query(`SELECT sequence FROM applied_event ORDER BY sequence`)).map((row: { sequence: number }) => row.sequence);

      // Before the split: the service's one group applied and committed five events.
      const before = consumerOf('svc');
      await before.start();
      await send(envelopes.slice(0, 5));
      await waitUntil(async () => (await applied()).length === 5 && before.counters.applied === 5, 'five events applied by the old group');
      await before.stop();

      // Between the two versions: three new events, and a redelivery of one the old group applied.
      await send([...envelopes.slice(5, 8), envelopes[2]]);
      const after = consumerOf('svc.batched', 'svc');
      await after.start();
      await waitUntil(async () => after.counters.applied + after.counters.duplicates === 4, 'the four messages after the old position read');
      await waitUntil(async () => (await transport.consumerLag('svc.batched', [Topics.orders])).every((lag) => lag.lag === 0), 'the new group committed them');
      // Started at the old position (a replay from the start would read nine and find eight duplicates),
      // and the shared inbox knows the redelivered event.
      expect(after.counters).toMatchObject({ applied: 3, duplicates: 1 });
      expect(await applied()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      await after.stop();

      // A restart of the new version: the group resumes at its own position.
      await send([envelopes[8]]);
      const restarted = consumerOf('svc.batched', 'svc');
      await restarted.start();
      await waitUntil(async () => (await applied()).length === 9, 'the ninth event applied');
      await waitUntil(async () => (await transport.consumerLag('svc.batched', [Topics.orders])).every((lag) => lag.lag === 0), 'the restarted group committed it');
      expect(restarted.counters).toMatchObject({ applied: 1, duplicates: 0 });

      // What the new group dead-letters is the service's to list and re-drive, like the main group's.
      const deadLetterBox = new DeadLetters({ groupId: 'svc', otherGroupIds: ['svc.batched'], transport, unitOfWork });
      await deadLetterBox.start([Topics.orders]);
      try {
        await send([wireEvent('OrderPlaced', payload(orderId, HANDLER_BUG), orderId)]);
        const [dead] = await waitUntil(async () => {
          const listed = await deadLetterBox.list();
          return listed.length > 0 ? listed : undefined;
        }, "the batched group's dead letter recorded by the service");
        expect(dead).toMatchObject({ consumerGroup: 'svc.batched', originalTopic: Topics.orders, eventType: 'OrderPlaced' });
      } finally {
        await deadLetterBox.stop();
        await restarted.stop();
      }
    } finally {
      await transport.close();
      await dataSource.destroy();
    }
  });
});
