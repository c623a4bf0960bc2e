import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { createBuyer, createMerchant, creditOrder, GatewayClient, gatewayHealthy, operatorOf, waitForStatus } from './support/gateway-client';
import { expectPortFree, infrastructure, isolation, waitUntil } from './support/infrastructure';
import { matching, parseExposition, Series, total } from './support/prometheus-text';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(300_000);

const SERVICES = ['order-service', 'logistics-service', 'after-sales-service', 'credit-billing-service', 'export-service'] as const;

/** The families docs/observability.md "Metrics" lists (the sampled ones have a series once the services run). */
const FAMILIES = [
  'orderline_http_requests_total',
  'orderline_http_request_duration_seconds_bucket',
  'orderline_outbox_backlog_rows',
  'orderline_outbox_oldest_unpublished_age_seconds',
  'orderline_outbox_parked_rows',
  'orderline_db_pool_connections',
  'orderline_metrics_source_up',
  'process_cpu_seconds_total',
  'nodejs_eventloop_lag_seconds',
];

async function scrape(url: string, token?: string): Promise<Series[]> {
  const response = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (response.status !== 200) throw new Error(`GET ${url}/metrics answered ${response.status}`);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

/** One credit order through the public API, to WAITING_OUTBOUND (credit-billing held the payable). */
async function placeOneCreditOrder(gatewayUrl: string): Promise<void> {
  const gateway = new GatewayClient(gatewayUrl);
  const operator = await operatorOf(gateway);
  const merchantId = await createMerchant(operator);
  const { client: buyer } = await createBuyer(gateway, operator, 10_000);
  const placed = await buyer.expect(201, 'POST', '/orders', await creditOrder(merchantId, 1_000));
  await waitForStatus(buyer, placed.id, 'WAITING_OUTBOUND', 60_000);
}

/** What one credit order moves: the gateway's POST /orders series, order-service's outbox and decision wait, credit-billing's inbox and lag. */
const MOVED = {
  httpPlaced: (s: Series[]) => total(s, 'orderline_http_requests_total', { service: 'gateway', method: 'POST', route: '/api/v1/orders', status: '201' }),
  orderLatency: (s: Series[]) => total(s, 'orderline_http_request_duration_seconds_count', { service: 'gateway', route: '/api/v1/orders' }),
  orderPublished: (s: Series[]) => total(s, 'orderline_outbox_published_total', { service: 'order-service', topic: 'orders.v1' }),
  holdsPublished: (s: Series[]) => total(s, 'orderline_outbox_published_total', { service: 'credit-billing-service', topic: 'credit.v1' }),
  placedApplied: (s: Series[]) => total(s, 'orderline_consumer_events_applied_total', { service: 'credit-billing-service', event_type: 'OrderPlaced' }),
  holdApplied: (s: Series[]) => total(s, 'orderline_consumer_events_applied_total', { service: 'order-service', event_type: 'CreditHoldPlaced' }),
  // The buyer's wait from placement to the credit decision, measured where the order was placed.
  decisionWait: (s: Series[]) => total(s, 'orderline_credit_decision_seconds_count', { service: 'order-service', decision: 'hold_placed' }),
};

function expectMoved(before: Series[], after: Series[]): void {
  for (const [name, read] of Object.entries(MOVED)) expect({ name, moved: read(after) > read(before) }).toEqual({ name, moved: true });
}

describe('metrics on the multi-process stack (real Kafka + PostgreSQL)', () => {
  const token = 'metrics-token-for-the-test-stack';
  let stack: { gatewayUrl: string; serviceUrl(app: string): string; stop(): Promise<void> };
  /** All series of every process, by service. */
  const scrapeAll = async () => Object.fromEntries(await Promise.all(['gateway', ...SERVICES].map(async (app) => [app, await scrape(stack.serviceUrl(app), token)] as const)));

  beforeAll(async () => {
    stack = await startStack({ ...infrastructure(), ...isolation('metrics'), basePort: 6300, logDir: 'tmp/test-logs/metrics', env: { DATABASE_POOL_SIZE: '4', LOG_LEVEL: 'warn', METRICS_TOKEN: token } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a scrape without the token on every process, the public gateway included', async () => {
    for (const app of ['gateway', ...SERVICES]) {
      const response = await fetch(`${stack.serviceUrl(app)}/metrics`);
      expect({ app, status: response.status }).toEqual({ app, status: 401 });
    }
  });

  it('moves the HTTP, outbox and consumer series of the services one credit order crosses', async () => {
    const before = await scrapeAll();
    const all = (by: Record<string, Series[]>) => Object.values(by).flat();
    await placeOneCreditOrder(stack.gatewayUrl);
    // The order is WAITING_OUTBOUND once order-service applied the hold; the counters follow
    // within a scrape, and credit-billing's committed offset within Kafka's commit interval.
    const after = await waitUntil(async () => {
      const now = await scrapeAll();
      return Object.values(MOVED).every((read) => read(all(now)) > read(all(before))) ? now : undefined;
    }, 'the order to move the gateway, outbox and consumer series', 60_000, 500);
    expectMoved(all(before), all(after));

    for (const app of ['gateway', ...SERVICES]) {
      for (const family of FAMILIES) expect({ app, family, present: matching(after[app], family, { service: app }).length > 0 }).toEqual({ app, family, present: true });
    }
    // Kafka lag: one series per partition of every topic credit-billing reads, back to 0 once it committed.
    const lag = await waitUntil(async () => {
      const series = matching(await scrape(stack.serviceUrl('credit-billing-service'), token), 'orderline_consumer_lag_messages', { service: 'credit-billing-service', topic: 'orders.v1' });
      return series.length > 0 && series.every((one) => one.value === 0) ? series : undefined;
    }, 'credit-billing to commit its orders.v1 offsets', 60_000, 500);
    expect(lag.map((one) => one.labels.partition).sort()).toEqual(['0', '1', '2']);
    expect(total(after['order-service'], 'orderline_outbox_parked_rows', { service: 'order-service' })).toBe(0);
  });
});

const EMBEDDED_PORT = 4270 + Number(process.env.TEST_PORT_SHIFT ?? 0);

function startPlatform(): ChildProcess {
  mkdirSync('tmp/test-logs/metrics', { recursive: true });
  const log = openSync('tmp/test-logs/metrics/platform.log', 'a');
  return spawn(process.execPath, ['-r', './tools/runtime/register-paths.js', 'dist/apps/platform/src/main.js', '--ephemeral'], {
    env: { ...process.env, PORT: String(EMBEDDED_PORT), LOG_LEVEL: 'warn', KAFKA_BROKERS: '', POSTGRES_URL: '', METRICS_TOKEN: '' },
    stdio: ['ignore', log, log],
  });
}

describe('metrics on the embedded platform (one process, one registry)', () => {
  const url = `http://127.0.0.1:${EMBEDDED_PORT}`;
  let platform: ChildProcess;

  beforeAll(async () => {
    await expectPortFree(EMBEDDED_PORT);
    platform = startPlatform();
    await waitUntil(() => gatewayHealthy(url), 'the embedded platform to answer /api/v1/health', 180_000, 250);
  });

  afterAll(async () => {
    if (!platform || platform.exitCode !== null) return;
    const exited = new Promise((resolve) => platform.once('exit', resolve));
    platform.kill('SIGTERM');
    await exited;
  });

  it('serves every service\'s series on the loopback port and moves them with one credit order', async () => {
    const before = await scrape(url);
    await placeOneCreditOrder(url);
    const after = await waitUntil(async () => {
      const now = await scrape(url);
      return Object.values(MOVED).every((read) => read(now) > read(before)) ? now : undefined;
    }, 'the order to move the series', 60_000, 250);
    expectMoved(before, after);
    for (const service of ['gateway', ...SERVICES]) {
      expect({ service, backlog: matching(after, 'orderline_outbox_backlog_rows', { service }).length }).toEqual({ service, backlog: 1 });
    }
    // The embedded bus's own positions: one series per partition, back to 0 once credit-billing read orders.v1 to the end.
    await waitUntil(async () => {
      const series = matching(await scrape(url), 'orderline_consumer_lag_messages', { service: 'credit-billing-service', topic: 'orders.v1' });
      return series.length > 0 && series.every((one) => one.value === 0);
    }, 'credit-billing to catch up with orders.v1', 60_000, 250);
    // Process metrics once, for the one process.
    expect(matching(after, 'process_cpu_seconds_total').map((one) => one.labels.service)).toEqual(['platform']);
  });
});
