const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** A field of PostgreSQL's COPY text format: `\N` is NULL, backslash escapes for control characters. */
export function copyField(raw: string): string | null {
  if (raw === '\\N') return null;
  if (raw.indexOf('\\') < 0) return raw;
  return raw.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, code: string) => {
    if (code[0] === 'x') return String.fromCharCode(parseInt(code.slice(1), 16));
    if (/^[0-7]/.test(code)) return String.fromCharCode(parseInt(code, 8));
    return ESCAPES[code] ?? code;
  });
}

// Rows parsed per call: a small batch keeps few row objects alive at once. Handing the writer
// 5,000 parsed rows at a time kept ~140k strings and arrays alive across young-generation
// collections, which copied and promoted them: GC was a third of the CPU of an export (issue 19).
const PARSE_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * The bytes of a `COPY ... TO STDOUT` (text format) as they arrive, kept off the JS heap, and
 * parsed into rows of fields a slice at a time. Lines end with a NEWLINE byte, which is never part
 * of a multi-byte UTF-8 character, so a slice cut after one decodes on its own.
 */
export class CopyText {
  private bytes = Buffer.allocUnsafe(1024 * 1024);
  private readAt = 0;
  private writeAt = 0;
  private lines = 0;

  /** `columns`: the fields of every line (the SELECT's columns). */
  constructor(private readonly columns: number) {}

  /** Lines received and not parsed yet (PostgreSQL sends one row per CopyData message). */
  get waiting(): number {
    return this.lines;
  }

  /** No bytes left to parse. */
  get empty(): boolean {
    return this.readAt === this.writeAt;
  }

  /** Adds one message; `chunk` may be a view into a buffer the driver reuses, so it is copied. Returns `waiting`. */
  push(chunk: Buffer): number {
    if (this.writeAt + chunk.length > this.bytes.length) this.makeRoom(chunk.length);
    this.bytes.set(chunk, this.writeAt);
    this.writeAt += chunk.length;
    return ++this.lines;
  }

  /** Moves the unread bytes to the front, into a larger buffer when they would fill half of it. */
  private makeRoom(incoming: number): void {
    const unread = this.writeAt - this.readAt;
    const target = unread + incoming > this.bytes.length / 2 ? Buffer.allocUnsafe(Math.max(2 * this.bytes.length, unread + incoming)) : this.bytes;
    this.bytes.copy(target, 0, this.readAt, this.writeAt);
    this.bytes = target;
    this.readAt = 0;
    this.writeAt = unread;
  }

  /**
   * The complete lines of the next ~64 KiB (at least one line when one is complete), as rows of
   * fields; `ended`: the stream is over, so bytes after the last NEWLINE are a line too.
   */
  rows(ended: boolean): unknown[][] {
    if (this.readAt === this.writeAt) return [];
    const limit = Math.min(this.writeAt, this.readAt + PARSE_BYTES);
    let end = this.bytes.lastIndexOf(NEWLINE, limit - 1);
    if (end < this.readAt) {
      end = this.bytes.indexOf(NEWLINE, limit);
      if (end < 0 || end >= this.writeAt) {
        if (!ended) return [];
        end = this.writeAt;
      }
    }
    // COPY escapes TAB and NEWLINE inside values, so raw ones only separate: with the number of
    // columns known, one split finds every field of every line (a split per line cost ~20 % more).
    const fields = this.bytes.toString('utf8', this.readAt, end).replaceAll('\n', '\t').split('\t');
    const count = fields.length / this.columns;
    if (!Number.isInteger(count)) throw new Error(`COPY lines of ${this.columns} fields expected, ${fields.length} fields read`);
    this.readAt = Math.min(end + 1, this.writeAt);
    if (this.readAt === this.writeAt) this.readAt = this.writeAt = 0;
    this.lines = Math.max(0, this.lines - count);
    const rows: unknown[][] = new Array(count);
    for (let r = 0, at = 0; r < count; r++) {
      const row: unknown[] = new Array(this.columns);
      for (let i = 0; i < this.columns; i++) row[i] = copyField(fields[at++]);
      rows[r] = row;
    }
    return rows;
  }
}
