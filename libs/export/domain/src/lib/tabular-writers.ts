import type { Writable } from 'node:stream';
import { csvLine, CSV_BOM, maybeSpace, neutraliseFormula } from './csv';
import type { CsvLineEncoder } from './csv-line-encoder';
import type { Utf8FieldRows } from './utf8-field-rows';
import type { Cell } from './row-projection';
import { writeTo, ZipWriter } from './zip-writer';

const FLUSH_AT = 64 * 1024;
// Room for the rows that arrive before a flush: a row up to ~10k UTF-16 units fits without growing.
const CHUNK_CAPACITY = 96 * 1024;

/** Rows in, file bytes out, in constant memory: rows are gathered into ~64 KiB chunks. */
export interface TabularWriter {
  start(header: readonly string[]): Promise<void>;
  /** Returns a promise only when the chunk was flushed (await it to respect back-pressure). */
  writeRow(cells: readonly Cell[]): Promise<void> | undefined;
  finish(): Promise<void>;
}

/**
 * Text in, ~64 KiB UTF-8 chunks out to `out`. Each row's text is encoded into the chunk as it
 * comes: gathering a chunk's rows into one string and encoding it at the flush made V8 build, then
 * flatten, a rope of tens of thousands of pieces — with its garbage, half the CPU of an export
 * (issue 19 profile; tools/bench/README.md, before/after).
 */
class Utf8Chunks {
  private buffer = Buffer.allocUnsafe(CHUNK_CAPACITY);
  private written = 0;

  constructor(private readonly out: () => Writable) {}

  /** Returns a promise only when a chunk was flushed (await it to respect back-pressure). */
  append(text: string): Promise<void> | undefined {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8 (a surrogate pair 4 for its two units).
    const buffer = this.room(text.length * 3);
    return this.advance(this.length + buffer.write(text, this.length));
  }

  /** The chunk, with room for `bytes` more after `length`: write there, then `advance`. */
  room(bytes: number): Buffer {
    const needed = this.length + bytes;
    if (needed > this.buffer.length) {
      const larger = Buffer.allocUnsafe(Math.max(needed, CHUNK_CAPACITY));
      this.buffer.copy(larger, 0, 0, this.length);
      this.buffer = larger;
    }
    return this.buffer;
  }

  get length(): number {
    return this.written;
  }

  /** Takes the bytes up to `end` as written; returns a promise only when a chunk was flushed. */
  advance(end: number): Promise<void> | undefined {
    this.written = end;
    return end >= FLUSH_AT ? this.flush() : undefined;
  }

  /** Writes what is gathered (the chunk is handed over: a fresh buffer takes the next rows). */
  async flush(): Promise<void> {
    if (this.written === 0) return;
    const chunk = this.buffer.subarray(0, this.written);
    this.buffer = Buffer.allocUnsafe(CHUNK_CAPACITY);
    this.written = 0;
    await writeTo(this.out(), chunk);
  }
}

export class CsvWriter implements TabularWriter {
  private readonly chunks: Utf8Chunks;

  constructor(out: Writable) {
    this.chunks = new Utf8Chunks(() => out);
  }

  async start(header: readonly string[]): Promise<void> {
    await this.chunks.append(CSV_BOM + csvLine(header));
  }

  writeRow(cells: readonly Cell[]): Promise<void> | undefined {
    return this.chunks.append(csvLine(cells));
  }

  /** The same line as `writeRow(projectValues(values))`, from the reader's field bytes. */
  writeFieldRow(encoder: CsvLineEncoder, rows: Utf8FieldRows, row: number): Promise<void> | undefined {
    const buffer = this.chunks.room(encoder.maxBytes(rows, row));
    return this.chunks.advance(encoder.encode(rows, row, buffer, this.chunks.length));
  }

  async finish(): Promise<void> {
    await this.chunks.flush();
  }
}

// XML 1.0 forbids most control characters; they are dropped rather than producing a file Excel rejects.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const XML_SPECIAL = /[&<>"]/g;
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
// Both classes above in one: a single scan clears the usual text, which needs neither replacement.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const XML_CHANGES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF&<>"]/;
const EDGE_SPACE = /^\s|\s$/;

export function xmlText(text: string): string {
  if (!XML_CHANGES.test(text)) return text;
  return text.replace(INVALID_XML, '').replace(XML_SPECIAL, (c) => XML_ESCAPES[c]);
}

/** Text that starts or ends with white space, which XML readers drop unless told to keep it. */
function edgeSpace(text: string): boolean {
  return (maybeSpace(text.charCodeAt(0)) || maybeSpace(text.charCodeAt(text.length - 1))) && EDGE_SPACE.test(text);
}

/** A column's letters in A1 notation (0 → A, 25 → Z, 26 → AA). */
export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

/**
 * One worksheet row. Row and cell references (`r`) are optional in the standard, but readers such
 * as ExcelJS need the row number, and place a cell without one right after the previous cell —
 * skipping empty `<c/>` elements, which shifted the rest of the row. So an empty cell is left
 * out, and the cell after a gap (and the first) carries its address; the others go without,
 * which keeps the row path and the deflated size close to what they were. `letters` caches the
 * column letters.
 */
function xlsxRow(number: number, cells: readonly Cell[], letters: string[]): string {
  let row = `<row r="${number}">`;
  let gap = true;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null) {
      gap = true;
      continue;
    }
    const open = gap ? `<c r="${(letters[i] ??= columnLetters(i))}${number}"` : '<c';
    gap = false;
    if (typeof cell === 'number') row += `${open}><v>${cell}</v></c>`;
    else {
      // Inline strings are never evaluated, but a copy saved as CSV would be: neutralise too.
      const text = xmlText(neutraliseFormula(cell));
      row += edgeSpace(text) ? `${open} t="inlineStr"><is><t xml:space="preserve">${text}</t></is></c>` : `${open} t="inlineStr"><is><t>${text}</t></is></c>`;
    }
  }
  return row + '</row>';
}

const XML_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** The fixed parts of a one-sheet workbook. */
export const XLSX_STATIC_PARTS: ReadonlyArray<[string, string]> = [
  [
    '[Content_Types].xml',
    `${XML_HEADER}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
  ],
  ['_rels/.rels', `${XML_HEADER}<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
  ['xl/workbook.xml', `${XML_HEADER}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="export" sheetId="1" r:id="rId1"/></sheets></workbook>`],
  [
    'xl/_rels/workbook.xml.rels',
    `${XML_HEADER}<Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`,
  ],
  [
    'xl/styles.xml',
    `${XML_HEADER}<styleSheet xmlns="${MAIN_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf/></cellXfs></styleSheet>`,
  ],
];

/** Excel's row limit per sheet (header included). */
export const XLSX_MAX_ROWS = 1_048_576;

/**
 * A minimal streaming .xlsx: a zip of the static parts and one worksheet of inline strings
 * and numbers, written row by row.
 */
export class XlsxWriter implements TabularWriter {
  private readonly zip: ZipWriter;
  private sheet?: Writable;
  private readonly chunks = new Utf8Chunks(() => this.openSheet());
  private rows = 0;
  private readonly letters: string[] = [];

  constructor(
    private readonly out: Writable,
    deflateLevel = 1,
    private readonly modifiedAt = new Date(),
  ) {
    this.zip = new ZipWriter(out, deflateLevel);
  }

  private openSheet(): Writable {
    if (!this.sheet) throw new Error('the worksheet is not open: start() first');
    return this.sheet;
  }

  async start(header: readonly string[]): Promise<void> {
    for (const [name, xml] of XLSX_STATIC_PARTS) {
      const entry = await this.zip.openEntry(name, { modifiedAt: this.modifiedAt });
      await endStream(entry, Buffer.from(xml, 'utf8'));
    }
    this.sheet = await this.zip.openEntry('xl/worksheets/sheet1.xml', { modifiedAt: this.modifiedAt });
    await this.chunks.append(`${XML_HEADER}<worksheet xmlns="${MAIN_NS}"><sheetData>` + xlsxRow(1, header, this.letters));
    this.rows = 1;
  }

  writeRow(cells: readonly Cell[]): Promise<void> | undefined {
    if (++this.rows > XLSX_MAX_ROWS) throw new Error(`an xlsx sheet holds at most ${XLSX_MAX_ROWS - 1} rows; choose CSV or a shorter time range`);
    return this.chunks.append(xlsxRow(this.rows, cells, this.letters));
  }

  async finish(): Promise<void> {
    await this.chunks.append('</sheetData></worksheet>');
    await this.chunks.flush();
    await endStream(this.openSheet());
    await this.zip.finish();
  }
}

/** Ends a writable (optionally with a last chunk) and resolves when everything was written. */
export function endStream(stream: Writable, last?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    if (last) stream.end(last, () => resolve());
    else stream.end(() => resolve());
  });
}
