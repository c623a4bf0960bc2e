import { DataSource } from 'typeorm';
import { rebuildReadModel, resealExportPasswords, ResealExportPasswordsResult } from '@orderline/export/service';
import { passwordProblem, USERNAME } from '@orderline/gateway/domain';
import { scryptCost, upsertOperator } from '@orderline/gateway/service';
import { personalDataKeyId } from '@orderline/shared/contracts';
import { purgeProcessedMessages, resealStoredEnvelopes, retentionCutoff } from '@orderline/shared/messaging';
import { createServiceDataSource, openServiceDatabase } from '@orderline/shared/persistence';
import { personalDataSecret } from '@orderline/shared/service-kit';
import { UsageError } from './cli-errors';
import { GatewayAdmin } from './gateway-admin';
import { connect, databaseUrlOf, SERVICES, ServiceEntry, withDatabases } from './service-databases';

type Env = Record<string, string | undefined>;

/** What a command answers: `data` for `--json`, `lines` for people, `failed` sets exit code 1. */
export interface CommandResult {
  data: unknown;
  lines: string[];
  failed?: boolean;
}

const pad = (value: unknown, width: number) => String(value).padEnd(width);

/** Every pending migration of every service (each in its own transaction, under the services' migration lock). */
export async function migrate(services: readonly ServiceEntry[], env: Env): Promise<CommandResult> {
  const results: Array<{ service: string; database: string; applied: string[]; total: number }> = [];
  for (const service of services) {
    const url = databaseUrlOf(service, env);
    const already = new Set(await migrationsAppliedBefore(service, env));
    // openServiceDatabase creates the database when missing, takes the lock the services take, migrates.
    const dataSource = createServiceDataSource({ url, entities: [], migrations: [...service.migrations], poolSize: 2, applicationName: 'orderline-admin' });
    try {
      await openServiceDatabase(dataSource, url, { createIfMissing: true, lockMigrations: true });
      const now = await appliedMigrations(dataSource);
      results.push({ service: service.name, database: new URL(url).pathname.slice(1), applied: now.filter((name) => !already.has(name)), total: now.length });
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
    }
  }
  return {
    data: { services: results },
    lines: results.map((r) => `${pad(r.service, 24)} ${pad(r.database, 28)} ${r.applied.length === 0 ? 'up to date' : `applied ${r.applied.join(', ')}`} (${r.total} migrations)`),
  };
}

/** The migrations a database holds already (none when it does not exist yet). */
async function migrationsAppliedBefore(service: ServiceEntry, env: Env): Promise<string[]> {
  let dataSource: DataSource;
  try {
    dataSource = await connect(service, env);
  } catch (error) {
    // 3D000 invalid_catalog_name: the database does not exist yet; migrate creates it.
    if ((error as { code?: string }).code === '3D000') return [];
    throw error;
  }
  try {
    return await appliedMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function appliedMigrations(dataSource: DataSource): Promise<string[]> {
  const [exists] = await dataSource.query(`SELECT to_regclass('public.migrations') IS NOT NULL AS present`);
  if (!exists.present) return [];
  return (await dataSource.query(`SELECT name FROM migrations ORDER BY id`)).map((row: { name: string }) => row.name);
}

/** An operator account in the gateway's database (created, or its password reset). */
export async function createOperator(username: string, password: string, env: Env): Promise<CommandResult> {
  const problem = passwordProblem(password);
  if (problem) throw new UsageError(problem);
  if (!USERNAME.test(username)) throw new UsageError('the username takes 3 to 64 letters, digits, dot, dash or underscore');
  const gateway = SERVICES.find((service) => service.name === 'gateway')!;
  const outcome = await withDatabases([gateway], env, (databases) => upsertOperator(databases.get('gateway')!, username, password, scryptCost(Number(env.PASSWORD_SCRYPT_LOG2N || 17))));
  const said = { created: 'created', updated: 'existed: password set, role OPERATOR, enabled', unchanged: 'exists with this password already' }[outcome];
  return { data: { username, outcome }, lines: [`operator ${username}: ${said}`] };
}

interface DeadLetterRow {
  id: string;
  eventId: string | null;
  eventType: string | null;
  originalTopic: string;
  error: string | null;
  attempts: number | null;
  failedAt: string | null;
  redrivenAt: string | null;
}

export async function deadLetters(action: 'list' | 'redrive', filter: { topic?: string; eventId?: string }, env: Env): Promise<CommandResult> {
  const gateway = new GatewayAdmin(env);
  const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => typeof entry[1] === 'string')).toString();
  if (action === 'list') {
    const view = await gateway.call<Record<string, { consumerGroup: string; deadLetters: DeadLetterRow[] }>>('GET', `/admin/dead-letters${query ? `?${query}` : ''}`);
    const lines: string[] = [];
    for (const [service, { consumerGroup, deadLetters: rows }] of Object.entries(view)) {
      const waiting = rows.filter((row) => row.redrivenAt === null).length;
      lines.push(`${service} (group ${consumerGroup}): ${rows.length} dead letters, ${waiting} waiting`);
      for (const row of rows)
        lines.push(`  #${row.id} ${row.eventType ?? '?'} ${row.eventId ?? '?'} on ${row.originalTopic}, ${row.attempts ?? '?'} attempts, ${row.redrivenAt ? `re-driven ${row.redrivenAt}` : 'WAITING'}: ${(row.error ?? '').slice(0, 120)}`);
    }
    return { data: view, lines };
  }
  const { redriven } = await gateway.call<{ redriven: Record<string, DeadLetterRow[]> }>('POST', '/admin/dead-letters/redrive', filter);
  const total = Object.values(redriven).reduce((sum, rows) => sum + rows.length, 0);
  return {
    data: { redriven },
    lines: [
      `${total} dead letters re-driven (each back on its original topic through its service's outbox)`,
      ...Object.entries(redriven)
        .filter(([, rows]) => rows.length > 0)
        .map(([service, rows]) => `  ${service}: ${rows.map((row) => `${row.eventType ?? '?'} ${row.eventId ?? '?'}`).join(', ')}`),
    ],
  };
}

export async function parkedOutbox(action: 'list' | 'redrive', env: Env): Promise<CommandResult> {
  const gateway = new GatewayAdmin(env);
  if (action === 'list') {
    const view = await gateway.call<Record<string, { parked: Array<{ id: string; eventType: string; eventId: string; topic: string; attempts: number; lastError: string | null }>; backlog: number }>>('GET', '/admin/outbox/parked');
    const lines: string[] = [];
    for (const [service, { parked, backlog }] of Object.entries(view)) {
      lines.push(`${service}: ${parked.length} parked, ${backlog} waiting to be published`);
      for (const row of parked) lines.push(`  #${row.id} ${row.eventType} ${row.eventId} to ${row.topic}, ${row.attempts} attempts: ${(row.lastError ?? '').slice(0, 120)}`);
    }
    return { data: view, lines };
  }
  const { redriven } = await gateway.call<{ redriven: Record<string, number> }>('POST', '/admin/outbox/parked/redrive');
  const total = Object.values(redriven).reduce((sum, count) => sum + count, 0);
  return { data: { redriven }, lines: [`${total} parked outbox rows re-driven`, ...Object.entries(redriven).filter(([, n]) => n > 0).map(([service, n]) => `  ${service}: ${n}`)] };
}

/** The export read model, rebuilt from the order, logistics and after-sales services' stored events. */
export async function rebuildExportReadModel(env: Env): Promise<CommandResult> {
  const needed = SERVICES.filter((service) => ['export-service', 'order-service', 'logistics-service', 'after-sales-service'].includes(service.name));
  const result = await withDatabases(needed, env, (databases) =>
    rebuildReadModel({
      exportDatabase: databases.get('export-service')!,
      sources: (['order-service', 'logistics-service', 'after-sales-service'] as const).map((name) => ({ name, database: databases.get(name)! })),
      personalDataSecret: personalDataSecret(secretsConfig(env)),
    }),
  );
  return {
    data: result,
    lines: [
      `export read model rebuilt: ${result.ordersRebuilt} orders from ${Object.entries(result.applied).map(([source, n]) => `${n} ${source} events`).join(', ')}${result.skipped ? ` (${result.skipped} undecodable events skipped)` : ''}`,
      ...Object.keys(result.after).map((table) => `  ${pad(table, 22)} ${pad(result.before[table], 8)} → ${result.after[table]}`),
    ],
  };
}

/** Processed outbox rows and inbox rows older than `days` whole days, in every service. */
export async function purge(services: readonly ServiceEntry[], days: number, env: Env): Promise<CommandResult> {
  const before = retentionCutoff(new Date(), days);
  const results: Array<{ service: string; outboxRows: number; inboxRows: number }> = [];
  await withDatabases(services, env, async (databases) => {
    for (const [service, dataSource] of databases) results.push({ service, ...(await purgeProcessedMessages(dataSource, before)) });
  });
  return {
    data: { before: before.toISOString(), services: results },
    lines: [`processed messages before ${before.toISOString()} deleted:`, ...results.map((r) => `  ${pad(r.service, 24)} outbox ${pad(r.outboxRows, 8)} inbox ${r.inboxRows}`)],
  };
}

/**
 * Re-seals stored secrets under the current keys: with PERSONAL_DATA_KEY, the personal data in
 * every service's outbox and dead letters (PERSONAL_DATA_KEYS_PREVIOUS open what older keys
 * sealed); with EXPORT_PASSWORD_KEY, the export service's stored file passwords
 * (EXPORT_PASSWORD_KEYS_PREVIOUS likewise). Afterwards the previous keys can be dropped.
 */
export async function rotateKey(services: readonly ServiceEntry[], env: Env): Promise<CommandResult> {
  if (!env.PERSONAL_DATA_KEY && !env.EXPORT_PASSWORD_KEY) {
    throw new UsageError('set PERSONAL_DATA_KEY (the new key) and PERSONAL_DATA_KEYS_PREVIOUS (the keys it replaces, newest first), or EXPORT_PASSWORD_KEY and EXPORT_PASSWORD_KEYS_PREVIOUS for export passwords');
  }
  const secrets = env.PERSONAL_DATA_KEY ? personalDataSecret(secretsConfig(env)) : undefined;
  const results: Array<{ service: string; resealed: number; alreadyCurrent: number; unreadable: number }> = [];
  let exportPasswords: ResealExportPasswordsResult | undefined;
  await withDatabases(services, env, async (databases) => {
    if (secrets) {
      for (const [service, dataSource] of databases) {
        const { resealed, alreadyCurrent, unreadable } = await resealStoredEnvelopes(dataSource, secrets);
        results.push({ service, resealed, alreadyCurrent, unreadable });
      }
    }
    const exportDatabase = databases.get('export-service');
    if (env.EXPORT_PASSWORD_KEY && exportDatabase) {
      exportPasswords = await resealExportPasswords(exportDatabase, { EXPORT_PASSWORD_KEY: env.EXPORT_PASSWORD_KEY, EXPORT_PASSWORD_KEYS_PREVIOUS: env.EXPORT_PASSWORD_KEYS_PREVIOUS || undefined });
    }
  });
  const unreadable = results.reduce((sum, r) => sum + r.unreadable, 0);
  const lines: string[] = [];
  if (secrets) {
    lines.push(
      `personal data re-sealed under key ${personalDataKeyId(secrets)} (${secrets.length - 1} previous keys still open):`,
      ...results.map((r) => `  ${pad(r.service, 24)} re-sealed ${pad(r.resealed, 6)} already current ${pad(r.alreadyCurrent, 6)} unreadable ${r.unreadable}`),
      ...(unreadable > 0 ? [`${unreadable} values no given key opens: add the key that sealed them to PERSONAL_DATA_KEYS_PREVIOUS and run again`] : []),
    );
  }
  if (exportPasswords) {
    lines.push(`export passwords re-sealed under key ${exportPasswords.keyId}: re-sealed ${exportPasswords.resealed}, already current ${exportPasswords.alreadyCurrent}, unreadable ${exportPasswords.unreadable}`);
    if (exportPasswords.unreadable > 0) lines.push(`${exportPasswords.unreadable} export passwords no given key opens: add the key that sealed them to EXPORT_PASSWORD_KEYS_PREVIOUS and run again (their tasks answer 410 until then)`);
  }
  return {
    data: { ...(secrets ? { keyId: personalDataKeyId(secrets), previousKeys: secrets.length - 1, services: results } : {}), ...(exportPasswords ? { exportPasswords } : {}) },
    failed: unreadable > 0 || (exportPasswords?.unreadable ?? 0) > 0,
    lines,
  };
}

function secretsConfig(env: Env) {
  return {
    PERSONAL_DATA_KEY: env.PERSONAL_DATA_KEY || undefined,
    PERSONAL_DATA_KEYS_PREVIOUS: env.PERSONAL_DATA_KEYS_PREVIOUS || undefined,
    NODE_ENV: (env.NODE_ENV === 'production' ? 'production' : 'development') as 'production' | 'development',
    INTERNAL_API_TOKEN: env.INTERNAL_API_TOKEN || undefined,
  };
}
