// (b) consumer side: an EventConsumer (inbox) of the messaging lib whose OrderPlaced handler
// inserts one row into a small table, in its own database, as a consumer service would.
// Forked by run-bench.mjs: sends {type:'ready'} once subscribed; stops on {type:'stop'}.
'use strict';
const { createEventRegistry, OrderPlaced } = require('@orderline/shared/contracts');
const { CreateMessagingTables1763900000000, EventConsumer, KafkaTransport, onEvent, UnitOfWork } = require('@orderline/shared/messaging');
const { createServiceDataSource, openServiceDatabase } = require('@orderline/shared/persistence');
const { envNumber } = require('./lib/common.cjs');

class CreateBenchApplied1763999999001 {
  name = 'CreateBenchApplied1763999999001';
  async up(queryRunner) {
    // applied_at: clock_timestamp() inside the handler's transaction, i.e. just before its commit.
    await queryRunner.query(`
      CREATE TABLE bench_applied (
        event_id    uuid PRIMARY KEY,
        order_id    uuid        NOT NULL,
        payable     bigint      NOT NULL,
        occurred_at timestamptz NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }
  async down(queryRunner) {
    await queryRunner.query(`DROP TABLE bench_applied`);
  }
}

async function main() {
  const url = process.env.BENCH_CONSUMER_DB_URL;
  const partitions = envNumber('BENCH_PARTITIONS', 3);
  const concurrency = envNumber('BENCH_CONSUMER_CONCURRENCY', partitions);
  const dataSource = createServiceDataSource({ url, entities: [], migrations: [CreateMessagingTables1763900000000, CreateBenchApplied1763999999001], poolSize: concurrency + 2, applicationName: 'bench-consumer' });
  await openServiceDatabase(dataSource, url);
  const registry = createEventRegistry();
  const transport = new KafkaTransport({
    brokers: process.env.KAFKA_BROKERS.split(','),
    clientId: 'bench-consumer',
    topicPrefix: process.env.BENCH_TOPIC_PREFIX,
    partitions,
    partitionsConsumedConcurrently: concurrency,
  });
  await transport.ensureTopics([OrderPlaced.topic]);
  const unitOfWork = new UnitOfWork({ dataSource, registry, producer: 'bench-consumer' });
  /** The handler: one small insert, as a typical projection / reaction would do. */
  const applyOrderPlaced = async (event, scope) => {
    await scope.manager.query(`INSERT INTO bench_applied (event_id, order_id, payable, occurred_at) VALUES ($1, $2, $3, $4)`, [
      event.eventId,
      event.payload.orderId,
      event.payload.payable,
      event.occurredAt,
    ]);
  };
  const consumer = new EventConsumer({
    groupId: 'bench-consumer',
    transport,
    registry,
    unitOfWork,
    handlers: [onEvent(OrderPlaced, applyOrderPlaced)],
  });
  let batched;
  if ((process.env.BENCH_CONSUMER_MODE || 'lib') === 'batched') batched = await startBatchedPrototype({ registry, unitOfWork, handler: applyOrderPlaced, concurrency });
  else await consumer.start();
  process.send({ type: 'ready' });

  process.on('message', async (message) => {
    if (message?.type !== 'stop') return;
    const counters = batched ? batched.counters : { ...consumer.counters };
    await batched?.stop().catch(() => undefined);
    await consumer.stop().catch(() => undefined);
    await transport.close().catch(() => undefined);
    await dataSource.destroy().catch(() => undefined);
    process.send({ type: 'result', result: counters }, () => process.exit(0));
  });
}

/**
 * PROTOTYPE of a lib change (not the lib's behaviour): apply the messages of one fetched
 * Kafka batch (per partition, up to BENCH_APPLY_BATCH) in ONE transaction: one multi-row
 * inbox insert (ON CONFLICT DO NOTHING RETURNING event_id), then the handler for each new
 * event in partition order, one commit, then resolve the last offset. Same guarantees per
 * message as the lib's path (inbox row and effect commit together; offset after commit);
 * a failing batch would fall back to the per-event path with retries/DLQ (not needed here).
 */
async function startBatchedPrototype({ registry, unitOfWork, handler, concurrency }) {
  const { Kafka, logLevel } = require('kafkajs');
  const applyBatch = envNumber('BENCH_APPLY_BATCH', 500);
  const prefix = process.env.BENCH_TOPIC_PREFIX;
  const kafka = new Kafka({ clientId: 'bench-consumer-batched', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const kconsumer = kafka.consumer({ groupId: prefix + 'bench-consumer', sessionTimeout: 30_000, heartbeatInterval: 3_000, allowAutoTopicCreation: false });
  const counters = { applied: 0, duplicates: 0, deadLettered: 0, transactions: 0 };
  await kconsumer.connect();
  await kconsumer.subscribe({ topics: [prefix + OrderPlaced.topic], fromBeginning: true });
  await kconsumer.run({
    partitionsConsumedConcurrently: concurrency,
    eachBatchAutoResolve: false,
    autoCommit: true,
    autoCommitInterval: 1_000,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
      for (let start = 0; start < batch.messages.length; start += applyBatch) {
        if (!isRunning() || isStale()) break;
        const chunk = batch.messages.slice(start, start + applyBatch);
        const events = chunk.map((message) => ({ message, event: registry.decode(message.value) }));
        await unitOfWork.run(async (scope) => {
          const recorded = await scope.manager.query(
            `INSERT INTO inbox_message (consumer_group, event_id, event_type, source_topic, source_partition, source_offset)
             SELECT 'bench-consumer', * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[])
             ON CONFLICT DO NOTHING RETURNING event_id`,
            [events.map((e) => e.event.eventId), events.map((e) => e.event.type), events.map(() => OrderPlaced.topic), events.map(() => batch.partition), events.map((e) => e.message.offset)],
          );
          const fresh = new Set(recorded.map((row) => row.event_id));
          for (const { event } of events) {
            if (!fresh.has(event.eventId)) {
              counters.duplicates += 1;
              continue;
            }
            await handler(event, scope);
            counters.applied += 1;
          }
        });
        counters.transactions += 1;
        resolveOffset(chunk[chunk.length - 1].offset);
        await heartbeat();
      }
      await commitOffsetsIfNecessary();
    },
  });
  return { counters, stop: () => kconsumer.disconnect() };
}

main().catch((error) => {
  console.error(`[bench:b-consumer] ${error.stack || error}`);
  process.exit(1);
});
