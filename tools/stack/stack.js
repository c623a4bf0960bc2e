// Starts every service as its own Node process against Kafka + PostgreSQL: what
// `npm run stack` runs, and what the end-to-end tests drive. CommonJS so Jest can load it.
'use strict';
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

/** Every deployable: app folder, database suffix, port offset from the gateway's port. */
const SERVICES = [
  { app: 'order-service', database: 'order', offset: 1, urlVariable: 'ORDER_SERVICE_URL' },
  { app: 'logistics-service', database: 'logistics', offset: 2, urlVariable: 'LOGISTICS_SERVICE_URL' },
  { app: 'after-sales-service', database: 'after_sales', offset: 3, urlVariable: 'AFTER_SALES_SERVICE_URL' },
  { app: 'credit-billing-service', database: 'credit_billing', offset: 4, urlVariable: 'CREDIT_BILLING_SERVICE_URL' },
  { app: 'export-service', database: 'export', offset: 5, urlVariable: 'EXPORT_SERVICE_URL' },
];
const GATEWAY = { app: 'gateway', database: 'gateway', offset: 0 };

/** How a deployable is run: the path resolver and the tracing preload (off unless OTEL_* asks), then its main. */
function nodeArguments(app, extra = []) {
  return [...extra, '-r', path.join(ROOT, 'tools/runtime/register-paths.js'), '-r', path.join(ROOT, 'tools/runtime/tracing.js'), path.join(ROOT, `dist/apps/${app}/src/main.js`)];
}

function databaseUrl(serverUrl, name) {
  const url = new URL(serverUrl);
  url.pathname = '/' + name;
  return url.toString();
}

async function waitForHttp(url, timeoutMs, isAlive) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (isAlive && !isAlive()) throw new Error(`process exited while waiting for ${url}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
      last = `HTTP ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = String(error.message || error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${url} (${last})`);
}

/**
 * @param {object} options
 * @param {string} options.kafkaBrokers      e.g. 127.0.0.1:9092
 * @param {string} options.postgresUrl       server URL, e.g. postgres://postgres@127.0.0.1:5432/postgres
 * @param {string} [options.databasePrefix]  databases are <prefix>_<service> (default orderline)
 * @param {string} [options.topicPrefix]     KAFKA_TOPIC_PREFIX for every service
 * @param {number} [options.basePort]        gateway port; services take the next five
 * @param {string} [options.logDir]          write each service's log there instead of stdout
 * @param {object} [options.env]             extra variables for every service
 * @param {(app: string) => string[]} [options.nodeArgs]  extra Node flags per process, e.g. the bench's --cpu-prof
 */
async function startStack(options) {
  // TEST_PORT_SHIFT moves a whole run's ports, so two checkouts can run the same suite at once.
  const basePort = (options.basePort ?? 3000) + Number(process.env.TEST_PORT_SHIFT ?? 0);
  const prefix = options.databasePrefix ?? 'orderline';
  // Every service knows where the others answer: logistics asks the order service when its copy lags.
  const serviceUrls = {};
  for (const service of SERVICES) serviceUrls[service.urlVariable] = `http://127.0.0.1:${basePort + service.offset}`;
  const common = {
    ...process.env,
    ...serviceUrls,
    KAFKA_BROKERS: options.kafkaBrokers,
    KAFKA_TOPIC_PREFIX: options.topicPrefix ?? '',
    NODE_ENV: process.env.NODE_ENV === 'production' ? 'production' : 'development',
    // Services only accept calls carrying this token (the gateway sends it).
    INTERNAL_API_TOKEN: process.env.INTERNAL_API_TOKEN || randomBytes(24).toString('hex'),
    // The same key on every service: personal data in events is sealed with it (order → logistics, export).
    PERSONAL_DATA_KEY: process.env.PERSONAL_DATA_KEY || randomBytes(24).toString('hex'),
    // Seals the stored passwords of encrypted export files (required in production).
    EXPORT_PASSWORD_KEY: process.env.EXPORT_PASSWORD_KEY || randomBytes(24).toString('hex'),
    ...options.env,
  };
  // options.env wins over the local defaults: the bench starts a production stack, which refuses them.
  const gatewayEnv = {
    JWT_SECRET: common.JWT_SECRET || 'local-stack-secret-change-me',
    BOOTSTRAP_OPERATOR: common.BOOTSTRAP_OPERATOR || 'operator:operator-password',
  };
  for (const service of SERVICES) gatewayEnv[service.urlVariable] = `http://127.0.0.1:${basePort + service.offset}`;
  if (options.logDir) fs.mkdirSync(options.logDir, { recursive: true });

  const processes = new Map();
  function launch(service, extraEnv = {}) {
    const env = {
      ...common,
      ...(service === GATEWAY ? gatewayEnv : {}),
      ...extraEnv,
      PORT: String(basePort + service.offset),
      DATABASE_URL: databaseUrl(options.postgresUrl, `${prefix}_${service.database}`),
    };
    const stdio = options.logDir ? ['ignore', fs.openSync(path.join(options.logDir, `${service.app}.log`), 'a'), fs.openSync(path.join(options.logDir, `${service.app}.log`), 'a')] : 'inherit';
    const child = spawn(process.execPath, nodeArguments(service.app, options.nodeArgs?.(service.app)), { env, stdio, cwd: ROOT });
    const handle = { service, child, exited: false };
    child.on('exit', (code, signal) => {
      handle.exited = true;
      if (!handle.stopping) process.stderr.write(`[stack] ${service.app} exited unexpectedly (code ${code}, signal ${signal})\n`);
    });
    processes.set(service.app, handle);
    return handle;
  }

  /** `extraEnv`: variables this start of the service gets on top of the stack's (e.g. a rotated key). */
  async function startService(app, extraEnv = {}) {
    const service = app === 'gateway' ? GATEWAY : SERVICES.find((s) => s.app === app);
    const handle = launch(service, extraEnv);
    const healthPath = service === GATEWAY ? '/api/v1/health' : '/health';
    // Ready means its consumer has rejoined its group too, which after a restart waits out the old
    // member's session on a busy broker: give it the time a loaded machine needs.
    await waitForHttp(`http://127.0.0.1:${basePort + service.offset}${healthPath}`, 150_000, () => !handle.exited);
  }

  async function stopService(app, signal = 'SIGTERM') {
    const handle = processes.get(app);
    if (!handle || handle.exited) return;
    handle.stopping = true;
    const exited = new Promise((resolve) => handle.child.once('exit', resolve));
    handle.child.kill(signal);
    const timer = setTimeout(() => handle.child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }

  try {
    await Promise.all(SERVICES.map((service) => startService(service.app)));
    await startService('gateway');
  } catch (error) {
    await Promise.all([...processes.keys()].map((app) => stopService(app, 'SIGKILL')));
    throw error;
  }

  return {
    gatewayUrl: `http://127.0.0.1:${basePort}`,
    /** The key personal data in this stack's events is sealed with (tests open events with it). */
    personalDataKey: common.PERSONAL_DATA_KEY,
    serviceUrl: (app) => `http://127.0.0.1:${basePort + (app === 'gateway' ? 0 : SERVICES.find((s) => s.app === app).offset)}`,
    databaseUrl: (database) => databaseUrl(options.postgresUrl, `${prefix}_${database}`),
    startService,
    stopService,
    /**
     * Another instance of a service (same database, same consumer group) on basePort +
     * portOffset, e.g. to prove timers fire once across instances. Its key for stopService is
     * returned; it gets the same environment, log file suffix `-<portOffset>`.
     */
    async startReplica(app, portOffset) {
      const service = SERVICES.find((s) => s.app === app);
      const key = `${app}#${portOffset}`;
      const env = { ...common, PORT: String(basePort + portOffset), DATABASE_URL: databaseUrl(options.postgresUrl, `${prefix}_${service.database}`) };
      const logFile = options.logDir ? path.join(options.logDir, `${app}-${portOffset}.log`) : undefined;
      const stdio = logFile ? ['ignore', fs.openSync(logFile, 'a'), fs.openSync(logFile, 'a')] : 'inherit';
      const child = spawn(process.execPath, nodeArguments(app, options.nodeArgs?.(`${app}-${portOffset}`)), { env, stdio, cwd: ROOT });
      const handle = { service, child, exited: false };
      child.on('exit', (code, signal) => {
        handle.exited = true;
        if (!handle.stopping) process.stderr.write(`[stack] ${key} exited unexpectedly (code ${code}, signal ${signal})\n`);
      });
      processes.set(key, handle);
      await waitForHttp(`http://127.0.0.1:${basePort + portOffset}/health`, 60_000, () => !handle.exited);
      return { key, url: `http://127.0.0.1:${basePort + portOffset}`, internalToken: common.INTERNAL_API_TOKEN };
    },
    async stop() {
      await stopService('gateway');
      await Promise.all(SERVICES.map((service) => stopService(service.app)));
    },
  };
}

module.exports = { startStack, SERVICES, waitForHttp };
