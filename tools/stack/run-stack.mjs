// `npm run stack`: every service as its own process on the Kafka + PostgreSQL of the
// environment (KAFKA_BROKERS, POSTGRES_URL), starting local infrastructure when unset.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { startStack } = require('./stack.js');

if (!process.env.KAFKA_BROKERS || !process.env.POSTGRES_URL) {
  execFileSync(process.execPath, ['tools/infra/infra.mjs', 'up'], { stdio: 'inherit' });
}
const stack = await startStack({
  kafkaBrokers: process.env.KAFKA_BROKERS || '127.0.0.1:9092',
  postgresUrl: process.env.POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
  basePort: Number(process.env.PORT || 3000),
});
console.log(`Orderline stack is up: ${stack.gatewayUrl}/api/v1 (OpenAPI at ${stack.gatewayUrl}/docs). Ctrl-C stops it.`);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  });
}
