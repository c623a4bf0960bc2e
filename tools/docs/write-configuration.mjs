#!/usr/bin/env node
// Writes docs/configuration.md and apps/<app>/.env.example from the config classes
// (tools/docs/configuration-docs.cjs). No build needed.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { configurationFiles } = createRequire(import.meta.url)('./configuration-docs.cjs');
for (const [file, text] of Object.entries(configurationFiles())) {
  writeFileSync(join(root, file), text);
  console.log(`wrote ${file}`);
}
