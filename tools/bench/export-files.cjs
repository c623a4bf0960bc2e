// (e) Export files (issue 8): 1M read-model order rows exported through the export service's
// real pipeline (cursor → projection/masking → CSV/XLSX writer → AES-256 zip → file), in this
// process started with --max-old-space-size=512. Prints one JSON line on stdout.
//   BENCH_EXPORT_DATABASE_URL  a bench database (created and migrated here)
//   BENCH_EXPORT_ROWS          rows to generate (default 1,000,000)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { CreateMessagingTables1763900000000 } = require('@orderline/shared/messaging');
const { createServiceDataSource, openServiceDatabase } = require('@orderline/shared/persistence');
const { CreateExportSchema1763900002000, CopyRows, rowQuery, runExportPipeline } = require('@orderline/export/service');
const { BENCH_KEY, cpuDelta, cpuSnapshot } = require('./lib/cpu.cjs');

const url = process.env.BENCH_EXPORT_DATABASE_URL;
const rows = Number(process.env.BENCH_EXPORT_ROWS || 1_000_000);
const MERCHANT = '00000000-0000-4000-8000-00000000e001';
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);

async function main() {
  const dataSource = createServiceDataSource({ url, entities: [], migrations: [CreateMessagingTables1763900000000, CreateExportSchema1763900002000], poolSize: 2, applicationName: 'bench-export' });
  await openServiceDatabase(dataSource, url);
  const from = new Date('2026-03-01T00:00:00Z');
  const to = new Date('2026-03-31T00:00:00Z');
  await dataSource.query(`TRUNCATE export_order`);
  const t0 = performance.now();
  // Realistic rows: every column filled, consignee data to mask, some text a spreadsheet would run.
  await dataSource.query(
    `INSERT INTO export_order (order_id, merchant_id, buyer_id, status, payment_method, credit_plan, goods_total, freight, discount_total, payable, paid_amount, paid_at, placed_at, kinds,
       fulfilment, buyer_note, consignee_name, consignee_phone, province, city, county, town, address_detail, shipped_at, refunded_amount, updated_at)
     SELECT md5('o' || i)::uuid, $1, md5('b' || (i % 5000))::uuid, 'UNPAID', 'CREDIT', 'INSTALLMENT', 19900 + i % 1000, 800, i % 300, 20700 + i % 1000 - i % 300, NULL, NULL,
       $2::timestamptz + make_interval(secs => i * 2), CASE WHEN i % 10 = 0 THEN '{PRESALE}'::text[] ELSE '{}'::text[] END,
       'JD_LOGISTICS', CASE WHEN i % 100 = 0 THEN '=HYPERLINK("x")' ELSE 'please ring twice, thanks' END, '王小明' || (i % 100), '138' || lpad((i % 100000000)::text, 8, '0'),
       '广东省', '深圳市', '南山区', '粤海街道', '科技园 ' || i || ' 号, "A" 座', NULL, 0, $2::timestamptz
     FROM generate_series(1, $3) AS i`,
    [MERCHANT, from, rows],
  );
  await dataSource.query(`ANALYZE export_order`);
  const loadSeconds = (performance.now() - t0) / 1000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orderline-bench-export-'));
  const query = rowQuery({ type: 'UNPAID_ORDERS', merchantId: MERCHANT, from, to, filters: {} });

  async function pass(label, format, password) {
    const file = path.join(dir, `${label}.out`);
    const source = new CopyRows(url, query, 5_000);
    const cpuBefore = cpuSnapshot();
    const start = performance.now();
    const written = await runExportPipeline({
      type: 'UNPAID_ORDERS',
      consigneeMode: 'MASKED',
      format,
      password,
      baseName: 'bench',
      deflateLevel: Number(process.env.BENCH_EXPORT_DEFLATE_LEVEL || 1),
      modifiedAt: new Date(),
      rows: source,
      out: fs.createWriteStream(file, { highWaterMark: 1024 * 1024 }),
    });
    await source.close(true);
    const seconds = (performance.now() - start) / 1000;
    // This process is the pipeline (its own cpuUsage); PostgreSQL is every postgres process on the
    // machine. Kafka takes no part in an export, so it is left out.
    const used = cpuDelta(cpuBefore, cpuSnapshot());
    const cpuSeconds = { 'export pipeline': used[BENCH_KEY], postgres: used.postgres ?? 0 };
    const bytes = fs.statSync(file).size;
    fs.rmSync(file, { force: true });
    if (written !== rows) throw new Error(`${label}: ${written} rows written, ${rows} expected`);
    return { seconds, rowsPerSecond: rows / seconds, bytes, cpuSeconds };
  }

  const csv = await pass('csv', 'CSV');
  const csvZip = await pass('csv-aes', 'CSV', 'bench-password-1');
  const xlsx = await pass('xlsx', 'XLSX');
  fs.rmSync(dir, { recursive: true, force: true });
  await dataSource.destroy();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const maxRssKb = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ rows, loadSeconds, csv, csvZip, xlsx, zipOverhead: csvZip.seconds / csv.seconds, peakRssBytes: Math.max(peakRss, maxRssKb * 1024), heapLimitMb: 512 }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
