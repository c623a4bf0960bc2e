// Starts OpenTelemetry tracing (when the OTEL_* variables ask for it) before the app loads
// Nest, express and pg: instrumentations patch modules as they are required. Loaded with
// `node -r` next to register-paths.js; docs/observability.md#traces.
'use strict';
const path = require('path');

// dist/apps/<app>/src/main.js → <app>: the default service.name.
const app = path.basename(path.resolve(process.argv[1] || '', '..', '..'));
const { startTracing } = require(path.resolve(__dirname, '..', '..', 'dist', 'libs', 'shared', 'observability', 'src', 'lib', 'tracing.js'));
const decision = startTracing({ defaultServiceName: app, embedded: app === 'platform' });
if (decision.enabled) process.stdout.write(JSON.stringify({ time: new Date().toISOString(), level: 'info', service: decision.serviceName, context: 'tracing', msg: `tracing on: ${decision.reason}` }) + '\n');
