import { creditOrderSliceTests } from './support/credit-order-slice';
import { infrastructure, isolation } from './support/infrastructure';
const { startStack } = require('../tools/stack/stack.js');

jest.setTimeout(120_000);

describe('credit-order slice on the multi-process stack (real Kafka + PostgreSQL)', () => {
  let stack: { gatewayUrl: string; stop(): Promise<void> };

  beforeAll(async () => {
    stack = await startStack({ ...infrastructure(), ...isolation('slice'), basePort: 4100, logDir: 'tmp/test-logs/slice', env: { DATABASE_POOL_SIZE: '6', LOG_LEVEL: 'warn' } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  creditOrderSliceTests(() => stack.gatewayUrl);
});
