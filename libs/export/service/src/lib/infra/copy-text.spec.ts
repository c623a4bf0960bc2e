import { CopyText } from './copy-text';

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
