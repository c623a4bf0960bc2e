// (list, browser) The console's order list as a merchant sees it (issue 17: "the order list
// renders its first page in under 1 s on the 1M-order bench database"): Debian's Chromium
// (playwright-core) opens /orders signed in as the bench merchant, and the time is from
// navigation to the 20th row of the first page on screen — the page's script, the
// `GET /merchant/orders` call with its tab counts, and React + Ant Design rendering the table.
//
// The bench's gateway is the stack's (separate processes), which serves no pages: a small server
// here serves dist/console and passes /api/ to that gateway, as the compose `console` container does.
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { summarize } = require('./lib/common.cjs');

const CONSOLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-encoding', 'content-length', 'host']);

function consoleServer(gatewayUrl) {
  return createServer(async (request, response) => {
    try {
      if (request.url.startsWith('/api/')) {
        const chunks = [];
        for await (const chunk of request) chunks.push(chunk);
        const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
        const upstream = await fetch(new URL(request.url, gatewayUrl), { method: request.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
        response.writeHead(upstream.status, Object.fromEntries([...upstream.headers].filter(([name]) => !HOP_BY_HOP.has(name))));
        response.end(Buffer.from(await upstream.arrayBuffer()));
        return;
      }
      const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
      const file = join(CONSOLE_DIR, path);
      // History fallback: a page path answers index.html (as the embedded gateway's mountConsole does).
      const target = file.startsWith(CONSOLE_DIR) && extname(file) && existsSync(file) ? file : join(CONSOLE_DIR, 'index.html');
      // The caching the console's servers give (docker/console.nginx.conf, mountConsole): the
      // content-hashed files under /assets/ are kept, a page is asked again each time.
      const caching = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      response.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream', 'cache-control': caching });
      response.end(readFileSync(target));
    } catch (error) {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(String(error));
    }
  });
}

/** p50/p99 of the console's first order-list page, or undefined (with the reason logged) when no browser or build is there. */
export async function timeConsoleOrderList({ gatewayUrl, username, password, repeats, log }) {
  if (!existsSync(join(CONSOLE_DIR, 'index.html'))) return log('(list) console timing skipped: no dist/console (npm run build)');
  if (!existsSync(CHROMIUM)) return log(`(list) console timing skipped: no Chromium at ${CHROMIUM}`);
  const { chromium } = await import('playwright-core');
  const server = consoleServer(gatewayUrl);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  try {
    const context = await browser.newContext({ baseURL: origin, viewport: { width: 1600, height: 1000 } });
    // The browser's own clock as well: the page notes when the 20th row is in the document and
    // the frame after it has been presented (next animation frame, then a task), from the
    // navigation's start, without the harness's round trips and polling in the figure.
    await context.addInitScript(() => {
      const rows = new MutationObserver(() => {
        if (document.querySelectorAll('[data-testid="order-link"]').length < 20) return;
        rows.disconnect();
        requestAnimationFrame(() => setTimeout(() => (window.__rowsPainted = performance.now()), 0));
      });
      document.addEventListener('DOMContentLoaded', () => rows.observe(document.body, { childList: true, subtree: true }));
    });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto('/');
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: /登\s*录/ }).click();
    const lastRow = page.getByTestId('order-link').nth(19);
    await lastRow.waitFor(); // warm: the script is cached, the session signed in
    // Where a slow page spends its time: each API call's duration as the browser saw it.
    const apiCalls = new Map();
    let timing = false;
    page.on('requestfinished', (request) => {
      const url = new URL(request.url());
      if (!timing || !url.pathname.startsWith('/api/')) return;
      const key = `${request.method()} ${url.pathname}`;
      apiCalls.set(key, [...(apiCalls.get(key) ?? []), request.timing().responseEnd]);
    });
    const times = [];
    const painted = [];
    const listCalls = []; // per load, when BENCH_DEBUG_LIST: the list call's start and end in the page's clock
    timing = true;
    for (let i = 0; i < repeats; i++) {
      const start = performance.now();
      await page.goto('/orders');
      await lastRow.waitFor();
      times.push(performance.now() - start);
      painted.push(await (await page.waitForFunction(() => window.__rowsPainted)).jsonValue());
      if (process.env.BENCH_DEBUG_LIST) {
        listCalls.push(
          await page.evaluate(() => {
            const entry = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/v1/merchant/orders'));
            return entry ? [entry.startTime, entry.responseEnd] : [];
          }),
        );
      }
    }
    timing = false;
    const stats = summarize(times);
    const paintStats = summarize(painted);
    const calls = [...apiCalls].map(([call, durations]) => ({ call, ...summarize(durations) })).sort((a, b) => b.p50 - a.p50);
    if (process.env.BENCH_DEBUG_LIST) {
      log(`(list) console loads in order, list call start–end–painted (page clock): ${listCalls.map((call, i) => [...call, painted[i]].map((v) => v.toFixed(0)).join('–')).join(' ')}`);
      log(`(list) console loads, page clock sorted: ${[...painted].sort((a, b) => a - b).map((v) => v.toFixed(0)).join(' ')}; list call sorted: ${(apiCalls.get('GET /api/v1/merchant/orders') ?? []).sort((a, b) => a - b).map((v) => v.toFixed(0)).join(' ')}`);
    }
    log(`(list) console first page in Chromium: p50 ${stats.p50.toFixed(1)} ms · p99 ${stats.p99.toFixed(1)} ms as the harness waited for the 20th row; painted in the page's own clock (from navigation start) p50 ${paintStats.p50.toFixed(1)} ms · p99 ${paintStats.p99.toFixed(1)} ms; its API calls (p50/p99): ${calls.map((c) => `${c.call} ${c.p50.toFixed(0)}/${c.p99.toFixed(0)} ms`).join(', ')}`);
    return { ...stats, painted: paintStats, apiCalls: calls };
  } finally {
    await browser.close();
    server.close();
  }
}
