import type { Utf8FieldRows } from '@orderline/export/domain';

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
    this.append(chunk, 0, chunk.length);
    return this.lineEnded();
  }

  /** Adds (copies) `source[start, end)`, a message or part of one. */
  append(source: Buffer, start: number, end: number): void {
    if (this.writeAt + end - start > this.bytes.length) this.makeRoom(end - start);
    source.copy(this.bytes, this.writeAt, start, end);
    this.writeAt += end - start;
  }

  /** Counts a message whose bytes were appended; returns `waiting`. */
  lineEnded(): number {
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
    const end = this.sliceEnd(ended);
    if (end < 0) return [];
    // COPY escapes TAB and NEWLINE inside values, so raw ones only separate: with the number of
    // columns known, one split finds every field of every line (a split per line cost ~20 % more).
    const fields = this.bytes.toString('utf8', this.readAt, end).replaceAll('\n', '\t').split('\t');
    const count = fields.length / this.columns;
    if (!Number.isInteger(count)) throw new Error(`COPY lines of ${this.columns} fields expected, ${fields.length} fields read`);
    this.consume(end, count);
    const rows: unknown[][] = new Array(count);
    for (let r = 0, at = 0; r < count; r++) {
      const row: unknown[] = new Array(this.columns);
      for (let i = 0; i < this.columns; i++) row[i] = copyField(fields[at++]);
      rows[r] = row;
    }
    return rows;
  }

  /**
   * The same lines as `rows`, parsed into `batch` as byte ranges (no string per field); returns
   * the number of rows, 0 when no line is complete yet.
   */
  fields(ended: boolean, batch: CopyFieldRows): number {
    const end = this.sliceEnd(ended);
    if (end < 0) return 0;
    batch.parse(this.bytes, this.readAt, end);
    this.consume(end, batch.rowCount);
    return batch.rowCount;
  }

  /** Where the lines of the next slice end (a NEWLINE, or the end of the stream), -1 when none is complete. */
  private sliceEnd(ended: boolean): number {
    if (this.readAt === this.writeAt) return -1;
    const limit = Math.min(this.writeAt, this.readAt + PARSE_BYTES);
    let end = this.bytes.lastIndexOf(NEWLINE, limit - 1);
    if (end < this.readAt) {
      end = this.bytes.indexOf(NEWLINE, limit);
      if (end < 0 || end >= this.writeAt) {
        if (!ended) return -1;
        end = this.writeAt;
      }
    }
    return end;
  }

  private consume(end: number, rows: number): void {
    this.readAt = Math.min(end + 1, this.writeAt);
    if (this.readAt === this.writeAt) this.readAt = this.writeAt = 0;
    this.lines = Math.max(0, this.lines - rows);
  }
}

const TAB = 0x09;
const BACKSLASH = 0x5c;
const LETTER_N = 0x4e;

/**
 * Rows of COPY text lines as byte ranges (`Utf8FieldRows`), for a writer that takes bytes: the
 * lines are copied into this batch's own buffer (the reader's buffer moves when it makes room),
 * a field with a backslash escape is decoded by `copyField` and its bytes written after the
 * lines, and `\N` is NULL. Reused from one slice to the next.
 */
export class CopyFieldRows implements Utf8FieldRows {
  bytes = Buffer.allocUnsafe(PARSE_BYTES * 2);
  rowCount = 0;
  starts = new Int32Array(PARSE_BYTES);
  ends = new Int32Array(PARSE_BYTES);
  /** Where the next decoded field goes (after the lines). */
  private decodedAt = 0;

  constructor(readonly fieldsPerRow: number) {}

  /** Parses the lines in `source[from, to)`; the last one may lack its NEWLINE. */
  parse(source: Buffer, from: number, to: number): void {
    const length = to - from;
    if (length + 1 > this.bytes.length) this.bytes = Buffer.allocUnsafe(2 * (length + 1));
    // A field takes at least its separator byte, so there are at most length + 1 fields.
    if (length + 1 > this.starts.length) {
      this.starts = new Int32Array(length + 1);
      this.ends = new Int32Array(length + 1);
    }
    source.copy(this.bytes, 0, from, to);
    // One NEWLINE after the lines, so the loop needs no end-of-slice case.
    this.bytes[length] = NEWLINE;
    this.decodedAt = length + 1;
    let bytes = this.bytes;
    const { starts, ends, fieldsPerRow } = this;
    let field = 0;
    let lineFields = 0;
    let start = 0;
    let escaped = false;
    for (let i = 0; i <= length; i++) {
      const byte = bytes[i];
      if (byte === TAB || byte === NEWLINE) {
        if (escaped) {
          this.decode(field, start, i);
          bytes = this.bytes;
          escaped = false;
        } else {
          starts[field] = start;
          ends[field] = i;
        }
        field++;
        start = i + 1;
        if (++lineFields === fieldsPerRow) {
          if (byte !== NEWLINE) throw new Error(`COPY lines of ${fieldsPerRow} fields expected, a line has more`);
          lineFields = 0;
        } else if (byte === NEWLINE) throw new Error(`COPY lines of ${fieldsPerRow} fields expected, a line has ${lineFields}`);
      } else if (byte === BACKSLASH) escaped = true;
    }
    this.rowCount = field / fieldsPerRow;
  }

  /** A field with backslash escapes (or `\N`): decoded as `copyField` does, its bytes put after the lines. */
  private decode(field: number, start: number, end: number): void {
    if (end - start === 2 && this.bytes[start + 1] === LETTER_N) {
      this.starts[field] = this.ends[field] = -1;
      return;
    }
    const text = copyField(this.bytes.toString('utf8', start, end)) as string;
    const length = Buffer.byteLength(text);
    if (this.decodedAt + length > this.bytes.length) {
      const larger = Buffer.allocUnsafe(2 * (this.decodedAt + length));
      this.bytes.copy(larger, 0, 0, this.decodedAt);
      this.bytes = larger;
    }
    this.starts[field] = this.decodedAt;
    this.decodedAt += this.bytes.write(text, this.decodedAt);
    this.ends[field] = this.decodedAt;
  }
}
