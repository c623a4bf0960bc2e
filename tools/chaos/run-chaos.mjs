#!/usr/bin/env node
// `npm run chaos`: the seeded fault loop (issue 13 item 6, docs/chaos.md).
//
//   npm run chaos                              seeds 1..20
//   npm run chaos -- --seed 1234               one seed (what a failing seed prints)
//   npm run chaos -- --seeds 100..150 --minutes 30   (no seed starts after 30 minutes)
//   npm run chaos -- --minutes 60                    (seeds 1, 2, 3 … for an hour)
//   options: --steps S (commands per seed), --faults F (SIGKILLs per seed)
//
// Starts Kafka + PostgreSQL like `npm test` when KAFKA_BROKERS / POSTGRES_URL are not set,
// builds, runs every seed on one multi-process stack (own databases chaos_<run>_* and topics
// chaos.<run>.*, removed when every seed passed) and exits 1 if any seed violated an invariant.
// The broker is killed only when it is the one tools/infra started (see tools/chaos/broker.js).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function parseArguments(argv) {
  const options = { size: {} };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const number = () => {
      if (!/^\d+$/.test(value ?? '')) throw new Error(`${flag} needs a whole number`);
      i++;
      return Number(value);
    };
    if (flag === '--seed') options.seeds = [number()];
    else if (flag === '--seeds') {
      const match = /^(\d+)\.\.(\d+)$/.exec(value ?? '');
      if (!match || Number(match[2]) < Number(match[1])) throw new Error('--seeds needs A..B (A ≤ B)');
      options.seeds = Array.from({ length: Number(match[2]) - Number(match[1]) + 1 }, (_, k) => Number(match[1]) + k);
      i++;
    } else if (flag === '--minutes') options.minutes = number();
    else if (flag === '--steps') options.size.steps = number();
    else if (flag === '--faults') options.size.faults = number();
    else throw new Error(`unknown option ${flag} (see docs/chaos.md)`);
  }
  // Default: seeds 1..20; with --minutes alone, seeds 1, 2, 3 … until the time is up.
  options.seeds ??= Array.from({ length: options.minutes ? 100_000 : 20 }, (_, i) => i + 1);
  return options;
}

let options;
try {
  options = parseArguments(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`[chaos] ${error.message}\n`);
  process.exit(2);
}
const startedAt = Date.now();

if (!process.env.KAFKA_BROKERS || !process.env.POSTGRES_URL) {
  process.stdout.write('[chaos] starting Kafka + PostgreSQL (tools/infra/infra.mjs up)\n');
  execFileSync(process.execPath, ['tools/infra/infra.mjs', 'up'], { stdio: 'inherit', cwd: ROOT });
  process.env.KAFKA_BROKERS ||= `127.0.0.1:${process.env.ORDERLINE_KAFKA_PORT || 9092}`;
  process.env.POSTGRES_URL ||= 'postgres://postgres@127.0.0.1:5432/postgres';
}
process.env.PASSWORD_SCRYPT_LOG2N ||= '14';
process.stdout.write('[chaos] building (tsc)\n');
execFileSync(npm, ['run', 'build', '--silent'], { stdio: 'inherit', cwd: ROOT });

// The compiled libs import each other as @orderline/*: resolve those to dist/ (as the services do).
require(path.join(ROOT, 'tools/runtime/register-paths.js'));
const { runChaos } = require('./driver.js');
const { brokerControl } = require('./broker.js');

const broker = await brokerControl(process.env.KAFKA_BROKERS);
process.stdout.write(`[chaos] broker faults: ${broker.control ? 'on' : 'off'} (${broker.reason})\n`);
const run = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const names = { databasePrefix: `chaos_${run}`, topicPrefix: `chaos.${run}.` };
process.stdout.write(`[chaos] run ${run}: seeds ${options.seeds.length > 1 ? `${options.seeds[0]}..${options.seeds.at(-1)}` : options.seeds[0]}, databases ${names.databasePrefix}_*, transcripts tmp/chaos/${run}/\n`);
const results = await runChaos({
  seeds: options.seeds,
  size: options.size,
  kafkaBrokers: process.env.KAFKA_BROKERS,
  postgresUrl: process.env.POSTGRES_URL,
  ...names,
  logDir: path.join(ROOT, 'tmp/chaos', run),
  broker: broker.control,
  deadline: options.minutes ? startedAt + options.minutes * 60_000 : undefined,
});

const failed = results.filter((result) => !result.ok);
process.stdout.write(`\n[chaos] ${results.length - failed.length}/${results.length} seed(s) passed in ${Math.round((Date.now() - startedAt) / 1000)} s; transcripts in tmp/chaos/${run}/\n`);
for (const result of failed) process.stdout.write(`[chaos] FAILED seed ${result.seed}: ${result.violations[0].invariant} [${result.violations[0].ids.join(', ')}] — replay: ${result.replay}\n`);

if (failed.length === 0) {
  // Nothing to look at: remove this run's databases and topics.
  const { Client } = require('pg');
  const client = new Client({ connectionString: process.env.POSTGRES_URL });
  await client.connect();
  const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${names.databasePrefix}\\_%`]);
  for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await client.end();
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ clientId: 'chaos-cleanup', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(names.topicPrefix));
  if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
  await admin.disconnect();
} else {
  process.stdout.write(`[chaos] databases ${names.databasePrefix}_* and topics ${names.topicPrefix}* are kept for inspection\n`);
}
process.exit(failed.length === 0 && results.length > 0 ? 0 : 1);
