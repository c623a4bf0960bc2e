// (b) producer side: concurrent writers commit OrderPlaced events through the messaging lib's
// UnitOfWork (scope.publish → outbox row, BENCH_TX_EVENTS per transaction), and the lib's
// OutboxRelay publishes them through KafkaTransport, woken by each commit as in a service.
//
// Forked by run-bench.mjs after the consumer is ready. Protocol over IPC:
//   → {type:'warmup'}  once one warm-up event went the whole way (the parent checks the consumer DB)
//   ← {type:'go'}      start the timed writes
//   → {type:'result'}  writes committed and the relay's backlog is empty
//   ← {type:'stop'}    stop the relay and exit
'use strict';
const { buildEnvelope, createEventRegistry, OrderPlaced } = require('@orderline/shared/contracts');
const { CreateMessagingTables1763900000000, KafkaTransport, OutboxRelay, UnitOfWork } = require('@orderline/shared/messaging');
const { createServiceDataSource, openServiceDatabase } = require('@orderline/shared/persistence');
const { envNumber, orderPlacedPayload, sleep } = require('./lib/common.cjs');

function nextMessage(type) {
  return new Promise((resolve) => {
    const listener = (message) => {
      if (message?.type !== type) return;
      process.off('message', listener);
      resolve(message);
    };
    process.on('message', listener);
  });
}

async function main() {
  const url = process.env.BENCH_PRODUCER_DB_URL;
  const total = envNumber('BENCH_OUTBOX_EVENTS', 20_000);
  const txEvents = envNumber('BENCH_TX_EVENTS', 50);
  const writers = envNumber('BENCH_WRITERS', 4);
  const relayBatch = envNumber('BENCH_RELAY_BATCH', 500);
  const ratePerSecond = envNumber('BENCH_OUTBOX_RATE', 0); // 0 = as fast as the writers go
  const partitions = envNumber('BENCH_PARTITIONS', 3);
  // publish = the lib's scope.publish (one INSERT per event). multirow = prototype of a
  // buffered publish: same validation and envelope, one multi-row INSERT per transaction.
  const writeMode = process.env.BENCH_WRITE_MODE || 'publish';

  const dataSource = createServiceDataSource({ url, entities: [], migrations: [CreateMessagingTables1763900000000], poolSize: writers + 3, applicationName: 'bench-producer' });
  await openServiceDatabase(dataSource, url);
  const registry = createEventRegistry();
  const transport = new KafkaTransport({ brokers: process.env.KAFKA_BROKERS.split(','), clientId: 'bench-producer', topicPrefix: process.env.BENCH_TOPIC_PREFIX, partitions });
  await transport.ensureTopics([OrderPlaced.topic]);
  const relay = new OutboxRelay({ dataSource, transport, producer: 'bench-producer', batchSize: relayBatch, pollIntervalMs: 1_000 });
  const unitOfWork = new UnitOfWork({ dataSource, registry, producer: 'bench-producer', onEventsCommitted: () => relay.wake() });
  relay.start();

  // Warm-up: one event through the whole path (connections, metadata, consumer group join).
  await unitOfWork.run((scope) => scope.publish(OrderPlaced, orderPlacedPayload(0)));
  process.send({ type: 'warmup' });
  await nextMessage('go');

  const transactions = Math.ceil(total / txEvents);
  let next = 0;
  let written = 0;
  const txMs = [];
  const started = Date.now();
  const startedHr = process.hrtime.bigint();
  async function writer() {
    for (;;) {
      const tx = next++;
      if (tx >= transactions) return;
      if (ratePerSecond > 0) {
        const due = started + ((tx * txEvents) / ratePerSecond) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
      }
      const events = Math.min(txEvents, total - tx * txEvents);
      const t = process.hrtime.bigint();
      if (writeMode === 'multirow') {
        await unitOfWork.run(async (scope) => {
          const rows = { id: [], type: [], topic: [], key: [], envelope: [] };
          for (let i = 0; i < events; i++) {
            const payload = orderPlacedPayload(tx * txEvents + i);
            registry.validatePayload(OrderPlaced, payload);
            const key = OrderPlaced.keyOf(payload);
            const envelope = buildEnvelope({ type: OrderPlaced.type, version: OrderPlaced.version, producer: 'bench-producer', aggregateId: key, payload: { ...payload }, occurredAt: new Date() });
            rows.id.push(envelope.eventId);
            rows.type.push(envelope.type);
            rows.topic.push(OrderPlaced.topic);
            rows.key.push(key);
            rows.envelope.push(JSON.stringify(envelope));
          }
          await scope.manager.query(
            `INSERT INTO outbox_event (event_id, event_type, topic, message_key, envelope)
             SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])`,
            [rows.id, rows.type, rows.topic, rows.key, rows.envelope],
          );
        });
        relay.wake();
      } else {
        await unitOfWork.run(async (scope) => {
          for (let i = 0; i < events; i++) await scope.publish(OrderPlaced, orderPlacedPayload(tx * txEvents + i));
        });
      }
      txMs.push(Number(process.hrtime.bigint() - t) / 1e6);
      written += events;
    }
  }
  await Promise.all(Array.from({ length: writers }, writer));
  const writeSeconds = Number(process.hrtime.bigint() - startedHr) / 1e9;
  const writesDoneAt = Date.now();

  // The relay drains what is left; the timed figure ends when its backlog is empty.
  while ((await relay.backlog()) > 0) await sleep(10);
  const relayDoneAt = Date.now();
  const [timing] = await dataSource.query(
    `SELECT extract(epoch FROM min(created_at)) * 1000 AS first_created, extract(epoch FROM max(published_at)) * 1000 AS last_published,
            count(DISTINCT published_at)::int AS relay_batches
       FROM outbox_event WHERE id > 1`,
  );
  txMs.sort((x, y) => x - y);
  process.send({
    type: 'result',
    result: {
      written,
      writeMode,
      txEvents,
      writers,
      relayBatch,
      ratePerSecond,
      startedAt: started,
      writeSeconds,
      writesDoneAt,
      relayDoneAt,
      relayBatches: timing.relay_batches,
      txP50Ms: txMs[Math.floor(txMs.length / 2)],
      txP99Ms: txMs[Math.min(txMs.length - 1, Math.floor(txMs.length * 0.99))],
      relayPublished: relay.published,
    },
  });

  await nextMessage('stop');
  await relay.stop(2_000).catch(() => undefined);
  await transport.close().catch(() => undefined);
  await dataSource.destroy().catch(() => undefined);
  process.exit(0);
}

main().catch((error) => {
  console.error(`[bench:b-producer] ${error.stack || error}`);
  process.exit(1);
});
