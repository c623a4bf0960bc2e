import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor';

describe('keyset cursor', () => {
  it('gives back the position it encoded', () => {
    const position = { at: new Date('2026-11-23T08:00:00.123Z'), id: '3f1c9a52-8a44-4d43-9a57-2b3a0f0f7e11' };
    expect(decodeKeysetCursor(encodeKeysetCursor(position))).toEqual(position);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['no id', Buffer.from('2026-11-23T08:00:00.000Z|').toString('base64url')],
    ['bad instant', Buffer.from('yesterday|3f1c9a52-8a44-4d43-9a57-2b3a0f0f7e11').toString('base64url')],
    ['id that is not a uuid', Buffer.from("2026-11-23T08:00:00.000Z|1' OR '1'='1").toString('base64url')],
    ['extra parts', Buffer.from('2026-11-23T08:00:00.000Z|3f1c9a52-8a44-4d43-9a57-2b3a0f0f7e11|x').toString('base64url')],
  ])('answers 400 for a cursor no list gave out (%s)', (_, cursor) => {
    expect(() => decodeKeysetCursor(cursor)).toThrow(expect.objectContaining({ status: 400, code: 'VALIDATION_FAILED' }));
  });
});
