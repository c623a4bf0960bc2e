#!/usr/bin/env node
// Where a credit order's wait from placement to WAITING_OUTBOUND goes, hop by hop, read from the
// databases of a bench run kept with BENCH_KEEP_DATABASES=1 (tools/bench/README.md).
//
//   node tools/bench/hop-times.mjs [bench_<tag>_<pid>] [--seconds 20]
//
// Without a prefix it takes the newest kept run. It looks at the CREDIT orders placed in the last
// `--seconds` of the run (the half-load phase, (c)'s last) and prints p50/p90/p99/max of each hop
// and the slowest orders hop by hop. The times are the ones the stack writes anyway: the order's
// placement time, the outbox's `published_at` (the relay pass that sent the event began; the
// relay sets it with now() in the transaction that selected the rows), the inbox's `processed_at`
// (the consumer transaction that applied the event began) and the history row of the move.
import { createRequire } from 'node:module';
import pg from 'pg';

const { databaseUrl, summarize } = createRequire(import.meta.url)('./lib/common.cjs');

const POSTGRES_URL = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const args = process.argv.slice(2);
const secondsAt = args.indexOf('--seconds');
const seconds = secondsAt >= 0 ? Number(args[secondsAt + 1]) : 20;
if (!(seconds > 0)) throw new Error('--seconds takes a number of seconds');
const named = args.filter((arg, i) => !arg.startsWith('--') && (secondsAt < 0 || i !== secondsAt + 1));

async function query(database, sql, values = []) {
  const client = new pg.Client({ connectionString: databaseUrl(POSTGRES_URL, database) });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function newestPrefix() {
  const rows = await query('postgres', `SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_%\\_stack\\_order' ORDER BY oid DESC LIMIT 1`);
  if (!rows.length) throw new Error('no kept bench run (run the bench with BENCH_KEEP_DATABASES=1)');
  return rows[0].datname.replace(/_stack_order$/, '');
}

const prefix = named[0] ?? (await newestPrefix());
const orderDb = `${prefix}_stack_order`;
const creditDb = `${prefix}_stack_credit_billing`;

// Milliseconds since the epoch, so the two databases' rows join in JavaScript.
const ms = (column) => `(extract(epoch FROM ${column}) * 1000)::float8`;
const orders = await query(
  orderDb,
  `WITH last AS (SELECT max(created_at) AS at FROM customer_order WHERE payment_method = 'CREDIT')
   SELECT o.id, ${ms('o.created_at')} AS placed, ${ms('placed.published_at')} AS placed_sent, placed.event_id AS placed_event,
          ${ms('held.at')} AS held
   FROM last, customer_order o
   LEFT JOIN outbox_event placed ON placed.event_type = 'OrderPlaced' AND placed.message_key = o.id::text
   LEFT JOIN LATERAL (SELECT at FROM order_status_history h WHERE h.order_id = o.id AND h.to_status = 'WAITING_OUTBOUND' ORDER BY id LIMIT 1) held ON true
   WHERE o.payment_method = 'CREDIT' AND o.created_at > last.at - make_interval(secs => $1)`,
  [seconds],
);
const holdsAppliedAt = new Map(
  (await query(orderDb, `SELECT event_id, ${ms('processed_at')} AS at FROM inbox_message WHERE event_type = 'CreditHoldPlaced'`)).map((row) => [row.event_id, row.at]),
);
const placedAppliedAt = new Map(
  (await query(creditDb, `SELECT event_id, ${ms('processed_at')} AS at FROM inbox_message WHERE event_type = 'OrderPlaced'`)).map((row) => [row.event_id, row.at]),
);
const holdsByOrder = new Map(
  (await query(creditDb, `SELECT event_id, envelope::jsonb -> 'payload' ->> 'orderId' AS order_id, ${ms('published_at')} AS sent FROM outbox_event WHERE event_type = 'CreditHoldPlaced'`)).map((row) => [row.order_id, row]),
);

// Each order's times (ms since the epoch) in the order its wait passes them.
const STEPS = ['placed', 'OrderPlaced relay pass', 'credit-billing applies', 'CreditHoldPlaced relay pass', 'order service applies', 'moved (history time)'];
const HOPS = [...STEPS.slice(1).map((step, i) => `${STEPS[i]} → ${step}`), 'placed → moved'];
const timelines = orders.map((o) => {
  const hold = holdsByOrder.get(o.id);
  return [o.placed, o.placed_sent, placedAppliedAt.get(o.placed_event), hold?.sent, holdsAppliedAt.get(hold?.event_id), o.held];
});
const complete = timelines.filter((times) => times.every(Number.isFinite));
// Per order: each hop, then the whole wait (the last entry).
const waits = complete.map((times) => ({ placed: times[0], hops: [...times.slice(1).map((at, i) => at - times[i]), times.at(-1) - times[0]] }));

console.log(`${prefix}: ${orders.length} CREDIT orders placed in the last ${seconds} s of the run, ${complete.length} with every hop recorded`);
const width = Math.max(...HOPS.map((name) => name.length));
const f = (v) => v.toFixed(1).padStart(7);
HOPS.forEach((name, hop) => {
  const { count, p50, p90, p99, max } = summarize(waits.map(({ hops }) => hops[hop]));
  if (count) console.log(`${name.padEnd(width)}  p50 ${f(p50)}  p90 ${f(p90)}  p99 ${f(p99)}  max ${f(max)} ms`);
});
const slowest = [...waits].sort((a, b) => b.hops.at(-1) - a.hops.at(-1)).slice(0, 8);
console.log('\nslowest orders, ms per hop (in the order above):');
for (const { placed, hops } of slowest) console.log(`${new Date(placed).toISOString().slice(11, 23)}  ${hops.map((hop) => hop.toFixed(0).padStart(5)).join(' ')}`);
