import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

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

/**
 * Fails when something already answers on `port`. A suite that starts its own process there would
 * otherwise pass its health wait against a stranger (e.g. an orphan platform of a run stopped by
 * hand) and test that instead, or fail later for reasons that point nowhere.
 */
export async function expectPortFree(port: number): Promise<void> {
  const answers = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(2_000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
  if (answers) throw new Error(`port ${port} is already in use by another process (an earlier run's platform? \`pgrep -af dist/apps\`): this suite would test that process instead of its own`);
}
