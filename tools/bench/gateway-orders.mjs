// (c) Credit orders through the gateway on the multi-process stack.
//
// Load: buyers POST /api/v1/orders (CREDIT, 6 installments). Each order then travels
// order-service outbox → Kafka → credit-billing (inbox, hold) → outbox → Kafka →
// order-service (inbox, UNPAID → WAITING_OUTBOUND).
//
// "held" is observed by a separate probe loop that reads the order-service database every
// BENCH_POLL_MS: the status-history rows written since its last tick (one range read by
// primary key), so observing costs the gateway nothing and PostgreSQL little; the figure
// therefore includes up to one poll interval of observation delay.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Pool } = require('pg');
const { createGatewayRequester, putCatalog, summarize, sleep, arrivalSchedule } = require('./lib/common.cjs');
const { measureCpu } = require('./lib/cpu.cjs');

const { request, close: closeRequester } = createGatewayRequester({ maxSockets: 512 });

async function expectStatus(promise, status, what) {
  const response = await promise;
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${response.text.slice(0, 500)}`);
  return response.body;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * @param {object} options
 * @param {string} options.gatewayUrl
 * @param {string} options.orderDatabaseUrl  order-service database (for the held probe)
 * @param {string} options.runId
 * @param {(line: string) => void} options.log
 */
export async function runGatewayOrders(options) {
  const { gatewayUrl, log } = options;
  const seconds = options.seconds;
  const concurrency = options.concurrency;
  const buyersCount = options.buyers;
  const pollMs = options.pollMs;
  const drainTimeoutMs = options.drainTimeoutMs ?? 60_000;
  /** Waits until every consumer group of the stack has caught up (lag 0; `consumerLag` in lib/common.cjs). */
  const caughtUp = async (phase) => {
    await options.caughtUp?.().catch((error) => log(`(c) ${phase}: ${error.message}`));
  };

  // ---------------------------------------------------------------- set-up
  const [operatorName, operatorPassword] = options.operator.split(/:(.*)/s);
  const operator = await expectStatus(request(gatewayUrl, 'POST', '/auth/token', { username: operatorName, password: operatorPassword }), 200, 'operator token');
  const opToken = operator.accessToken;
  const tag = options.runId.replace(/[^a-z0-9]/g, '').slice(-12);
  const merchant = await expectStatus(
    request(gatewayUrl, 'POST', '/merchants', { name: `Bench merchant ${tag}`, mainAccount: { username: `bm_${tag}`, password: 'bench-password', phone: '13900000000' } }, opToken),
    201,
    'create merchant',
  );
  const buyers = [];
  // scrypt makes account creation and sign-in deliberately slow: a few at a time.
  for (let i = 0; i < buyersCount; i += 4) {
    const group = [];
    for (let j = i; j < Math.min(buyersCount, i + 4); j++) {
      group.push(
        (async () => {
          const username = `bb_${tag}_${j}`;
          await expectStatus(
            request(gatewayUrl, 'POST', '/buyers', { username, password: 'bench-password', name: `Bench buyer ${j}`, phone: `1380000${String(j).padStart(4, '0')}`, creditLimit: 1_000_000_000_000 }, opToken),
            201,
            'create buyer',
          );
          const token = await expectStatus(request(gatewayUrl, 'POST', '/auth/token', { username, password: 'bench-password' }), 200, 'buyer token');
          return { username, token: token.accessToken };
        })(),
      );
    }
    buyers.push(...(await Promise.all(group)));
  }

  // 100 SKUs at 199.00-208.00, priced by the merchant (domain.md §1.1a).
  await putCatalog(request, gatewayUrl, { username: `bm_${tag}`, password: 'bench-password' }, Array.from({ length: 100 }, (_, k) => ({ skuId: `sku-bench-${k}`, title: `Bench kettle ${k}`, unitPrice: 19_900 + (k % 10) * 100 })));
  const orderBody = (i) => ({
    merchantId: merchant.id,
    items: [{ skuId: `sku-bench-${i % 100}`, quantity: 1 + (i % 3) }],
    consignee: { name: 'Bench Buyer', phone: '13812345678', address: { province: 'Guangdong', city: 'Shenzhen', county: 'Nanshan', detail: 'Science Park 1' } },
    paymentMethod: 'CREDIT',
    credit: { plan: 'INSTALLMENT', periods: 6 },
  });

  // ---------------------------------------------------------------- held probe
  // The probe's own session reads by index only: the history table is young and unanalysed, so
  // the planner took a sequential scan of all of it for a range of a row or two (65 pages a
  // call; 0.45 ms, 200 calls a second).
  const pool = new Pool({ connectionString: options.orderDatabaseUrl, max: 1, options: '-c enable_seqscan=off -c enable_bitmapscan=off' });
  /** id → record; records leave when the probe sees their order leave UNPAID. */
  const pending = new Map();
  /** Orders seen leaving UNPAID before their POST answered (id → the status they moved to); matched when it does. */
  const leftUnpaidEarly = new Map();
  let probing = true;
  let probeQueries = 0;
  let sweepQueries = 0;
  // The probe follows the order's status history by its bigserial id: each tick reads only the
  // rows written since the last one. It asked for every pending order by id before
  // (`id = ANY($1)`), which costs PostgreSQL one index descent per pending order per tick: with
  // a backlog of ~170 orders ~1 ms a call, 200 calls a second, more than the stack's own
  // statements in a pg_stat_statements run (2026-12-04) — and the dearer it got, the further
  // the hold path fell behind.
  //
  // Ids are taken when the row is inserted and seen when its transaction commits, so they can
  // appear out of order; `cursor` is the highest id below which every id has been seen. A gap
  // that stays open for GAP_WAIT_MS (a rolled-back transaction's id, never filled) is passed
  // over, and a slow sweep (`id = ANY`) of orders pending for SWEEP_AFTER_MS catches an order
  // whose row was passed over that way.
  const GAP_WAIT_MS = 1_000;
  const SWEEP_EVERY_MS = 500;
  const SWEEP_AFTER_MS = 2_000;
  const [{ top }] = (await pool.query('SELECT coalesce(max(id), 0)::bigint AS top FROM order_status_history')).rows;
  let cursor = BigInt(top);
  /** ids above the cursor already seen. */
  const seenAbove = new Set();
  let gapOpenSince = 0;
  let lastSweep = now();
  const leftUnpaid = (orderId, status, seenAt) => {
    const record = pending.get(orderId);
    if (!record) {
      leftUnpaidEarly.set(orderId, status);
      return;
    }
    pending.delete(orderId);
    record.status = status;
    record.heldAt = seenAt;
  };
  // With nothing pending the probe sleeps until an order is placed instead of ticking every
  // pollMs: the bench's own idle wake-ups would otherwise count in the stack's fixed cost.
  let wakeProbe = () => undefined;
  const probe = (async () => {
    while (probing) {
      if (pending.size === 0) await new Promise((resolve) => (wakeProbe = resolve));
      const started = now();
      const { rows } = await pool.query({
        name: 'bench-held-history',
        text: `SELECT id::text AS id, order_id::text AS order_id, from_status, to_status FROM order_status_history WHERE id > $1 ORDER BY id LIMIT 5000`,
        values: [cursor.toString()],
      });
      probeQueries += 1;
      const seenAt = now();
      for (const row of rows) {
        const id = BigInt(row.id);
        if (seenAbove.has(id)) continue;
        seenAbove.add(id);
        if (row.from_status === 'UNPAID') leftUnpaid(row.order_id, row.to_status, seenAt);
      }
      while (seenAbove.has(cursor + 1n)) seenAbove.delete(++cursor);
      if (seenAbove.size === 0) gapOpenSince = 0;
      else if (gapOpenSince === 0) gapOpenSince = seenAt;
      else if (seenAt - gapOpenSince > GAP_WAIT_MS) {
        // Passed over: the lowest missing id; what lies above it is walked as usual.
        cursor += 1n;
        while (seenAbove.has(cursor + 1n)) seenAbove.delete(++cursor);
        gapOpenSince = seenAbove.size === 0 ? 0 : seenAt;
      }
      if (seenAt - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = seenAt;
        const old = [...pending.values()].filter((record) => seenAt - record.respondedAt > SWEEP_AFTER_MS).map((record) => record.id);
        if (old.length > 0) {
          const swept = await pool.query({ name: 'bench-held-sweep', text: `SELECT id::text AS id, status FROM customer_order WHERE id = ANY($1::uuid[]) AND status <> 'UNPAID'`, values: [old] });
          sweepQueries += 1;
          for (const row of swept.rows) leftUnpaid(row.id, row.status, now());
        }
      }
      const wait = pollMs - (now() - started);
      if (wait > 0) await sleep(wait);
    }
  })();

  let counter = 0;
  async function placeOne(phase) {
    const buyer = buyers[counter % buyers.length];
    const i = counter++;
    const record = { phase, postAt: now(), respondedAt: 0, heldAt: 0, status: null, ok: false };
    try {
      const response = await request(gatewayUrl, 'POST', '/orders', orderBody(i), buyer.token);
      record.respondedAt = now();
      if (response.status === 201 && response.body?.id) {
        record.ok = true;
        record.id = response.body.id;
        if (response.body.status !== 'UNPAID') {
          record.status = response.body.status;
          record.heldAt = record.respondedAt;
        } else if (leftUnpaidEarly.has(record.id)) {
          // Held before its answer reached the bench: held as far as the bench can know, now.
          record.status = leftUnpaidEarly.get(record.id);
          record.heldAt = record.respondedAt;
          leftUnpaidEarly.delete(record.id);
        } else {
          pending.set(record.id, record);
          wakeProbe();
        }
      } else record.error = `HTTP ${response.status}`;
    } catch (error) {
      record.respondedAt = now();
      record.error = String(error.message || error);
    }
    return record;
  }

  async function drain(records) {
    const deadline = now() + drainTimeoutMs;
    while (records.some((r) => r.ok && !r.heldAt) && now() < deadline) await sleep(20);
  }

  function phaseFigures(records, startedAt, endedAt) {
    const ok = records.filter((r) => r.ok);
    const held = ok.filter((r) => r.heldAt && r.status === 'WAITING_OUTBOUND');
    const duration = (endedAt - startedAt) / 1000;
    const errors = {};
    for (const r of records.filter((r) => !r.ok)) errors[r.error] = (errors[r.error] ?? 0) + 1;
    // Held per second counted as the peer counts paid checkouts (../shared/peers/vendure/load.mjs):
    // every unit started in the window, over the time until the last of them finished. A Vendure
    // checkout finishes in its last call; an order here finishes when credit-billing's hold has
    // moved it to WAITING_OUTBOUND, which trails its POST by the hold path's queue. Counting only
    // the holds seen by the moment the last POST answered (`heldByWindowEndPerSecond`, the figure before)
    // leaves that queue out of the count but its time in, which the peer's count never does.
    const lastHeldAt = held.reduce((last, r) => Math.max(last, r.heldAt), endedAt);
    return {
      seconds: duration,
      attempted: records.length,
      placed: ok.length,
      placedPerSecond: ok.length / duration,
      heldPerSecond: held.length / ((lastHeldAt - startedAt) / 1000),
      heldSeconds: (lastHeldAt - startedAt) / 1000,
      heldByWindowEndPerSecond: held.filter((r) => r.heldAt <= endedAt).length / duration,
      held: held.length,
      notHeld: ok.length - held.length,
      otherStatus: ok.filter((r) => r.heldAt && r.status !== 'WAITING_OUTBOUND').length,
      errors,
      postMs: summarize(ok.map((r) => r.respondedAt - r.postAt)),
      placeToHeldMs: summarize(held.map((r) => r.heldAt - r.postAt)),
    };
  }

  async function closedLoop(phase, durationMs) {
    const records = [];
    const startedAt = now();
    const endAt = startedAt + durationMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (now() < endAt) records.push(await placeOne(phase));
      }),
    );
    return { records, startedAt, endedAt: now() };
  }

  async function openLoop(phase, ratePerSecond, durationMs, maxOutstanding = 400) {
    const records = [];
    const inFlight = new Set();
    let fired = 0;
    let skipped = 0;
    const startedAt = now();
    const endAt = startedAt + durationMs;
    const arrivals = arrivalSchedule({ startedAt, ratePerSecond, endAt });
    while (now() < endAt) {
      const due = arrivals.dueBy(now());
      while (fired < due) {
        fired += 1;
        if (inFlight.size >= maxOutstanding) {
          skipped += 1;
          continue;
        }
        const promise = placeOne(phase).then((record) => {
          records.push(record);
          inFlight.delete(promise);
        });
        inFlight.add(promise);
      }
      await sleep(arrivals.untilNext(fired, now()));
    }
    await Promise.all(inFlight);
    return { records, startedAt, endedAt: now(), skipped, scheduled: fired };
  }

  try {
    // Warm-up: JIT, connection pools, consumer groups; not counted.
    log(`(c) warm-up ${options.warmupSeconds}s at concurrency ${concurrency} (${buyers.length} buyers)`);
    const warm = await closedLoop('warmup', options.warmupSeconds * 1000);
    await drain(warm.records);
    await caughtUp('warm-up');

    // The stack's fixed cost: CPU spent with no order in flight (relay safety polls, consumer
    // fetch loops, heartbeats, timers). It is spread over fewer orders at half load.
    // The consumers have caught up with the warm-up; a short pause more lets what trails the last
    // commits (the relays' last passes, collections) finish before idle is counted.
    const idleSeconds = options.idleSeconds ?? 10;
    await sleep(3_000);
    log(`(c) idle: ${idleSeconds}s with no load`);
    const { cpuSeconds: idleCpu } = await measureCpu(() => sleep(idleSeconds * 1000));
    const idle = { seconds: idleSeconds, cpuSeconds: idleCpu };

    log(`(c) saturation: ${seconds}s closed loop, concurrency ${concurrency}`);
    // CPU is measured until the phase's orders are held (drain) and every consumer group has taken
    // the phase's events (caughtUp), so the asynchronous paths count in the phase that caused them.
    const { result: sat, cpuSeconds: satCpu, kernelSeconds: satKernel, offMainSeconds: satOffMain } = await measureCpu(async () => {
      const phase = await closedLoop('saturation', seconds * 1000);
      await drain(phase.records);
      await caughtUp('saturation');
      return phase;
    });
    const saturation = { ...phaseFigures(sat.records, sat.startedAt, sat.endedAt), cpuSeconds: satCpu, kernelSeconds: satKernel, offMainSeconds: satOffMain };
    log(
      `(c) saturation: ${saturation.placedPerSecond.toFixed(1)} placed/s, held p50 ${saturation.placeToHeldMs.p50?.toFixed(0)} ms p99 ${saturation.placeToHeldMs.p99?.toFixed(0)} ms`,
    );

    const rate = Math.max(1, saturation.placedPerSecond * options.halfLoadFraction);
    await sleep(1_000);
    log(`(c) half load: ${rate.toFixed(1)} orders/s fixed arrival rate for ${seconds}s`);
    const { result: half, cpuSeconds: halfCpu, kernelSeconds: halfKernel } = await measureCpu(async () => {
      const phase = await openLoop('half', rate, seconds * 1000);
      await drain(phase.records);
      await caughtUp('half load');
      return phase;
    });
    if (process.env.BENCH_DUMP_RECORDS) fs.writeFileSync(process.env.BENCH_DUMP_RECORDS, JSON.stringify(half.records));
    const halfLoad = { ...phaseFigures(half.records, half.startedAt, half.endedAt), targetRate: rate, scheduled: half.scheduled, skipped: half.skipped, cpuSeconds: halfCpu, kernelSeconds: halfKernel };
    log(`(c) half load: held p50 ${halfLoad.placeToHeldMs.p50?.toFixed(0)} ms p99 ${halfLoad.placeToHeldMs.p99?.toFixed(0)} ms`);

    return { buyers: buyers.length, concurrency, pollMs, probeQueries, sweepQueries, idle, saturation, halfLoad };
  } finally {
    probing = false;
    wakeProbe();
    await probe.catch(() => undefined);
    await pool.end().catch(() => undefined);
    closeRequester();
  }
}
