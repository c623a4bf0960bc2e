/**
 * Where the in-process bus keeps its log and its consumer groups' committed positions, so
 * that embedded mode keeps Kafka mode's at-least-once guarantee across a SIGKILL
 * (issue 13 item 1, docs/embedded-bus.md): a message is written here before `publish`
 * resolves (before the relay marks its outbox row published), and a group's position moves
 * here only after its handler committed (the inbox row). A crash between the two redelivers;
 * the inbox removes the duplicate.
 */
export interface BusLogEntry {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

export interface BusGroupPosition {
  groupId: string;
  topic: string;
  partition: number;
  /** Offset of the next message the group has not committed. */
  position: number;
}

export interface BusLogStore {
  /** Everything retained, in offset order per partition, and every group's committed position. */
  load(): Promise<{ entries: BusLogEntry[]; positions: BusGroupPosition[] }>;
  /** Durably appends messages (all or none). */
  append(entries: readonly BusLogEntry[]): Promise<void>;
  /** Records a group's position; `onlyIfMissing` records where a new group starts without moving an existing one. */
  commit(position: BusGroupPosition, onlyIfMissing?: boolean): Promise<void>;
  /** Drops a group's positions on a topic it no longer reads (another group took it over). */
  forget(groupId: string, topic: string): Promise<void>;
  /** Drops a partition's messages below `offset` (retention; every group is past them). */
  trimBefore(topic: string, partition: number, offset: number): Promise<void>;
}

/** The part of a PostgreSQL client the SQL store needs (PGlite's `query`/`transaction` fit it). */
export interface BusSqlQueryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}
export interface BusSqlDatabase extends BusSqlQueryable {
  transaction<T>(work: (tx: BusSqlQueryable) => Promise<T>): Promise<T>;
}

/**
 * The bus log in a PostgreSQL database of its own (embedded mode: a PGlite beside the
 * services' ones, like a broker's log directory). Its two tables belong to the bus, not to
 * a service, so they are created here idempotently rather than by a service's migrations.
 */
export class SqlBusLogStore implements BusLogStore {
  private ready?: Promise<void>;

  constructor(private readonly db: BusSqlDatabase) {}

  private createTables(): Promise<void> {
    return (this.ready ??= (async () => {
      await this.db.query(`
        CREATE TABLE IF NOT EXISTS bus_message (
          topic       text    NOT NULL,
          partition   integer NOT NULL,
          "offset"    bigint  NOT NULL,
          message_key text,
          value       bytea   NOT NULL,
          headers     text    NOT NULL,
          PRIMARY KEY (topic, partition, "offset")
        )`);
      await this.db.query(`
        CREATE TABLE IF NOT EXISTS bus_group_position (
          group_id  text    NOT NULL,
          topic     text    NOT NULL,
          partition integer NOT NULL,
          position  bigint  NOT NULL,
          PRIMARY KEY (group_id, topic, partition)
        )`);
    })());
  }

  async load(): Promise<{ entries: BusLogEntry[]; positions: BusGroupPosition[] }> {
    await this.createTables();
    // Ordered by the stored bigint (bus_message."offset"), not by the text column of the same name.
    const messages = await this.db.query<{ topic: string; partition: number; offset: string; message_key: string | null; value: Uint8Array; headers: string }>(
      `SELECT topic, partition, "offset"::text AS "offset", message_key, value, headers FROM bus_message ORDER BY topic, partition, bus_message."offset"`,
    );
    const positions = await this.db.query<{ group_id: string; topic: string; partition: number; position: string }>(
      `SELECT group_id, topic, partition, position::text AS position FROM bus_group_position`,
    );
    return {
      entries: messages.rows.map((row) => ({
        topic: row.topic,
        partition: row.partition,
        offset: Number(row.offset),
        key: row.message_key,
        value: Buffer.from(row.value),
        headers: JSON.parse(row.headers) as Record<string, string>,
      })),
      positions: positions.rows.map((row) => ({ groupId: row.group_id, topic: row.topic, partition: row.partition, position: Number(row.position) })),
    };
  }

  async append(entries: readonly BusLogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.createTables();
    await this.db.transaction(async (tx) => {
      for (const entry of entries) {
        await tx.query(`INSERT INTO bus_message (topic, partition, "offset", message_key, value, headers) VALUES ($1, $2, $3, $4, $5, $6)`, [
          entry.topic,
          entry.partition,
          entry.offset,
          entry.key,
          entry.value,
          JSON.stringify(entry.headers),
        ]);
      }
    });
  }

  async commit(position: BusGroupPosition, onlyIfMissing = false): Promise<void> {
    await this.createTables();
    await this.db.query(
      `INSERT INTO bus_group_position (group_id, topic, partition, position) VALUES ($1, $2, $3, $4)
       ON CONFLICT (group_id, topic, partition) DO ${onlyIfMissing ? 'NOTHING' : 'UPDATE SET position = EXCLUDED.position'}`,
      [position.groupId, position.topic, position.partition, position.position],
    );
  }

  async forget(groupId: string, topic: string): Promise<void> {
    await this.createTables();
    await this.db.query(`DELETE FROM bus_group_position WHERE group_id = $1 AND topic = $2`, [groupId, topic]);
  }

  async trimBefore(topic: string, partition: number, offset: number): Promise<void> {
    await this.createTables();
    await this.db.query(`DELETE FROM bus_message WHERE topic = $1 AND partition = $2 AND "offset" < $3`, [topic, partition, offset]);
  }
}
