import { randomBytes } from 'node:crypto';

/** Set by tools/test/run-tests.mjs (which starts Kafka + PostgreSQL when they are not given). */
export function infrastructure(): { kafkaBrokers: string; postgresUrl: string } {
  const kafkaBrokers = process.env.KAFKA_BROKERS;
  const postgresUrl = process.env.POSTGRES_URL;
  if (!kafkaBrokers || !postgresUrl) {
    throw new Error('KAFKA_BROKERS and POSTGRES_URL are not set: run the tests with `npm test`, which starts Kafka and PostgreSQL itself');
  }
  return { kafkaBrokers, postgresUrl };
}

/** Names that keep one suite's databases, topics and groups apart from every other run. */
export function isolation(suite: string): { databasePrefix: string; topicPrefix: string } {
  const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  return { databasePrefix: `test_${run}_${suite}`, topicPrefix: `test.${run}.${suite}.` };
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = '/' + name;
  return url.toString();
}

export async function waitUntil<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}
