import { DataSource } from 'typeorm';
import { AFTER_SALES_MIGRATIONS } from '@orderline/after-sales/service';
import { CREDIT_BILLING_MIGRATIONS } from '@orderline/credit-billing/service';
import { EXPORT_MIGRATIONS } from '@orderline/export/service';
import { GATEWAY_MIGRATIONS } from '@orderline/gateway/service';
import { LOGISTICS_MIGRATIONS } from '@orderline/logistics/service';
import { ORDER_MIGRATIONS } from '@orderline/order/service';
import { createServiceDataSource, databaseNameOf } from '@orderline/shared/persistence';
import { UsageError } from './cli-errors';

/** Every deployable with a database: its name, its database suffix, its migrations. */
export const SERVICES = [
  { name: 'gateway', database: 'gateway', migrations: GATEWAY_MIGRATIONS },
  { name: 'order-service', database: 'order', migrations: ORDER_MIGRATIONS },
  { name: 'logistics-service', database: 'logistics', migrations: LOGISTICS_MIGRATIONS },
  { name: 'after-sales-service', database: 'after_sales', migrations: AFTER_SALES_MIGRATIONS },
  { name: 'credit-billing-service', database: 'credit_billing', migrations: CREDIT_BILLING_MIGRATIONS },
  { name: 'export-service', database: 'export', migrations: EXPORT_MIGRATIONS },
] as const;

export type ServiceEntry = (typeof SERVICES)[number];
export type ServiceName = ServiceEntry['name'];

/**
 * Where a service's database is: `<SERVICE>_DATABASE_URL` (e.g. `ORDER_DATABASE_URL`,
 * `CREDIT_BILLING_DATABASE_URL`) when set, else the server of `POSTGRES_URL` with the database
 * `<DATABASE_PREFIX>_<service>` (prefix `orderline`, as docker compose and `npm run stack` name them).
 */
export function databaseUrlOf(service: ServiceEntry, env: Record<string, string | undefined>): string {
  const own = env[`${service.database.toUpperCase()}_DATABASE_URL`];
  if (own) return own;
  const server = env.POSTGRES_URL;
  if (!server) throw new UsageError(`set POSTGRES_URL (the PostgreSQL server) or ${service.database.toUpperCase()}_DATABASE_URL`);
  const url = new URL(server);
  url.pathname = `/${env.DATABASE_PREFIX || 'orderline'}_${service.database}`;
  return url.toString();
}

/** The services a command runs on: all, or the one `--service` names. */
export function selectServices(only: string | undefined): ServiceEntry[] {
  if (!only) return [...SERVICES];
  const found = SERVICES.filter((service) => service.name === only || service.name === `${only}-service` || service.database === only);
  if (found.length === 0) throw new UsageError(`unknown service "${only}" (one of ${SERVICES.map((s) => s.name).join(', ')})`);
  return found;
}

/** A small pool to one service's database; the caller destroys it. Nothing is migrated here. */
export async function connect(service: ServiceEntry, env: Record<string, string | undefined>): Promise<DataSource> {
  const url = databaseUrlOf(service, env);
  databaseNameOf(url);
  const dataSource = createServiceDataSource({ url, entities: [], migrations: [...service.migrations], poolSize: 2, applicationName: `orderline-admin` });
  return dataSource.initialize();
}

/** Runs `work` with each service's database open, closing every pool whatever happens. */
export async function withDatabases<T>(services: readonly ServiceEntry[], env: Record<string, string | undefined>, work: (databases: Map<ServiceName, DataSource>) => Promise<T>): Promise<T> {
  const databases = new Map<ServiceName, DataSource>();
  try {
    for (const service of services) databases.set(service.name, await connect(service, env));
    return await work(databases);
  } finally {
    await Promise.all([...databases.values()].map((dataSource) => dataSource.destroy().catch(() => undefined)));
  }
}
