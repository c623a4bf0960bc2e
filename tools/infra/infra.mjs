#!/usr/bin/env node
// Local infrastructure for Orderline: Kafka + PostgreSQL.
//
//   node tools/infra/infra.mjs up | down | status | env | kafka:kill | kafka:start
//
// `up` uses Docker Compose (docker/docker-compose.yml) when a Docker engine answers;
// otherwise it runs Apache Kafka (KRaft, one combined broker+controller on 127.0.0.1:9092)
// straight from the Maven Central jars and uses the machine's PostgreSQL on 127.0.0.1:5432.
// It only ever stops what it started itself (state is kept in the cache dir).
//
// Plain Node ESM, builtins only. The functions are exported too (see kafka-control.mjs).
//
// Environment:
//   ORDERLINE_CACHE_DIR       cache/state dir            (default ~/.cache/orderline)
//   ORDERLINE_KAFKA_VERSION   Apache Kafka version       (default 4.1.1, see KAFKA_VERSION.md)
//   ORDERLINE_KAFKA_DATA_DIR  broker data dir            (default <cache>/kafka-data)
//   ORDERLINE_STATE_DIR       pid file, state, lock, logs and generated broker config
//                             (default <cache>; a second, private broker — e.g. for
//                             `npm run chaos` beside a shared one — sets its own, so kafka:kill
//                             only ever sees the pid of the broker it started itself)
//   ORDERLINE_KAFKA_PORT      broker port                (default 9092; controller = port+1)
//   ORDERLINE_PG_PORT         PostgreSQL port            (default 5432)
//   ORDERLINE_INFRA_NO_DOCKER=1  never use Docker, even if an engine answers
//   ORDERLINE_INFRA_TIMEOUT_S    readiness timeout in seconds (default 90)

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..');

export const KAFKA_VERSION = process.env.ORDERLINE_KAFKA_VERSION || '4.1.1';
export const SCALA_VERSION = '2.13';
const CACHE_DIR = path.resolve(process.env.ORDERLINE_CACHE_DIR || path.join(os.homedir(), '.cache', 'orderline'));
const KAFKA_HOME = path.join(CACHE_DIR, 'kafka', KAFKA_VERSION);
const LIBS_DIR = path.join(KAFKA_HOME, 'libs');
const STATE_DIR = process.env.ORDERLINE_STATE_DIR ? path.resolve(process.env.ORDERLINE_STATE_DIR) : undefined;
const CONFIG_DIR = STATE_DIR ? path.join(STATE_DIR, 'config') : path.join(KAFKA_HOME, 'config');
const DATA_DIR = path.resolve(process.env.ORDERLINE_KAFKA_DATA_DIR || path.join(CACHE_DIR, 'kafka-data'));
const KAFKA_LOG_DIRS = path.join(DATA_DIR, 'logs');
const RUN_DIR = path.join(STATE_DIR ?? CACHE_DIR, 'run');
const LOGS_DIR = path.join(STATE_DIR ?? CACHE_DIR, 'logs');
const PID_FILE = path.join(RUN_DIR, 'kafka.pid');
const STATE_FILE = path.join(RUN_DIR, 'infra-state.json');
const LOCK_FILE = path.join(RUN_DIR, 'infra.lock');
export const KAFKA_OUT_LOG = path.join(LOGS_DIR, 'kafka.out');
export const KAFKA_SERVER_LOG = path.join(LOGS_DIR, 'kafka-server.log');

const HOST = '127.0.0.1';
export const KAFKA_PORT = Number(process.env.ORDERLINE_KAFKA_PORT || 9092);
const CONTROLLER_PORT = KAFKA_PORT + 1;
export const PG_PORT = Number(process.env.ORDERLINE_PG_PORT || 5432);
const TIMEOUT_MS = Number(process.env.ORDERLINE_INFRA_TIMEOUT_S || 90) * 1000;
const COMPOSE_FILE = path.join(REPO_ROOT, 'docker', 'docker-compose.yml');
// The compose file publishes no database or broker port and tunes Kafka for production; the
// tests reach both on the host and want a broker that fails over fast.
const TEST_OVERRIDES = ['docker-compose.debug-ports.yml', 'docker-compose.test-broker.yml'].flatMap((file) => ['-f', path.join(REPO_ROOT, 'docker', file)]);

export const DATABASES = [
  'orderline_gateway',
  'orderline_order',
  'orderline_logistics',
  'orderline_after_sales',
  'orderline_credit_billing',
  'orderline_export',
];

export class InfraError extends Error {}

const log = (msg) => process.stdout.write(`[infra] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- state & helpers

function readState() {
  try {
    return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
  } catch {
    return {};
  }
}

function writeState(patch) {
  fs.mkdirSync(RUN_DIR, { recursive: true });
  const next = { ...readState(), ...patch };
  for (const k of Object.keys(next)) if (next[k] === undefined || next[k] === null) delete next[k];
  fs.writeFileSync(STATE_FILE, JSON.stringify(next, null, 2) + '\n');
  return next;
}

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { ok: r.status === 0 && !r.error, status: r.status, stdout: r.stdout || '', stderr: r.stderr || '', error: r.error };
}

function pidAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (e.code !== 'EPERM') return false;
  }
  // zombie / reused pid check (Linux): it must still be our Kafka JVM
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return false;
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('kafka.Kafka');
  } catch {
    return process.platform !== 'linux';
  }
}

function readPid() {
  try {
    const pid = Number(fs.readFileSync(PID_FILE, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** PID of the broker this tool started, if it is still running. Cleans a stale pid file. */
export function ourBrokerPid() {
  const pid = readPid();
  if (pid && pidAlive(pid)) return pid;
  if (pid) fs.rmSync(PID_FILE, { force: true });
  return null;
}

function tcpOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

async function withLock(fn) {
  fs.mkdirSync(RUN_DIR, { recursive: true });
  const deadline = Date.now() + TIMEOUT_MS + 120_000;
  for (;;) {
    try {
      const fd = fs.openSync(LOCK_FILE, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let holder = 0;
      try {
        holder = Number(fs.readFileSync(LOCK_FILE, 'utf8').trim());
      } catch {
        /* raced */
      }
      let holderAlive = false;
      if (holder) {
        try {
          process.kill(holder, 0);
          holderAlive = true;
        } catch (err) {
          holderAlive = err.code === 'EPERM';
        }
      }
      if (!holderAlive) {
        fs.rmSync(LOCK_FILE, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new InfraError(`timed out waiting for lock ${LOCK_FILE} (held by pid ${holder})`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(LOCK_FILE, { force: true });
  }
}

// ---------------------------------------------------------------- Kafka wire probe

/**
 * Sends a Kafka Metadata v4 request (all topics) over a raw socket and resolves with
 * { brokers, clusterId } once the broker answers, or null on any failure.
 * Metadata v4 is within the range every broker since 1.0 and Kafka 4.x (KIP-896) accepts.
 */
export function kafkaProbe(host = HOST, port = KAFKA_PORT, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const clientId = Buffer.from('orderline-infra');
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
    let o = 0;
    o = body.writeInt16BE(3, o); // api key: Metadata
    o = body.writeInt16BE(4, o); // api version 4
    o = body.writeInt32BE(7, o); // correlation id
    o = body.writeInt16BE(clientId.length, o);
    o += clientId.copy(body, o);
    o = body.writeInt32BE(-1, o); // topics: null = all
    body.writeInt8(0, o); // allow_auto_topic_creation = false
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);

    const sock = net.connect({ host, port });
    let buf = Buffer.alloc(0);
    let settled = false;
    const finish = (v) => {
      if (settled) return;
      settled = true;
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(timeoutMs, () => finish(null));
    sock.once('error', () => finish(null));
    sock.once('close', () => finish(null));
    sock.once('connect', () => sock.write(Buffer.concat([size, body])));
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4) return;
      const len = buf.readInt32BE(0);
      if (buf.length < 4 + len) return;
      try {
        let p = 4;
        if (buf.readInt32BE(p) !== 7) return finish(null);
        p += 4 + 4; // correlation id, throttle_time_ms
        const n = buf.readInt32BE(p);
        p += 4;
        const brokers = [];
        for (let i = 0; i < n; i++) {
          const nodeId = buf.readInt32BE(p);
          p += 4;
          const hl = buf.readInt16BE(p);
          p += 2;
          const h = buf.toString('utf8', p, p + hl);
          p += hl;
          const prt = buf.readInt32BE(p);
          p += 4;
          const rl = buf.readInt16BE(p);
          p += 2 + Math.max(rl, 0);
          brokers.push({ nodeId, host: h, port: prt });
        }
        const cl = buf.readInt16BE(p);
        p += 2;
        const clusterId = cl >= 0 ? buf.toString('utf8', p, p + cl) : null;
        finish(n > 0 ? { brokers, clusterId } : null);
      } catch {
        finish(null);
      }
    });
  });
}

// ---------------------------------------------------------------- Kafka (native)

function requireJava() {
  if (!which('java')) {
    throw new InfraError(
      'Java is required to run Kafka without Docker but `java` is not on PATH.\n' +
        '        Install a JDK/JRE 17+ (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless), or start a Docker engine.',
    );
  }
  const r = run('java', ['-version']);
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr + r.stdout);
  if (m) {
    const major = m[1] === '1' ? Number(m[2]) : Number(m[1]);
    const need = Number(KAFKA_VERSION.split('.')[0]) >= 4 ? 17 : 11;
    if (major < need) throw new InfraError(`Kafka ${KAFKA_VERSION} needs Java ${need}+, found Java ${major}. Install openjdk-17-jre-headless.`);
  }
}

function ensureKafkaJars() {
  const marker = path.join(LIBS_DIR, '.complete');
  if (fs.existsSync(marker)) return false;
  requireJava();
  if (!which('mvn')) {
    throw new InfraError(
      `Maven is needed once to fetch the Kafka ${KAFKA_VERSION} jars from Maven Central but \`mvn\` is not on PATH.\n` +
        '        Install it (Debian/Ubuntu: apt-get install -y maven), or start a Docker engine.',
    );
  }
  const log4j2 = Number(KAFKA_VERSION.split('.')[0]) >= 4;
  const extra = log4j2
    ? // Kafka 4 logs through slf4j 1.7 → log4j2; the binding is not a dependency of kafka_2.13.
      `<dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version></dependency>`
    : '';
  const fetchDir = path.join(KAFKA_HOME, 'fetch');
  fs.mkdirSync(fetchDir, { recursive: true });
  fs.writeFileSync(
    path.join(fetchDir, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>orderline.infra</groupId><artifactId>kafka-fetch</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_${SCALA_VERSION}</artifactId><version>${KAFKA_VERSION}</version></dependency>
    ${extra}
  </dependencies>
</project>
`,
  );
  const tmp = `${LIBS_DIR}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  log(`fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central into ${LIBS_DIR} (one time) ...`);
  const t0 = Date.now();
  const r = run(
    'mvn',
    ['-q', '-B', '-f', path.join(fetchDir, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`],
    { cwd: fetchDir, env: { ...process.env, MAVEN_OPTS: process.env.MAVEN_OPTS || '-Xmx512m' } },
  );
  const jar = path.join(tmp, `kafka_${SCALA_VERSION}-${KAFKA_VERSION}.jar`);
  if (!r.ok || !fs.existsSync(jar)) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new InfraError(
      `mvn could not fetch org.apache.kafka:kafka_${SCALA_VERSION}:${KAFKA_VERSION} (exit ${r.status}).\n${(r.stdout + r.stderr).slice(-3000)}`,
    );
  }
  fs.rmSync(LIBS_DIR, { recursive: true, force: true });
  fs.renameSync(tmp, LIBS_DIR);
  fs.writeFileSync(marker, new Date().toISOString() + '\n');
  log(`fetched ${fs.readdirSync(LIBS_DIR).length - 1} jars in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}

function writeKafkaConfig() {
  fs.mkdirSync(CONFIG_DIR, { recursive: true });
  fs.mkdirSync(LOGS_DIR, { recursive: true });
  const props = `# generated by tools/infra/infra.mjs — single-node KRaft for local dev/tests
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${CONTROLLER_PORT}
listeners=PLAINTEXT://${HOST}:${KAFKA_PORT},CONTROLLER://${HOST}:${CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://${HOST}:${KAFKA_PORT}
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=${KAFKA_LOG_DIRS}
auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# after a SIGKILL the restarted broker must wait for its old session to expire before it
# may re-register (DUPLICATE_BROKER_REGISTRATION); default 9 s, keep chaos restarts short
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=500
num.network.threads=3
num.io.threads=4
log.retention.hours=168
log.segment.bytes=104857600
`;
  const log4j = `<?xml version="1.0" encoding="UTF-8"?>
<!-- generated by tools/infra/infra.mjs: WARN to console (kafka.out), INFO to kafka-server.log -->
<Configuration status="WARN">
  <Appenders>
    <Console name="STDOUT" target="SYSTEM_OUT">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <ThresholdFilter level="WARN" onMatch="ACCEPT" onMismatch="DENY"/>
    </Console>
    <RollingFile name="FILE" fileName="${KAFKA_SERVER_LOG}" filePattern="${KAFKA_SERVER_LOG}.%i">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
      <DefaultRolloverStrategy max="2"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="STDOUT"/><AppenderRef ref="FILE"/></Root>
    <Logger name="kafka.request.logger" level="WARN"/>
    <Logger name="kafka.controller" level="INFO"/>
    <Logger name="kafka.log.LogCleaner" level="WARN"/>
    <Logger name="state.change.logger" level="WARN"/>
    <Logger name="org.apache.kafka.storage.internals.log" level="WARN"/>
    <Logger name="kafka.log" level="WARN"/>
  </Loggers>
</Configuration>
`;
  const propsFile = path.join(CONFIG_DIR, 'server.properties');
  const log4jFile = path.join(CONFIG_DIR, 'log4j2.xml');
  fs.writeFileSync(propsFile, props);
  fs.writeFileSync(log4jFile, log4j);
  return { propsFile, log4jFile };
}

/**
 * The broker's JIT and GC (`ORDERLINE_KAFKA_JVM_OPTS` replaces them). C1 only: on the two cores
 * this broker shares with PostgreSQL, six services and the tests, C2 spent more CPU compiling
 * (and recompiling after "unstable_if" deoptimisations) than the broker spent serving requests,
 * for as long as a test run or a bench lasts — Kafka CPU per order 25 → 10–12 ms saturated and
 * 80 → 31–33 ms at half load (tools/bench/README.md, "The broker's JIT"). A broker that runs for
 * days on its own machine is better served by C2; this one is for development, tests and the bench.
 */
const KAFKA_JVM_OPTS = ['-XX:TieredStopAtLevel=1', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20'];

function javaBaseArgs(log4jFile) {
  return [
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jFile}`,
    `-Dkafka.logs.dir=${LOGS_DIR}`,
    '-cp',
    path.join(LIBS_DIR, '*'),
  ];
}

/**
 * A random KRaft cluster id (22 base64url characters, Kafka's Uuid form) that never starts with
 * '-': StorageTool's argument parser reads `-t -abc…` as an unknown option, which failed
 * `infra:up` about one time in 64. It is also passed as `--cluster-id=<id>` (one token), so even a
 * leading '-' could not be read as an option; regenerating is belt and braces.
 */
export function newKraftClusterId(randomBytes = crypto.randomBytes) {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function formatStorageIfNeeded(propsFile, log4jFile) {
  if (fs.existsSync(path.join(KAFKA_LOG_DIRS, 'meta.properties'))) return false;
  fs.mkdirSync(KAFKA_LOG_DIRS, { recursive: true });
  const clusterId = newKraftClusterId();
  log(`formatting KRaft storage in ${KAFKA_LOG_DIRS} (cluster id ${clusterId})`);
  const r = run('java', [...javaBaseArgs(log4jFile), 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', propsFile, '--ignore-formatted']);
  if (!r.ok) throw new InfraError(`kafka storage format failed (exit ${r.status}):\n${(r.stdout + r.stderr).slice(-3000)}`);
  return true;
}

async function waitForKafka(pid, timeoutMs = TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pid && !pidAlive(pid)) {
      throw new InfraError(`the Kafka JVM (pid ${pid}) exited during start-up. See ${KAFKA_OUT_LOG} and ${KAFKA_SERVER_LOG}\n${tail(KAFKA_OUT_LOG, 30)}`);
    }
    const meta = await kafkaProbe(HOST, KAFKA_PORT, 1500);
    if (meta) return meta;
    await sleep(300);
  }
  throw new InfraError(`Kafka did not answer on ${HOST}:${KAFKA_PORT} within ${timeoutMs / 1000} s. See ${KAFKA_OUT_LOG} and ${KAFKA_SERVER_LOG}\n${tail(KAFKA_OUT_LOG, 30)}`);
}

function tail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts our broker (fetching jars / formatting storage if needed) and waits until it answers. */
async function startBrokerUnlocked() {
  const existing = ourBrokerPid();
  if (existing) {
    const meta = await waitForKafka(existing);
    log(`Kafka already running (pid ${existing}, cluster ${meta.clusterId})`);
    return { pid: existing, started: false };
  }
  if (await kafkaProbe(HOST, KAFKA_PORT, 1500)) {
    log(`Kafka already answers on ${HOST}:${KAFKA_PORT} (not started by this tool) — leaving it alone`);
    return { pid: null, started: false };
  }
  if (await tcpOpen(HOST, KAFKA_PORT, 500)) {
    throw new InfraError(`port ${KAFKA_PORT} is in use by something that does not speak Kafka. Free it or set ORDERLINE_KAFKA_PORT.`);
  }
  requireJava();
  ensureKafkaJars();
  const { propsFile, log4jFile } = writeKafkaConfig();
  formatStorageIfNeeded(propsFile, log4jFile);
  const t0 = Date.now();
  const out = fs.openSync(KAFKA_OUT_LOG, 'a');
  fs.writeSync(out, `\n===== ${new Date().toISOString()} starting Kafka ${KAFKA_VERSION} =====\n`);
  const heap = process.env.ORDERLINE_KAFKA_HEAP_OPTS ? process.env.ORDERLINE_KAFKA_HEAP_OPTS.split(/\s+/) : ['-Xms256m', '-Xmx512m'];
  const jvm = process.env.ORDERLINE_KAFKA_JVM_OPTS !== undefined ? process.env.ORDERLINE_KAFKA_JVM_OPTS.split(/\s+/).filter(Boolean) : KAFKA_JVM_OPTS;
  const child = spawn(
    'java',
    [...heap, ...jvm, '-XX:+ExitOnOutOfMemoryError', ...javaBaseArgs(log4jFile), 'kafka.Kafka', propsFile],
    { detached: true, stdio: ['ignore', out, out], cwd: KAFKA_HOME },
  );
  fs.closeSync(out);
  child.unref();
  fs.mkdirSync(RUN_DIR, { recursive: true });
  fs.writeFileSync(PID_FILE, String(child.pid) + '\n');
  log(`starting Kafka ${KAFKA_VERSION} (pid ${child.pid}, data ${DATA_DIR}, log ${KAFKA_OUT_LOG})`);
  const meta = await waitForKafka(child.pid);
  log(`Kafka ready on ${HOST}:${KAFKA_PORT} in ${((Date.now() - t0) / 1000).toFixed(1)} s (cluster ${meta.clusterId})`);
  return { pid: child.pid, started: true };
}

async function stopPid(pid, graceMs = 20_000) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return;
    await sleep(200);
  }
  log(`Kafka (pid ${pid}) did not stop within ${graceMs / 1000} s — SIGKILL`);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  while (pidAlive(pid)) await sleep(100);
}

/** Chaos: SIGKILL the broker this tool started and wait until it is gone. */
export async function killBroker() {
  const pid = ourBrokerPid();
  if (!pid) {
    if (readState().mode === 'docker') {
      const r = compose(['kill', '-s', 'SIGKILL', 'kafka']);
      if (!r.ok) throw new InfraError(`docker compose kill kafka failed:\n${r.stderr}`);
      log('killed the kafka container (SIGKILL)');
      return { pid: null };
    }
    throw new InfraError('no Kafka broker started by this tool is running (nothing to kill)');
  }
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (pidAlive(pid) && Date.now() < deadline) await sleep(50);
  fs.rmSync(PID_FILE, { force: true });
  log(`killed Kafka broker pid ${pid} (SIGKILL)`);
  return { pid };
}

/** Chaos: start the broker again on the same data dir and wait until it answers. */
export async function startBroker() {
  if (readState().mode === 'docker' && dockerAvailable()) {
    const r = compose(['up', '-d', '--wait', 'kafka']);
    if (!r.ok) throw new InfraError(`docker compose up kafka failed:\n${r.stderr}`);
    await waitForKafka(null);
    return { pid: null, started: true };
  }
  return withLock(async () => {
    const res = await startBrokerUnlocked();
    if (res.started) writeState({ kafka: 'native' });
    return res;
  });
}

// ---------------------------------------------------------------- PostgreSQL (native)

function psql(args, db = 'postgres') {
  return run('psql', ['-h', HOST, '-p', String(PG_PORT), '-U', process.env.PGUSER || 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-X', '-q', '-tA', ...args], {
    env: { ...process.env, PGCONNECT_TIMEOUT: '3' },
  });
}

async function pgAnswers() {
  if (!(await tcpOpen(HOST, PG_PORT, 1000))) return false;
  if (which('pg_isready')) return run('pg_isready', ['-q', '-h', HOST, '-p', String(PG_PORT), '-t', '3']).ok;
  return true;
}

function localClusters() {
  // Debian/Ubuntu layout: /etc/postgresql/<version>/<cluster>
  try {
    return fs
      .readdirSync('/etc/postgresql')
      .flatMap((v) => fs.readdirSync(path.join('/etc/postgresql', v)).map((c) => ({ version: v, cluster: c })))
      .filter(({ version, cluster }) => fs.existsSync(path.join('/etc/postgresql', version, cluster, 'postgresql.conf')));
  } catch {
    return [];
  }
}

async function ensurePostgresUnlocked() {
  let started = null;
  if (await pgAnswers()) {
    log(`PostgreSQL already answers on ${HOST}:${PG_PORT}`);
  } else {
    const clusters = localClusters();
    if (!clusters.length || !which('pg_ctlcluster')) {
      throw new InfraError(
        `PostgreSQL does not answer on ${HOST}:${PG_PORT} and no local cluster was found.\n` +
          '        Install it (Debian/Ubuntu: apt-get install -y postgresql) and allow trust/local auth for user postgres on 127.0.0.1,\n' +
          '        or start a Docker engine, or set DATABASE_URL to an existing server.',
      );
    }
    const c = clusters.find((x) => x.cluster === 'main') || clusters[0];
    log(`starting PostgreSQL cluster ${c.version}/${c.cluster}`);
    const r = run('pg_ctlcluster', ['--skip-systemctl-redirect', c.version, c.cluster, 'start']);
    if (!r.ok && !/already running/i.test(r.stderr)) throw new InfraError(`pg_ctlcluster start failed:\n${r.stdout}${r.stderr}`);
    started = c;
    writeState({ postgres: { ...c, startedByUs: true } });
    const deadline = Date.now() + TIMEOUT_MS;
    while (!(await pgAnswers())) {
      if (Date.now() > deadline) throw new InfraError(`PostgreSQL did not answer on ${HOST}:${PG_PORT} after start (see /var/log/postgresql/)`);
      await sleep(250);
    }
    log(`PostgreSQL ready on ${HOST}:${PG_PORT}`);
  }
  createDatabases();
  return { started: !!started };
}

function createDatabases() {
  if (!which('psql')) throw new InfraError('`psql` is needed to create the databases: apt-get install -y postgresql-client');
  const r = psql(['-c', 'select datname from pg_database']);
  if (!r.ok) {
    throw new InfraError(
      `cannot connect as ${process.env.PGUSER || 'postgres'} to ${HOST}:${PG_PORT}: ${r.stderr.trim()}\n` +
        '        The native mode expects trust auth for user postgres on 127.0.0.1 (pg_hba.conf), or set PGUSER/PGPASSWORD.',
    );
  }
  const have = new Set(r.stdout.split('\n').map((s) => s.trim()));
  const missing = DATABASES.filter((d) => !have.has(d));
  for (const d of missing) {
    const c = psql(['-c', `CREATE DATABASE ${d}`]);
    if (!c.ok && !/already exists/.test(c.stderr)) throw new InfraError(`CREATE DATABASE ${d} failed: ${c.stderr}`);
  }
  if (missing.length) log(`created databases: ${missing.join(', ')}`);
}

// ---------------------------------------------------------------- Docker

let dockerCache;
function dockerAvailable() {
  if (dockerCache !== undefined) return dockerCache;
  if (process.env.ORDERLINE_INFRA_NO_DOCKER === '1' || !which('docker')) return (dockerCache = false);
  dockerCache = run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5000 }).ok;
  return dockerCache;
}

function compose(args) {
  const v2 = run('docker', ['compose', 'version'], { timeout: 5000 }).ok;
  if (v2) return run('docker', ['compose', '-f', COMPOSE_FILE, ...TEST_OVERRIDES, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (which('docker-compose')) return run('docker-compose', ['-f', COMPOSE_FILE, ...TEST_OVERRIDES, ...args]);
  throw new InfraError('a Docker engine answers but neither `docker compose` nor `docker-compose` is installed (apt-get install docker-compose-plugin)');
}

async function upDocker(services) {
  log(`Docker engine found — docker compose up -d ${services.join(' ')}`);
  writeState({ mode: 'docker', dockerServices: [...new Set([...(readState().dockerServices || []), ...services])] });
  let r = compose(['up', '-d', '--wait', ...services]);
  if (!r.ok && /unknown flag: --wait/.test(r.stderr)) r = compose(['up', '-d', ...services]);
  if (!r.ok) throw new InfraError(`docker compose up failed:\n${r.stdout}${r.stderr}`);
  const deadline = Date.now() + TIMEOUT_MS;
  if (services.includes('kafka')) await waitForKafka(null);
  if (services.includes('postgres')) {
    while (!(await pgAnswers())) {
      if (Date.now() > deadline) throw new InfraError('postgres container did not become ready');
      await sleep(500);
    }
  }
}

// ---------------------------------------------------------------- commands

export function envVars() {
  const st = readState();
  const dockerPg = st.mode === 'docker' && (st.dockerServices || []).includes('postgres');
  return {
    KAFKA_BROKERS: `${HOST}:${KAFKA_PORT}`,
    DATABASE_URL: dockerPg ? `postgres://orderline:orderline@${HOST}:${PG_PORT}/postgres` : `postgres://postgres@${HOST}:${PG_PORT}/postgres`,
  };
}

function printEnv() {
  const env = envVars();
  log('use:');
  for (const [k, v] of Object.entries(env)) process.stdout.write(`${k}=${v}\n`);
}

export async function up() {
  const t0 = Date.now();
  const [kafkaUp, pgUp] = await Promise.all([kafkaProbe(HOST, KAFKA_PORT, 1500), pgAnswers()]);
  const ours = ourBrokerPid();
  if (kafkaUp && pgUp) {
    log(`Kafka ${ours ? `(ours, pid ${ours}) ` : ''}already up on ${HOST}:${KAFKA_PORT}; PostgreSQL already up on ${HOST}:${PG_PORT}`);
    if (readState().mode !== 'docker') createDatabases();
  } else if (dockerAvailable()) {
    await upDocker([...(kafkaUp ? [] : ['kafka']), ...(pgUp ? [] : ['postgres'])]);
    if (pgUp) createDatabases();
  } else {
    await withLock(async () => {
      const [k, p] = await Promise.all([
        startBrokerUnlocked().then((r) => {
          if (r.started) writeState({ mode: 'native', kafka: 'native' });
          return r;
        }),
        ensurePostgresUnlocked(),
      ]);
      return { k, p };
    });
  }
  log(`infra up (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  printEnv();
}

export async function down() {
  const st = readState();
  let did = false;
  if (st.mode === 'docker' && st.dockerServices?.length) {
    if (dockerAvailable()) {
      log('docker compose down');
      const r = compose(['down']);
      if (!r.ok) throw new InfraError(`docker compose down failed:\n${r.stderr}`);
      did = true;
    } else {
      log('state says Docker was used but no Docker engine answers — skipping docker compose down');
    }
  }
  const pid = ourBrokerPid();
  if (pid) {
    log(`stopping Kafka (pid ${pid}) ...`);
    await stopPid(pid);
    fs.rmSync(PID_FILE, { force: true });
    log('Kafka stopped');
    did = true;
  }
  if (st.postgres?.startedByUs) {
    const { version, cluster } = st.postgres;
    log(`stopping PostgreSQL cluster ${version}/${cluster} (started by infra:up)`);
    const r = run('pg_ctlcluster', ['--skip-systemctl-redirect', version, cluster, 'stop']);
    if (!r.ok && !/not running/i.test(r.stderr)) throw new InfraError(`pg_ctlcluster stop failed:\n${r.stderr}`);
    did = true;
  }
  fs.rmSync(STATE_FILE, { force: true });
  log(did ? 'infra down' : 'nothing to stop (infra:up did not start anything that is still running)');
}

export async function status() {
  const st = readState();
  const [meta, pgUp] = await Promise.all([kafkaProbe(HOST, KAFKA_PORT, 1500), pgAnswers()]);
  const pid = ourBrokerPid();
  log(`mode:       ${st.mode || 'none recorded'}`);
  log(`kafka:      ${meta ? `UP on ${HOST}:${KAFKA_PORT} (cluster ${meta.clusterId})` : 'DOWN'}${pid ? `, started by infra (pid ${pid}, ${KAFKA_VERSION})` : meta ? ', not started by infra' : ''}`);
  log(`postgres:   ${pgUp ? `UP on ${HOST}:${PG_PORT}` : 'DOWN'}${st.postgres?.startedByUs ? ', started by infra' : ''}`);
  log(`cache:      ${CACHE_DIR}`);
  log(`kafka data: ${DATA_DIR}   logs: ${LOGS_DIR}`);
  printEnv();
  return !!meta && pgUp;
}

const USAGE = `usage: node tools/infra/infra.mjs <up|down|status|env|kafka:kill|kafka:start>`;

async function main(argv) {
  const cmd = argv[0];
  switch (cmd) {
    case 'up':
      await up();
      return 0;
    case 'down':
      await down();
      return 0;
    case 'status':
      return (await status()) ? 0 : 1;
    case 'env':
      for (const [k, v] of Object.entries(envVars())) process.stdout.write(`${k}=${v}\n`);
      return 0;
    case 'kafka:kill':
      await killBroker();
      return 0;
    case 'kafka:start':
      await startBroker();
      return 0;
    default:
      process.stderr.write(USAGE + '\n');
      return cmd ? 2 : 0;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`[infra] ERROR: ${err instanceof InfraError ? err.message : err.stack || err}\n`);
      process.exit(1);
    },
  );
}
