import { Client } from 'pg';

/**
 * Named (prepared) statements for the hot paths (issue 19).
 *
 * node-postgres sends every parameterised statement unnamed, so PostgreSQL parses, analyses and
 * plans it again on every call. A statement sent with a name is parsed once per connection and,
 * after five runs, planned once too (PostgreSQL's generic plan): measured here on an order-like
 * table (five indexes) with an INSERT, a `SELECT … FOR UPDATE` by key and an UPDATE by key per
 * transaction, the backend's CPU per statement fell from ~127 to ~75–90 µs (tools/bench/README.md,
 * "Prepared statements").
 *
 * Only texts marked with `prepared` are named: statements whose plan does not depend on their
 * values (lookups and updates by key, inserts, the inbox and outbox writes). A query with
 * optional filters (`$2 IS NULL OR …`, the merchant lists) needs the plan its values allow and
 * stays unnamed. A marked text must name its result columns (no `SELECT *`): a column added by
 * a migration while the service runs would otherwise change a prepared statement's result, which
 * PostgreSQL refuses.
 */
const names = new Map<string, string>();

/**
 * At most this many texts get a name in one process; each is prepared on each pooled
 * connection that runs it (its parse tree and plan stay in that backend's memory until the
 * connection closes), so the bound also bounds the backend's memory. Callers build a few dozen.
 */
export const MAX_PREPARED_STATEMENTS = 500;

/** Marks a statement text as one to prepare on each connection (see above) and returns it. */
export function prepared(sql: string): string {
  if (!names.has(sql) && names.size < MAX_PREPARED_STATEMENTS) names.set(sql, `orderline_${names.size + 1}`);
  return sql;
}

/** The name a marked text is prepared under, or undefined (unmarked: sent unnamed). */
export function preparedStatementName(sql: string): string | undefined {
  return names.get(sql);
}

/**
 * node-postgres's client, sending marked texts as named statements. The pool creates it
 * (`extra.Client`), so TypeORM's `query(text, values)` and every helper above it are unchanged.
 * Not for the embedded PGlite: behind its socket every connection shares one session, where two
 * connections preparing one name collide.
 */
export class PreparingClient extends Client {
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && Array.isArray(values)) {
      const name = names.get(config);
      if (name) return super.query({ name, text: config, values }, callback);
    }
    return super.query(config, values, callback);
  }
}
