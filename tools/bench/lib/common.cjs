// Small helpers shared by the bench orchestrator (ESM) and its child processes (CommonJS,
// loaded with `node -r tools/runtime/register-paths.js` so `@orderline/*` resolves to dist/).
'use strict';
const { randomUUID } = require('node:crypto');

/** Integer / number from the environment, with a default. */
function envNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number (got "${raw}")`);
  return value;
}

/** Nearest-rank percentile of an unsorted array of numbers (null when empty). */
function percentile(values, p) {
  if (!values.length) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

function summarize(values) {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : null,
  };
}

/** A valid `OrderPlaced` payload (the platform's real contract): one line, ~550-byte envelope. */
function orderPlacedPayload(index = 0) {
  const lines = [];
  const count = 1;
  let goods = 0;
  for (let i = 0; i < count; i++) {
    const unitPrice = 1_990 + ((index * 7 + i * 13) % 50) * 100;
    const quantity = 1 + ((index + i) % 3);
    goods += unitPrice * quantity;
    lines.push({ lineId: randomUUID(), skuId: `sku-bench-${(index + i) % 1000}`, title: `Bench item ${(index + i) % 1000}`, unitPrice, quantity, lineTotal: unitPrice * quantity });
  }
  return {
    orderId: randomUUID(),
    merchantId: '11111111-1111-4111-8111-111111111111',
    buyerId: '22222222-2222-4222-8222-222222222222',
    paymentMethod: 'CREDIT',
    payable: goods,
    freight: 0,
    credit: { plan: 'INSTALLMENT', periods: 6 },
    lines,
  };
}

/** Server URL with another database name. */
function databaseUrl(serverUrl, name) {
  const url = new URL(serverUrl);
  url.pathname = '/' + name;
  return url.toString();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An open loop's arrivals at a fixed rate: arrival n (counted from 1) falls due `n / rate`
 * seconds after `startedAt`. `dueBy(at)` is how many have fallen due by `at`; `untilNext(arrivals,
 * at)` is how long to sleep until the one after `arrivals` falls due (at least 1 ms, never past
 * `endAt`), so the loop sleeps instead of waking every millisecond to look: a 1 ms loop costs ~43
 * ms of CPU a second on the 2-core machine the stack shares, ~0.8 ms per order at half load
 * (2026-12-06).
 */
function arrivalSchedule({ startedAt, ratePerSecond, endAt }) {
  return {
    dueBy: (at) => Math.floor(((at - startedAt) / 1000) * ratePerSecond),
    untilNext: (arrivals, at) => Math.max(1, Math.ceil(Math.min(startedAt + ((arrivals + 1) * 1000) / ratePerSecond, endAt) - at)),
  };
}

/** Child → parent result line (children also use IPC when forked). */
function emitResult(result) {
  if (process.send) process.send({ type: 'result', result });
  else process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

/** The load clients give up on a request that has sent nothing for this long. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A keep-alive JSON client of the gateway's REST API for the load parts (c) and (d):
 * request(baseUrl, method, path, body?, token?) → { status, body, text }.
 */
function createGatewayRequester({ maxSockets = 64 } = {}) {
  const http = require('node:http');
  // With a `timeout`, Node's agent retires an idle connection a second before the gateway's
  // announced Keep-Alive timeout; without one, a POST could go out on a connection the gateway
  // was closing just then and fail with ECONNRESET (seen once in (c)'s half load, 2026-12-06).
  const agent = new http.Agent({ keepAlive: true, maxSockets, timeout: REQUEST_TIMEOUT_MS });
  const request = (baseUrl, method, urlPath, body, token) => {
    const url = new URL('/api/v1' + urlPath, baseUrl);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = { accept: 'application/json' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (token) headers.authorization = `Bearer ${token}`;
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, body: json, text });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${urlPath}`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  };
  return { request, close: () => agent.destroy() };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pooled(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

/** Polls `check` until it returns something truthy; `part` names the bench part in the error. */
async function waitFor(part, what, timeoutMs, check, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${part} timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/**
 * The merchant prices its goods (domain.md §1.1a): signs in as the merchant's main account and
 * puts each SKU `{skuId, title, unitPrice}` in its catalog, listed, stock not tracked. Orders
 * then name SKUs and quantities only.
 */
async function putCatalog(request, baseUrl, merchant, skus) {
  const signIn = await request(baseUrl, 'POST', '/auth/token', { username: merchant.username, password: merchant.password });
  if (signIn.status !== 200) throw new Error(`merchant token: HTTP ${signIn.status} ${signIn.text.slice(0, 300)}`);
  await pooled(skus, 8, async (sku) => {
    const put = await request(baseUrl, 'PUT', `/merchant/catalog/skus/${encodeURIComponent(sku.skuId)}`, { title: sku.title, unitPrice: sku.unitPrice, listed: true }, signIn.body.accessToken);
    if (put.status !== 200) throw new Error(`catalog SKU ${sku.skuId}: HTTP ${put.status} ${put.text.slice(0, 300)}`);
  });
  return signIn.body.accessToken;
}

/**
 * How many events the stack's consumer groups (ids starting with `groupPrefix`) have yet to commit,
 * summed over every partition of every topic they read. A phase of the bench waits for 0 (with
 * `waitFor`) so that the groups off the measured path (after-sales, logistics, export, the gateway's
 * window) finish the phase's events inside the phase: otherwise their backlog runs into the next
 * phase, its CPU and its latencies. Offsets are committed every second, so it adds about that much.
 * @param {import('kafkajs').Admin} admin
 */
async function consumerLag(admin, groupPrefix) {
  const { groups } = await admin.listGroups();
  const ours = groups.map((group) => group.groupId).filter((id) => id.startsWith(groupPrefix));
  // The stack's topics share the groups' prefix; a group's offset is -1 on a topic it does not read.
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(groupPrefix));
  const ends = new Map();
  for (const topic of topics) ends.set(topic, new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)])));
  let lag = 0;
  for (const groupId of ours) {
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics })) {
      for (const { partition, offset } of partitions) if (Number(offset) >= 0) lag += Math.max(0, (ends.get(topic)?.get(partition) ?? 0) - Number(offset));
    }
  }
  return lag;
}

module.exports = { consumerLag, envNumber, percentile, summarize, orderPlacedPayload, databaseUrl, sleep, arrivalSchedule, emitResult, createGatewayRequester, pooled, waitFor, putCatalog };
