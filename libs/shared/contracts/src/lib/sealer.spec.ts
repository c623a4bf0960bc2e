import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { openPersonalData, personalDataKeyId, resealPersonalData, sealPersonalData } from './personal-data';
import { sealedKeyId, Sealer } from './sealer';

const keyA = createHash('sha256').update('key a').digest();
const keyB = createHash('sha256').update('key b').digest();

/** How values were sealed before the one sealer: `[prefix.]iv.tag.body` with no key id. */
function legacySeal(key: Buffer, plaintext: string, prefix?: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [...(prefix ? [prefix] : []), iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

describe('Sealer', () => {
  it('seals as v2 with the id of its first key and opens what it sealed', () => {
    const sealed = new Sealer([keyA]).seal('secret 1');
    expect(sealed).toMatch(/^v2\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('secret');
    expect(new Sealer([keyA]).open(sealed)).toBe('secret 1');
  });

  it('rotates: a sealer with a new key first seals with it and still opens values sealed under the old one', () => {
    const old = new Sealer([keyA]).seal('before the rotation');
    const rotated = new Sealer([keyB, keyA]);
    const fresh = rotated.seal('after the rotation');
    expect(fresh.split('.')[1]).not.toBe(old.split('.')[1]);
    expect(rotated.open(old)).toBe('before the rotation');
    expect(rotated.open(fresh)).toBe('after the rotation');
    // Once the old key is retired, its values no longer open; the new ones do.
    expect(new Sealer([keyB]).open(old)).toBeUndefined();
    expect(new Sealer([keyB]).open(fresh)).toBe('after the rotation');
  });

  it('refuses a damaged value or one whose key id was changed', () => {
    const sealed = new Sealer([keyA]).seal('x');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[4], 'base64url');
    body[0] ^= 1;
    expect(new Sealer([keyA]).open([...parts.slice(0, 4), body.toString('base64url')].join('.'))).toBeUndefined();
    const otherId = new Sealer([keyB]).seal('y').split('.')[1];
    expect(new Sealer([keyB, keyA]).open(['v2', otherId, ...parts.slice(2)].join('.'))).toBeUndefined();
    expect(new Sealer([keyA]).open('not sealed')).toBeUndefined();
  });

  it('still opens the formats sealed before it: personal data v1 and bare export passwords', () => {
    const personalKey = createHash('sha256').update('orderline:personal-data:the secret').digest();
    const v1 = legacySeal(personalKey, JSON.stringify({ name: 'Li Lei' }), 'v1');
    expect(openPersonalData(v1, 'the secret')).toEqual({ name: 'Li Lei' });
    expect(openPersonalData(v1, 'another secret')).toBeUndefined();
    const bare = legacySeal(keyA, 'Pa55word');
    expect(new Sealer([keyA]).open(bare)).toBe('Pa55word');
  });

  it('seals personal data under a rotating secret list', () => {
    const sealed = sealPersonalData({ phone: '13800000000' }, 'old secret');
    expect(openPersonalData(sealed, ['new secret', 'old secret'])).toEqual({ phone: '13800000000' });
    expect(openPersonalData(sealPersonalData({ a: 1 }, ['new secret', 'old secret']), 'new secret')).toEqual({ a: 1 });
  });
});

describe('resealPersonalData (key rotation)', () => {
  it('moves a value sealed under a previous key to the current one, leaves current values, and reports what no key opens', () => {
    const old = sealPersonalData({ phone: '13800000000' }, 'old-secret-0123456789');
    const rotated = ['new-secret-0123456789', 'old-secret-0123456789'];
    const moved = resealPersonalData(old, rotated);
    expect(moved.outcome).toBe('resealed');
    const sealed = (moved as { sealed: string }).sealed;
    expect(sealedKeyId(sealed)).toBe(personalDataKeyId(rotated));
    expect(openPersonalData(sealed, ['new-secret-0123456789'])).toEqual({ phone: '13800000000' });
    expect(resealPersonalData(sealed, rotated)).toEqual({ outcome: 'current' });
    expect(resealPersonalData(old, ['unrelated-secret-0123456789'])).toEqual({ outcome: 'unreadable' });
  });
});
