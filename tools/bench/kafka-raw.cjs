// (a) Raw KafkaJS producer throughput: the same producer settings as the platform's
// KafkaTransport (idempotent, one request in flight, acks=-1, no compression) and the same
// message shape (real OrderPlaced envelopes keyed by order id), sent in batches.
//
// Forked by run-bench.mjs; reads its settings from the environment, reports over IPC.
'use strict';
const { Kafka, logLevel, CompressionTypes } = require('kafkajs');
const { buildEnvelope, OrderPlaced, Topics } = require('@orderline/shared/contracts');
const { envNumber, orderPlacedPayload, emitResult } = require('./lib/common.cjs');

async function main() {
  const brokers = process.env.KAFKA_BROKERS.split(',');
  const topic = `${process.env.BENCH_TOPIC_PREFIX}${Topics.orders}`;
  const total = envNumber('BENCH_MESSAGES', 50_000);
  const batchSize = envNumber('BENCH_RAW_BATCH', 500);
  const partitions = envNumber('BENCH_PARTITIONS', 3);
  const inFlight = envNumber('BENCH_RAW_IN_FLIGHT', 1);
  const repeats = envNumber('BENCH_RAW_REPEATS', 3);

  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] });
  await admin.disconnect();

  // Pre-built so the figure is the producer's, not JSON.stringify's.
  const messages = new Array(total);
  let bytes = 0;
  for (let i = 0; i < total; i++) {
    const payload = orderPlacedPayload(i);
    const envelope = buildEnvelope({ type: OrderPlaced.type, version: OrderPlaced.version, producer: 'bench', aggregateId: payload.orderId, payload, occurredAt: new Date() });
    const value = JSON.stringify(envelope);
    bytes += Buffer.byteLength(value) + Buffer.byteLength(payload.orderId);
    messages[i] = { key: payload.orderId, value, headers: { 'event-type': OrderPlaced.type } };
  }

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: inFlight, allowAutoTopicCreation: false });
  await producer.connect();
  // Warm-up (metadata, connections, JIT): one batch, not counted.
  await producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: [{ topic, messages: messages.slice(0, batchSize) }] });

  const batches = [];
  for (let i = 0; i < total; i += batchSize) batches.push(messages.slice(i, i + batchSize));
  // A few repetitions; the median run is reported (a single 1-2 s run is noisy on a small box).
  const runs = [];
  for (let repeat = 0; repeat < Math.max(1, repeats); repeat++) {
    let next = 0;
    const batchMs = [];
    const started = process.hrtime.bigint();
    async function lane() {
      while (next < batches.length) {
        const batch = batches[next++];
        const t = process.hrtime.bigint();
        await producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages: [{ topic, messages: batch }] });
        batchMs.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }
    await Promise.all(Array.from({ length: Math.max(1, inFlight) }, lane));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    batchMs.sort((x, y) => x - y);
    runs.push({ seconds, msgsPerSecond: total / seconds, batchP50Ms: batchMs[Math.floor(batchMs.length / 2)], batchMaxMs: batchMs[batchMs.length - 1] });
  }
  await producer.disconnect();

  const median = [...runs].sort((x, y) => x.msgsPerSecond - y.msgsPerSecond)[Math.floor(runs.length / 2)];
  emitResult({
    messages: total,
    batchSize,
    partitions,
    inFlight,
    repeats: runs.length,
    runsMsgsPerSecond: runs.map((r) => Math.round(r.msgsPerSecond)),
    seconds: median.seconds,
    avgMessageBytes: bytes / total,
    msgsPerSecond: median.msgsPerSecond,
    mbPerSecond: bytes / median.seconds / 1e6,
    batchP50Ms: median.batchP50Ms,
    batchMaxMs: median.batchMaxMs,
  });
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`[bench:a] ${error.stack || error}`);
    process.exit(1);
  },
);
