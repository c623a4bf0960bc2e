import { CopyDataFrames } from './copy-data-frames';
import { CopyFieldRows, CopyText } from './copy-text';

/** One protocol message: type byte, length (counting itself), body. */
function message(type: string, body: Buffer | string): Buffer {
  const bytes = Buffer.from(body);
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(bytes.length + 4, 1);
  return Buffer.concat([header, bytes]);
}

const ROWS = [
  ['o-1', '王小明', '\\N'],
  ['o-2', 'a\\tb\\\\c', 'Ä😀'],
  ['o-3', '', '科技园 1 号, "A" 座'],
];
const EXPECTED = [
  ['o-1', '王小明', null],
  ['o-2', 'a\tb\\c', 'Ä😀'],
  ['o-3', '', '科技园 1 号, "A" 座'],
];
const COPY_OUT_RESPONSE = message('H', Buffer.from([0, 0, 3, 0, 0, 0, 0, 0, 0]));
const COPY_DATA = ROWS.map((row) => message('d', `${row.join('\t')}\n`));
// What the driver must still see: CopyDone, CommandComplete, ReadyForQuery.
const END = Buffer.concat([message('c', ''), message('C', 'COPY 3\0'), message('Z', 'T')]);

/** Feeds `chunks`; returns the rows CopyText got, the bytes handed back and the messages counted. */
function feed(chunks: Buffer[]): { rows: Array<Array<string | null>>; handedBack: Buffer; waiting: number } {
  const text = new CopyText(3);
  const frames = new CopyDataFrames(text);
  const back: Buffer[] = [];
  for (const chunk of chunks) {
    if (back.length > 0) back.push(chunk);
    else {
      const rest = frames.push(chunk);
      if (rest) back.push(Buffer.from(rest));
    }
  }
  const waiting = text.waiting;
  const batch = new CopyFieldRows(3);
  const rows: Array<Array<string | null>> = [];
  while (!text.empty) {
    text.fields(true, batch);
    for (let row = 0; row < batch.rowCount; row++)
      rows.push([0, 1, 2].map((column) => (batch.starts[row * 3 + column] < 0 ? null : batch.bytes.toString('utf8', batch.starts[row * 3 + column], batch.ends[row * 3 + column]))));
  }
  return { rows, handedBack: Buffer.concat(back), waiting };
}

describe('CopyDataFrames (CopyData read from the socket, without the driver)', () => {
  const stream = Buffer.concat([COPY_OUT_RESPONSE, ...COPY_DATA, END]);

  it('appends the body of every CopyData, skips CopyOutResponse and hands the rest back from CopyDone on', () => {
    expect(feed([stream])).toEqual({ rows: EXPECTED, handedBack: END, waiting: 3 });
  });

  it('gives the same whatever byte the socket cuts the stream at (inside a header, a body, a character), and one byte at a time', () => {
    for (let cut = 1; cut < stream.length; cut++) expect([cut, feed([stream.subarray(0, cut), stream.subarray(cut)])]).toEqual([cut, { rows: EXPECTED, handedBack: END, waiting: 3 }]);
    for (let first = 1; first < stream.length - 1; first += 7)
      for (let second = first + 1; second < stream.length; second += 5) {
        const result = feed([stream.subarray(0, first), stream.subarray(first, second), stream.subarray(second)]);
        expect([first, second, result]).toEqual([first, second, { rows: EXPECTED, handedBack: END, waiting: 3 }]);
      }
    expect(feed(Array.from(stream, (byte) => Buffer.from([byte])))).toEqual({ rows: EXPECTED, handedBack: END, waiting: 3 });
  });

  it('gives the stream back to the driver at the first other message (a notice in the middle), with every byte from it on', () => {
    const notice = message('N', 'SWARNING\0Mslow\0\0');
    const rest = Buffer.concat([notice, COPY_DATA[2], END]);
    for (let cut = 1; cut < 20; cut++) {
      const all = Buffer.concat([COPY_OUT_RESPONSE, COPY_DATA[0], COPY_DATA[1], rest]);
      const at = all.length - rest.length + cut - 10;
      expect(feed([all.subarray(0, at), all.subarray(at)])).toEqual({ rows: EXPECTED.slice(0, 2), handedBack: rest, waiting: 2 });
    }
  });

  it('hands back an error response sent in place of the copy data', () => {
    const error = message('E', 'SERROR\0C57014\0Mcanceling statement\0\0');
    expect(feed([Buffer.concat([COPY_OUT_RESPONSE, error, message('Z', 'E')])])).toEqual({ rows: [], handedBack: Buffer.concat([error, message('Z', 'E')]), waiting: 0 });
  });
});
