import { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

/** The SQL text of each (entity, condition, lock) read, built once per process. */
const statements = new WeakMap<EntityMetadata, Map<string, string>>();

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
