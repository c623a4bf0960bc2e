import { Client } from 'pg';
import { DataSource, MixedList } from 'typeorm';
import { PreparingClient } from './prepared-statements';
import { DatabaseLogSink, StatementShapeLogger } from './statement-shape-logger';

/** Database name from a postgres URL (`postgres://u@h:5432/orderline_order` → `orderline_order`). */
export function databaseNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`database name "${name}" must be lower-case letters, digits and underscores`);
  return name;
}

/**
 * Creates the service's database on its PostgreSQL server when missing, so a service
 * owns its database from the first start (the tables come from its migrations).
 */
export async function ensureDatabase(url: string): Promise<void> {
  const name = databaseNameOf(url);
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } catch (error) {
        // 42P04 duplicate_database: another instance of the service created it just now.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await client.end();
  }
}

export interface ServiceDataSourceOptions {
  url: string;
  /** Entity classes, listed explicitly (globs find nothing in compiled bundles). */
  entities: MixedList<Function>;
  migrations: MixedList<Function>;
  poolSize?: number;
  /** How long a caller waits for a pooled connection ("timeout exceeded when trying to connect" after it). */
  acquireTimeoutMs?: number;
  /** Server-side statement_timeout in ms (undefined or 0: none). */
  statementTimeoutMs?: number;
  applicationName?: string;
  /** Failed statements are logged here by shape only, never with their parameters. */
  log?: DatabaseLogSink;
  /**
   * Send the texts marked with `prepared` as named statements (default true). Off for the
   * embedded PGlite, and for a pooler that cannot keep a session's statements (PgBouncer in
   * transaction mode before 1.21).
   */
  preparedStatements?: boolean;
  /**
   * Pipeline each transaction's BEGIN with its first statement, and let the unit of work send its
   * last write with the COMMIT (`PreparingClient`; default false here, the services' configuration
   * turns it on: `DATABASE_PIPELINING`). Off for the embedded PGlite.
   */
  pipelining?: boolean;
}

export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: options.migrations,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    // Never: the schema is what the migrations say it is.
    synchronize: false,
    logging: ['error', 'warn'],
    logger: new StatementShapeLogger(options.log ?? { warn: () => undefined, error: () => undefined }),
    applicationName: options.applicationName,
    extra: {
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.acquireTimeoutMs ?? 5_000,
      ...(options.preparedStatements === false && options.pipelining !== true
        ? {}
        : { Client: PreparingClient, preparedStatements: options.preparedStatements !== false, pipelining: options.pipelining === true }),
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
  });
}

export interface OpenDatabaseOptions {
  /** Create the database on its server when missing (not for an embedded PGlite). */
  createIfMissing: boolean;
  /** Take a server-wide advisory lock while migrating (needs a second connection). */
  lockMigrations: boolean;
}

/** Connects and applies pending migrations (each in its own transaction). */
export async function openServiceDatabase(dataSource: DataSource, url: string, options: OpenDatabaseOptions = { createIfMissing: true, lockMigrations: true }): Promise<DataSource> {
  if (options.createIfMissing) await ensureDatabase(url);
  await dataSource.initialize();
  if (!options.lockMigrations) {
    await dataSource.runMigrations({ transaction: 'each' });
    return dataSource;
  }
  // Instances of one service starting together take turns: the first migrates, the
  // others then find nothing pending.
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query(`SELECT pg_advisory_lock(hashtext('orderline:migrations'))`);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lockHolder.query(`SELECT pg_advisory_unlock(hashtext('orderline:migrations'))`).catch(() => undefined);
    await lockHolder.release();
  }
  return dataSource;
}
