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
  await openServiceDatabase(dataSource, url, true);
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
  const consumer = new EventConsumer({
    groupId: 'bench-consumer',
    transport,
    registry,
    unitOfWork,
    handlers: [
      onEvent(OrderPlaced, async (event, scope) => {
        await scope.manager.query(`INSERT INTO bench_applied (event_id, order_id, payable, occurred_at) VALUES ($1, $2, $3, $4)`, [
          event.eventId,
          event.payload.orderId,
          event.payload.payable,
          event.occurredAt,
        ]);
      }),
    ],
  });
  await consumer.start();
  process.send({ type: 'ready' });

  process.on('message', async (message) => {
    if (message?.type !== 'stop') return;
    const counters = { ...consumer.counters };
    await consumer.stop().catch(() => undefined);
    await transport.close().catch(() => undefined);
    await dataSource.destroy().catch(() => undefined);
    process.send({ type: 'result', result: counters }, () => process.exit(0));
  });
}

main().catch((error) => {
  console.error(`[bench:b-consumer] ${error.stack || error}`);
  process.exit(1);
});
