#!/usr/bin/env node
// `npx orderline <command>`: the admin CLI (apps/admin-cli, docs/admin-cli.md), run from the
// compiled dist/ (`npm run build`; `npm run admin -- <command>` builds first).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const main = path.resolve(__dirname, '..', 'dist', 'apps', 'admin-cli', 'src', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write('orderline: dist/ is not built; run `npm run build` first (or `npm run admin -- <command>`)\n');
  process.exit(2);
}
require('../tools/runtime/register-paths.js');
require(main);
