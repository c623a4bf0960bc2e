import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { creditOrderSliceTests } from './support/credit-order-slice';
import { GatewayClient, gatewayHealthy, operatorOf } from './support/gateway-client';
import { expectPortFree, waitUntil } from './support/infrastructure';

jest.setTimeout(300_000);

const PORT = 4200 + Number(process.env.TEST_PORT_SHIFT ?? 0);

/** `npm start` as a user runs it: one process, PGlite and the in-process bus, nothing else. */
function startPlatform(dataDir: string): ChildProcess {
  // Logged to a file like the stack suites, so the log-hygiene step reads it too.
  mkdirSync('tmp/test-logs/slice-embedded', { recursive: true });
  const log = openSync('tmp/test-logs/slice-embedded/platform.log', 'a');
  return spawn(process.execPath, ['-r', './tools/runtime/register-paths.js', 'dist/apps/platform/src/main.js'], {
    env: { ...process.env, PORT: String(PORT), ORDERLINE_DATA_DIR: dataDir, LOG_LEVEL: 'info', KAFKA_BROKERS: '', POSTGRES_URL: '' },
    stdio: ['ignore', log, log],
  });
}

async function stopPlatform(platform: ChildProcess): Promise<number | null> {
  if (platform.exitCode !== null) return platform.exitCode;
  const exited = new Promise<number | null>((resolve) => platform.once('exit', (code) => resolve(code)));
  platform.kill('SIGTERM');
  return exited;
}

const healthy = () => gatewayHealthy(`http://127.0.0.1:${PORT}`);

describe('credit-order slice on the embedded platform (PGlite + in-process bus)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'orderline-embedded-'));
  let platform: ChildProcess;

  beforeAll(async () => {
    await expectPortFree(PORT);
    platform = startPlatform(dataDir);
    await waitUntil(healthy, 'the embedded platform to answer /api/v1/health', 180_000, 250);
  });

  afterAll(async () => {
    if (platform) await stopPlatform(platform);
    rmSync(dataDir, { recursive: true, force: true });
  });

  creditOrderSliceTests(() => `http://127.0.0.1:${PORT}`);

  it('keeps its data in the data folder across a restart and stops cleanly', async () => {
    const gateway = new GatewayClient(`http://127.0.0.1:${PORT}`);
    const operator = await operatorOf(gateway);
    const created = await operator.request('POST', '/buyers', { username: 'persistent-buyer', password: 'buyer-password', name: '赵六', phone: '13700000000', creditLimit: 4_242 });
    expect(created.status).toBe(201);

    expect(await stopPlatform(platform)).toBe(0);
    platform = startPlatform(dataDir);
    await waitUntil(healthy, 'the restarted platform', 180_000, 250);

    const buyer = await gateway.login('persistent-buyer', 'buyer-password');
    expect(await buyer.expect(200, 'GET', '/credit/account')).toMatchObject({ limit: 4_242, available: 4_242 });
  });
});
