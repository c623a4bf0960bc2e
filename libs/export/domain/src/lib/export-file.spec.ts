import { PassThrough } from 'node:stream';
import { parseCsv, readXlsxRows, readZip } from '@orderline/export/testing';
import { openExportFile } from './export-file';
import { csvField, csvLine, FORMULA_START, maybeSpace, neutraliseFormula } from './csv';
import { WinZipAesEncryptor } from './winzip-aes';
import { ZipWriter } from './zip-writer';
import { columnLetters, endStream, xmlText } from './tabular-writers';

async function collect(run: (out: PassThrough) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await run(out);
  out.end();
  return Buffer.concat(chunks);
}

const HEADER = ['order id', 'name', 'amount (fen)'];
const ROWS: Array<Array<string | number | null>> = [
  ['o-1', '张三', 1999],
  ['o-2', '=HYPERLINK("http://evil","x")', 0],
  ['o-3', 'comma, "quote"\nnewline', -5],
  ['o-4', null, 42],
];

describe('CSV escaping and formula neutralisation', () => {
  it('prefixes text that a spreadsheet would evaluate', () => {
    for (const dangerous of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=x', '\r=x']) expect(neutraliseFormula(dangerous)).toBe(`'${dangerous}`);
    expect(neutraliseFormula('plain')).toBe('plain');
    // Leading white space before a trigger, a leading LF, and the full-width triggers.
    for (const dangerous of ['\n=1+1', '\nplain', ' =1+1', '   @SUM(A1)', '\u3000=x', '\u00A0+1', '＝1+1', '＋1', '－1', '＠SUM(A1)', ' ＝x', '\r\n-1'])
      expect(neutraliseFormula(dangerous)).toBe(`'${dangerous}`);
    for (const harmless of ['a=b', 'x-1', 'mail@example.com', ' plain', '１２３', '科技园 1 号']) expect(neutraliseFormula(harmless)).toBe(harmless);
    expect(csvField(-5)).toBe('-5');
    expect(csvField('-5')).toBe("'-5");
  });

  it('skips the formula regex only where it cannot match: every first character, checked against the regex', () => {
    const wrong: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const first = String.fromCharCode(code);
      if (/\s/.test(first) && !maybeSpace(code)) wrong.push(`space ${code.toString(16)}`);
      for (const text of [first, `${first}=1`, `${first}x`, `${first} +1`]) if (neutraliseFormula(text) !== (FORMULA_START.test(text) ? `'${text}` : text)) wrong.push(JSON.stringify(text));
    }
    expect(wrong).toEqual([]);
  });

  it('quotes separators, quotes and line breaks (RFC 4180)', () => {
    expect(csvLine(['a,b', 'say "hi"', 'x\ny', null, 3])).toBe('"a,b","say ""hi""","x\ny",,3\r\n');
  });
});

describe('XLSX text', () => {
  it('escapes markup, drops characters XML forbids, leaves other text as it is', () => {
    expect(xmlText('a & b < c > "d"')).toBe('a &amp; b &lt; c &gt; &quot;d&quot;');
    expect(xmlText('bell\u0007 and \uFFFE gone, tab\tkept')).toBe('bell and  gone, tab\tkept');
    expect(xmlText('科技园 1 号')).toBe('科技园 1 号');
  });
});

describe('XLSX cell references', () => {
  it('names columns in A1 notation', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnLetters)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
  });
});

describe('export files', () => {
  it('writes a plain CSV that parses back to the rows, formulas neutralised', async () => {
    const file = await collect(async (out) => {
      const writer = await openExportFile(out, HEADER, { format: 'CSV', baseName: 'x' });
      for (const row of ROWS) await writer.writeRow(row);
      await writer.finish();
    });
    expect(file.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(parseCsv(file.toString('utf8'))).toEqual([HEADER, ['o-1', '张三', '1999'], ['o-2', `'=HYPERLINK("http://evil","x")`, '0'], ['o-3', 'comma, "quote"\nnewline', '-5'], ['o-4', '', '42']]);
  });

  it('writes an XLSX whose parts check out (CRC) and whose sheet holds the rows', async () => {
    const file = await collect(async (out) => {
      const writer = await openExportFile(out, HEADER, { format: 'XLSX', baseName: 'x' });
      for (const row of ROWS) await writer.writeRow(row);
      await writer.finish();
    });
    const names = readZip(file).map((entry) => entry.name);
    expect(names).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/worksheets/sheet1.xml']);
    expect(readXlsxRows(file)).toEqual([HEADER, ['o-1', '张三', '1999'], ['o-2', `'=HYPERLINK("http://evil","x")`, '0'], ['o-3', 'comma, "quote"\nnewline', '-5'], ['o-4', '', '42']]);
  });

  it('writes rows larger than a 64 KiB chunk whole, between ordinary rows (CSV and XLSX)', async () => {
    // 100k Chinese characters: 300 KB of UTF-8, more than the chunk the writer encodes rows into.
    const rows = [['o-1', '张三', 1], ['o-2', '长'.repeat(100_000), 2], ['o-3', 'after', 3]];
    const expected = [HEADER, ...rows.map((row) => row.map(String))];
    for (const format of ['CSV', 'XLSX'] as const) {
      const file = await collect(async (out) => {
        const writer = await openExportFile(out, HEADER, { format, baseName: 'x' });
        for (const row of rows) await writer.writeRow(row);
        await writer.finish();
      });
      expect(format === 'CSV' ? parseCsv(file.toString('utf8')) : readXlsxRows(file)).toEqual(expected);
    }
  });

  it('marks XLSX text with white space at either end to be kept, and only that text', async () => {
    const cells = [' lead', 'trail\u3000', 'mid dle', '\u00A0both\u2003'];
    const file = await collect(async (out) => {
      const writer = await openExportFile(out, cells.map((_, i) => `h${i}`), { format: 'XLSX', baseName: 'x' });
      await writer.writeRow(cells);
      await writer.finish();
    });
    const sheet = readZip(file).find((entry) => entry.name === 'xl/worksheets/sheet1.xml')!.data.toString('utf8');
    const preserved = [...sheet.matchAll(/<t xml:space="preserve">([^<]*)<\/t>/g)].map((match) => match[1]);
    expect(preserved).toEqual([' lead', 'trail\u3000', '\u00A0both\u2003']);
    expect(readXlsxRows(file)[1]).toEqual(cells);
  });

  it('encrypts with WinZip AES-256: opens with the password, refuses a wrong one, detects tampering', async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => [`o-${i}`, `name ${i}`, i]);
    const file = await collect(async (out) => {
      const writer = await openExportFile(out, HEADER, { format: 'CSV', baseName: 'orders', password: 'S3cret-pass' });
      for (const row of rows) await writer.writeRow(row);
      await writer.finish();
    });
    const [entry] = readZip(file, 'S3cret-pass');
    expect(entry).toMatchObject({ name: 'orders.csv', encrypted: true, method: 8 });
    const parsed = parseCsv(entry.data.toString('utf8'));
    expect(parsed).toHaveLength(5_001);
    expect(parsed[4_321]).toEqual(['o-4320', 'name 4320', '4320']);
    expect(() => readZip(file, 'wrong')).toThrow(/wrong password/);
    expect(() => readZip(file)).toThrow(/password is needed/);
    const tampered = Buffer.from(file);
    tampered[200] ^= 0xff;
    expect(() => readZip(tampered, 'S3cret-pass')).toThrow(/authentication code|wrong password|CRC/);
  });

  it('encrypts an XLSX stored inside the AES zip', async () => {
    const file = await collect(async (out) => {
      const writer = await openExportFile(out, HEADER, { format: 'XLSX', baseName: 'orders', password: 'pw' });
      for (const row of ROWS) await writer.writeRow(row);
      await writer.finish();
    });
    const [entry] = readZip(file, 'pw');
    expect(entry).toMatchObject({ name: 'orders.xlsx', method: 0 });
    expect(readXlsxRows(entry.data)[1]).toEqual(['o-1', '张三', '1999']);
  });

  it('keeps the CTR keystream right across odd chunk boundaries', async () => {
    const plain = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const salt = Buffer.alloc(16, 7);
    const whole = new WinZipAesEncryptor('pw', salt).update(plain);
    const pieces = new WinZipAesEncryptor('pw', salt);
    const split = Buffer.concat([pieces.update(plain.subarray(0, 3)), pieces.update(plain.subarray(3, 40)), pieces.update(plain.subarray(40))]);
    expect(split).toEqual(whole);
  });

  it('writes zip64 end records when entries outnumber 65535', async () => {
    const file = await collect(async (out) => {
      const zip = new ZipWriter(out, 1);
      for (let i = 0; i < 65_540; i++) await endStream(await zip.openEntry(`f${i}`, { compress: false }), Buffer.from(String(i)));
      await zip.finish();
    });
    const entries = readZip(file);
    expect(entries).toHaveLength(65_540);
    expect(entries[65_539].data.toString()).toBe('65539');
  }, 60_000);
});
