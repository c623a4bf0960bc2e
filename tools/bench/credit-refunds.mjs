// (d) Refund offsets on the multi-process stack (issue 4, "Benchmark").
//
// Set-up through the gateway: a merchant, BENCH_REFUND_BUYERS buyers with a large credit line,
// BENCH_REFUND_ORDERS CREDIT orders (6 installments) spread over them. Once every order is
// WAITING_OUTBOUND the bench publishes `OrderShipped` for each (as logistics would: same
// envelope, topic and key as tests/support/event-publisher.ts) and waits for the loans in the
// credit-billing database.
//
// Measured: `RefundCompleted` events (small partial refunds, distinct refund ids, round-robin
// over the orders, so over all partitions and buyers) published straight to the after-sales
// topic, first as one burst of BENCH_REFUND_BURST events (saturation: offsets applied per
// second), then at a fixed arrival rate of BENCH_REFUND_PACED × the burst rate for
// BENCH_REFUND_SECONDS. Per refund:
//   - "committed": publish (just before the producer send) → the moment a probe that reads
//     credit_refund every BENCH_POLL_MS (indexed lookup of the refunds still pending) first
//     sees the row APPLIED, i.e. after the consumer's transaction committed. Includes up to
//     one poll interval of observation delay.
//   - "applied_at": publish → credit_refund.applied_at, the platform clock (real time here)
//     read by the handler inside the transaction, before the commit (a lower bound).
// Where the time goes: pg_stat_activity of the credit-billing database is sampled every
// 25 ms (backends running SQL / waiting on a lock / idle in transaction = Node working
// between statements), and pg_stat_database gives commits, rollbacks and deadlocks.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Pool } = require('pg');
const { Kafka, logLevel } = require('kafkajs');
const { createGatewayRequester, pooled, putCatalog, summarize, sleep, arrivalSchedule, waitFor: waitForPart } = require('./lib/common.cjs');
const { cpuSnapshot, cpuDelta } = require('./lib/cpu.cjs');

const waitFor = (what, timeoutMs, check, intervalMs = 50) => waitForPart('(d)', what, timeoutMs, check, intervalMs);

const now = () => performance.timeOrigin + performance.now();

/** Busy and total jiffies of the whole machine. */
function machineCpu() {
  if (process.platform !== 'linux') return null;
  const [, ...values] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  return { busy: total - values[3] - (values[4] ?? 0), total };
}

function makeRequester() {
  const { request, close } = createGatewayRequester({ maxSockets: 64 });
  const expect = async (status, what, ...args) => {
    const response = await request(...args);
    if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${response.text.slice(0, 500)}`);
    return response.body;
  };
  return { expect, request, close };
}



/**
 * @param {object} options
 * @param {string} options.root            repository root (for dist/ and the path hook)
 * @param {string} options.gatewayUrl
 * @param {string} options.orderDatabaseUrl
 * @param {string} options.creditDatabaseUrl
 * @param {string} options.kafkaBrokers
 * @param {string} options.topicPrefix     the stack's KAFKA_TOPIC_PREFIX
 * @param {string} options.operator        user:password
 * @param {string} options.runId
 * @param {(line: string) => void} options.log
 */
export async function runCreditRefunds(options) {
  const { log } = options;
  // The platform's own envelope and event definitions, from dist/ (built by the bench).
  require(path.join(options.root, 'tools/runtime/register-paths.js'));
  require('reflect-metadata');
  const { buildEnvelope, OrderShipped, RefundCompleted } = require('@orderline/shared/contracts');

  const http = makeRequester();
  const orderDb = new Pool({ connectionString: options.orderDatabaseUrl, max: 1 });
  // The probe's session reads by index only: credit_refund is young and unanalysed, and a plan
  // made without statistics may scan the whole table on every tick (as the order probe's did).
  const creditDb = new Pool({ connectionString: options.creditDatabaseUrl, max: 2, application_name: 'bench-probe', options: '-c enable_seqscan=off -c enable_bitmapscan=off' });
  // pg_stat_* are cluster-wide: read them from the server's own database, not the service's.
  const samplerPool = new Pool({ connectionString: options.serverUrl, max: 1 });
  const creditDbName = new URL(options.creditDatabaseUrl).pathname.slice(1);
  const kafka = new Kafka({ clientId: 'bench-refunds', brokers: options.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let probing = true;
  const loops = [];
  let loopError = null;
  /** Background loop that records (not throws) its first error, so nothing is left unhandled. */
  const loop = (fn) => loops.push(fn().catch((error) => (loopError ??= error)));

  /** Sends envelopes exactly as EventPublisher does (acks=-1, key = definition.keyOf). */
  async function publish(definition, payloads, eventIds = []) {
    const at = new Date();
    const messages = payloads.map((payload, i) => {
      const key = definition.keyOf(payload);
      const envelope = buildEnvelope({ eventId: eventIds[i], type: definition.type, version: definition.version, producer: 'bench', aggregateId: key, payload, occurredAt: at });
      return { key, value: JSON.stringify(envelope) };
    });
    await producer.send({ topic: options.topicPrefix + definition.topic, acks: -1, messages });
  }

  try {
    // ------------------------------------------------------------ set-up
    const setupStarted = now();
    const [operatorName, operatorPassword] = options.operator.split(/:(.*)/s);
    const opToken = (await http.expect(200, 'operator token', options.gatewayUrl, 'POST', '/auth/token', { username: operatorName, password: operatorPassword })).accessToken;
    const tag = options.runId.replace(/[^a-z0-9]/g, '').slice(-10);
    const merchant = await http.expect(201, 'create merchant', options.gatewayUrl, 'POST', '/merchants', { name: `Bench refund merchant ${tag}`, mainAccount: { username: `rm_${tag}`, password: 'bench-password', phone: '13900000001' } }, opToken);
    // scrypt makes account creation and sign-in deliberately slow: a few at a time.
    const buyers = await pooled(
      Array.from({ length: options.buyers }, (_, j) => j),
      4,
      async (j) => {
        const username = `rb_${tag}_${j}`;
        const created = await http.expect(201, 'create buyer', options.gatewayUrl, 'POST', '/buyers', { username, password: 'bench-password', name: `Bench refund buyer ${j}`, phone: `1370000${String(j).padStart(4, '0')}`, creditLimit: 1_000_000_000_000 }, opToken);
        const token = (await http.expect(200, 'buyer token', options.gatewayUrl, 'POST', '/auth/token', { username, password: 'bench-password' })).accessToken;
        return { buyerId: created.id, token };
      },
    );
    const unitPrice = 500_000; // 5 000 yuan: room for thousands of small partial refunds per loan
    await putCatalog(http.request, options.gatewayUrl, { username: `rm_${tag}`, password: 'bench-password' }, Array.from({ length: 20 }, (_, k) => ({ skuId: `sku-refund-${k}`, title: `Bench fridge ${k}`, unitPrice })));
    const orders = await pooled(
      Array.from({ length: options.orders }, (_, i) => i),
      8,
      async (i) => {
        const buyer = buyers[i % buyers.length];
        const body = {
          merchantId: merchant.id,
          items: [{ skuId: `sku-refund-${i % 20}`, quantity: 1 }],
          consignee: { name: 'Bench Buyer', phone: '13812345678', address: { province: 'Guangdong', city: 'Shenzhen', county: 'Nanshan', detail: 'Science Park 2' } },
          paymentMethod: 'CREDIT',
          credit: { plan: 'INSTALLMENT', periods: 6 },
        };
        const order = await http.expect(201, 'place order', options.gatewayUrl, 'POST', '/orders', body, buyer.token);
        return { orderId: order.id, buyerId: buyer.buyerId, amount: unitPrice };
      },
    );
    const orderIds = orders.map((o) => o.orderId);
    await waitFor('the orders to reach WAITING_OUTBOUND', 60_000, async () => {
      const { rows } = await orderDb.query(`SELECT count(*)::int AS n FROM customer_order WHERE id = ANY($1::uuid[]) AND status = 'WAITING_OUTBOUND'`, [orderIds]);
      return rows[0].n === orders.length;
    });
    await publish(OrderShipped, orders.map((o, i) => ({ orderId: o.orderId, buyerId: o.buyerId, shipmentId: `bench-shipment-${i}`, shippedAmount: o.amount })));
    await waitFor('the loans to be booked', 60_000, async () => {
      const { rows } = await creditDb.query(`SELECT count(*)::int AS n FROM loan WHERE order_id = ANY($1::uuid[])`, [orderIds]);
      return rows[0].n === orders.length;
    });
    log(`(d) set-up: ${buyers.length} buyers, ${orders.length} CREDIT orders shipped and booked as loans in ${((now() - setupStarted) / 1000).toFixed(1)} s`);

    // ------------------------------------------------------------ probe & sampler
    let sequence = 0;
    const refundOf = (phase) => {
      const i = sequence++;
      const order = orders[i % orders.length];
      // Small partial refunds: REAMORTIZE spreads each over the loan's scheduled periods.
      return { phase, eventId: randomUUID(), payload: { refundId: `bench-${tag}-${phase}-${i}`, orderId: order.orderId, buyerId: order.buyerId, paymentMethod: 'CREDIT', amount: 100 + (i % 7) * 10, lines: [] }, publishAt: 0, ackedAt: 0, committedAt: 0, appliedAt: 0, status: null };
    };
    /** refund id → record, in publish order; a record leaves when the probe sees its row settled. */
    const pending = new Map();
    let probeIntervalMs = options.pollMs;
    let probeQueries = 0;
    loop(async () => {
      while (probing) {
        const started = now();
        if (pending.size > 0) {
          const ids = [];
          for (const id of pending.keys()) {
            if (ids.length >= 2_000) break; // the oldest: those at the head of every partition
            ids.push(id);
          }
          // Named (prepared once): planned on every tick it cost PostgreSQL ~0.1 ms 200 times a second.
          const { rows } = await creditDb.query({
            name: 'bench-refund-probe',
            text: `SELECT refund_id, status, extract(epoch FROM applied_at) * 1000 AS applied_ms FROM credit_refund WHERE refund_id = ANY($1::text[]) AND status <> 'PARKED'`,
            values: [ids],
          });
          probeQueries += 1;
          const seenAt = now();
          for (const row of rows) {
            const record = pending.get(row.refund_id);
            if (!record) continue;
            pending.delete(row.refund_id);
            record.status = row.status;
            record.committedAt = seenAt;
            record.appliedAt = row.applied_ms === null ? 0 : Number(row.applied_ms);
          }
        }
        const wait = probeIntervalMs - (now() - started);
        if (wait > 0) await sleep(wait);
      }
    });

    const sampler = { on: false, samples: 0, counts: {} };
    loop(async () => {
      while (probing) {
        if (sampler.on) {
          const { rows } = await samplerPool.query(
            `SELECT CASE WHEN state = 'active' AND wait_event_type = 'Lock' THEN 'lock wait'
                         WHEN state = 'active' AND wait_event_type IN ('IO', 'LWLock') THEN 'SQL (IO/LWLock: ' || wait_event || ')'
                         WHEN state = 'active' THEN 'SQL running'
                         WHEN state = 'idle in transaction' THEN 'idle in tx (Node between statements)'
                         ELSE NULL END AS what, count(*)::int AS n
               FROM pg_stat_activity WHERE datname = $1 AND application_name <> 'bench-probe' GROUP BY 1`,
            [creditDbName],
          );
          sampler.samples += 1;
          for (const row of rows) if (row.what) sampler.counts[row.what] = (sampler.counts[row.what] ?? 0) + row.n;
        }
        await sleep(25);
      }
    });
    const dbStats = async () => (await samplerPool.query(`SELECT xact_rollback::bigint AS rollbacks, deadlocks::bigint AS deadlocks FROM pg_stat_database WHERE datname = $1`, [creditDbName])).rows[0];
    const diagnose = async (fn) => {
      const before = await dbStats();
      const cpuBefore = cpuSnapshot();
      const machineBefore = machineCpu();
      const t0 = now();
      Object.assign(sampler, { on: true, samples: 0, counts: {} });
      const result = await fn();
      sampler.on = false;
      const wall = (now() - t0) / 1000;
      const cpuAfter = cpuSnapshot();
      const machineAfter = machineCpu();
      const after = await dbStats();
      const perSample = Object.fromEntries(Object.entries(sampler.counts).map(([k, v]) => [k, v / Math.max(1, sampler.samples)]));
      const cpuSeconds = cpuDelta(cpuBefore, cpuAfter); // processes that ended during the phase are missed
      const cpu = Object.fromEntries(Object.entries(cpuSeconds).map(([name, seconds]) => [name, seconds / wall]));
      const machineBusy = machineBefore && machineAfter ? (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total) : null;
      // The consumer's transactions: inbox rows of one transaction share processed_at (now() = transaction start).
      const records = result.records;
      delete result.records;
      const { rows: inbox } = await creditDb.query(`SELECT event_id::text AS event_id, extract(epoch FROM processed_at) * 1000 AS tx_ms FROM inbox_message WHERE event_id = ANY($1::uuid[])`, [records.map((r) => r.eventId)]);
      const txStart = new Map(inbox.map((row) => [row.event_id, Number(row.tx_ms)]));
      const txSizes = new Map();
      for (const ms of txStart.values()) txSizes.set(ms, (txSizes.get(ms) ?? 0) + 1);
      const applied = records.filter((r) => r.status === 'APPLIED' && txStart.has(r.eventId));
      const segments = {
        // publish → the consumer's transaction begins: Kafka delivery + waiting behind earlier batches of the partition
        toTxStartMs: summarize(applied.map((r) => txStart.get(r.eventId) - r.publishAt)),
        // transaction start → this refund's applied_at: earlier refunds of the batch, lock waits, this handler
        inTxMs: summarize(applied.map((r) => r.appliedAt - txStart.get(r.eventId))),
        // applied_at → seen committed: the rest of the batch, COMMIT, probe delay
        tailMs: summarize(applied.map((r) => r.committedAt - r.appliedAt)),
      };
      const sizes = [...txSizes.values()];
      return {
        ...result,
        segments,
        consumerTx: { count: sizes.length, avgRefunds: sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length), maxRefunds: Math.max(0, ...sizes), single: sizes.filter((n) => n === 1).length },
        cpu,
        cpuSeconds,
        machineBusy,
        db: { rollbacks: Number(after.rollbacks) - Number(before.rollbacks), deadlocks: Number(after.deadlocks) - Number(before.deadlocks), backends: perSample },
      };
    };

    async function send(records) {
      const at = now();
      for (const record of records) {
        record.publishAt = at;
        pending.set(record.payload.refundId, record);
      }
      await publish(RefundCompleted, records.map((r) => r.payload), records.map((r) => r.eventId));
      const acked = now();
      for (const record of records) record.ackedAt = acked;
    }

    async function settle(records, what) {
      await waitFor(what, options.drainTimeoutMs, async () => {
        if (loopError) throw loopError;
        return records.every((r) => r.committedAt);
      }, 20);
    }

    function figures(records) {
      const done = records.filter((r) => r.committedAt);
      const applied = done.filter((r) => r.status === 'APPLIED');
      const firstPublish = Math.min(...records.map((r) => r.publishAt));
      const lastCommit = Math.max(...done.map((r) => r.committedAt));
      const lastApplied = Math.max(...applied.map((r) => r.appliedAt));
      const statuses = {};
      for (const r of done) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      return {
        refunds: records.length,
        applied: applied.length,
        statuses,
        seconds: (lastCommit - firstPublish) / 1000,
        offsetsPerSecond: applied.length / ((lastCommit - firstPublish) / 1000),
        offsetsPerSecondByAppliedAt: applied.length / ((lastApplied - firstPublish) / 1000),
        committedMs: summarize(applied.map((r) => r.committedAt - r.publishAt)),
        appliedAtMs: summarize(applied.map((r) => r.appliedAt - r.publishAt)),
        publishAckMs: summarize(records.map((r) => r.ackedAt - r.publishAt)),
      };
    }

    // ------------------------------------------------------------ warm-up (not counted)
    const warm = orders.map(() => refundOf('w'));
    await send(warm);
    await settle(warm, 'the warm-up refunds');

    // ------------------------------------------------------------ saturation: one burst
    log(`(d) saturation: burst of ${options.burst} RefundCompleted over ${orders.length} orders / ${buyers.length} buyers`);
    probeIntervalMs = Math.max(options.pollMs, 20); // a burst keeps thousands pending: probe less often
    const saturation = await diagnose(async () => {
      const records = Array.from({ length: options.burst }, () => refundOf('s'));
      for (let i = 0; i < records.length; i += 500) await send(records.slice(i, i + 500));
      await settle(records, 'the burst to be applied');
      return { ...figures(records), records };
    });
    log(`(d) saturation: ${saturation.offsetsPerSecond.toFixed(1)} offsets/s; committed p50 ${saturation.committedMs.p50?.toFixed(0)} ms p99 ${saturation.committedMs.p99?.toFixed(0)} ms`);

    // ------------------------------------------------------------ paced: fixed arrival rate
    probeIntervalMs = options.pollMs;
    const rate = Math.max(1, saturation.offsetsPerSecond * options.pacedFraction);
    await sleep(1_000);
    log(`(d) paced: ${rate.toFixed(1)} refunds/s fixed arrival rate for ${options.seconds}s`);
    const paced = await diagnose(async () => {
      const records = [];
      const startedAt = now();
      const endAt = startedAt + options.seconds * 1000;
      const arrivals = arrivalSchedule({ startedAt, ratePerSecond: rate, endAt });
      let fired = 0;
      while (now() < endAt) {
        const due = arrivals.dueBy(now());
        if (due > fired) {
          const batch = Array.from({ length: due - fired }, () => refundOf('p'));
          fired = due;
          records.push(...batch);
          await send(batch); // what fell due during this send goes in the next one
        } else await sleep(arrivals.untilNext(fired, now()));
      }
      await settle(records, 'the paced refunds to be applied');
      return { ...figures(records), targetRate: rate, sends: records.length ? new Set(records.map((r) => r.publishAt)).size : 0, records };
    });
    log(`(d) paced: committed p50 ${paced.committedMs.p50?.toFixed(0)} ms p99 ${paced.committedMs.p99?.toFixed(0)} ms (applied_at p99 ${paced.appliedAtMs.p99?.toFixed(0)} ms)`);

    probing = false;
    await Promise.all(loops);
    const [{ refund_bytes: loanDocumentBytes }] = (await creditDb.query(`SELECT avg(pg_column_size(document))::int AS refund_bytes FROM loan WHERE order_id = ANY($1::uuid[])`, [orderIds])).rows;
    return { buyers: buyers.length, orders: orders.length, pollMs: options.pollMs, probeQueries, saturation, paced, loanDocumentBytes };
  } finally {
    probing = false;
    await Promise.all(loops);
    await producer.disconnect().catch(() => undefined);
    await orderDb.end().catch(() => undefined);
    await creditDb.end().catch(() => undefined);
    await samplerPool.end().catch(() => undefined);
    http.close();
  }
}
