#!/usr/bin/env node
// `npm run bench`: throughput and latency figures for the messaging path and the credit-order
// slice, on the real infrastructure (Kafka + PostgreSQL). It prints figures and compares them
// with the design targets; it never fails on timing.
//
//   (a) raw KafkaJS producer: idempotent, acks=-1, batches of BENCH_RAW_BATCH real OrderPlaced
//       envelopes (the platform's producer settings), BENCH_MESSAGES messages.
//   (b) outbox → Kafka → inbox with the messaging lib: writers commit OrderPlaced events via
//       UnitOfWork/scope.publish (BENCH_TX_EVENTS per transaction, BENCH_WRITERS concurrent),
//       OutboxRelay + KafkaTransport publish them, an EventConsumer (inbox) in a second
//       process and database applies them. Ratio to (a); p50/p99 occurredAt → applied.
//   pgbench TPC-B-like (-i -s 10; -c 8 -j 2 -T 20) on the same PostgreSQL, as a yardstick; run
//       again after the stack's parts when (c) ran, and (c)'s ratios use the mean of the two.
//   (c) credit orders through the gateway on the multi-process stack: saturation (closed
//       loop) then half of that rate (open loop), orders/s and place → WAITING_OUTBOUND.
//   (d) refund offsets on the same stack: RefundCompleted events for booked loans, one burst
//       (offsets/s) then a fixed arrival rate at half of it, RefundCompleted → offset committed
//       p50/p99 in credit-billing (see credit-refunds.mjs).
//   (list) the merchant order list through the gateway over BENCH_LIST_ORDERS (1M) orders of one
//       merchant, p50/p99 per filter combination (see order-list.mjs).
//   (e) after-sales refunds on the same stack: returns confirmed by the merchant at a fixed
//       rate, confirm-receipt → the offset visible in GET /credit/loans, p50/p99
//       (see after-sales-refunds.mjs).
//   (f) export files (issue 8): BENCH_EXPORT_ROWS (1M) read-model order rows inserted into a
//       bench export database, exported by the export service's pipeline in a child process
//       with --max-old-space-size=512: CSV, CSV in an AES-256 zip, XLSX; rows/s and peak RSS.
//
// Every run uses its own databases (bench_<id>_*) and topics (bench-<id>-*), and removes them
// at the end. Settings: see README in this folder or the `config` object below.
import { execFileSync, fork, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const REGISTER = path.join(ROOT, 'tools/runtime/register-paths.js');
const { envNumber, summarize, databaseUrl, sleep, waitFor, consumerLag } = require('./lib/common.cjs');
const { formatShare, formatPerUnit, perUnitMs } = require('./lib/cpu.cjs');

const startedAt = Date.now();
const log = (line) => process.stdout.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);

// Flags after `npm run bench --`: --cpu-prof (a .cpuprofile per process), --peer (Vendure side by side).
const FLAGS = new Set(process.argv.slice(2));
for (const flag of FLAGS) {
  if (flag !== '--cpu-prof' && flag !== '--peer') {
    console.error(`[bench] unknown argument ${flag}; known: --cpu-prof, --peer`);
    process.exit(2);
  }
}
const PROFILE_DIR = path.join(ROOT, 'tmp/bench-profiles');
/** Node flags that make `processName` write a .cpuprofile into tmp/bench-profiles/<processName>/ when it exits. */
const profileArgs = (processName) => (FLAGS.has('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${path.join(PROFILE_DIR, processName)}`] : []);
const PEER_DIR = path.resolve(process.env.BENCH_PEER_DIR || path.join(ROOT, '..', 'shared/peers/vendure'));

const skip = new Set((process.env.BENCH_SKIP || '').split(',').map((s) => s.trim()).filter(Boolean));
const config = {
  raw: { messages: envNumber('BENCH_MESSAGES', 50_000), batch: envNumber('BENCH_RAW_BATCH', 500), repeats: envNumber('BENCH_RAW_REPEATS', 3) },
  outbox: {
    events: envNumber('BENCH_OUTBOX_EVENTS', 20_000),
    txEvents: envNumber('BENCH_TX_EVENTS', 50),
    writers: envNumber('BENCH_WRITERS', 4),
    relayBatch: envNumber('BENCH_RELAY_BATCH', 500),
    partitions: envNumber('BENCH_PARTITIONS', 3),
    consumerConcurrency: envNumber('BENCH_CONSUMER_CONCURRENCY', envNumber('BENCH_PARTITIONS', 3)),
    paced: envNumber('BENCH_OUTBOX_PACED', 0.5), // second, paced pass at this fraction of the saturated rate (0 = off)
    prototype: envNumber('BENCH_OUTBOX_PROTOTYPE', 1), // third pass with the bench-local batching prototypes (0 = off)
  },
  pgbench: { scale: envNumber('BENCH_PGBENCH_SCALE', 10), clients: envNumber('BENCH_PGBENCH_CLIENTS', 8), threads: envNumber('BENCH_PGBENCH_THREADS', 2), seconds: envNumber('BENCH_PGBENCH_SECONDS', 20) },
  orders: {
    seconds: envNumber('BENCH_SECONDS', 20),
    // 30 s: six Node processes compile their hot code with TurboFan for about that long. After a 5 s
    // warm-up the compiler threads still took ~9 % of the machine in the saturated window, ~3.5 % once
    // warm (perf, README "The services' JIT"), so a shorter warm-up measures start-up, not the stack.
    warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 30),
    idleSeconds: envNumber('BENCH_IDLE_SECONDS', 10),
    concurrency: envNumber('BENCH_CONCURRENCY', 16),
    buyers: envNumber('BENCH_BUYERS', 16),
    pollMs: envNumber('BENCH_POLL_MS', 5),
    basePort: envNumber('BENCH_BASE_PORT', 4600),
    halfLoadFraction: envNumber('BENCH_HALF_LOAD', 0.5),
  },
  refunds: {
    buyers: envNumber('BENCH_REFUND_BUYERS', 16),
    orders: envNumber('BENCH_REFUND_ORDERS', 64),
    burst: envNumber('BENCH_REFUND_BURST', 3000),
    pacedFraction: envNumber('BENCH_REFUND_PACED', 0.5),
    seconds: envNumber('BENCH_REFUND_SECONDS', 15),
    pollMs: envNumber('BENCH_POLL_MS', 5),
    drainTimeoutMs: 90_000,
  },
  afterSales: {
    buyers: envNumber('BENCH_AS_BUYERS', 8),
    lines: envNumber('BENCH_AS_LINES', 10),
    rate: envNumber('BENCH_AS_RATE', 20),
    seconds: envNumber('BENCH_AS_SECONDS', 15),
    pollMs: envNumber('BENCH_AS_POLL_MS', 10),
  },
};
config.list = { orders: envNumber('BENCH_LIST_ORDERS', 1_000_000), repeats: envNumber('BENCH_LIST_REPEATS', 20) };
const TARGETS = { outboxRatio: 0.5, ordersVsPgbench: 0.4, heldVsPgbench: 0.06, ordersVsVendure: 15, halfLoadP99Ms: 150, refundP99Ms: 100, afterSalesP99Ms: 100, listP99Ms: 300, consoleFirstPageP99Ms: 1_000, exportCsvRowsPerSecond: 200_000, exportXlsxRowsPerSecond: 60_000, exportZipOverhead: 1.25, exportRssMb: 256 };
const EXPORT_ROWS = envNumber('BENCH_EXPORT_ROWS', 1_000_000);

// ------------------------------------------------------------------ infrastructure & build

if (!process.env.KAFKA_BROKERS || !process.env.POSTGRES_URL) {
  log('starting Kafka + PostgreSQL (node tools/infra/infra.mjs up)');
  execFileSync(process.execPath, [path.join(ROOT, 'tools/infra/infra.mjs'), 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
const KAFKA_BROKERS = process.env.KAFKA_BROKERS || '127.0.0.1:9092';
const POSTGRES_URL = process.env.POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

if (process.env.BENCH_NO_BUILD !== '1') {
  log('building (npm run build)');
  const build = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    if (!fs.existsSync(path.join(ROOT, 'dist/libs/shared/messaging/src/index.js'))) {
      console.error('[bench] build failed and dist/ is missing; nothing to run');
      process.exit(1);
    }
    log('WARNING: build failed; running against the existing dist/ (may be stale)');
  }
}
for (const file of ['dist/libs/shared/messaging/src/index.js', 'dist/apps/gateway/src/main.js']) {
  if (!fs.existsSync(path.join(ROOT, file))) {
    console.error(`[bench] ${file} is missing; run npm run build`);
    process.exit(1);
  }
}

const { Client } = require('pg');
const { Kafka, logLevel } = require('kafkajs');

// ------------------------------------------------------------------ run identity & cleanup

const RUN_TAG = `${Date.now().toString(36)}_${process.pid}`;
const DB_PREFIX = `bench_${RUN_TAG}`; // bench_<ts36>_<pid>_<part>
const TOPIC_PREFIX = `bench-${RUN_TAG.replace(/_/g, '-')}`; // bench-<ts36>-<pid>-<part>.<topic>
const LOG_DIR = path.join(os.tmpdir(), 'orderline-bench', DB_PREFIX);

const pidAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
};

async function withPg(fn) {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function withKafkaAdmin(fn) {
  const admin = new Kafka({ clientId: 'bench-admin', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Drops this run's databases/topics/groups, or (stale) those of bench runs whose process is gone. */
async function removeBenchResources({ stale }) {
  const ownsDb = (name) => (stale ? (/^bench_[a-z0-9]+_(\d+)_/.exec(name) ? !pidAlive(Number(/^bench_[a-z0-9]+_(\d+)_/.exec(name)[1])) : false) : name.startsWith(DB_PREFIX + '_'));
  const ownsTopic = (name) => (stale ? (/^bench-[a-z0-9]+-(\d+)-/.exec(name) ? !pidAlive(Number(/^bench-[a-z0-9]+-(\d+)-/.exec(name)[1])) : false) : name.startsWith(TOPIC_PREFIX + '-'));
  let databases = 0;
  let topics = 0;
  await withPg(async (client) => {
    const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%'`);
    for (const { datname } of rows.filter((r) => ownsDb(r.datname))) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      databases += 1;
    }
  }).catch((error) => log(`WARNING: could not drop bench databases: ${error.message}`));
  await withKafkaAdmin(async (admin) => {
    const names = (await admin.listTopics()).filter(ownsTopic);
    if (names.length) await admin.deleteTopics({ topics: names, timeout: 30_000 });
    topics = names.length;
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter(ownsTopic);
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
  }).catch((error) => log(`WARNING: could not delete bench topics: ${error.message}`));
  return { databases, topics };
}

const cleanups = [];
let cleaningUp = false;
async function cleanupAll() {
  if (cleaningUp) return;
  cleaningUp = true;
  for (const fn of cleanups.reverse()) await fn().catch((error) => log(`WARNING: cleanup step failed: ${error.message}`));
  if (process.env.BENCH_KEEP_DATABASES === '1') {
    // For a look at what the stack wrote (outbox and inbox times per hop); the next run removes them.
    log(`kept this run's databases (${DB_PREFIX}_*) and topics (BENCH_KEEP_DATABASES=1)`);
    return;
  }
  const removed = await removeBenchResources({ stale: false });
  log(`removed ${removed.databases} bench database(s) and ${removed.topics} bench topic(s)`);
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`${signal}: cleaning up`);
    cleanupAll().finally(() => process.exit(130));
  });
}

// ------------------------------------------------------------------ child processes

function forkChild(file, env) {
  const child = fork(path.join(HERE, file), [], {
    cwd: ROOT,
    // BENCH_CHILD_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", to profile the children.
    execArgv: ['-r', REGISTER, ...profileArgs(path.basename(file, path.extname(file))), ...(process.env.BENCH_CHILD_NODE_ARGS || '').split(' ').filter(Boolean)],
    env: { ...process.env, KAFKA_BROKERS, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  };
  cleanups.push(kill);
  /** Next IPC message of `type` (rejects if the child exits first). */
  const next = (type, timeoutMs = 600_000) =>
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message?.type !== type) return;
        done();
        resolve(message);
      };
      const onExit = (code) => {
        done();
        reject(new Error(`${file} exited (code ${code}) before sending "${type}"`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${file}: no "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      function done() {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      }
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return { child, next, exited, kill, send: (message) => child.connected && child.send(message) };
}

// ------------------------------------------------------------------ (a) raw producer

async function benchRawProducer() {
  log(`(a) raw KafkaJS producer: ${config.raw.messages} messages, batches of ${config.raw.batch}, median of ${config.raw.repeats}`);
  const child = forkChild('kafka-raw.cjs', {
    BENCH_TOPIC_PREFIX: `${TOPIC_PREFIX}-raw.`,
    BENCH_MESSAGES: String(config.raw.messages),
    BENCH_RAW_BATCH: String(config.raw.batch),
    BENCH_RAW_REPEATS: String(config.raw.repeats),
    BENCH_PARTITIONS: String(config.outbox.partitions),
  });
  const { result } = await child.next('result');
  await child.exited;
  log(`(a) ${fmt(result.msgsPerSecond)} msgs/s, ${result.mbPerSecond.toFixed(1)} MB/s (runs: ${result.runsMsgsPerSecond.join(', ')} msgs/s; ~${Math.round(result.avgMessageBytes)} B/msg)`);
  return result;
}

// ------------------------------------------------------------------ (b) outbox → Kafka → inbox

async function benchOutboxPass(label, partTag, ratePerSecond, modes = {}) {
  const producerDb = `${DB_PREFIX}_${partTag}_out`;
  const consumerDb = `${DB_PREFIX}_${partTag}_in`;
  const common = {
    BENCH_TOPIC_PREFIX: `${TOPIC_PREFIX}-${partTag}.`,
    BENCH_PARTITIONS: String(config.outbox.partitions),
    BENCH_CONSUMER_CONCURRENCY: String(config.outbox.consumerConcurrency),
    BENCH_WRITE_MODE: modes.write || 'publish',
    BENCH_CONSUMER_MODE: modes.consumer || 'lib',
  };
  const total = config.outbox.events;
  const consumer = forkChild('outbox-consumer.cjs', { ...common, BENCH_CONSUMER_DB_URL: databaseUrl(POSTGRES_URL, consumerDb) });
  await consumer.next('ready', 120_000);
  const producer = forkChild('outbox-producer.cjs', {
    ...common,
    BENCH_PRODUCER_DB_URL: databaseUrl(POSTGRES_URL, producerDb),
    BENCH_OUTBOX_EVENTS: String(total),
    BENCH_TX_EVENTS: String(config.outbox.txEvents),
    BENCH_WRITERS: String(config.outbox.writers),
    BENCH_RELAY_BATCH: String(config.outbox.relayBatch),
    BENCH_OUTBOX_RATE: String(ratePerSecond || 0),
  });
  await producer.next('warmup', 120_000);

  const inbox = new Client({ connectionString: databaseUrl(POSTGRES_URL, consumerDb) });
  await inbox.connect();
  try {
    const appliedCount = async () => (await inbox.query(`SELECT count(*)::int AS n FROM bench_applied`)).rows[0].n;
    // The warm-up event has crossed the whole path once the consumer group has joined.
    const warmDeadline = Date.now() + 60_000;
    while ((await appliedCount()) < 1) {
      if (Date.now() > warmDeadline) throw new Error('(b) warm-up event was not applied within 60 s');
      await sleep(20);
    }
    log(`(b) ${label}: ${total} events, ${config.outbox.txEvents}/tx, ${config.outbox.writers} writers${ratePerSecond ? `, paced at ${fmt(ratePerSecond)} events/s` : ''}`);
    producer.send({ type: 'go' });
    const { result: writes } = await producer.next('result');
    const deadline = Date.now() + Math.max(120_000, total * 5);
    while ((await appliedCount()) < total + 1) {
      if (Date.now() > deadline) throw new Error(`(b) only ${await appliedCount()} of ${total + 1} events applied before the deadline`);
      await sleep(10);
    }
    const since = new Date(writes.startedAt - 1).toISOString();
    const { rows: [span] } = await inbox.query(
      `SELECT extract(epoch FROM min(occurred_at)) * 1000 AS first_written, extract(epoch FROM max(applied_at)) * 1000 AS last_applied,
              extract(epoch FROM min(applied_at)) * 1000 AS first_applied, count(*)::int AS n
         FROM bench_applied WHERE occurred_at >= $1`,
      [since],
    );
    const { rows: latencies } = await inbox.query(`SELECT extract(epoch FROM applied_at - occurred_at) * 1000 AS ms FROM bench_applied WHERE occurred_at >= $1`, [since]);
    const [{ duplicates }] = (await inbox.query(`SELECT (SELECT count(*) FROM inbox_message) - (SELECT count(*) FROM bench_applied) AS duplicates`)).rows;
    const e2eSeconds = (span.last_applied - span.first_written) / 1000;
    const result = {
      label,
      events: span.n,
      ratePerSecond: ratePerSecond || null,
      e2eSeconds,
      eventsPerSecond: span.n / e2eSeconds,
      writeRate: writes.written / writes.writeSeconds,
      relayRate: writes.written / ((writes.relayDoneAt - writes.startedAt) / 1000),
      consumeRate: span.n / ((span.last_applied - span.first_applied) / 1000),
      relayBatches: writes.relayBatches,
      avgRelayBatch: writes.written / Math.max(1, writes.relayBatches),
      txP50Ms: writes.txP50Ms,
      txP99Ms: writes.txP99Ms,
      latencyMs: summarize(latencies.map((r) => Number(r.ms))),
      duplicates: Number(duplicates),
    };
    log(
      `(b) ${label}: ${fmt(result.eventsPerSecond)} events/s end-to-end; stages: write ${fmt(result.writeRate)}/s, relay ${fmt(result.relayRate)}/s (avg batch ${result.avgRelayBatch.toFixed(0)}), consume ${fmt(result.consumeRate)}/s; latency p50 ${ms(result.latencyMs.p50)} p99 ${ms(result.latencyMs.p99)}`,
    );
    return result;
  } finally {
    await inbox.end().catch(() => undefined);
    producer.send({ type: 'stop' });
    consumer.send({ type: 'stop' });
    await Promise.race([Promise.all([producer.exited, consumer.exited]), sleep(15_000)]);
    await producer.kill();
    await consumer.kill();
  }
}

async function benchOutbox() {
  const saturated = await benchOutboxPass('saturated', 'ob', 0);
  let paced = null;
  if (config.outbox.paced > 0) paced = await benchOutboxPass(`paced ${Math.round(config.outbox.paced * 100)}%`, 'obp', saturated.eventsPerSecond * config.outbox.paced);
  let prototype = null;
  if (config.outbox.prototype) prototype = await benchOutboxPass('what-if prototype', 'obx', 0, { write: 'multirow', consumer: 'batched' });
  return { saturated, paced, prototype };
}

// ------------------------------------------------------------------ pgbench

function findPgbench() {
  const which = spawnSync('which', ['pgbench'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  for (const version of ['17', '16', '15', '14', '13']) {
    const candidate = `/usr/lib/postgresql/${version}/bin/pgbench`;
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

async function benchPgbench() {
  const pgbench = findPgbench();
  if (!pgbench) {
    log('pgbench not found; skipping the yardstick');
    return null;
  }
  const database = `${DB_PREFIX}_pgbench`;
  await withPg((client) => client.query(`CREATE DATABASE "${database}"`));
  const url = new URL(POSTGRES_URL);
  const env = { ...process.env, PGHOST: url.hostname, PGPORT: url.port || '5432', PGUSER: decodeURIComponent(url.username || 'postgres'), PGDATABASE: database };
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  const { scale, clients, threads, seconds } = config.pgbench;
  log(`pgbench: -i -s ${scale}, then -c ${clients} -j ${threads} -T ${seconds} (TPC-B-like)`);
  const init = spawnSync(pgbench, ['-i', '-s', String(scale), '-q'], { env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`pgbench -i failed: ${init.stderr}`);
  const run = spawnSync(pgbench, ['-c', String(clients), '-j', String(threads), '-T', String(seconds)], { env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`pgbench failed: ${run.stderr}`);
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(run.stdout)?.[1] ?? /tps = ([\d.]+)/.exec(run.stdout)?.[1]);
  const latency = Number(/latency average = ([\d.]+) ms/.exec(run.stdout)?.[1]);
  await withPg((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
  log(`pgbench: ${tps.toFixed(0)} TPS (latency avg ${latency} ms)`);
  return { tps, latencyAvgMs: latency, scale, clients, threads, seconds };
}

// ------------------------------------------------------------------ --peer: Vendure side by side

/**
 * Runs the Vendure peer's own runner (PEER_DIR/run-side-by-side.sh, PARTS=vendure): it installs
 * Vendure 3.7.3 from the npm registry into $VENDURE_WORK (default ~/.cache/vendure-peer, never into
 * this repository), populates the vendure_peer database, and measures guest checkouts with the same
 * phases and BENCH_* settings as (c). Its JSON result is read back from the run folder it made.
 */
async function benchPeer() {
  const script = path.join(PEER_DIR, 'run-side-by-side.sh');
  if (!fs.existsSync(script)) throw new Error(`${script} not found (set BENCH_PEER_DIR to the Vendure peer folder)`);
  const work = path.resolve(process.env.VENDURE_WORK || path.join(os.homedir(), '.cache/vendure-peer'));
  const runsDir = path.join(work, 'runs');
  const before = new Set(fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : []);
  log(`(peer) Vendure side by side: ${script} with PARTS=vendure (work folder ${work})`);
  // The phases as (c) runs them, defaults included: the peer's own defaults may differ (its warm-up is 5 s).
  const phases = {
    BENCH_SECONDS: String(config.orders.seconds),
    BENCH_WARMUP_SECONDS: String(config.orders.warmupSeconds),
    BENCH_CONCURRENCY: String(config.orders.concurrency),
    BENCH_HALF_LOAD: String(config.orders.halfLoadFraction),
  };
  const child = spawnSync('bash', [script], { cwd: PEER_DIR, env: { ...process.env, ...phases, PARTS: 'vendure', VENDURE_WORK: work }, stdio: ['ignore', 'inherit', 'inherit'] });
  if (child.status !== 0) throw new Error(`${script} exited with ${child.status ?? child.signal}`);
  const runs = (fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : []).filter((name) => !before.has(name) && fs.existsSync(path.join(runsDir, name, 'vendure-result.json'))).sort();
  if (!runs.length) throw new Error(`no vendure-result.json in a new run folder under ${runsDir}`);
  const result = JSON.parse(fs.readFileSync(path.join(runsDir, runs.at(-1), 'vendure-result.json'), 'utf8'));
  log(`(peer) Vendure: ${fmt(result.saturation.ordersPerSecond)} paid checkouts/s saturated`);
  return result;
}

// ------------------------------------------------------------------ (c) gateway credit orders

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freeBasePort(start) {
  for (let base = start; base < start + 1000; base += 10) {
    const checks = await Promise.all([0, 1, 2, 3, 4, 5].map((offset) => portFree(base + offset)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error(`no six free ports from ${start}`);
}

/** Starts the six-process stack once for (c) and (d); each part reports its own error. */
async function benchStack(step) {
  const { startStack } = require(path.join(ROOT, 'tools/stack/stack.js'));
  const basePort = await freeBasePort(config.orders.basePort);
  // A production start refuses the default operator password (GatewayConfig), so the bench has its own.
  const operator = process.env.BOOTSTRAP_OPERATOR || 'operator:bench-operator-password';
  log(`(c/d) starting the stack (6 processes) on ports ${basePort}-${basePort + 5}, logs in ${LOG_DIR}`);
  const t0 = Date.now();
  const stack = await startStack({
    kafkaBrokers: KAFKA_BROKERS,
    postgresUrl: POSTGRES_URL,
    databasePrefix: `${DB_PREFIX}_stack`,
    topicPrefix: `${TOPIC_PREFIX}-stack.`,
    basePort,
    logDir: LOG_DIR,
    nodeArgs: (processName) => [...profileArgs(processName), ...(process.env.BENCH_STACK_NODE_ARGS || '').split(' ').filter(Boolean)],
    // (e) polls GET /credit/loans per pending refund and one merchant confirms every return: the
    // gateway's per-account and per-address limits are lifted so they are not what is measured.
    env: { BOOTSTRAP_OPERATOR: operator, NODE_ENV: 'production', JWT_SECRET: process.env.JWT_SECRET || 'bench-secret-not-for-production', RATE_LIMIT_ACCOUNT_PER_MINUTE: '10000000', RATE_LIMIT_IP_PER_MINUTE: '10000000' },
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stack.stop();
  };
  cleanups.push(stop);
  log(`(c/d) stack up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  try {
    await step('orders', '(c) gateway orders', async () => {
      const { runGatewayOrders } = await import('./gateway-orders.mjs');
      const caughtUp = () => withKafkaAdmin((admin) => waitFor('(c)', 'every consumer group to catch up', 60_000, async () => (await consumerLag(admin, `${TOPIC_PREFIX}-stack.`)) === 0, 200));
      return runGatewayOrders({ ...config.orders, gatewayUrl: stack.gatewayUrl, orderDatabaseUrl: stack.databaseUrl('order'), runId: DB_PREFIX, operator, log, caughtUp });
    });
    await step('refunds', '(d) refund offsets', async () => {
      const { runCreditRefunds } = await import('./credit-refunds.mjs');
      return runCreditRefunds({
        ...config.refunds,
        root: ROOT,
        gatewayUrl: stack.gatewayUrl,
        orderDatabaseUrl: stack.databaseUrl('order'),
        creditDatabaseUrl: stack.databaseUrl('credit_billing'),
        serverUrl: POSTGRES_URL,
        kafkaBrokers: KAFKA_BROKERS,
        topicPrefix: `${TOPIC_PREFIX}-stack.`,
        runId: DB_PREFIX,
        operator,
        log,
      });
    });
    await step('list', '(list) merchant order list', async () => {
      const { runOrderList } = await import('./order-list.mjs');
      return runOrderList({ ...config.list, gatewayUrl: stack.gatewayUrl, orderDatabaseUrl: stack.databaseUrl('order'), operator, log });
    });
    await step('aftersales', '(e) after-sales refunds', async () => {
      const { runAfterSalesRefunds } = await import('./after-sales-refunds.mjs');
      return runAfterSalesRefunds({
        ...config.afterSales,
        root: ROOT,
        gatewayUrl: stack.gatewayUrl,
        orderDatabaseUrl: stack.databaseUrl('order'),
        afterSalesDatabaseUrl: stack.databaseUrl('after_sales'),
        creditDatabaseUrl: stack.databaseUrl('credit_billing'),
        kafkaBrokers: KAFKA_BROKERS,
        topicPrefix: `${TOPIC_PREFIX}-stack.`,
        runId: DB_PREFIX,
        operator,
        log,
      });
    });
  } finally {
    await stop();
  }
}

// ------------------------------------------------------------------ (f) export files

/**
 * (e) 1M read-model order rows through the export pipeline (issue 8), in a child process with
 * --max-old-space-size=512: CSV, CSV in an AES-256 zip, XLSX; rows/s, zip overhead, peak RSS.
 */
async function benchExports() {
  const url = databaseUrl(POSTGRES_URL, `${DB_PREFIX}_export`);
  log(`(f) exports: generating ${EXPORT_ROWS.toLocaleString('en-US')} read-model rows, then CSV, CSV+AES zip, XLSX`);
  const child = spawnSync(process.execPath, ['--max-old-space-size=512', ...profileArgs('export-files'), '-r', REGISTER, path.join(HERE, 'export-files.cjs')], {
    cwd: ROOT,
    env: { ...process.env, BENCH_EXPORT_DATABASE_URL: url, BENCH_EXPORT_ROWS: String(EXPORT_ROWS) },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`export bench exited with ${child.status}`);
  const result = JSON.parse(child.stdout.trim().split('\n').pop());
  log(`(e) CSV ${fmt(result.csv.rowsPerSecond)} rows/s · CSV+AES zip ${fmt(result.csvZip.rowsPerSecond)} rows/s · XLSX ${fmt(result.xlsx.rowsPerSecond)} rows/s · peak RSS ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MB`);
  return result;
}

// ------------------------------------------------------------------ report

function fmt(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}
function ms(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 1 : 0)} ms`;
}
const verdict = (ok) => (ok === null ? 'n/a' : ok ? 'met' : 'NOT met');

function buildReport({ raw, outbox, pg, peer, orders, refunds, aftersales, list, exports, errors }) {
  const rows = [];
  const add = (measure, value, target, status) => rows.push([measure, value, target ?? '', status ?? '']);
  if (raw) add('(a) raw KafkaJS producer (idempotent, acks=-1, batch ' + raw.batchSize + ')', `${fmt(raw.msgsPerSecond)} msgs/s · ${raw.mbPerSecond.toFixed(1)} MB/s (~${Math.round(raw.avgMessageBytes)} B/msg)`);
  if (outbox?.saturated) {
    const s = outbox.saturated;
    const ratio = raw ? s.eventsPerSecond / raw.msgsPerSecond : null;
    add('(b) outbox → Kafka → inbox, end-to-end', `${fmt(s.eventsPerSecond)} events/s (${s.events} events in ${s.e2eSeconds.toFixed(1)} s)`);
    add('(b) ratio to (a)', ratio === null ? '—' : `${ratio.toFixed(2)} ×`, `≥ ${TARGETS.outboxRatio} ×`, verdict(ratio === null ? null : ratio >= TARGETS.outboxRatio));
    add('(b) stage rates: write / relay / consume', `${fmt(s.writeRate)} / ${fmt(s.relayRate)} / ${fmt(s.consumeRate)} events/s`);
    add('(b) latency occurredAt → applied, saturated', `p50 ${ms(s.latencyMs.p50)} · p99 ${ms(s.latencyMs.p99)}`);
    if (outbox.paced) add(`(b) latency at ${fmt(outbox.paced.ratePerSecond)} events/s (${outbox.paced.label})`, `p50 ${ms(outbox.paced.latencyMs.p50)} · p99 ${ms(outbox.paced.latencyMs.p99)}`);
    if (outbox.prototype) {
      const x = outbox.prototype;
      add(
        '(b*) what-if, NOT the lib: multi-row outbox insert + 1 inbox tx per Kafka batch',
        `${fmt(x.eventsPerSecond)} events/s${raw ? ` (${(x.eventsPerSecond / raw.msgsPerSecond).toFixed(2)} × (a))` : ''}; stages ${fmt(x.writeRate)} / ${fmt(x.relayRate)} / ${fmt(x.consumeRate)}`,
      );
    }
  }
  // The yardstick (c)'s ratios use: the mean of the runs before and after the stack, when both ran.
  const pgTps = pg ? (pg.after ? (pg.tps + pg.after.tps) / 2 : pg.tps) : null;
  if (pg) add(`pgbench TPC-B-like (-s ${pg.scale}, -c ${pg.clients} -j ${pg.threads}, ${pg.seconds} s)`, pg.after ? `${fmt(pgTps)} TPS (mean of ${fmt(pg.tps)} before the stack and ${fmt(pg.after.tps)} after it)` : `${fmt(pg.tps)} TPS`);
  const vendure = peer?.saturation;
  if (vendure) {
    add(`(peer) Vendure 3.7.3 guest checkouts paid, saturated (concurrency ${peer.settings?.concurrency ?? '?'}; 6 Shop API calls each)`, `${fmt(vendure.ordersPerSecond)} paid/s · p50 ${ms(vendure.checkoutMs?.p50)} · p99 ${ms(vendure.checkoutMs?.p99)}`);
    if (vendure.cpu) add('(peer) Vendure CPU per paid order, saturated (Vendure process / its PostgreSQL backends)', `${ms(vendure.cpu.serverMsPerOrder)} / ${ms(vendure.cpu.postgresMsPerOrder)}`);
  }
  if (orders) {
    const s = orders.saturation;
    const h = orders.halfLoad;
    const ratio = pg ? s.placedPerSecond / pgTps : null;
    add(`(c) credit orders via gateway, saturated (concurrency ${orders.concurrency})`, `${fmt(s.placedPerSecond)} orders/s placed · ${fmt(s.heldPerSecond)} held/s (${s.held} held in ${s.heldSeconds.toFixed(1)} s; ${fmt(s.heldByWindowEndPerSecond)}/s held by the last POST's answer)`);
    add('(c) ratio to pgbench TPS', ratio === null ? '—' : `${ratio.toFixed(2)} ×`, `≥ ${TARGETS.ordersVsPgbench} ×`, verdict(ratio === null ? null : ratio >= TARGETS.ordersVsPgbench));
    // Issue 19's form of it: orders held (credit reserved, WAITING_OUTBOUND) per pgbench transaction.
    const heldRatio = pg ? s.heldPerSecond / pgTps : null;
    add('(c) held/s ÷ pgbench TPS', heldRatio === null ? '—' : `${heldRatio.toFixed(3)} ×`, `≥ ${TARGETS.heldVsPgbench} ×`, verdict(heldRatio === null ? null : heldRatio >= TARGETS.heldVsPgbench));
    if (vendure) {
      const held = s.heldPerSecond / vendure.ordersPerSecond;
      add('(c) ratio to Vendure (held/s ÷ paid/s; placed/s ÷ paid/s)', `${held.toFixed(2)} × (placed ${(s.placedPerSecond / vendure.ordersPerSecond).toFixed(2)} ×)`, `≥ ${TARGETS.ordersVsVendure} × held`, verdict(held >= TARGETS.ordersVsVendure));
    }
    if (orders.idle) add(`(c) idle stack, CPU ms per second with no load (${orders.idle.seconds} s)`, formatPerUnit(perUnitMs(orders.idle.cpuSeconds ?? {}, orders.idle.seconds), { unit: 'ms/s' }));
    // Unrounded, for comparing builds by the ratio of two processes' CPU (README, "CPU per unit of work").
    if (process.env.BENCH_PRINT_CPU === '1') console.log(`BENCH_CPU_PER_ORDER ${JSON.stringify({ heldPerSecond: s.heldPerSecond, saturated: perUnitMs(s.cpuSeconds ?? {}, s.placed), halfLoad: perUnitMs(h.cpuSeconds ?? {}, h.placed) })}`);
    add('(c) CPU ms per order placed, saturated (until held and every consumer caught up)', formatPerUnit(perUnitMs(s.cpuSeconds ?? {}, s.placed)));
    add('(c) CPU ms per order placed, half load (until held and every consumer caught up)', formatPerUnit(perUnitMs(h.cpuSeconds ?? {}, h.placed)));
    add("(c) kernel's share of each process's CPU, saturated", formatShare(s.kernelSeconds ?? {}, s.cpuSeconds ?? {}));
    add("(c) kernel's share of each process's CPU, half load", formatShare(h.kernelSeconds ?? {}, h.cpuSeconds ?? {}));
    // V8's compiler threads still busy after the warm-up would show here (README, "The services' JIT").
    add("(c) share of each Node process's CPU off its main thread (V8's compiler and GC helpers), saturated", formatShare(s.offMainSeconds ?? {}, s.cpuSeconds ?? {}));
    add('(c) place → WAITING_OUTBOUND, saturated', `p50 ${ms(s.placeToHeldMs.p50)} · p99 ${ms(s.placeToHeldMs.p99)} (POST p50 ${ms(s.postMs.p50)})`);
    add(`(c) place → WAITING_OUTBOUND at ${fmt(h.targetRate)} orders/s (half load)`, `p50 ${ms(h.placeToHeldMs.p50)} · p99 ${ms(h.placeToHeldMs.p99)} (POST p99 ${ms(h.postMs.p99)})`, `p99 ≤ ${TARGETS.halfLoadP99Ms} ms`, verdict(h.placeToHeldMs.p99 === null ? null : h.placeToHeldMs.p99 <= TARGETS.halfLoadP99Ms));
  }
  if (refunds) {
    const s = refunds.saturation;
    const p = refunds.paced;
    add(`(d) refund offsets applied, saturated (burst of ${s.refunds}, ${refunds.orders} loans, ${refunds.buyers} buyers)`, `${fmt(s.offsetsPerSecond)} offsets/s`);
    add('(d) RefundCompleted → offset committed, saturated', `p50 ${ms(s.committedMs.p50)} · p99 ${ms(s.committedMs.p99)} (queueing behind the burst)`);
    add(
      `(d) RefundCompleted → offset committed at ${fmt(p.targetRate)} refunds/s (${Math.round(config.refunds.pacedFraction * 100)} %)`,
      `p50 ${ms(p.committedMs.p50)} · p99 ${ms(p.committedMs.p99)} (applied_at p50 ${ms(p.appliedAtMs.p50)} · p99 ${ms(p.appliedAtMs.p99)})`,
      `p99 ≤ ${TARGETS.refundP99Ms} ms`,
      verdict(p.committedMs.p99 === null ? null : p.committedMs.p99 <= TARGETS.refundP99Ms),
    );
    add('(d) CPU ms per refund applied, burst', formatPerUnit(perUnitMs(s.cpuSeconds ?? {}, s.applied)));
    add('(d) CPU ms per refund applied, paced', formatPerUnit(perUnitMs(p.cpuSeconds ?? {}, p.applied)));
  }
  if (list) {
    for (const q of list.queries) {
      add(`(list) ${list.orders.toLocaleString('en-US')} orders: ${q.label}`, `p50 ${ms(q.p50)} · p99 ${ms(q.p99)}`, `p99 ≤ ${TARGETS.listP99Ms} ms`, verdict(q.p99 <= TARGETS.listP99Ms));
    }
    if (list.consoleFirstPage) {
      const page = list.consoleFirstPage;
      add(`(list) ${list.orders.toLocaleString('en-US')} orders: console first page in Chromium (harness)`, `p50 ${ms(page.p50)} · p99 ${ms(page.p99)}`, `p99 ≤ ${TARGETS.consoleFirstPageP99Ms} ms`, verdict(page.p99 <= TARGETS.consoleFirstPageP99Ms));
      if (page.painted) {
        add(`(list) ${list.orders.toLocaleString('en-US')} orders: console 20 rows painted (page's clock)`, `p50 ${ms(page.painted.p50)} · p99 ${ms(page.painted.p99)}`, `p99 ≤ ${TARGETS.consoleFirstPageP99Ms} ms`, verdict(page.painted.p99 <= TARGETS.consoleFirstPageP99Ms));
      }
    }
  }
  if (aftersales) {
    const e = aftersales;
    add(
      `(e) after-sales confirm-receipt → offset visible in GET /credit/loans at ${fmt(e.targetRate)} returns/s (${e.returns} returns)`,
      `p50 ${ms(e.visibleMs.p50)} · p99 ${ms(e.visibleMs.p99)} (from the call's start: p50 ${ms(e.endToEndMs.p50)} · p99 ${ms(e.endToEndMs.p99)}; confirm-receipt p50 ${ms(e.confirmMs.p50)})`,
      `p99 ≤ ${TARGETS.afterSalesP99Ms} ms`,
      verdict(e.visibleMs.p99 === null ? null : e.visibleMs.p99 <= TARGETS.afterSalesP99Ms),
    );
  }
  if (exports) {
    const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    add(`(f) export ${fmt(exports.rows)} order rows to CSV (masked, cursor → file)`, `${fmt(exports.csv.rowsPerSecond)} rows/s (${exports.csv.seconds.toFixed(1)} s, ${mb(exports.csv.bytes)})`, `≥ ${fmt(TARGETS.exportCsvRowsPerSecond)} rows/s`, verdict(exports.csv.rowsPerSecond >= TARGETS.exportCsvRowsPerSecond));
    add('(f) export to XLSX', `${fmt(exports.xlsx.rowsPerSecond)} rows/s (${exports.xlsx.seconds.toFixed(1)} s, ${mb(exports.xlsx.bytes)})`, `≥ ${fmt(TARGETS.exportXlsxRowsPerSecond)} rows/s`, verdict(exports.xlsx.rowsPerSecond >= TARGETS.exportXlsxRowsPerSecond));
    add('(f) CSV in an AES-256 zip vs plain CSV (time)', `${exports.zipOverhead.toFixed(2)} × (${fmt(exports.csvZip.rowsPerSecond)} rows/s, ${mb(exports.csvZip.bytes)})`, `≤ ${TARGETS.exportZipOverhead} ×`, verdict(exports.zipOverhead <= TARGETS.exportZipOverhead));
    for (const [label, pass] of [['CSV', exports.csv], ['CSV in an AES-256 zip', exports.csvZip], ['XLSX', exports.xlsx]]) {
      add(`(f) CPU ms per 1,000 rows exported, ${label}`, formatPerUnit(perUnitMs(pass.cpuSeconds ?? {}, exports.rows / 1000), { digits: 2 }));
    }
    add('(f) peak RSS of the export process (--max-old-space-size=512)', mb(exports.peakRssBytes), `≤ ${TARGETS.exportRssMb} MB`, verdict(exports.peakRssBytes <= TARGETS.exportRssMb * 2 ** 20));
  }
  const header = ['Measure', 'Result', 'Target', 'Status'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join(' │ ');
  const text = [line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line)].join('\n');
  const md = ['| ' + header.join(' | ') + ' |', '|' + header.map(() => '---').join('|') + '|', ...rows.map((r) => '| ' + r.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ') + ' |')].join('\n');
  return { text, md, errors };
}

function machineLine() {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model?.trim() ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`;
}

// ------------------------------------------------------------------ main

async function main() {
  log(`run ${DB_PREFIX}: Kafka ${KAFKA_BROKERS}, PostgreSQL ${POSTGRES_URL.replace(/:[^:@/]*@/, ':***@')}`);
  const stale = await removeBenchResources({ stale: true });
  if (stale.databases || stale.topics) log(`removed ${stale.databases} database(s) and ${stale.topics} topic(s) left by earlier bench runs`);

  const results = { errors: [] };
  const step = async (key, name, fn) => {
    if (skip.has(key)) return log(`${name}: skipped (BENCH_SKIP)`);
    try {
      results[key] = await fn();
    } catch (error) {
      results.errors.push(`${name}: ${error.message}`);
      log(`ERROR in ${name}: ${error.stack || error}`);
    }
  };
  try {
    await step('raw', '(a) raw producer', benchRawProducer);
    await step('outbox', '(b) outbox → inbox', benchOutbox);
    await step('pg', 'pgbench', benchPgbench);
    if (FLAGS.has('--peer')) await step('peer', '(peer) Vendure side by side', benchPeer);
    if (!skip.has('orders') || !skip.has('refunds') || !skip.has('aftersales') || !skip.has('list')) {
      try {
        await benchStack(step);
      } catch (error) {
        results.errors.push(`(c/d) stack: ${error.message}`);
        log(`ERROR in (c/d) stack: ${error.stack || error}`);
      }
    } else log('(c) and (d): skipped (BENCH_SKIP)');
    // A shared machine's speed can move by ~40 % within minutes, for every process at once: the
    // yardstick is measured on both sides of (c), so one fast or slow spell does not set the ratio
    // (README, "The yardstick on both sides of (c)"). Not beside the idle stack: it costs CPU too.
    if (results.pg && results.orders) await step('pg', 'pgbench again, after the stack', async () => ({ ...results.pg, after: await benchPgbench() }));
    await step('exports', '(f) export files', benchExports);
  } finally {
    await cleanupAll();
  }

  const report = buildReport(results);
  const wall = (Date.now() - startedAt) / 1000;
  const o = results.outbox?.saturated;
  const notes = [];
  const slowest = (r) => [['write (UnitOfWork → outbox)', r.writeRate], ['relay (outbox → Kafka)', r.relayRate], ['consume (Kafka → inbox)', r.consumeRate]].sort((x, y) => x[1] - y[1])[0][0];
  if (o) notes.push(`(b) slowest stage: ${slowest(o)}${results.outbox.prototype ? `; with the prototypes: ${slowest(results.outbox.prototype)}` : ''}.`);
  if (o) notes.push(`(b) ${o.events} events, ${config.outbox.txEvents} per transaction, ${config.outbox.writers} writers, relay batch ${config.outbox.relayBatch} (avg ${o.avgRelayBatch.toFixed(0)} sent), ${config.outbox.partitions} partitions consumed ${config.outbox.consumerConcurrency} at a time; writer tx p50 ${ms(o.txP50Ms)}; duplicates ${o.duplicates}.`);
  if (results.orders) {
    const c = results.orders;
    notes.push(
      `(c) ${c.buyers} buyers, ${config.orders.seconds} s per phase after ${config.orders.warmupSeconds} s warm-up; held observed by polling the order database every ${c.pollMs} ms; held/s counts as the peer counts paid checkouts: the orders placed in the window and held, over the time from its start until the last of them was held; saturated: ${c.saturation.placed} placed, ${c.saturation.notHeld} not held; half load: ${c.halfLoad.placed} placed, ${c.halfLoad.notHeld} not held${Object.keys({ ...c.saturation.errors, ...c.halfLoad.errors }).length ? `; errors ${JSON.stringify({ ...c.saturation.errors, ...c.halfLoad.errors })}` : ''}.`,
    );
  }
  if (results.refunds) {
    const d = results.refunds;
    const pct = (x) => `${Math.round(x * 100)} %`;
    const seg = (m) => `${ms(m.p50)}/${ms(m.p99)}`;
    const diag = (name, x) => {
      const backends = Object.entries(x.db.backends).sort((a, b) => b[1] - a[1]).filter(([, v]) => v >= 0.005).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
      const cpu = Object.entries(x.cpu).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${k} ${pct(v)}`).join(', ');
      return (
        `(d) ${name}: ${x.applied}/${x.refunds} applied${Object.keys(x.statuses).some((k) => k !== 'APPLIED') ? ` ${JSON.stringify(x.statuses)}` : ''} in ${x.consumerTx.count} consumer transactions (avg ${x.consumerTx.avgRefunds.toFixed(1)}, max ${x.consumerTx.maxRefunds} refunds; ${x.consumerTx.single} of one); ` +
        `${x.db.rollbacks} rollbacks, ${x.db.deadlocks} deadlocks; latency split p50/p99: publish → tx start ${seg(x.segments.toTxStartMs)}, tx start → applied_at ${seg(x.segments.inTxMs)}, applied_at → seen committed ${seg(x.segments.tailMs)}; ` +
        `credit-billing DB backends on average: ${backends || 'none busy'}; CPU: machine ${x.machineBusy === null ? '—' : pct(x.machineBusy)} of ${os.cpus().length} cores busy, ${cpu || '—'} of one core.`
      );
    };
    notes.push(
      `(d) ${d.buyers} buyers, ${d.orders} loans (6 installments); refunds of 100–160 fen round-robin over the loans; committed = seen APPLIED by a probe reading credit_refund every ${d.pollMs} ms (20 ms during the burst); applied_at = handler time inside the transaction (before commit); publish → Kafka ack p50 ${ms(d.paced.publishAckMs.p50)}; average loan document ${d.loanDocumentBytes} B at the end.`,
      diag('burst', d.saturation),
      diag('paced', d.paced),
    );
  }
  if (results.aftersales) {
    const e = results.aftersales;
    notes.push(
      `(e) ${e.returns} return-and-refund requests prepared to RETURN_IN_TRANSIT (${config.afterSales.buyers} buyers, ${config.afterSales.lines} lines per CREDIT order), then confirmed at ${fmt(e.targetRate)}/s (achieved ${fmt(e.achievedRate)}/s); visible = the answer of GET /credit/loans, called once credit_refund (read every ${e.pollMs} ms) shows the refund applied, shows the loan's refundedPrincipal including the refund; measured from confirm-receipt's answer (its transaction committed the refund and RefundCompleted) and from its start${Object.keys(e.errors).length ? `; errors ${JSON.stringify(e.errors)}` : ''}.`,
      `(e) latency split p50/p99: after-sales tx start (outbox row) → relayed to Kafka ${ms(e.segments.relayMs.p50)}/${ms(e.segments.relayMs.p99)}, → credit-billing consumer tx start ${ms(e.segments.deliveryMs.p50)}/${ms(e.segments.deliveryMs.p99)}, → offset applied (handler) ${ms(e.segments.handlerMs.p50)}/${ms(e.segments.handlerMs.p99)}, → seen by GET /credit/loans (commit + probe + one GET) ${ms(e.segments.readMs.p50)}/${ms(e.segments.readMs.p99)}; load average at the end ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores.`,
    );
  }
  const when = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const out = [
    '',
    '══════════════════════════════ Orderline bench ══════════════════════════════',
    `${when} · ${machineLine()} · everything (Kafka, PostgreSQL, services, load) on this one machine`,
    '',
    report.text,
    '',
    ...notes,
    ...(results.errors.length ? ['', 'Errors:', ...results.errors.map((e) => `  - ${e}`)] : []),
    `Wall time ${wall.toFixed(0)} s. Figures only: the bench never fails on timing.`,
    '',
  ].join('\n');
  process.stdout.write(out);

  const md = [
    '## Bench results',
    '',
    `\`npm run bench\`, ${when}, ${machineLine()}; one KRaft Kafka broker, PostgreSQL, the services and the load generator all on this machine.`,
    '',
    report.md,
    '',
    ...notes.map((n) => `- ${n}`),
    ...(results.errors.length ? ['', '**Errors:**', ...results.errors.map((e) => `- ${e}`)] : []),
    '',
    `Wall time ${wall.toFixed(0)} s.`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(HERE, 'last-results.md'), md);
  log(`summary written to ${path.relative(ROOT, path.join(HERE, 'last-results.md'))}`);
  if (!results.errors.length && process.env.BENCH_KEEP_LOGS !== '1') fs.rmSync(LOG_DIR, { recursive: true, force: true });
  process.exit(results.errors.length ? 1 : 0);
}

main().catch(async (error) => {
  console.error(`[bench] ${error.stack || error}`);
  await cleanupAll().catch(() => undefined);
  process.exit(1);
});
