import { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/** TypeORM's pg driver answers an UPDATE/DELETE … RETURNING with [rows, affected count]; a SELECT or INSERT with the rows. */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/** The SQL text of each (entity, condition, lock) read, built once per process. */
const statements = new WeakMap<EntityMetadata, Map<string, string>>();
/** The UPDATE of every column of an entity, built once per process. */
const updates = new WeakMap<EntityMetadata, { sql: string; columns: ColumnMetadata[]; keys: ColumnMetadata[]; updateDate?: ColumnMetadata }>();

function statementOf(metadata: EntityMetadata, where: string, forUpdate: boolean): string {
  let byCondition = statements.get(metadata);
  if (!byCondition) statements.set(metadata, (byCondition = new Map()));
  const key = `${forUpdate ? 'U' : 'S'}${where}`;
  let sql = byCondition.get(key);
  if (!sql) {
    const columns = metadata.columns.map((column) => `"${column.databaseName}"`).join(', ');
    sql = `SELECT ${columns} FROM "${metadata.tableName}" WHERE ${where}${forUpdate ? ' FOR UPDATE' : ''}`;
    byCondition.set(key, sql);
  }
  return sql;
}

/**
 * The entities `where` selects (SQL over column names, `$1`… parameters), hydrated by TypeORM's
 * own per-column rules (value transformers such as fen, dates), the row locked `FOR UPDATE` when
 * asked: what `findOne({ where, lock })` returns, for the hot paths. TypeORM rebuilds and
 * re-parses the query on every `findOne` (its query builder was the largest part of
 * credit-billing's CPU per order, issue 19); this builds the SQL once. Only for entities
 * without relations to load or soft-delete columns.
 */
export async function selectEntities<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, where: string, parameters: readonly unknown[], options: { forUpdate?: boolean } = {}): Promise<T[]> {
  const metadata = manager.connection.getMetadata(target);
  const rows: Array<Record<string, unknown>> = await manager.query(statementOf(metadata, where, options.forUpdate ?? false), [...parameters]);
  const driver = manager.connection.driver;
  return rows.map((row) => {
    const entity = metadata.create() as T;
    for (const column of metadata.columns) column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
    return entity;
  });
}

/** The one entity a unique condition selects (locked when asked), or null. */
export async function selectEntity<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, where: string, parameters: readonly unknown[], options: { forUpdate?: boolean } = {}): Promise<T | null> {
  const [entity] = await selectEntities(manager, target, where, parameters, options);
  return entity ?? null;
}

function updateOf(metadata: EntityMetadata) {
  let update = updates.get(metadata);
  if (!update) {
    const keys = metadata.primaryColumns;
    const updateDate = metadata.updateDateColumn;
    const columns = metadata.columns.filter((column) => !column.isPrimary && column.isUpdate && !column.isCreateDate && !column.isUpdateDate && !column.isVirtual && !column.isGenerated && !column.relationMetadata);
    const set = columns.map((column, i) => `"${column.databaseName}" = $${i + 1}`);
    if (updateDate) set.push(`"${updateDate.databaseName}" = CURRENT_TIMESTAMP`);
    const where = keys.map((column, i) => `"${column.databaseName}" = $${columns.length + i + 1}`).join(' AND ');
    const returning = updateDate ? ` RETURNING "${updateDate.databaseName}"` : '';
    update = { sql: `UPDATE "${metadata.tableName}" SET ${set.join(', ')} WHERE ${where}${returning}`, columns, keys, updateDate };
    updates.set(metadata, update);
  }
  return update;
}

/**
 * Writes every column of an entity the caller loaded **locked** in this transaction (with
 * `selectEntity(..., { forUpdate: true })`), and its update-date column, with one statement
 * built once: what `save` writes for such an entity, without the SELECT and the diff `save`
 * does first (1.6 s of order-service's profile per bench run, issue 19). Columns the caller did
 * not change are written with the values it read, which no one else can have changed since:
 * the row is locked.
 */
export async function updateLockedEntity<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, entity: T): Promise<void> {
  const metadata = manager.connection.getMetadata(target);
  const { sql, columns, keys, updateDate } = updateOf(metadata);
  const driver = manager.connection.driver;
  const values = [...columns, ...keys].map((column) => driver.preparePersistentValue(column.getEntityValue(entity), column));
  const rows = returnedRows<Record<string, unknown>>(await manager.query(sql, values));
  if (rows.length !== 1) throw new Error(`${metadata.tableName}: the locked row to update is gone`);
  if (updateDate) updateDate.setEntityValue(entity, driver.prepareHydratedValue(rows[0][updateDate.databaseName], updateDate));
}
