import { Socket } from 'node:net';
import { Client, ClientConfig } from 'pg';

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

/** What the pool passes to each client it creates, beside node-postgres's own settings. */
export interface StatementClientConfig extends ClientConfig {
  /** Send marked texts as named statements (above). */
  preparedStatements?: boolean;
  /** Let a transaction's BEGIN travel with its first statement (below). */
  pipelining?: boolean;
}

/** What a pipelined BEGIN answers at once (TypeORM reads only `rows` and `rowCount`). */
const OPENED = Object.freeze({ command: 'BEGIN', rowCount: null, rows: [], fields: [] });
const OPENING_TEXTS = new Set(['START TRANSACTION', 'BEGIN']);

/** A connection that can put its next two statements on the wire in one write (`PreparingClient.sendWithNext`). */
export interface CoalescingConnection {
  sendWithNext(): void;
}

/**
 * node-postgres's client, created by the pool (`extra.Client`), so TypeORM's `query(text, values)`
 * and every helper above it are unchanged. Two things it adds (issue 19):
 *
 * - **Named statements**: marked texts are sent with their names (`preparedStatements`). Not for
 *   the embedded PGlite: behind its socket every connection shares one session, where two
 *   connections preparing one name collide.
 * - **Pipelining** (`pipelining`, node-postgres's pipeline mode: a query is written as soon as it
 *   is made, not when the previous answer has arrived). A transaction's `BEGIN` is answered at
 *   once and travels with the transaction's first statement, and the unit of work sends its last
 *   write and the `COMMIT` together (`UnitOfWork`): a transaction costs two round trips fewer.
 *   Each statement still ends with its own Sync, so an error fails that statement only, as
 *   before; a failed `BEGIN` (a broken connection) fails the statement it travelled with.
 *   Everything else is awaited statement by statement as it always was, so nothing else is ever
 *   in flight together. Each pair leaves in one write (`sendWithNext`). On unless
 *   `DATABASE_PIPELINING=off` (tools/bench/README.md, "Pipelined transactions, each pair in one
 *   write"), and never for the embedded PGlite.
 */
export class PreparingClient extends Client implements CoalescingConnection {
  private readonly namesStatements: boolean;
  private readonly pipelinesTransactions: boolean;
  /** The BEGIN on the wire whose answer the next statement waits for. */
  private opening?: Promise<unknown>;
  /** A hold of the socket's writes (`sendWithNext`): how many statements it still waits for. */
  private writeHold?: { statementsLeft: number };

  constructor(config: StatementClientConfig = {}) {
    super({ ...config, pipeline: config.pipelining === true });
    this.namesStatements = config.preparedStatements !== false;
    this.pipelinesTransactions = config.pipelining === true;
  }

  override query(config: any, values?: any, callback?: any): any {
    if (this.pipelinesTransactions && callback === undefined && values === undefined && typeof config === 'string' && OPENING_TEXTS.has(config)) {
      this.sendWithNext();
      const opening: Promise<unknown> = this.submit(config);
      // Its failure is reported by the statement that follows it.
      opening.catch(() => undefined);
      this.opening = opening;
      return Promise.resolve(OPENED);
    }
    const sent = this.submit(config, values, callback);
    const opening = this.opening;
    this.opening = undefined;
    if (!opening || !(sent instanceof Promise)) return sent;
    return opening.then(
      () => sent,
      (error: unknown) => {
        sent.catch(() => undefined);
        throw error;
      },
    );
  }

  /**
   * Holds the socket's writes until two more statements have been handed to the driver, so they
   * leave in one system call: a BEGIN and the first statement of its transaction, or a unit of
   * work's last write and its COMMIT (`TransactionScope.commit`). With pipelining only — without
   * it the second statement is sent when the first has been answered, so holding the first
   * would only delay it. If the second does not come in this turn of the event loop, the held
   * bytes are written anyway (`setImmediate`), so nothing waits on a statement that never comes.
   * Asked while a hold is on (a write sent without waiting, `TransactionScope.sendWrite`, then
   * the last write and its COMMIT), the hold waits for one more: all of them leave together.
   */
  sendWithNext(): void {
    const socket = this.socket();
    if (!this.pipelinesTransactions || !socket) return;
    if (this.writeHold) {
      this.writeHold.statementsLeft += 1;
      return;
    }
    socket.cork();
    const hold = { statementsLeft: 2 };
    this.writeHold = hold;
    setImmediate(() => this.endHold(hold));
  }

  private submit(config: any, values?: any, callback?: any): any {
    try {
      return this.send(config, values, callback);
    } finally {
      const hold = this.writeHold;
      if (hold && --hold.statementsLeft === 0) this.endHold(hold);
    }
  }

  private endHold(hold: { statementsLeft: number }): void {
    if (this.writeHold !== hold) return;
    this.writeHold = undefined;
    this.socket()?.uncork();
  }

  /** The connection's socket (node-postgres keeps it on its `Connection`, not in its typings). */
  private socket(): Socket | undefined {
    return (this as unknown as { connection?: { stream?: Socket } }).connection?.stream;
  }

  private send(config: any, values?: any, callback?: any): any {
    if (this.namesStatements && typeof config === 'string' && Array.isArray(values)) {
      const name = names.get(config);
      if (name) return super.query({ name, text: config, values }, callback);
    }
    return super.query(config, values, callback);
  }
}
