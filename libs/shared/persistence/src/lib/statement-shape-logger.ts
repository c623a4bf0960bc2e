import type { Logger as TypeOrmLogger } from 'typeorm';

/** Where the database logger writes (the service kit passes its JSON logger's component). */
export interface DatabaseLogSink {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A statement's shape: its text with white space collapsed and string literals blanked, cut to 500 characters. */
export function statementShape(query: string): string {
  return query
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

/**
 * TypeORM's own loggers print a failed query with its parameters: consignee names, phones,
 * password hashes and webhook secrets ended up in the log (issue 12 item 7). This one logs
 * only the statement's shape and the driver's error code; parameters never, nor the driver
 * message's `detail` (which quotes the offending values).
 */
export class StatementShapeLogger implements TypeOrmLogger {
  constructor(private readonly sink: DatabaseLogSink) {}

  logQuery(): void {
    // Statements are not logged on success.
  }

  logQueryError(error: string | Error, query: string): void {
    const code = typeof error === 'object' ? (error as { code?: string }).code : undefined;
    this.sink.error('query failed', { code, statement: statementShape(query) });
  }

  logQuerySlow(time: number, query: string): void {
    this.sink.warn('slow query', { ms: time, statement: statementShape(query) });
  }

  logSchemaBuild(): void {
    // The schema comes from migrations; nothing to log.
  }

  logMigration(): void {
    // Migrations report through the service's start-up log.
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.sink.warn(typeof message === 'string' ? statementShape(message) : 'typeorm warning');
  }
}
