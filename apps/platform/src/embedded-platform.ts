import { DynamicModule, INestApplication } from '@nestjs/common';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AFTER_SALES_SERVICE_NAME, AfterSalesConfig, AfterSalesServiceModule } from '@orderline/after-sales/service';
import { CREDIT_BILLING_SERVICE_NAME, CreditBillingConfig, CreditBillingServiceModule } from '@orderline/credit-billing/service';
import { EXPORT_SERVICE_NAME, ExportServiceConfig, ExportServiceModule } from '@orderline/export/service';
import { GATEWAY_PREFIX, GATEWAY_SERVICE_NAME, GatewayConfig, GatewayModule, configureGatewayHttp, mountConsole } from '@orderline/gateway/service';
import { LOGISTICS_SERVICE_NAME, LogisticsServiceConfig, LogisticsServiceModule } from '@orderline/logistics/service';
import { ORDER_SERVICE_NAME, OrderServiceConfig, OrderServiceModule } from '@orderline/order/service';
import { InProcessTransport, SqlBusLogStore } from '@orderline/shared/messaging';
import { collectProcessMetrics } from '@orderline/shared/metrics';
import { stopTracing } from '@orderline/shared/observability';
import { BaseServiceConfig, createHttpApp, JsonLogger, LogLevelName, loadConfig, logFormatFrom, ServiceModuleOptions } from '@orderline/shared/service-kit';

export interface EmbeddedPlatformOptions {
  port: number;
  /** Interface the gateway listens on: 127.0.0.1 unless told (HOST=0.0.0.0) — issue 12 item 9. */
  host?: string;
  dataDir: string;
  /** Keep nothing: databases in memory. */
  ephemeral: boolean;
}

interface EmbeddedDatabase {
  db: PGlite;
  server: PGLiteSocketServer;
  url: string;
}

/**
 * How every embedded PGlite is opened. PostgreSQL's default `shared_buffers` (128MB) is set in
 * each data folder's postgresql.conf; seven instances of it cost ~900MB of WebAssembly memory
 * that every start allocates and clears. The embedded databases hold little data, so 16MB
 * each is plenty: measured on a busy 2-core machine, opening the seven databases takes ~25 %
 * less CPU and the process about half the memory (docs/embedded-bus.md "Restart time").
 */
function openPGlite(dataDir: string | undefined): Promise<PGlite> {
  return PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] });
}

/**
 * One PGlite per service (each service owns its database, as on a real server), served
 * over a local socket so the services' unchanged `pg`/TypeORM code talks to it.
 */
async function openEmbeddedDatabase(name: string, options: EmbeddedPlatformOptions): Promise<EmbeddedDatabase> {
  const dataDir = options.ephemeral ? undefined : resolve(options.dataDir, name);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await openPGlite(dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  const address = server.getServerConn();
  return { db, server, url: `postgres://postgres@${address}/postgres` };
}

/** A secret from the environment, else generated once and kept beside the data so it survives a restart. */
function keptSecret(variable: string, file: string, options: EmbeddedPlatformOptions): string {
  if (process.env[variable]) return process.env[variable] as string;
  if (options.ephemeral) return randomBytes(32).toString('hex');
  const path = join(resolve(options.dataDir), file);
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}

function jwtSecret(options: EmbeddedPlatformOptions): string {
  // Tokens survive a restart of the same data folder.
  return keptSecret('JWT_SECRET', 'jwt-secret', options);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

const DOCUMENTED_OPERATOR = 'operator:operator-password';

/**
 * The one line `npm start` prints when it is ready: where the API and its docs answer and how
 * to sign in. The operator's password is shown only when it is the documented default, and only
 * to a terminal (pretty mode): JSON logs end up in files.
 */
export function readyLine(host: string, port: number, bootstrapOperator: string | undefined, showDefaultPassword: boolean): { message: string; fields: Record<string, string> } {
  const origin = `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`;
  const username = (bootstrapOperator ?? DOCUMENTED_OPERATOR).split(':')[0];
  const isDefault = (bootstrapOperator ?? DOCUMENTED_OPERATOR) === DOCUMENTED_OPERATOR;
  const signIn = isDefault
    ? showDefaultPassword
      ? `sign in as ${username} / ${DOCUMENTED_OPERATOR.split(':')[1]}`
      : `sign in as ${username} with the documented default password (README)`
    : `sign in as ${username} with the password set in BOOTSTRAP_OPERATOR`;
  return {
    message: `Orderline ready on ${origin}/api/v1 · API docs ${origin}/docs · ${signIn} (POST /api/v1/auth/token)`,
    fields: { url: `${origin}/api/v1`, docs: `${origin}/docs`, operator: username },
  };
}

export async function runEmbeddedPlatform(options: EmbeddedPlatformOptions): Promise<() => Promise<void>> {
  if (!options.ephemeral) mkdirSync(resolve(options.dataDir), { recursive: true });
  const logLevel = (process.env.LOG_LEVEL as LogLevelName) ?? 'info';
  const format = logFormatFrom(process.env, process.stdout.isTTY === true);
  // Pretty mode is for a person at a terminal: start-up prints warnings and one ready line, then
  // the chosen level applies (docs/observability.md "Logs"). JSON mode logs start-up as it goes.
  const quietStart = format === 'pretty' && process.env.LOG_LEVEL === undefined;
  const loggers: JsonLogger[] = [];
  const newLogger = (service: string) => {
    const logger = new JsonLogger(service, quietStart ? 'warn' : logLevel, undefined, format);
    loggers.push(logger);
    return logger;
  };
  const platformLogger = newLogger('platform');
  // One process, one registry: every service below labels its own series (docs/observability.md "Metrics").
  collectProcessMetrics('platform');
  // The bus keeps its log and its groups' positions in a PGlite of its own, so a SIGKILL loses
  // no event (issue 13 item 1, docs/embedded-bus.md); --ephemeral keeps nothing anyway.
  const busDataDir = options.ephemeral ? undefined : resolve(options.dataDir, 'bus');
  if (busDataDir) mkdirSync(busDataDir, { recursive: true });
  const busDatabase = busDataDir ? await openPGlite(busDataDir) : undefined;
  const bus = new InProcessTransport({ logger: platformLogger.component('in-process-bus'), store: busDatabase ? new SqlBusLogStore(busDatabase) : undefined });
  const databases: EmbeddedDatabase[] = [];
  const apps: INestApplication[] = [];

  const services: Array<{ name: string; register: (options: ServiceModuleOptions) => DynamicModule; urlVariable: string; configClass?: new () => BaseServiceConfig }> = [
    { name: ORDER_SERVICE_NAME, register: (o) => OrderServiceModule.register(o), urlVariable: 'ORDER_SERVICE_URL', configClass: OrderServiceConfig },
    { name: LOGISTICS_SERVICE_NAME, register: (o) => LogisticsServiceModule.register(o), urlVariable: 'LOGISTICS_SERVICE_URL', configClass: LogisticsServiceConfig },
    { name: AFTER_SALES_SERVICE_NAME, register: (o) => AfterSalesServiceModule.register(o), urlVariable: 'AFTER_SALES_SERVICE_URL', configClass: AfterSalesConfig },
    { name: CREDIT_BILLING_SERVICE_NAME, register: (o) => CreditBillingServiceModule.register(o), urlVariable: 'CREDIT_BILLING_SERVICE_URL', configClass: CreditBillingConfig },
    { name: EXPORT_SERVICE_NAME, register: (o) => ExportServiceModule.register(o), urlVariable: 'EXPORT_SERVICE_URL', configClass: ExportServiceConfig },
  ];

  const common = {
    KAFKA_BROKERS: 'in-process:0', // unused: the in-process bus replaces Kafka
    LOG_LEVEL: logLevel,
    OUTBOX_POLL_INTERVAL_MS: '500',
    // Embedded mode is the try-it mode: the test clock is on unless TEST_CLOCK=0 (or NODE_ENV=production),
    // so `npm run demo` can reach statement days (architecture.md "npm run demo").
    TEST_CLOCK: process.env.TEST_CLOCK === '1' || (process.env.TEST_CLOCK === undefined && process.env.NODE_ENV !== 'production') ? '1' : '0',
    INTERNAL_API_TOKEN: randomBytes(24).toString('hex'),
    // Personal data sealed in events stays readable after a restart (the export read model rebuilds from them).
    PERSONAL_DATA_KEY: keptSecret('PERSONAL_DATA_KEY', 'personal-data-key', options),
  };
  const serviceUrls: Record<string, string> = {};
  for (const service of services) {
    const database = await openEmbeddedDatabase(service.name, options);
    databases.push(database);
    // The services started before this one are reachable (logistics asks the order service when its copy lags).
    const config = loadConfig(service.configClass ?? BaseServiceConfig, { ...common, ...serviceUrls, PORT: '0', DATABASE_URL: database.url });
    const logger = newLogger(service.name);
    const app = await createHttpApp(service.register({ config, logger, transport: bus, embeddedDatabase: true }), { logger, internalToken: config.INTERNAL_API_TOKEN, metrics: { service: service.name } });
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    serviceUrls[service.urlVariable] = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  }

  const gatewayDatabase = await openEmbeddedDatabase(GATEWAY_SERVICE_NAME, options);
  databases.push(gatewayDatabase);
  const gatewayConfig = loadConfig(GatewayConfig, {
    ...common,
    ...serviceUrls,
    PORT: String(options.port),
    DATABASE_URL: gatewayDatabase.url,
    JWT_SECRET: jwtSecret(options),
    BOOTSTRAP_OPERATOR: process.env.BOOTSTRAP_OPERATOR ?? 'operator:operator-password',
    // The default operator password is allowed here (a local, loopback-bound try-it mode).
    EMBEDDED_MODE: '1',
    PASSWORD_SCRYPT_LOG2N: process.env.PASSWORD_SCRYPT_LOG2N,
  });
  const gatewayLogger = newLogger(GATEWAY_SERVICE_NAME);
  const host = options.host ?? '127.0.0.1';
  const gateway = await createHttpApp(GatewayModule.register({ config: gatewayConfig, logger: gatewayLogger, transport: bus, embeddedDatabase: true }), {
    logger: gatewayLogger,
    globalPrefix: GATEWAY_PREFIX,
    // The whole platform's metrics on the one port: open on loopback (the try-it default), behind METRICS_TOKEN otherwise.
    metrics: { service: GATEWAY_SERVICE_NAME, endpoint: { token: process.env.METRICS_TOKEN || undefined, open: isLoopback(host) } },
  });
  configureGatewayHttp(gateway);
  // The browser console, built by `npm run build` into dist/console beside dist/apps (docs/console.md).
  const consoleDir = resolve(__dirname, '..', '..', '..', 'console');
  if (existsSync(join(consoleDir, 'index.html'))) mountConsole(gateway, consoleDir);
  else platformLogger.emit('warn', `no console at ${consoleDir}: run \`npm run build\``, 'platform');
  await gateway.listen(options.port, host);
  for (const logger of loggers) logger.setMinimum(logLevel);
  const ready = readyLine(host, options.port, gatewayConfig.BOOTSTRAP_OPERATOR, format === 'pretty');
  platformLogger.emit('info', ready.message, 'platform', { ...ready.fields, data: options.ephemeral ? 'in memory (ephemeral)' : resolve(options.dataDir) });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      platformLogger.emit('info', 'shutting down', 'platform');
      await gateway.close();
      // Let events already handed to the bus reach their consumers before they stop.
      await bus.drained(10_000);
      for (const app of apps) await app.close();
      await bus.close();
      for (const { server, db } of databases) {
        await server.stop();
        await db.close();
      }
      await busDatabase?.close();
      // This handler ends the process with exit(0), before tracing's own signal handler could flush.
      await stopTracing();
      platformLogger.emit('info', 'stopped', 'platform');
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stop().then(() => process.exit(0));
    });
  }
  return stop;
}
