// Resolves the workspace's `@orderline/<scope>/<lib>` imports to the compiled libs in dist/
// at run time (tsconfig "paths" only exist for the compiler). Loaded with `node -r`.
'use strict';
const Module = require('module');
const path = require('path');

const distRoot = path.resolve(__dirname, '..', '..', 'dist', 'libs');
const originalResolve = Module._resolveFilename;

Module._resolveFilename = function resolveOrderlineAlias(request, parent, isMain, options) {
  if (request.startsWith('@orderline/')) {
    const lib = request.slice('@orderline/'.length);
    return originalResolve.call(this, path.join(distRoot, lib, 'src', 'index.js'), parent, isMain, options);
  }
  return originalResolve.call(this, request, parent, isMain, options);
};
