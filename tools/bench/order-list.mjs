// (list) The merchant order list over 1M orders (issue 5: "indexes so a list over 1M orders
// answers in well under a second").
//
// Set-up: a merchant through the gateway, then BENCH_LIST_ORDERS orders of that merchant
// written straight into the order service's database with one INSERT … SELECT (statuses,
// payment methods, kinds, buyers, SKUs, buyer notes, promised shipping deadlines spread the way
// a busy shop's year looks), one line each, then VACUUM ANALYZE — what the table looks like
// after a year, not what an empty one does.
//
// Measured: GET /api/v1/merchant/orders through the gateway (auth, masking, the order service's
// query, counts per status, merged-shipment groups), BENCH_LIST_REPEATS times per filter
// combination, one request at a time; p50/p99 per combination. Target: p99 well under 1 s
// (we print against 300 ms).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { createGatewayRequester, summarize } = require('./lib/common.cjs');

const GENERATE = `
INSERT INTO customer_order (id, merchant_id, buyer_id, status, payment_method, credit_plan, credit_periods, goods_total, freight, payable, fulfilment, buyer_note,
                            consignee_name, consignee_phone, consignee_address, pause, specified_platform_delivery, special_attributes, kinds, promised_ship_by,
                            shipping_warned_at, shipping_timed_out_at, risk_flag, created_at, updated_at)
SELECT pg_temp.uuid4(md5('bench-order-' || g)), $1::uuid, pg_temp.uuid4(md5('bench-buyer-' || (g % 5000))),
       -- Only the newest orders are still unpaid (older ones would have expired).
       CASE WHEN g > $4::int - 500 THEN 'UNPAID' ELSE (ARRAY['COMPLETED','COMPLETED','COMPLETED','COMPLETED','COMPLETED','SHIPPED','DELIVERED','CANCELLED','WAITING_OUTBOUND','PAUSED'])[1 + g % 10] END,
       (ARRAY['ONLINE','ONLINE','CREDIT','COD'])[1 + (g / 3) % 4],
       CASE WHEN (g / 3) % 4 = 2 THEN 'INSTALLMENT' END, CASE WHEN (g / 3) % 4 = 2 THEN 6 END,
       10000 + g % 90000, 500, 10500 + g % 90000, 'JD_LOGISTICS',
       CASE WHEN g % 7 = 0 THEN 'please call before delivery' END,
       '王小明', '1380013' || lpad((g % 10000)::text, 4, '0'),
       jsonb_build_object('province', '广东省', 'city', '深圳市', 'county', '南山区', 'detail', '科技园 ' || (g % 2000) || ' 号'),
       CASE WHEN g <= $4::int - 500 AND 1 + g % 10 = 10 THEN jsonb_build_object('reason', 'OUT_OF_STOCK', 'pausedAt', now()) END,
       false,
       CASE WHEN g % 97 = 0 THEN '{"subscription":{"role":"CHILD"}}'::jsonb WHEN g % 89 = 0 THEN '{"crossBorder":{"bonded":true}}'::jsonb ELSE '{}'::jsonb END,
       CASE WHEN g % 97 = 0 THEN ARRAY['SUBSCRIPTION'] WHEN g % 89 = 0 THEN ARRAY['CROSS_BORDER'] ELSE '{}'::text[] END,
       now() - ((g % 365) || ' days')::interval + interval '48 hours',
       -- A year's warnings and time-outs were raised when they happened.
       CASE WHEN g % 365 >= 1 THEN now() - ((g % 365) || ' days')::interval + interval '24 hours' END,
       CASE WHEN g % 365 >= 2 THEN now() - ((g % 365) || ' days')::interval + interval '48 hours' END,
       g % 1000 = 0,
       -- One order every 31 s up to now (1M orders span the year the rest of the row assumes).
       now() - (($4::int - g) * interval '31 seconds'), now()
FROM generate_series($2::int, $3::int) g`;

const LINES = `
INSERT INTO order_line (id, order_id, position, sku_id, title, unit_price, quantity, line_total)
SELECT pg_temp.uuid4(md5('bench-line-' || g)), pg_temp.uuid4(md5('bench-order-' || g)), 0, 'sku-' || (g % 500), 'Bench item ' || (g % 500), 10000 + g % 90000, 1, 10000 + g % 90000
FROM generate_series($1::int, $2::int) g`;

// md5 → a version-4-shaped uuid (the API validates ids as UUIDs).
const UUID4 = `CREATE OR REPLACE FUNCTION pg_temp.uuid4(h text) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$ SELECT (substr(h, 1, 12) || '4' || substr(h, 14, 3) || '8' || substr(h, 18, 15))::uuid $$`;

export async function runOrderList({ gatewayUrl, orderDatabaseUrl, operator, orders, repeats, log }) {
  const { request, close } = createGatewayRequester({ maxSockets: 4 });
  const [operatorName, operatorPassword] = operator.split(':');
  const ok = async (promise, status, what) => {
    const response = await promise;
    if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${response.text.slice(0, 200)}`);
    return response.body;
  };
  try {
    const opToken = (await ok(request(gatewayUrl, 'POST', '/auth/token', { username: operatorName, password: operatorPassword }), 200, 'operator token')).accessToken;
    const tag = Date.now().toString(36);
    const merchant = await ok(request(gatewayUrl, 'POST', '/merchants', { name: `List bench ${tag}`, mainAccount: { username: `lb_${tag}`, password: 'bench-password', phone: '13900000000' } }, opToken), 201, 'merchant');
    const token = (await ok(request(gatewayUrl, 'POST', '/auth/token', { username: `lb_${tag}`, password: 'bench-password' }), 200, 'merchant token')).accessToken;

    const db = new Client({ connectionString: orderDatabaseUrl });
    await db.connect();
    await db.query(UUID4);
    const t0 = Date.now();
    const chunk = 250_000;
    for (let from = 1; from <= orders; from += chunk) {
      const to = Math.min(orders, from + chunk - 1);
      await db.query(GENERATE, [merchant.id, from, to, orders]);
      await db.query(LINES, [from, to]);
      log(`(list) ${to.toLocaleString('en-US')} / ${orders.toLocaleString('en-US')} orders written`);
    }
    await db.query('VACUUM ANALYZE customer_order');
    await db.query('VACUUM ANALYZE order_line');
    const loadSeconds = (Date.now() - t0) / 1000;
    // An order from the middle of the history (a fixed OFFSET 500000 found none below 500,001 orders).
    const sample = (await db.query(`SELECT id, buyer_id, created_at FROM customer_order WHERE merchant_id = $1 ORDER BY created_at DESC OFFSET $2 LIMIT 1`, [merchant.id, Math.floor(orders / 2)])).rows[0];
    await db.end();

    const day = new Date(sample.created_at.getTime() - 86_400_000).toISOString();
    const first = await ok(request(gatewayUrl, 'GET', '/merchant/orders?limit=20', undefined, token), 200, 'first page');
    let cursor = first.nextCursor;
    for (let page = 0; page < 50 && cursor; page++) cursor = (await ok(request(gatewayUrl, 'GET', `/merchant/orders?limit=100&cursor=${cursor}`, undefined, token), 200, 'paging')).nextCursor;
    const queries = [
      ['first page (20), counts per status', '/merchant/orders?limit=20'],
      ['status tab PAUSED', '/merchant/orders?status=PAUSED&limit=20'],
      ['payment method COD, tab WAITING_OUTBOUND', '/merchant/orders?status=WAITING_OUTBOUND&paymentMethod=COD&limit=20'],
      ['kind SUBSCRIPTION (1 %)', '/merchant/orders?kind=SUBSCRIPTION&limit=20'],
      ['one buyer', `/merchant/orders?buyerId=${sample.buyer_id}&limit=20`],
      ['one SKU (0.2 %)', '/merchant/orders?skuId=sku-123&limit=20'],
      ['one order id', `/merchant/orders?orderId=${sample.id}`],
      ['one day (time range)', `/merchant/orders?from=${encodeURIComponent(day)}&to=${encodeURIComponent(sample.created_at.toISOString())}&limit=20`],
      ['risk-flagged (0.1 %)', '/merchant/orders?riskFlag=true&limit=20'],
      ['shipping time-outs', '/merchant/orders?shippingDeadline=TIMED_OUT&limit=20'],
      ['page 51 by cursor (5,000 rows deep)', `/merchant/orders?limit=100&cursor=${cursor}`],
    ];
    const results = [];
    for (const [label, url] of queries) {
      await ok(request(gatewayUrl, 'GET', url, undefined, token), 200, label); // warm
      const times = [];
      for (let i = 0; i < repeats; i++) {
        const start = performance.now();
        await ok(request(gatewayUrl, 'GET', url, undefined, token), 200, label);
        times.push(performance.now() - start);
      }
      const stats = summarize(times);
      results.push({ label, ...stats });
      log(`(list) ${label}: p50 ${stats.p50.toFixed(1)} ms · p99 ${stats.p99.toFixed(1)} ms`);
    }
    // The same first page as the console renders it in a browser (issue 17: under 1 s).
    const { timeConsoleOrderList } = await import('./console-timing.mjs');
    const consoleFirstPage = await timeConsoleOrderList({ gatewayUrl, username: `lb_${tag}`, password: 'bench-password', repeats: Math.min(repeats * 2, 40), log });
    return { orders, loadSeconds, repeats, queries: results, consoleFirstPage };
  } finally {
    close();
  }
}
