import { CopyFieldRows, CopyText } from './copy-text';

/** Every row of `text` through CopyText, fed as `messages` (byte slices) and read a batch at a time. */
function parseAll(messages: Buffer[], columns: number): unknown[][] {
  const copy = new CopyText(columns);
  const rows: unknown[][] = [];
  messages.forEach((message, index) => {
    copy.push(message);
    // Read now and then, as the writer does: unread bytes are moved to the front, and the buffer
    // (1 MiB at first) grows when 1,500 messages of 997 bytes arrive between two reads.
    if (index % 1_500 === 1_499) rows.push(...copy.rows(false));
  });
  while (!copy.empty) rows.push(...copy.rows(true));
  return rows;
}

const line = (fields: string[]) => Buffer.from(fields.join('\t') + '\n', 'utf8');

describe('CopyText (COPY ... TO STDOUT, text format)', () => {
  it('parses rows of fields: NULL, backslash escapes, Chinese text', () => {
    const rows = parseAll([line(['o-1', '王小明', '\\N', '12']), line(['o-2', 'a\\tb\\nc\\\\d', '', '科技园 1 号, "A" 座'])], 4);
    expect(rows).toEqual([
      ['o-1', '王小明', null, '12'],
      ['o-2', 'a\tb\nc\\d', '', '科技园 1 号, "A" 座'],
    ]);
  });

  it('keeps every row in order across batches, buffer growth and a message cut inside a character', () => {
    const expected = Array.from({ length: 20_000 }, (_, i) => [`o-${i}`, `王小明${i % 100}`, String(i), i % 5 === 0 ? 'x'.repeat(300) : '广东省']);
    const bytes = Buffer.concat(expected.map(line));
    // Messages of odd sizes: a cut may fall inside a 3-byte character or between rows.
    const messages: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 997) messages.push(Buffer.from(bytes.subarray(at, at + 997)));
    expect(parseAll(messages, 4)).toEqual(expected);
  });

  it('returns a row longer than one parse slice whole, and a last line without a newline once the stream ended', () => {
    const long = '长'.repeat(100_000);
    const copy = new CopyText(2);
    copy.push(line(['a', long]));
    copy.push(Buffer.from('b\tc', 'utf8'));
    expect(copy.rows(false)).toEqual([['a', long]]);
    expect(copy.rows(false)).toEqual([]);
    expect(copy.rows(true)).toEqual([['b', 'c']]);
    expect(copy.empty).toBe(true);
  });

  it('refuses lines whose field count is not the number of columns', () => {
    const copy = new CopyText(3);
    copy.push(line(['a', 'b']));
    expect(() => copy.rows(true)).toThrow(/3 fields expected, 2 fields read/);
  });

  it('copies each message: the driver may reuse the buffer it handed over', () => {
    const copy = new CopyText(2);
    const reused = Buffer.from('first\t1\n');
    copy.push(reused);
    reused.write('SECOND\t2\n');
    expect(copy.rows(false)).toEqual([['first', '1']]);
  });
});

/** The rows of a `fields` batch as values (NULL as null), to compare with what `rows` parses. */
function values(batch: CopyFieldRows): Array<Array<string | null>> {
  return Array.from({ length: batch.rowCount }, (_, row) =>
    Array.from({ length: batch.fieldsPerRow }, (_, column) => {
      const field = row * batch.fieldsPerRow + column;
      return batch.starts[field] < 0 ? null : batch.bytes.toString('utf8', batch.starts[field], batch.ends[field]);
    }),
  );
}

/** Every row through `fields`, the stream fed as `messages` and read whenever a line may be complete. */
function parseFields(messages: Buffer[], columns: number, readEvery = 1): Array<Array<string | null>> {
  const copy = new CopyText(columns);
  const batch = new CopyFieldRows(columns);
  const rows: Array<Array<string | null>> = [];
  messages.forEach((message, index) => {
    copy.push(message);
    if (index % readEvery === readEvery - 1) while (copy.fields(false, batch) > 0) rows.push(...values(batch));
  });
  while (!copy.empty) {
    copy.fields(true, batch);
    rows.push(...values(batch));
  }
  return rows;
}

describe('CopyText.fields (field bytes, no string per field)', () => {
  const B = '\\';
  // Escapes as PostgreSQL writes them (backslash, TAB, NEWLINE, CR, NULL) and what copyField also
  // reads (octal, hex, an escaped multi-byte character), beside 2-, 3- and 4-byte characters.
  const escaped = `a${B}${B}tb${B}tc${B}nd${B}re${B}${B}${B}${B}f${B}101${B}x41${B}王`;
  const stream = Buffer.from(`o-1\t王小明\t${B}N\t12\n${B}N\t${escaped}\t\tÄ😀\n\t${B}${B}N\t科技园 1 号, "A" 座\t-5\n`, 'utf8');
  const expected = [
    ['o-1', '王小明', null, '12'],
    [null, `a${B}tb\tc\nd\re${B}${B}fAA王`, '', 'Ä😀'],
    ['', `${B}N`, '科技园 1 号, "A" 座', '-5'],
  ];

  it('reads what rows() reads: NULL, every escape, empty fields, multi-byte characters', () => {
    expect(parseFields([stream], 4)).toEqual(expected);
    expect(parseAll([stream], 4)).toEqual(expected);
  });

  it('gives the same rows whatever byte the stream is cut at (inside an escape, a character, before a NEWLINE)', () => {
    for (let cut = 1; cut < stream.length; cut++) expect([cut, parseFields([stream.subarray(0, cut), stream.subarray(cut)], 4)]).toEqual([cut, expected]);
    // And one byte per message, read after every byte.
    expect(parseFields(Array.from(stream, (byte) => Buffer.from([byte])), 4)).toEqual(expected);
  });

  it('keeps every row in order across slices and buffer growth, and a last line without a NEWLINE once the stream ended', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => [`o-${i}`, `王小明${i % 100}`, i % 7 === 0 ? `${B}N` : String(i), i % 5 === 0 ? `x${B}ty`.repeat(100) : '广东省']);
    const bytes = Buffer.concat([...rows.map(line), Buffer.from(`last\tline\t${B}N\t`)]);
    const messages: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 997) messages.push(Buffer.from(bytes.subarray(at, at + 997)));
    const want = [...rows.map((row) => row.map((value) => (value === `${B}N` ? null : value.replaceAll(`${B}t`, '\t')))), ['last', 'line', null, '']];
    expect(parseFields(messages, 4, 1_500)).toEqual(want);
  });

  it('keeps a batch as it was while the reader takes more bytes', () => {
    const copy = new CopyText(2);
    const batch = new CopyFieldRows(2);
    copy.push(line(['first', '1']));
    expect(copy.fields(false, batch)).toBe(1);
    for (let i = 0; i < 5_000; i++) copy.push(line(['overwrite?', 'x'.repeat(300)]));
    expect(values(batch)).toEqual([['first', '1']]);
  });

  it('refuses lines whose field count is not the number of columns', () => {
    for (const [text, message] of [
      ['a\tb\n', /3 fields expected, a line has 2/],
      ['a\tb\tc\td\n', /3 fields expected, a line has more/],
    ] as const) {
      const copy = new CopyText(3);
      copy.push(Buffer.from(text));
      expect(() => copy.fields(true, new CopyFieldRows(3))).toThrow(message);
    }
  });
});
