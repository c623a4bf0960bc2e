#!/usr/bin/env node
// Writes the gateway's OpenAPI document to docs/api/openapi.json without listening on a port:
// the gateway module from dist/ is built in Nest's preview mode and handed to the same
// document builder that serves /docs-json. `--check` writes nothing and fails when the
// committed file differs from the code (run `npm run build` first).
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
require(join(root, 'tools', 'runtime', 'register-paths.js'));
require('reflect-metadata');

const target = join(root, 'docs', 'api', 'openapi.json');
const { buildGatewayOpenApiDocumentOffline } = require('@orderline/gateway/service');
const text = `${JSON.stringify(await buildGatewayOpenApiDocumentOffline(), null, 2)}\n`;

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    committed = '';
  }
  if (committed !== text) {
    process.stderr.write(`${relative(root, target)} is stale: run \`npm run build && node tools/api/write-openapi.mjs\` and commit it\n`);
    process.exit(1);
  }
  process.stdout.write(`${relative(root, target)} matches the code\n`);
} else {
  writeFileSync(target, text);
  process.stdout.write(`wrote ${relative(root, target)}\n`);
}
