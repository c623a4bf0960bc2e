// Kills and restarts the Kafka broker for the chaos loop through tools/infra (the same pid
// file, data dir and ORDERLINE_* variables as `npm run infra:up`), and only ever the broker
// that tool started on the port the loop talks to: never a broker someone else runs.
'use strict';
const { execFile } = require('node:child_process');
const path = require('node:path');
const { promisify } = require('node:util');

const ROOT = path.resolve(__dirname, '..', '..');
const INFRA = path.join(ROOT, 'tools/infra/infra.mjs');
const run = promisify(execFile);

/**
 * The broker control for `kafkaBrokers`, or `{ control: null, reason }` when the loop must not
 * kill that broker (not started by tools/infra with these ORDERLINE_* variables, another port,
 * several brokers, or CHAOS_BROKER_FAULTS=0).
 */
async function brokerControl(kafkaBrokers) {
  if (process.env.CHAOS_BROKER_FAULTS === '0') return { control: null, reason: 'CHAOS_BROKER_FAULTS=0' };
  const script = `import(${JSON.stringify(INFRA)}).then((infra) => process.stdout.write(JSON.stringify({ pid: infra.ourBrokerPid(), port: infra.KAFKA_PORT })))`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
  const { pid, port } = JSON.parse(stdout);
  const brokers = kafkaBrokers.split(',');
  if (brokers.length !== 1 || brokers[0] !== `127.0.0.1:${port}`) return { control: null, reason: `KAFKA_BROKERS=${kafkaBrokers} is not the broker tools/infra manages here (127.0.0.1:${port})` };
  if (!pid) return { control: null, reason: `the broker on 127.0.0.1:${port} was not started by tools/infra with this ORDERLINE_STATE_DIR` };
  // The recorded pid must be the process listening on that port (a pid file of another
  // broker, e.g. the default state dir with another ORDERLINE_KAFKA_PORT, is not enough).
  const listening = await run('ss', ['-Hltnp', `sport = :${port}`]).then(({ stdout }) => stdout, () => '');
  if (!listening.includes(`pid=${pid},`)) return { control: null, reason: `pid ${pid} recorded by tools/infra does not listen on 127.0.0.1:${port}` };
  const infra = async (command) => {
    await run(process.execPath, [INFRA, command], { cwd: ROOT });
  };
  return { control: { pid, kill: () => infra('kafka:kill'), start: () => infra('kafka:start') }, reason: `broker pid ${pid} on 127.0.0.1:${port}` };
}

module.exports = { brokerControl };
