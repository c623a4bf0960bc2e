// `npm test`: starts what the tests need (Kafka + PostgreSQL) unless KAFKA_BROKERS and
// POSTGRES_URL point at running ones, builds the services the end-to-end tests launch as
// processes, clears what earlier test runs left behind, then runs every Jest project.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ensureDebianPackages } from './system-packages.mjs';

const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function step(title) {
  process.stdout.write(`\n[test] ${title}\n`);
}

if (!process.env.KAFKA_BROKERS || !process.env.POSTGRES_URL) {
  step('starting Kafka + PostgreSQL (npm run infra:up)');
  execFileSync(process.execPath, ['tools/infra/infra.mjs', 'up'], { stdio: 'inherit' });
  process.env.KAFKA_BROKERS ||= '127.0.0.1:9092';
  process.env.POSTGRES_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
}

// Test-only: scrypt at N=2^14 instead of OWASP's 2^17 (same hash format, ~8x cheaper), since
// the suites create hundreds of accounts; production refuses a cost below 2^17 (GatewayConfig).
process.env.PASSWORD_SCRYPT_LOG2N ||= '14';

step('tools the tests drive (tools/test/system-packages.mjs)');
ensureDebianPackages();

step('building (tsc)');
execFileSync(npm, ['run', 'build', '--silent'], { stdio: 'inherit' });

step('removing databases and topics of earlier test runs');
const { Client } = require('pg');
const client = new Client({ connectionString: process.env.POSTGRES_URL });
await client.connect();
const stale = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE 'test\\_%'`);
for (const { datname } of stale.rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
await client.end();
const { Kafka, logLevel } = require('kafkajs');
const admin = new Kafka({ clientId: 'test-cleanup', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
await admin.connect();
const staleTopics = (await admin.listTopics()).filter((topic) => topic.startsWith('test.'));
if (staleTopics.length) await admin.deleteTopics({ topics: staleTopics, timeout: 30_000 }).catch((error) => console.warn(`[test] could not delete old topics: ${error.message}`));
const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith('test.'));
if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
await admin.disconnect();
console.log(`[test] removed ${stale.rowCount} database(s), ${staleTopics.length} topic(s)`);

// Secrets of this run, known to the log-hygiene step below, which fails the run if any log line holds one.
process.env.PERSONAL_DATA_KEY ||= randomBytes(24).toString('hex');
process.env.INTERNAL_API_TOKEN ||= randomBytes(24).toString('hex');
process.env.EXPORT_PASSWORD_KEY ||= randomBytes(24).toString('hex');
rmSync('tmp/test-logs', { recursive: true, force: true });

// Two Jest workers: a suite spends much of its time waiting on its own processes (services,
// PGlite, Chromium), so a second suite beside it uses the rest of the machine. Each worker moves
// its suites' ports (tests/support/worker-ports.ts); databases, topics and groups are per suite
// already. The suites that kill the Kafka broker would break every other suite's stack, so they
// run alone, one at a time, and first: restarted after every other suite, the broker has
// thousands of partitions to bring back, and one such run saw a consumer of broker-chaos not
// read its replay (docs/testing.md). Arguments (e.g. `--testPathPattern`) mean one run as asked.
const BROKER_KILLERS = '/tests/(broker-chaos|chaos-seeds)\\.e2e-spec\\.ts$';
const jest = (args) => spawnSync(process.execPath, ['node_modules/jest/bin/jest.js', '--forceExit', ...args], { stdio: 'inherit', env: process.env }).status;
let result;
if (process.argv.length > 2) {
  step('jest');
  result = jest(['--runInBand', ...process.argv.slice(2)]);
} else {
  step('jest: the suites that kill the broker, one at a time');
  const killers = jest(['--runInBand', '--selectProjects', 'integration', '--testPathPattern', BROKER_KILLERS]);
  step('jest: every other suite, two workers');
  const shared = jest(['--maxWorkers=2', '--testPathPattern', `^(?!.*${BROKER_KILLERS})`]);
  result = [killers, shared].find((status) => status !== 0) ?? 0;
}

// After every suite: the logs of the whole run hold no personal value or secret (docs/security.md).
step('log hygiene (tools/test/log-hygiene.mjs)');
const hygiene = spawnSync(process.execPath, ['tools/test/log-hygiene.mjs'], { stdio: 'inherit', env: process.env });
process.exit(result || hygiene.status || (result === null || hygiene.status === null ? 1 : 0));
