import { DataSource, QueryRunner } from 'typeorm';

type Row = Record<string, unknown>;

/**
 * Rows of a task through a server-side cursor, in one REPEATABLE READ snapshot so that the
 * count and the rows agree; memory holds one fetch at a time.
 */
export class CursorRows {
  private runner?: QueryRunner;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: string,
    private readonly parameters: unknown[],
    private readonly fetchRows: number,
  ) {}

  async open(): Promise<number> {
    this.runner = this.dataSource.createQueryRunner('slave');
    await this.runner.connect();
    await this.runner.startTransaction('REPEATABLE READ');
    const [{ total }] = await this.runner.query(`SELECT count(*)::bigint AS total FROM (${this.sql}) AS counted`, this.parameters);
    await this.runner.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${this.sql}`, this.parameters);
    return Number(total);
  }

  next(): Promise<Row[]> {
    return this.runner!.query(`FETCH ${this.fetchRows} FROM export_rows`);
  }

  async close(committed: boolean): Promise<void> {
    const runner = this.runner;
    if (!runner) return;
    this.runner = undefined;
    try {
      if (runner.isTransactionActive) await (committed ? runner.commitTransaction() : runner.rollbackTransaction());
    } finally {
      await runner.release();
    }
  }
}

/**
 * Embedded mode (one PGlite connection): short page queries instead of a cursor that would
 * hold the only connection. Fine for the small data sets of a local demo.
 */
export class PagedRows {
  private offset = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sql: string,
    private readonly parameters: unknown[],
    private readonly fetchRows: number,
  ) {}

  async open(): Promise<number> {
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::bigint AS total FROM (${this.sql}) AS counted`, this.parameters);
    return Number(total);
  }

  async next(): Promise<Row[]> {
    const rows: Row[] = await this.dataSource.query(`${this.sql} LIMIT ${this.fetchRows} OFFSET ${this.offset}`, this.parameters);
    this.offset += rows.length;
    return rows;
  }

  async close(): Promise<void> {
    return undefined;
  }
}
