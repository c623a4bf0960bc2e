// (e) After-sales refund → offset visible in `GET /credit/loans` (issue 7, "Benchmark").
//
// Set-up through the gateway (plus the logistics event, as tests/support/after-sales-steps.ts
// ships): a merchant, BENCH_AS_BUYERS buyers, CREDIT orders of BENCH_AS_LINES lines each,
// shipped by publishing `ShipmentDispatched` (the order service ships them and credit-billing
// books the loans); then, for every line, a return-and-refund request taken to
// RETURN_IN_TRANSIT (apply → approve → return waybill), so that one call remains.
//
// Measured, at a fixed arrival rate of BENCH_AS_RATE returns/s for BENCH_AS_SECONDS: the
// merchant's `POST /merchant/after-sales/{id}/confirm-receipt` (after-sales grants the refund
// and writes `RefundCompleted` to its outbox in that transaction) → the moment the buyer's
// `GET /credit/loans?orderId=` first shows the loan's refundedPrincipal including it (polled
// every BENCH_AS_POLL_MS, one request per order with refunds pending). Reported from the call's start ("end to end",
// including the after-sales transaction) and from its answer ("RefundCompleted → visible").
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Pool } = require('pg');
const { Kafka, logLevel } = require('kafkajs');
const { createGatewayRequester, pooled, putCatalog, summarize, sleep, waitFor: waitForPart } = require('./lib/common.cjs');

const waitFor = (what, timeoutMs, check, intervalMs = 100) => waitForPart('(e)', what, timeoutMs, check, intervalMs);

const now = () => performance.timeOrigin + performance.now();



/**
 * @param {object} options
 * @param {string} options.root, options.gatewayUrl, options.orderDatabaseUrl, options.afterSalesDatabaseUrl, options.creditDatabaseUrl
 * @param {string} options.kafkaBrokers, options.topicPrefix, options.operator, options.runId
 * @param {number} options.buyers, options.lines, options.rate, options.seconds, options.pollMs
 * @param {(line: string) => void} options.log
 */
export async function runAfterSalesRefunds(options) {
  const { log } = options;
  require(path.join(options.root, 'tools/runtime/register-paths.js'));
  require('reflect-metadata');
  const { buildEnvelope, ShipmentDispatched } = require('@orderline/shared/contracts');

  const { request, close } = createGatewayRequester({ maxSockets: 64 });
  const call = async (status, what, method, urlPath, body, token) => {
    const response = await request(options.gatewayUrl, method, urlPath, body, token);
    if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
    return response.body;
  };
  const orderDb = new Pool({ connectionString: options.orderDatabaseUrl, max: 1 });
  const afterSalesDb = new Pool({ connectionString: options.afterSalesDatabaseUrl, max: 1 });
  const creditDb = new Pool({ connectionString: options.creditDatabaseUrl, max: 1 });
  const producer = new Kafka({ clientId: 'bench-after-sales', brokers: options.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();

  try {
    const setupStarted = now();
    const total = Math.ceil(options.rate * options.seconds);
    const ordersNeeded = Math.ceil(total / options.lines);
    const [operatorName, operatorPassword] = options.operator.split(/:(.*)/s);
    const op = (await call(200, 'operator token', 'POST', '/auth/token', { username: operatorName, password: operatorPassword })).accessToken;
    const tag = options.runId.replace(/[^a-z0-9]/g, '').slice(-10);
    const merchant = await call(201, 'create merchant', 'POST', '/merchants', { name: `Bench after-sales ${tag}`, mainAccount: { username: `asm_${tag}`, password: 'bench-password', phone: '13900000002' } }, op);
    const shop = await putCatalog(request, options.gatewayUrl, { username: `asm_${tag}`, password: 'bench-password' }, Array.from({ length: options.lines }, (_, l) => ({ skuId: `sku-${l}`, title: `Bench item ${l}`, unitPrice: 10_000 + l })));
    const buyers = await pooled(
      Array.from({ length: options.buyers }, (_, j) => j),
      4,
      async (j) => {
        const username = `asb_${tag}_${j}`;
        await call(201, 'create buyer', 'POST', '/buyers', { username, password: 'bench-password', name: `Bench buyer ${j}`, phone: `1360000${String(j).padStart(4, '0')}`, creditLimit: 1_000_000_000_000 }, op);
        return (await call(200, 'buyer token', 'POST', '/auth/token', { username, password: 'bench-password' })).accessToken;
      },
    );
    const orders = await pooled(
      Array.from({ length: ordersNeeded }, (_, i) => i),
      8,
      async (i) => {
        const token = buyers[i % buyers.length];
        const body = {
          merchantId: merchant.id,
          items: Array.from({ length: options.lines }, (_, l) => ({ skuId: `sku-${l}`, quantity: 1 })),
          consignee: { name: 'Bench Buyer', phone: '13812345678', address: { province: 'Guangdong', city: 'Shenzhen', county: 'Nanshan', detail: 'Science Park 3' } },
          paymentMethod: 'CREDIT',
          credit: { plan: 'INSTALLMENT', periods: 6 },
        };
        const order = await call(201, 'place order', 'POST', '/orders', body, token);
        return { id: order.id, token, lineIds: order.lines.map((l) => l.id) };
      },
    );
    const ids = orders.map((o) => o.id);
    await waitFor('the orders to be held', 120_000, async () => (await orderDb.query(`SELECT count(*)::int AS n FROM customer_order WHERE id = ANY($1::uuid[]) AND status = 'WAITING_OUTBOUND'`, [ids])).rows[0].n === ids.length);
    const at = new Date();
    await producer.send({
      topic: options.topicPrefix + ShipmentDispatched.topic,
      acks: -1,
      messages: orders.map((o, i) => {
        const payload = { shipmentId: `bench-as-${i}`, orderId: o.id, carrier: 'SF', waybillNo: `SFBENCH${i}` };
        return { key: o.id, value: JSON.stringify(buildEnvelope({ type: ShipmentDispatched.type, version: ShipmentDispatched.version, producer: 'bench', aggregateId: o.id, payload, occurredAt: at })) };
      }),
    });
    await waitFor('after-sales to see the shipments', 120_000, async () => (await afterSalesDb.query(`SELECT count(*)::int AS n FROM as_order WHERE order_id = ANY($1::uuid[]) AND status = 'SHIPPED'`, [ids])).rows[0].n === ids.length);
    await waitFor('the loans', 120_000, async () => (await creditDb.query(`SELECT count(*)::int AS n FROM loan WHERE order_id = ANY($1::uuid[])`, [ids])).rows[0].n === ids.length);
    // Round-robin over the orders (line 1 of every order, then line 2, …): consecutive returns hit different orders and loans.
    const returns = Array.from({ length: options.lines }, (_, l) => orders.map((o) => ({ order: o, lineId: o.lineIds[l] }))).flat().slice(0, total);
    await pooled(returns, 8, async (r) => {
      const applied = await call(201, 'apply', 'POST', '/after-sales', { orderId: r.order.id, type: 'RETURN_AND_REFUND', lines: [{ lineId: r.lineId, quantity: 1 }], reason: 'DEFECTIVE' }, r.order.token);
      await call(200, 'approve', 'POST', `/merchant/after-sales/${applied.id}/approve`, {}, shop);
      await call(200, 'return shipment', 'POST', `/after-sales/${applied.id}/return-shipment`, { carrier: 'SF', waybillNo: `SFR${randomUUID().slice(0, 8)}` }, r.order.token);
      r.id = applied.id;
    });
    log(`(e) set-up: ${buyers.length} buyers, ${orders.length} orders × ${options.lines} lines shipped and booked, ${returns.length} returns in transit, in ${((now() - setupStarted) / 1000).toFixed(1)} s`);

    // Refunds of one order are offset in order; the expected refundedPrincipal of each return is
    // the sum of that order's refunds up to and including it, in the order they were confirmed.
    // The probe reads credit_refund (cheap, indexed) every BENCH_AS_POLL_MS for the refunds still
    // pending; once a refund is APPLIED there it asks GET /credit/loans, and the refund counts as
    // visible when that answer shows it. Polling the gateway for every pending refund instead
    // would make the probe the load being measured.
    const refundedSoFar = new Map();
    const pending = new Map(); // refund id → { orderId, token, expected, t0, t1, applied }
    const endToEnd = [];
    const fromAnswer = [];
    const confirmMs = [];
    const errors = {};
    const visibleAt = new Map();
    let probing = true;
    const probe = (async () => {
      while (probing || pending.size > 0) {
        const waiting = [...pending.entries()].filter(([, w]) => !w.applied).map(([id]) => id);
        if (waiting.length) {
          const { rows } = await creditDb.query(`SELECT refund_id FROM credit_refund WHERE refund_id = ANY($1::text[]) AND status = 'APPLIED'`, [waiting]);
          for (const row of rows) pending.get(row.refund_id).applied = true;
        }
        await Promise.all(
          [...pending.entries()]
            .filter(([, w]) => w.applied)
            .map(async ([id, w]) => {
              const loans = await request(options.gatewayUrl, 'GET', `/credit/loans?orderId=${w.orderId}`, undefined, w.token);
              const seen = now();
              if (loans.status === 200 && (loans.body[0]?.refundedPrincipal ?? 0) >= w.expected) {
                visibleAt.set(id, seen);
                endToEnd.push(seen - w.t0);
                fromAnswer.push(seen - w.t1);
                pending.delete(id);
              }
            }),
        );
        for (const [id, w] of pending) {
          if (now() - w.t0 > 60_000) {
            errors.timeout = (errors.timeout ?? 0) + 1;
            pending.delete(id);
          }
        }
        await sleep(options.pollMs);
      }
    })();
    const intervalMs = 1000 / options.rate;
    const started = now();
    await Promise.all(
      returns.map(async (r, i) => {
        const due = started + i * intervalMs;
        const wait = due - now();
        if (wait > 0) await sleep(wait);
        const t0 = now();
        const answer = await request(options.gatewayUrl, 'POST', `/merchant/after-sales/${r.id}/confirm-receipt`, {}, shop);
        const t1 = now();
        if (answer.status !== 200) {
          errors[answer.status] = (errors[answer.status] ?? 0) + 1;
          return;
        }
        confirmMs.push(t1 - t0);
        const expected = (refundedSoFar.get(r.order.id) ?? 0) + answer.body.refund.amount;
        refundedSoFar.set(r.order.id, expected);
        pending.set(answer.body.refund.id, { orderId: r.order.id, token: r.order.token, expected, t0, t1, applied: false });
      }),
    );
    probing = false;
    await probe;
    const wallSeconds = (now() - started) / 1000;
    // Where the time went, from the databases' own timestamps (one machine, one clock).
    const seenIds = [...visibleAt.keys()];
    const outbox = (await afterSalesDb.query(
      `SELECT envelope::jsonb -> 'payload' ->> 'refundId' AS refund_id, event_id, extract(epoch FROM created_at) * 1000 AS written, extract(epoch FROM published_at) * 1000 AS published
         FROM outbox_event WHERE event_type = 'RefundCompleted' AND envelope::jsonb -> 'payload' ->> 'refundId' = ANY($1::text[])`,
      [seenIds],
    )).rows;
    const inbox = new Map((await creditDb.query(`SELECT event_id, extract(epoch FROM processed_at) * 1000 AS started FROM inbox_message WHERE event_id = ANY($1::uuid[])`, [outbox.map((o) => o.event_id)])).rows.map((r) => [r.event_id, Number(r.started)]));
    const applied = new Map((await creditDb.query(`SELECT refund_id, extract(epoch FROM applied_at) * 1000 AS applied FROM credit_refund WHERE refund_id = ANY($1::text[])`, [seenIds])).rows.map((r) => [r.refund_id, Number(r.applied)]));
    const segments = { relayMs: [], deliveryMs: [], handlerMs: [], readMs: [] };
    for (const o of outbox) {
      const started = inbox.get(o.event_id);
      const done = applied.get(o.refund_id);
      if (started === undefined || done === undefined || o.published === null) continue;
      segments.relayMs.push(Number(o.published) - Number(o.written));
      segments.deliveryMs.push(started - Number(o.published));
      segments.handlerMs.push(done - started);
      segments.readMs.push(visibleAt.get(o.refund_id) - done);
    }
    return {
      segments: Object.fromEntries(Object.entries(segments).map(([k, v]) => [k, summarize(v)])),
      returns: returns.length,
      targetRate: options.rate,
      achievedRate: returns.length / wallSeconds,
      pollMs: options.pollMs,
      confirmMs: summarize(confirmMs),
      endToEndMs: summarize(endToEnd),
      visibleMs: summarize(fromAnswer),
      errors,
    };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await Promise.all([orderDb.end(), afterSalesDb.end(), creditDb.end()]);
    close();
  }
}
