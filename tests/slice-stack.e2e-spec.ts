import { creditOrderSliceTests } from './support/credit-order-slice';
import { infrastructure, isolation } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(120_000);

describe('credit-order slice on the multi-process stack (real Kafka + PostgreSQL)', () => {
  let stack: { gatewayUrl: string; serviceUrl(app: string): string; stop(): Promise<void> };

  beforeAll(async () => {
    stack = await startStack({ ...infrastructure(), ...isolation('slice'), basePort: 4100, logDir: 'tmp/test-logs/slice', env: { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'warn' } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  creditOrderSliceTests(() => stack.gatewayUrl);

  it('refuses calls that bypass the gateway', async () => {
    const forged = Buffer.from(JSON.stringify({ accountId: 'x', role: 'OPERATOR' })).toString('base64url');
    const response = await fetch(`${stack.serviceUrl('order-service')}/orders/00000000-0000-4000-8000-000000000000`, { headers: { 'x-orderline-principal': forged } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
    expect((await fetch(`${stack.serviceUrl('order-service')}/health`)).status).toBe(200);
  });
});
