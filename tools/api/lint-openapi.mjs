#!/usr/bin/env node
// Lints docs/api/openapi.json with Redocly's recommended rules (redocly.yaml) and fails on any
// problem: `redocly lint` alone exits 0 on warnings, and the document must have none.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const redocly = join(root, 'node_modules', '.bin', 'redocly');
const run = spawnSync(redocly, ['lint', 'docs/api/openapi.json', '--format=json', '--max-problems=1000'], { cwd: root, encoding: 'utf8' });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  process.stderr.write(`redocly lint did not answer JSON (exit ${run.status}):\n${run.stdout}\n${run.stderr}\n`);
  process.exit(1);
}
const problems = report.problems ?? [];
for (const problem of problems) {
  process.stderr.write(`${problem.severity} ${problem.ruleId}: ${problem.message} (${problem.location?.[0]?.pointer ?? ''})\n`);
}
if (problems.length > 0 || run.status !== 0) {
  process.stderr.write(`docs/api/openapi.json: ${problems.length} problem(s) with Redocly's recommended rules; 0 are allowed\n`);
  process.exit(1);
}
process.stdout.write('docs/api/openapi.json: 0 errors, 0 warnings (Redocly recommended rules)\n');
