/** A statement and its values, `$1`… numbered from 1. */
export interface SqlStatement {
  sql: string;
  values: unknown[];
}

/**
 * Several writes as one statement, so they cost one round trip: every statement but the last
 * becomes a data-modifying `WITH` part, which PostgreSQL runs to completion whether or not the
 * last one reads it, all on the statement's one snapshot. For INSERTs that do not depend on one
 * another (no part reads what another writes, no two parts insert rows whose generated ids must
 * follow each other: the parts run in no defined order). Placeholders are renumbered; the texts
 * must hold no `$n` outside placeholders (no literals, no dollar quoting).
 */
export function combinedWrites(statements: readonly SqlStatement[]): SqlStatement {
  if (statements.length === 0) throw new Error('combinedWrites: nothing to write');
  if (statements.length === 1) return statements[0];
  let offset = 0;
  const texts = statements.map((statement) => {
    const base = offset;
    offset += statement.values.length;
    return base === 0 ? statement.sql : statement.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + base}`);
  });
  const parts = texts.slice(0, -1).map((text, i) => `write_${i} AS (${text})`);
  return {
    sql: `WITH ${parts.join(', ')} ${texts[texts.length - 1]}`,
    values: statements.flatMap((statement) => statement.values),
  };
}
