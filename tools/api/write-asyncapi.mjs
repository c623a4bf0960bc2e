#!/usr/bin/env node
// Writes docs/api/asyncapi.json (the document the gateway serves at /asyncapi.json) and
// docs/events.md (the events catalogue), both built from the event registry in
// libs/shared/contracts. Needs `npm run build` first. `--check` only compares and fails on a
// difference (tools/api/asyncapi.spec.ts checks the same without a build).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
require('reflect-metadata');
require(join(root, 'tools/runtime/register-paths.js'));
const contracts = require(join(root, 'dist/libs/shared/contracts/src/index.js'));

const outputs = {
  'docs/api/asyncapi.json': `${JSON.stringify(contracts.buildAsyncApiDocument({ version: '1' }), null, 2)}\n`,
  'docs/events.md': contracts.renderEventsCatalogue(),
};

const check = process.argv.includes('--check');
let stale = 0;
for (const [file, text] of Object.entries(outputs)) {
  const path = join(root, file);
  if (check) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      console.error(`${file} is out of date: run node tools/api/write-asyncapi.mjs`);
      stale++;
    }
    continue;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  console.log(`wrote ${file}`);
}
process.exit(stale ? 1 : 0);
