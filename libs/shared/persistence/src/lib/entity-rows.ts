import { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { prepared } from './prepared-statements';

/** TypeORM's pg driver answers an UPDATE/DELETE … RETURNING with [rows, affected count]; a SELECT or INSERT with the rows. */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/** The SQL text of each (entity, condition, lock) read, built once per process. */
const statements = new WeakMap<EntityMetadata, Map<string, string>>();
/** The UPDATE of every column of an entity, built once per process. */
const updates = new WeakMap<EntityMetadata, { sql: string; columns: ColumnMetadata[]; keys: ColumnMetadata[]; updateDate?: ColumnMetadata }>();

function statementOf(metadata: EntityMetadata, where: string, forUpdate: boolean, orderBy: string | undefined, also: Readonly<Record<string, string>> = {}): string {
  let byCondition = statements.get(metadata);
  if (!byCondition) statements.set(metadata, (byCondition = new Map()));
  const extras = Object.entries(also).map(([name, expression]) => `, ${expression} AS "${name}"`).join('');
  const key = `${forUpdate ? 'U' : 'S'}${where}\u0000${orderBy ?? ''}\u0000${extras}`;
  let sql = byCondition.get(key);
  if (!sql) {
    const columns = metadata.columns.map((column) => `"${column.databaseName}"`).join(', ');
    // Prepared: callers select by key (see `selectEntities`), whose plan does not depend on the values.
    sql = prepared(`SELECT ${columns}${extras} FROM "${metadata.tableName}" WHERE ${where}${orderBy ? ` ORDER BY ${orderBy}` : ''}${forUpdate ? ' FOR UPDATE' : ''}`);
    byCondition.set(key, sql);
  }
  return sql;
}

/**
 * The entities `where` selects (SQL over column names, `$1`… parameters), hydrated by TypeORM's
 * own per-column rules (value transformers such as fen, dates), the row locked `FOR UPDATE` when
 * asked, in `orderBy` order (SQL over column names) when given: what `find({ where, order, lock })`
 * returns, for the hot paths. TypeORM rebuilds and
 * re-parses the query on every `findOne` (its query builder was the largest part of
 * credit-billing's CPU per order, issue 19); this builds the SQL once and sends it as a prepared
 * statement, so `where` is a condition on keys or indexed equalities, never an optional filter
 * (`prepared`). Only for entities without relations to load or soft-delete columns.
 */
export async function selectEntities<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, where: string, parameters: readonly unknown[], options: { forUpdate?: boolean; orderBy?: string } = {}): Promise<T[]> {
  const metadata = manager.connection.getMetadata(target);
  const rows: Array<Record<string, unknown>> = await manager.query(statementOf(metadata, where, options.forUpdate ?? false, options.orderBy), [...parameters]);
  return rows.map((row) => hydrate<T>(manager, metadata, row));
}

/** An entity from a row of its columns, by TypeORM's own per-column rules. */
function hydrate<T extends ObjectLiteral>(manager: EntityManager, metadata: EntityMetadata, row: Record<string, unknown>): T {
  const driver = manager.connection.driver;
  const entity = metadata.create() as T;
  for (const column of metadata.columns) column.setEntityValue(entity, driver.prepareHydratedValue(row[column.databaseName], column));
  return entity;
}

/** The one entity a unique condition selects (locked when asked), or null. */
export async function selectEntity<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, where: string, parameters: readonly unknown[], options: { forUpdate?: boolean } = {}): Promise<T | null> {
  const [entity] = await selectEntities(manager, target, where, parameters, options);
  return entity ?? null;
}

/**
 * `selectEntity`, and in the same round trip the values of `also`: named SQL expressions over
 * the same parameters (scalar subqueries of other tables, typically), returned as PostgreSQL
 * gives them beside the entity. Saves the statements a use case would otherwise send right after
 * its lock (issue 19). With `forUpdate` the expressions are evaluated under the statement's
 * snapshot, taken **before** a wait for the row lock: they must not depend on what the lock's
 * previous holder wrote, unless every such writer is serialised with the caller by a lock the
 * caller's transaction took in an earlier statement.
 */
export async function selectEntityWith<T extends ObjectLiteral, X extends Record<string, unknown>>(
  manager: EntityManager,
  target: EntityTarget<T>,
  where: string,
  parameters: readonly unknown[],
  also: { readonly [K in keyof X]: string },
  options: { forUpdate?: boolean } = {},
): Promise<{ entity: T; also: X } | null> {
  const metadata = manager.connection.getMetadata(target);
  const [row]: Array<Record<string, unknown>> = await manager.query(statementOf(metadata, where, options.forUpdate ?? false, undefined, also), [...parameters]);
  if (!row) return null;
  const extras = Object.fromEntries(Object.keys(also).map((name) => [name, row[name]])) as X;
  return { entity: hydrate<T>(manager, metadata, row), also: extras };
}

function updateOf(metadata: EntityMetadata) {
  let update = updates.get(metadata);
  if (!update) {
    const keys = metadata.primaryColumns;
    const updateDate = metadata.updateDateColumn;
    const columns = metadata.columns.filter((column) => !column.isPrimary && column.isUpdate && !column.isCreateDate && !column.isUpdateDate && !column.isVirtual && !column.isGenerated && !column.relationMetadata);
    const set = columns.map((column, i) => `"${column.databaseName}" = $${i + 1}`);
    if (updateDate) set.push(`"${updateDate.databaseName}" = $${columns.length + 1}`);
    const firstKey = columns.length + (updateDate ? 2 : 1);
    const where = keys.map((column, i) => `"${column.databaseName}" = $${firstKey + i}`).join(' AND ');
    update = { sql: prepared(`UPDATE "${metadata.tableName}" SET ${set.join(', ')} WHERE ${where}`), columns, keys, updateDate };
    updates.set(metadata, update);
  }
  return update;
}

/**
 * The UPDATE of every column of an entity the caller loaded **locked** in this transaction (with
 * `selectEntity(..., { forUpdate: true })`), its update-date column set to `at`, as one statement
 * built once per entity: what `save` writes for such an entity, without the SELECT and the diff
 * `save` does first (1.6 s of order-service's profile per bench run, issue 19). Columns the
 * caller did not change are written with the values it read, which no one else can have changed
 * since: the row is locked, and for the same reason it is there to update, so nothing is read
 * back and the statement can go without waiting for its answer (`TransactionScope.sendWrite`).
 * The update date is the caller's clock, as a placement's is, not the database's: the entity
 * carries it without a `RETURNING`.
 */
export function lockedEntityUpdate<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, entity: T, at: Date): { sql: string; values: unknown[] } {
  const metadata = manager.connection.getMetadata(target);
  const { sql, columns, keys, updateDate } = updateOf(metadata);
  const driver = manager.connection.driver;
  if (updateDate) updateDate.setEntityValue(entity, at);
  const values = [...columns, ...(updateDate ? [updateDate] : []), ...keys].map((column) => driver.preparePersistentValue(column.getEntityValue(entity), column));
  return { sql, values };
}

/** The INSERT of an entity for one set of given columns and a row count, built once per process. */
const inserts = new WeakMap<EntityMetadata, { columns: ColumnMetadata[]; sql: Map<string, string> }>();

function insertColumnsOf(metadata: EntityMetadata) {
  let insert = inserts.get(metadata);
  if (!insert) {
    const seen = new Set<string>();
    // A join column declared also as a plain column (order_line.order_id) is one database column.
    const columns = metadata.columns.filter((column) => column.isInsert && !column.isVirtual && !seen.has(column.databaseName) && seen.add(column.databaseName));
    insert = { columns, sql: new Map() };
    inserts.set(metadata, insert);
  }
  return insert;
}

/**
 * The INSERT of entities (plain objects with the entity's property names) as SQL and values:
 * its text is built once per set of given columns and row count; a property left undefined
 * takes its column's DEFAULT, as with TypeORM's `insert`, and values pass through TypeORM's own
 * per-column rules (fen transformer, jsonb, dates). `returning` adds `RETURNING` of every column;
 * `ignoreConflicts` skips a row that would break a unique constraint (`ON CONFLICT DO NOTHING`).
 */
export function insertStatement<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, entities: ReadonlyArray<Partial<T>>, options: { returning?: boolean; ignoreConflicts?: boolean } = {}): { sql: string; values: unknown[] } {
  const metadata = manager.connection.getMetadata(target);
  const driver = manager.connection.driver;
  const { columns, sql: statements } = insertColumnsOf(metadata);
  const given = columns.map((column) => entities.map((entity) => column.getEntityValue(entity) !== undefined));
  const key = `${options.returning ? 'R' : ''}${options.ignoreConflicts ? 'I' : ''}${entities.length}:${given.map((rows) => rows.map((set) => (set ? '1' : '0')).join('')).join(',')}`;
  let sql = statements.get(key);
  if (!sql) {
    let parameter = 0;
    const rows = entities.map((_, row) => `(${columns.map((_, i) => (given[i][row] ? `$${++parameter}` : 'DEFAULT')).join(', ')})`);
    const returning = options.returning ? ` RETURNING ${metadata.columns.map((column) => `"${column.databaseName}"`).join(', ')}` : '';
    const conflicts = options.ignoreConflicts ? ' ON CONFLICT DO NOTHING' : '';
    sql = `INSERT INTO "${metadata.tableName}" (${columns.map((column) => `"${column.databaseName}"`).join(', ')}) VALUES ${rows.join(', ')}${conflicts}${returning}`;
    // Bounded: row counts and column sets of real callers are few. Only a kept text is prepared.
    if (statements.size < 256) statements.set(key, prepared(sql));
  }
  const values: unknown[] = [];
  entities.forEach((entity, row) => columns.forEach((column, i) => given[i][row] && values.push(driver.preparePersistentValue(column.getEntityValue(entity), column))));
  return { sql, values };
}

/**
 * Inserts entities with one statement (see `insertStatement`). Unlike TypeORM's `insert`, nothing
 * generated is read back onto the objects; with `returning` the stored rows come back as new
 * entities, database defaults included, in the same round trip. `insert` rebuilds its query on
 * every call (TypeORM building queries, `find` included, was 5–10 % of order-service's CPU
 * profile per bench run, issue 19).
 */
export async function insertEntities<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, entities: ReadonlyArray<Partial<T>>): Promise<void>;
export async function insertEntities<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, entities: ReadonlyArray<Partial<T>>, options: { returning: true }): Promise<T[]>;
export async function insertEntities<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, entities: ReadonlyArray<Partial<T>>, options: { returning?: boolean } = {}): Promise<T[] | void> {
  if (entities.length === 0) return options.returning ? [] : undefined;
  const { sql, values } = insertStatement(manager, target, entities, options);
  const rows: Array<Record<string, unknown>> = await manager.query(sql, values);
  if (!options.returning) return;
  const metadata = manager.connection.getMetadata(target);
  return rows.map((row) => hydrate<T>(manager, metadata, row));
}
