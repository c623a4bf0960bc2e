import type { Socket } from 'node:net';
import { Client } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import type { Utf8FieldRows } from '@orderline/export/domain';
import { CopyDataFrames } from './copy-data-frames';
import { CopyFieldRows, CopyText } from './copy-text';
import type { RowQuery } from './row-query-builder';

export type RowValues = unknown[];

/** Where the rows of a task come from: one snapshot, read in order, a bounded batch at a time. */
export interface RowSource {
  /** The keys of each row's values (the SELECT order). */
  readonly columns: string[];
  /** Starts reading; resolves with the number of rows. */
  open(): Promise<number>;
  /** The next batch; empty when every row was read. */
  next(): Promise<RowValues[]>;
  /**
   * A reader of text bytes only: the next batch as field bytes, without a string per field
   * (valid until the next call); no rows when every row was read. Use either this or `next`.
   */
  nextFields?(): Promise<Utf8FieldRows>;
  close(completed: boolean): Promise<void>;
}

/** Inlines `$n` parameters as literals (COPY takes no bind parameters). */
export function inlineParameters(sql: string, parameters: readonly unknown[], escapeLiteral: (text: string) => string): string {
  const literal = (value: unknown): string => {
    if (value instanceof Date) return `${escapeLiteral(value.toISOString())}::timestamptz`;
    if (Array.isArray(value)) return value.length ? `ARRAY[${value.map((item) => escapeLiteral(String(item))).join(', ')}]::text[]` : `'{}'::text[]`;
    if (typeof value === 'number') return String(value);
    return escapeLiteral(String(value));
  };
  return sql.replace(/\$(\d+)/g, (_, n: string) => literal(parameters[Number(n) - 1]));
}

/**
 * The fast path: `COPY (query) TO STDOUT` on a dedicated connection inside a REPEATABLE READ
 * snapshot (the count and the rows agree). PostgreSQL streams text rows, gathered by `CopyText`
 * and parsed ~64 KiB at a time as the writer asks; the socket is paused while `batchRows` rows
 * wait, so memory stays bounded whatever the size of the export.
 */
export class CopyRows implements RowSource {
  readonly columns: string[];
  private client?: Client;
  private readonly text: CopyText;
  private readonly fieldRows: CopyFieldRows;
  private finished = false;
  private failure?: Error;
  private wake?: () => void;
  private paused = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly query: RowQuery,
    private readonly batchRows: number,
  ) {
    this.columns = query.columns;
    this.text = new CopyText(query.columns.length);
    this.fieldRows = new CopyFieldRows(query.columns.length);
  }

  async open(): Promise<number> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'export-service-copy' });
    this.client = client;
    client.on('error', (error) => this.settle(error));
    await client.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query(`SELECT count(*)::bigint AS total FROM (${this.query.sql}) AS counted`, this.query.parameters);
    const text = `COPY (${inlineParameters(this.query.sql, this.query.parameters, (value) => client.escapeLiteral(value))}) TO STDOUT`;
    client.query({
      text,
      submit: (connection: { query(text: string): void }) => {
        this.readCopyDataFromSocket();
        connection.query(text);
      },
      handleCopyData: (message: { chunk: Buffer }) => this.take(message.chunk),
      handleCommandComplete: () => undefined,
      handleRowDescription: () => undefined,
      handleDataRow: () => undefined,
      handleCopyInResponse: () => undefined,
      handleEmptyQuery: () => undefined,
      handleError: (error: Error) => (this.failure = this.failure ?? error),
      handleReadyForQuery: () => this.settle(this.failure),
    } as never);
    return Number(rows[0].total);
  }

  private socket(): Socket {
    return (this.client as unknown as { connection: { stream: Socket } }).connection.stream;
  }

  /**
   * Puts `CopyDataFrames` in front of the driver for the COPY's response: called as the query is
   * sent, when the driver holds no unparsed bytes (the previous query ended with ReadyForQuery).
   * The driver's own listeners are back once the copy data ends, and get the rest of the bytes.
   */
  private readCopyDataFromSocket(): void {
    const stream = this.socket();
    const driverListeners = stream.listeners('data') as Array<(chunk: Buffer) => void>;
    const frames = new CopyDataFrames(this.text);
    const readFrames = (chunk: Buffer) => {
      const rest = frames.push(chunk);
      if (rest) {
        stream.removeListener('data', readFrames);
        for (const listener of driverListeners) stream.on('data', listener);
      }
      this.received();
      if (rest?.length) for (const listener of driverListeners) listener(rest);
    };
    stream.removeAllListeners('data');
    stream.on('data', readFrames);
  }

  /** One CopyData message through the driver (after a notice, say, gave the stream back to it). */
  private take(chunk: Buffer): void {
    this.text.push(chunk);
    this.received();
  }

  private received(): void {
    if (this.text.waiting >= this.batchRows && !this.paused) {
      this.paused = true;
      this.socket().pause();
    }
    this.notify();
  }

  private settle(error?: Error): void {
    if (error) this.failure = this.failure ?? error;
    this.finished = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async next(): Promise<RowValues[]> {
    const rows = await this.read(() => this.text.rows(this.finished), (parsed) => parsed.length);
    return rows ?? [];
  }

  async nextFields(): Promise<Utf8FieldRows> {
    const batch = this.fieldRows;
    const read = await this.read(() => this.text.fields(this.finished, batch), (rows) => rows);
    if (read === undefined) batch.rowCount = 0;
    return batch;
  }

  /** Parses the next slice once bytes are there; undefined when every row was read. */
  private async read<T>(parse: () => T, rowsIn: (parsed: T) => number): Promise<T | undefined> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (!this.text.empty) {
        const parsed = parse();
        if (this.paused && this.text.waiting < this.batchRows) {
          this.paused = false;
          this.socket().resume();
        }
        if (rowsIn(parsed) > 0) return parsed;
      }
      if (this.finished) return undefined;
      if (this.paused) {
        this.paused = false;
        this.socket().resume();
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async close(completed: boolean): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    if (completed && this.finished && !this.failure) {
      await client.query('COMMIT').catch(() => undefined);
      await client.end().catch(() => undefined);
      return;
    }
    // Stopped half-way: the COPY still streams; drop the connection instead of draining it.
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await client.end().catch(() => undefined);
  }
}

/**
 * A server-side cursor through TypeORM's pool (FETCH n at a time) in one REPEATABLE READ
 * snapshot: slower than COPY (every value is parsed by the driver), kept as the plain reference.
 */
export class CursorRows implements RowSource {
  readonly columns: string[];
  private runner?: QueryRunner;

  constructor(
    private readonly dataSource: DataSource,
    private readonly query: RowQuery,
    private readonly fetchRows: number,
  ) {
    this.columns = query.columns;
  }

  async open(): Promise<number> {
    this.runner = this.dataSource.createQueryRunner('slave');
    await this.runner.connect();
    await this.runner.startTransaction('REPEATABLE READ');
    const [{ total }] = await this.runner.query(`SELECT count(*)::bigint AS total FROM (${this.query.sql}) AS counted`, this.query.parameters);
    await this.runner.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${this.query.sql}`, this.query.parameters);
    return Number(total);
  }

  async next(): Promise<RowValues[]> {
    const rows: Array<Record<string, unknown>> = await this.runner!.query(`FETCH ${this.fetchRows} FROM export_rows`);
    return rows.map((row) => Object.values(row));
  }

  async close(completed: boolean): Promise<void> {
    const runner = this.runner;
    if (!runner) return;
    this.runner = undefined;
    try {
      if (runner.isTransactionActive) await (completed ? runner.commitTransaction() : runner.rollbackTransaction());
    } finally {
      await runner.release();
    }
  }
}

/**
 * Embedded mode (one PGlite connection): short page queries instead of anything that would
 * hold the only connection. Fine for the small data sets of a local demo.
 */
export class PagedRows implements RowSource {
  readonly columns: string[];
  private offset = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly query: RowQuery,
    private readonly fetchRows: number,
  ) {
    this.columns = query.columns;
  }

  async open(): Promise<number> {
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::bigint AS total FROM (${this.query.sql}) AS counted`, this.query.parameters);
    return Number(total);
  }

  async next(): Promise<RowValues[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(`${this.query.sql} LIMIT ${this.fetchRows} OFFSET ${this.offset}`, this.query.parameters);
    this.offset += rows.length;
    return rows.map((row) => Object.values(row));
  }

  async close(): Promise<void> {
    return undefined;
  }
}
