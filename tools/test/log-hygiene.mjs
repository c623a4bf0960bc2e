// Log hygiene (issue 12 item 7, docs/security.md): after every suite ran, no log line of the
// whole run may hold a personal value or a secret the tests used. Run by tools/test/run-tests.mjs
// after Jest (so `npm test` fails when a value is found), or alone: `node tools/test/log-hygiene.mjs`.
//
// What is looked for:
// - every consignee/buyer name, phone and address detail written in tests/**/*.ts (literal
//   `name: '…'` with Chinese characters, `phone: '1xxxxxxxxxx'`, `detail: '…'`), and every
//   literal `password: '…'`;
// - the secrets of this run the runner chose (PERSONAL_DATA_KEY, INTERNAL_API_TOKEN, JWT_SECRET,
//   EXPORT_PASSWORD_KEY from the environment);
// - every access token and carrier webhook secret the gateway handed to a test (the test
//   client records them in tmp/test-logs/.secrets-seen, see tests/support/gateway-client.ts).
// Where: every *.log file under tmp/test-logs (the stack suites' service logs and the embedded
// platform's log).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const LOG_ROOT = process.env.TEST_LOG_ROOT ?? 'tmp/test-logs';
export const SECRETS_SEEN_FILE = join(LOG_ROOT, '.secrets-seen');

function files(root, keep) {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? files(path, keep) : keep(path) ? [path] : [];
  });
}

/** Personal values and passwords written as literals in the tests. */
export function valuesFromTests(testRoot = 'tests') {
  const values = new Set();
  for (const file of files(testRoot, (path) => path.endsWith('.ts'))) {
    const source = readFileSync(file, 'utf8');
    for (const [, key, value] of source.matchAll(/\b(name|phone|detail|password|consignee)['"]?\s*:\s*'([^'\n]{3,})'/g)) {
      if (value.includes('*') || value.includes('${')) continue; // masked values and templates are not personal data
      if (key === 'phone' && /^1\d{10}$/.test(value)) values.add(value);
      else if ((key === 'name' || key === 'detail') && /[\u4e00-\u9fff]/.test(value)) values.add(value.trim());
      else if (key === 'password' && value !== 'wrong-password') values.add(value);
    }
  }
  return values;
}

export function secretsOfThisRun() {
  const values = new Set();
  for (const variable of ['PERSONAL_DATA_KEY', 'INTERNAL_API_TOKEN', 'JWT_SECRET', 'EXPORT_PASSWORD_KEY']) {
    if (process.env[variable] && process.env[variable].length >= 12) values.add(process.env[variable]);
  }
  if (existsSync(SECRETS_SEEN_FILE)) for (const line of readFileSync(SECRETS_SEEN_FILE, 'utf8').split('\n')) if (line.trim().length >= 12) values.add(line.trim());
  return values;
}

function shown(value) {
  return value.length <= 4 ? '*'.repeat(value.length) : `${value.slice(0, 2)}…(${value.length} chars)`;
}

export function findLeaks(logFiles, values) {
  const leaks = [];
  for (const file of logFiles) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      for (const value of values) if (line.includes(value)) leaks.push({ file, line: index + 1, value });
    });
  }
  return leaks;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const logFiles = files(LOG_ROOT, (path) => path.endsWith('.log'));
  const values = new Set([...valuesFromTests(), ...secretsOfThisRun()]);
  const leaks = findLeaks(logFiles, values);
  const byValue = new Map();
  for (const leak of leaks) byValue.set(leak.value, [...(byValue.get(leak.value) ?? []), leak]);
  console.log(`[log-hygiene] ${logFiles.length} log file(s), ${values.size} personal value(s) and secret(s) looked for`);
  if (leaks.length === 0) {
    console.log('[log-hygiene] no personal value or secret found in any log line');
    process.exit(0);
  }
  for (const [value, found] of byValue) {
    console.error(`[log-hygiene] ${shown(value)} appears in ${found.length} line(s), first at ${relative('.', found[0].file)}:${found[0].line}`);
  }
  console.error(`[log-hygiene] FAILED: ${leaks.length} log line(s) hold personal data or secrets`);
  process.exit(1);
}
