import { spawnSync } from 'node:child_process';

jest.setTimeout(60_000);

function start(app: string, env: Record<string, string>): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['-r', './tools/runtime/register-paths.js', `dist/apps/${app}/src/main.js`], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('service configuration is checked at start', () => {
  it('stops a service whose variables are missing or bad, naming each one', () => {
    const { status, output } = start('order-service', { PORT: '70000', KAFKA_BROKERS: 'not a broker list' });
    expect(status).toBe(1);
    expect(output).toMatch(/DATABASE_URL is missing/);
    expect(output).toMatch(/KAFKA_BROKERS is invalid/);
    expect(output).toMatch(/PORT is invalid/);
    // The message is one JSON log line, like every other line the service writes.
    expect(() => JSON.parse(output.trim().split('\n')[0])).not.toThrow();
  });

  it('stops the gateway without a usable secret or operator', () => {
    const { status, output } = start('gateway', {
      PORT: '3999',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/never_used',
      KAFKA_BROKERS: '127.0.0.1:9092',
      JWT_SECRET: 'short',
      ORDER_SERVICE_URL: 'http://127.0.0.1:1',
      CREDIT_BILLING_SERVICE_URL: 'http://127.0.0.1:1',
      LOGISTICS_SERVICE_URL: 'http://127.0.0.1:1',
      AFTER_SALES_SERVICE_URL: 'http://127.0.0.1:1',
    });
    expect(status).toBe(1);
    expect(output).toMatch(/JWT_SECRET is invalid: JWT_SECRET must have at least 16 characters/);
    expect(output).toMatch(/BOOTSTRAP_OPERATOR is missing/);
    expect(output).toMatch(/EXPORT_SERVICE_URL is missing/);
  });
});
