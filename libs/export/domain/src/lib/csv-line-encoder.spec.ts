import { PassThrough } from 'node:stream';
import { csvLine } from './csv';
import { CsvLineEncoder } from './csv-line-encoder';
import { openExportFile } from './export-file';
import { columnsFor } from './export-types';
import { ColumnSource, rowProjector } from './row-projection';
import type { Utf8FieldRows } from './utf8-field-rows';

/** Rows of string/NULL values as a reader would hand them over: UTF-8 byte ranges of one buffer. */
function fieldRows(rows: ReadonlyArray<ReadonlyArray<string | null>>): Utf8FieldRows {
  const fieldsPerRow = rows[0].length;
  const parts: Buffer[] = [];
  const starts = new Int32Array(rows.length * fieldsPerRow);
  const ends = new Int32Array(rows.length * fieldsPerRow);
  let at = 0;
  rows.flat().forEach((value, field) => {
    if (value === null) {
      starts[field] = ends[field] = -1;
      return;
    }
    const bytes = Buffer.from(value, 'utf8');
    parts.push(bytes);
    starts[field] = at;
    at += bytes.length;
    ends[field] = at;
  });
  return { bytes: Buffer.concat(parts), rowCount: rows.length, fieldsPerRow, starts, ends };
}

/** Every row through the encoder and through projectValues + csvLine: the two must give the same bytes. */
function compare(sources: readonly ColumnSource[], project: (values: readonly unknown[]) => Parameters<typeof csvLine>[0], rows: ReadonlyArray<ReadonlyArray<string | null>>): string[] {
  const encoder = new CsvLineEncoder(sources);
  const batch = fieldRows(rows);
  const out = Buffer.alloc(1024 * 1024);
  const wrong: string[] = [];
  for (let row = 0; row < batch.rowCount; row++) {
    const max = encoder.maxBytes(batch, row);
    const end = encoder.encode(batch, row, out.fill(0, 0, max + 8), 0);
    // Bytes, as the file has them: a mask that cuts a surrogate pair (maskPhone counts UTF-16
    // units) leaves a lone surrogate, which both paths encode as U+FFFD.
    const expected = csvLine(project(rows[row]));
    if (end > max) wrong.push(`row ${row}: ${end} bytes written, at most ${max} announced`);
    if (!out.subarray(0, end).equals(Buffer.from(expected, 'utf8'))) wrong.push(`${JSON.stringify(rows[row])}: ${JSON.stringify(out.toString('utf8', 0, end))} instead of ${JSON.stringify(expected)}`);
  }
  return wrong;
}

// The reader's columns of an order export (a subset of the SELECT, in another order, so the
// indexes are exercised) and one value kind per column.
const KEYS = ['addressDetail', 'orderId', 'goodsTotal', 'consigneeName', 'placedAt', 'consigneePhone', 'county', 'buyerNote', 'refundedAmount', 'province'];
const INTEGERS = ['0', '-0', '7', '-5', '007', '-007', '123456789012345', '-123456789012345', '1234567890123456', '9007199254740993', '-', '', '1e3', ' 5', '12.50', 'abc', '+5'];
const PHONES = ['13812345678', '+8613812345678', '-13812345678', '12345', '1234', '1', '', ' 13812345678', '13812345678 ', '138,1234,5678', '138"12345678', '电话13812345678', '=1+2345678901', '@12345678901', '1381234567\u3000'];
const NAMES = ['王小明', '王', 'AB', 'A', ' 王小明', '王小明 ', '"x"', ',a', 'a,b', '=cmd', '-x', '😀abc', '😀', 'a\u3000', '\u3000a', 'a\u00a0', '＝1', '王\u2028', ''];

describe('CsvLineEncoder: the same line as projectValues + csvLine, from field bytes', () => {
  for (const mode of ['MASKED', 'FULL', 'NONE'] as const) {
    const projector = rowProjector('UNPAID_ORDERS', mode, KEYS);

    it(`${mode}: text starting with every UTF-16 unit (and an astral character), quotes, separators, line breaks`, () => {
      const rows: Array<Array<string | null>> = [];
      const texts = (first: string) => [first, `${first}=1`, `${first}x`, `${first} +1`, `a${first}`, `${first},"q"`, `${first}\r\n`];
      for (let code = 0; code <= 0xffff; code++) {
        if (code >= 0xd800 && code <= 0xdfff) continue;
        const variants = texts(String.fromCharCode(code));
        rows.push(KEYS.map((_, i) => variants[(code + i) % variants.length]));
      }
      for (const astral of ['😀', '𠀀', '\u{10FFFF}']) for (const text of texts(astral)) rows.push(KEYS.map(() => text));
      expect(compare(projector.sources, (values) => projector.projectValues(values), rows)).toEqual([]);
    });

    it(`${mode}: integers, phones, names, NULLs and empty strings`, () => {
      const rows: Array<Array<string | null>> = [];
      const count = Math.max(INTEGERS.length, PHONES.length, NAMES.length);
      for (let i = 0; i < count; i++) {
        const integer = INTEGERS[i % INTEGERS.length];
        const phone = PHONES[i % PHONES.length];
        const name = NAMES[i % NAMES.length];
        rows.push(['科技园 1 号, "A" 座', `o-${i}`, integer, name, '2026-03-01T00:00:02.000Z', phone, name, phone, integer, name]);
        rows.push(KEYS.map(() => null));
        rows.push(KEYS.map(() => ''));
      }
      expect(compare(projector.sources, (values) => projector.projectValues(values), rows)).toEqual([]);
    });
  }

  it('writes an empty field for a column the reader does not have, and masks ID numbers by the string rules', () => {
    const columns = columnsFor('LOC_SIGNUPS', 'MASKED');
    const keys = columns.map((column) => column.key).filter((key) => key !== 'activityTitle');
    const projector = rowProjector('LOC_SIGNUPS', 'MASKED', keys);
    const rows = [keys.map((key) => (key === 'idNumber' ? '110101199001011234' : `${key}-1`)), keys.map((key) => (key === 'idNumber' ? '=12345678' : null))];
    expect(compare(projector.sources, (values) => projector.projectValues(values), rows)).toEqual([]);
  });

  it('gives the same CSV file through writeFieldRow as through writeRow, also inside the AES zip', async () => {
    const projector = rowProjector('UNPAID_ORDERS', 'MASKED', KEYS);
    const rows = NAMES.map((name, i) => ['科技园 1 号, "A" 座', `o-${i}`, INTEGERS[i % INTEGERS.length], name, '2026-03-01T00:00:02.000Z', PHONES[i % PHONES.length], name, '=1+1', null, '广东省']);
    const batch = fieldRows(rows);
    const write = async (fields: boolean) => {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (chunk: Buffer) => chunks.push(chunk));
      const file = await openExportFile(out, ['h1', 'h2'], { format: 'CSV', baseName: 'x', modifiedAt: new Date(0), columnSources: projector.sources });
      const writeFieldRow = file.writeFieldRow;
      if (!writeFieldRow) throw new Error('a CSV file with column sources takes field rows');
      for (let row = 0; row < rows.length; row++) await (fields ? writeFieldRow(batch, row) : file.writeRow(projector.projectValues(rows[row])));
      await file.finish();
      return Buffer.concat(chunks);
    };
    expect((await write(true)).equals(await write(false))).toBe(true);
    const zipped = await openExportFile(new PassThrough(), ['h'], { format: 'CSV', password: 'p', baseName: 'x', columnSources: projector.sources });
    expect(zipped.writeFieldRow).toBeDefined();
    const xlsx = await openExportFile(new PassThrough(), ['h'], { format: 'XLSX', baseName: 'x', columnSources: projector.sources });
    expect(xlsx.writeFieldRow).toBeUndefined();
  });
});
