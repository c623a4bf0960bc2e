#!/usr/bin/env node
// Builds the browser console (apps/console) into dist/console with Vite. Called by `npm run build`,
// which `npm start`, `npm run lint` and the test runner all run: the bundle is rebuilt only when a
// source it is made of (the console, the API client, the lock file) is newer than dist/console,
// because a Vite build costs tens of seconds on a loaded two-core machine. `--force` always builds.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const output = join(root, 'dist/console/index.html');
const sources = ['apps/console', 'libs/shared/api-client/src', 'package-lock.json', 'tools/console/build-console.mjs'];

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, entry) => Math.max(latest, newest(join(path, entry))), stat.mtimeMs);
}

const stale = process.argv.includes('--force') || !existsSync(output) || sources.some((source) => newest(join(root, source)) > statSync(output).mtimeMs);
if (stale) {
  await build({ configFile: join(root, 'apps/console/vite.config.mjs') });
  process.stdout.write('built dist/console (the browser console)\n');
}
