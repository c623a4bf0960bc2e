import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryDatabase } from './support/databases';
import { createBuyer, GatewayClient, operatorOf } from './support/gateway-client';
import { expectPortFree, infrastructure, isolation, waitUntil } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

// Issue 16 items 3 and 4 (docs/observability.md): one access line per request with its fields
// and nothing personal; liveness apart from readiness; the gateway ready with a service down;
// `npm start`'s pretty mode printing one ready line.
jest.setTimeout(240_000);

const LOG_DIR = 'tmp/test-logs/access-logs-health';
const STACK_PORT = 6100;
const EMBEDDED_PORT = 6150 + Number(process.env.TEST_PORT_SHIFT ?? 0);

interface Stack {
  gatewayUrl: string;
  serviceUrl(app: string): string;
  databaseUrl(database: string): string;
  stopService(app: string): Promise<void>;
  stop(): Promise<void>;
}

function accessLines(app: string): Array<Record<string, any>> {
  const file = join(LOG_DIR, `${app}.log`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .filter((record) => record.context === 'access');
}

async function accessLine(app: string, correlationId: string): Promise<Record<string, any>> {
  return waitUntil(async () => accessLines(app).find((record) => record.correlationId === correlationId), `${app}'s access line for ${correlationId}`);
}

async function health(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.json() };
}

describe('access logs and health on the stack (real Kafka + PostgreSQL)', () => {
  let stack: Stack;
  let gateway: GatewayClient;
  let prefix: string;

  beforeAll(async () => {
    const names = isolation('logshealth');
    prefix = names.databasePrefix;
    stack = await startStack({ ...infrastructure(), ...names, basePort: STACK_PORT, logDir: LOG_DIR, env: { DATABASE_POOL_SIZE: '4', LOG_LEVEL: 'info' } });
    gateway = new GatewayClient(stack.gatewayUrl);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('writes one access line per request, at the gateway and at the service it called, with the principal and no personal data or secret', async () => {
    const operator = await operatorOf(gateway);
    const { client: buyer, buyerId } = await createBuyer(gateway, operator, 100_000);
    const [{ id: accountId }] = await queryDatabase(stack.databaseUrl('gateway'), 'SELECT id FROM account WHERE buyer_id = $1', [buyerId]);
    const token = (buyer as unknown as { token: string }).token;

    const read = await fetch(`${stack.gatewayUrl}/api/v1/credit/account`, { headers: { authorization: `Bearer ${token}`, 'x-correlation-id': 'logs-credit-1', cookie: 'session=cookie-value-1' } });
    expect(read.status).toBe(200);
    const atGateway = await accessLine('gateway', 'logs-credit-1');
    expect(atGateway).toMatchObject({ level: 'info', service: 'gateway', method: 'GET', route: '/api/v1/credit/account', status: 200, principal: { accountId, role: 'BUYER' } });
    expect(atGateway.latencyMs).toEqual(expect.any(Number));
    expect(atGateway.bytes).toBeGreaterThan(0);
    // The same request at the service: the gateway passed the correlation id and the caller on.
    const atService = await accessLine('credit-billing-service', 'logs-credit-1');
    expect(atService).toMatchObject({ service: 'credit-billing-service', method: 'GET', status: 200, principal: { accountId, role: 'BUYER' } });
    expect(atService.route).toMatch(/^\/[\w/:-]+$/);

    // Values in a path never reach the log: a route template, or `*` where no route matched.
    await fetch(`${stack.gatewayUrl}/api/v1/orders/13912345678`, { headers: { 'x-correlation-id': 'logs-path-1' } });
    await fetch(`${stack.gatewayUrl}/api/v1/nowhere/13912345679?phone=13912345670`, { headers: { 'x-correlation-id': 'logs-path-2' } });
    expect(await accessLine('gateway', 'logs-path-1')).toMatchObject({ route: '/api/v1/orders/:id', status: 401 });
    expect(await accessLine('gateway', 'logs-path-2')).toMatchObject({ route: '/api/v1/nowhere/*', status: 404 });

    const logs = ['gateway', 'credit-billing-service'].map((app) => readFileSync(join(LOG_DIR, `${app}.log`), 'utf8')).join('\n');
    for (const value of [token, 'cookie-value-1', '13912345678', '13912345679', '13912345670', '13800138000', 'buyer-password']) expect(logs).not.toContain(value);
    // Probes are logged at debug level only: they would drown the requests.
    await health(`${stack.gatewayUrl}/api/v1/health/live`);
    expect(accessLines('gateway').some((record) => String(record.route).includes('/health'))).toBe(false);
  });

  it('keeps a service live but not ready while its database refuses connections, and ready again after', async () => {
    const orderService = stack.serviceUrl('order-service');
    const database = `${prefix}_order`;
    const server = infrastructure().postgresUrl;
    expect((await health(`${orderService}/health/ready`)).status).toBe(200);
    try {
      await queryDatabase(server, `ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS false`);
      await queryDatabase(server, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database]);
      const down = await waitUntil(async () => {
        const answer = await health(`${orderService}/health/ready`);
        return answer.status === 503 ? answer : undefined;
      }, 'the order service to report itself not ready', 60_000, 250);
      expect(down.body).toMatchObject({ status: 'unavailable', service: 'order-service', checks: { database: 'down', consumer: 'up' } });
      expect(await health(`${orderService}/health/live`)).toEqual({ status: 200, body: { status: 'ok' } });
      // /health stays the readiness it always was (compose and older probes call it).
      expect((await health(`${orderService}/health`)).status).toBe(503);
      // The gateway stays ready and says which service is not.
      const atGateway = await health(`${stack.gatewayUrl}/api/v1/health/ready`);
      expect(atGateway).toMatchObject({ status: 200, body: { status: 'ok', checks: { database: 'up', eventBus: 'up', consumer: 'up' }, downstream: { 'order-service': 'down', 'credit-billing-service': 'up' } } });
    } finally {
      await queryDatabase(server, `ALTER DATABASE "${database}" WITH ALLOW_CONNECTIONS true`);
    }
    await waitUntil(async () => (await health(`${orderService}/health/ready`)).status === 200, 'the order service to be ready again', 60_000, 250);
  });

  it('keeps the gateway ready with a service stopped, and reports that service down', async () => {
    await stack.stopService('export-service');
    const answer = await health(`${stack.gatewayUrl}/api/v1/health/ready`);
    expect(answer).toMatchObject({ status: 200, body: { status: 'ok', service: 'gateway', downstream: { 'export-service': 'down', 'order-service': 'up' } } });
    expect(await health(`${stack.gatewayUrl}/api/v1/health`)).toMatchObject({ status: 200, body: { downstream: { 'export-service': 'down' } } });
    expect(await health(`${stack.gatewayUrl}/api/v1/health/live`)).toEqual({ status: 200, body: { status: 'ok' } });
  });
});

describe('npm start in pretty mode (not a terminal, LOG_FORMAT=pretty)', () => {
  let platform: ChildProcess;
  let output = '';

  afterAll(async () => {
    if (platform && platform.exitCode === null) {
      const exited = new Promise((resolve) => platform.once('exit', resolve));
      platform.kill('SIGTERM');
      await exited;
    }
  });

  it('prints one ready line with the URL, the docs and the operator account, and no start-up chatter before it', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(EMBEDDED_PORT), LOG_FORMAT: 'pretty', KAFKA_BROKERS: '', POSTGRES_URL: '' };
    delete env.LOG_LEVEL;
    delete env.BOOTSTRAP_OPERATOR;
    await expectPortFree(EMBEDDED_PORT);
    platform = spawn(process.execPath, ['-r', './tools/runtime/register-paths.js', 'dist/apps/platform/src/main.js', '--ephemeral'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    platform.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    platform.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const lines = await waitUntil(async () => {
      const all = output.split('\n');
      return all.some((line) => line.includes('Orderline ready on')) ? all : undefined;
    }, 'the ready line', 200_000, 250);
    const ready = lines.findIndex((line) => line.includes('Orderline ready on'));
    const origin = `http://127.0.0.1:${EMBEDDED_PORT}`;
    expect(lines[ready]).toContain(`${origin}/api/v1`);
    expect(lines[ready]).toContain(`API docs ${origin}/docs`);
    expect(lines[ready]).toContain('sign in as operator / operator-password');
    // Before it: at most a warning or an error of a busy start (no JSON, no info, no route mapping).
    const before = lines.slice(0, ready);
    expect(before.filter((line) => !/^\d\d:\d\d:\d\d (WARN |ERROR) /.test(line))).toEqual([]);

    // Afterwards requests show as readable access lines.
    await fetch(`${origin}/api/v1/orders/some-order`, { headers: { 'x-correlation-id': 'pretty-1' } });
    await waitUntil(async () => output.includes('gateway access: GET /api/v1/orders/:id 401') || undefined, 'a pretty access line', 30_000, 100);
  });
});
