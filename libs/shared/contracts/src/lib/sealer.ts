import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * The one AES-256-GCM sealer of the platform: personal data in events (`personal-data.ts`) and
 * the export file passwords (export service) are sealed with it.
 *
 * Format `v2.<kid>.<iv>.<tag>.<body>` (base64url parts). `kid` names the key that sealed the
 * value (a fingerprint of the key, not the key), so keys can rotate: a sealer is given its keys
 * newest first, seals with the first and opens with whichever `kid` names. The version and kid
 * are authenticated with the body (GCM additional data): a value cannot be moved to another key.
 *
 * It still opens the two formats sealed before (existing rows and events on topics), which carry
 * no key id and are tried with every key: `v1.<iv>.<tag>.<body>` (personal data) and
 * `<iv>.<tag>.<body>` (export passwords).
 */
export type ResealOutcome = { outcome: 'current' } | { outcome: 'resealed'; sealed: string } | { outcome: 'unreadable' };

export class Sealer {
  private readonly keys: ReadonlyArray<{ id: string; key: Buffer }>;

  /** `keys`: 32-byte AES keys, the one to seal with first, then older ones still to open. */
  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new Error('a sealer needs at least one key');
    for (const key of keys) if (key.length !== 32) throw new Error(`a sealing key is 32 bytes, got ${key.length}`);
    this.keys = keys.map((key) => ({ id: keyId(key), key }));
  }

  /** The id of the key new values are sealed under (what `sealedKeyId` reads back). */
  get sealingKeyId(): string {
    return this.keys[0].id;
  }

  seal(plaintext: string): string {
    const { id, key } = this.keys[0];
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(`v2.${id}`));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v2', id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /**
   * The value under the sealing key (key rotation, `orderline rotate-key`): `current` when it
   * already is, `resealed` with the new value when an older key opened it, `unreadable` when no
   * key of this sealer opens it (the caller leaves it as it is).
   */
  reseal(sealed: string): ResealOutcome {
    const plaintext = this.open(sealed);
    if (plaintext === undefined) return { outcome: 'unreadable' };
    if (sealedKeyId(sealed) === this.sealingKeyId) return { outcome: 'current' };
    return { outcome: 'resealed', sealed: this.seal(plaintext) };
  }

  /** The plaintext, or undefined when no key of this sealer sealed it or it is damaged. */
  open(sealed: string): string | undefined {
    const parts = sealed.split('.');
    if (parts[0] === 'v2' && parts.length === 5) {
      const [, id, iv, tag, body] = parts;
      const key = this.keys.find((candidate) => candidate.id === id)?.key;
      return key && decrypt(key, iv, tag, body, Buffer.from(`v2.${id}`));
    }
    const legacy = parts[0] === 'v1' && parts.length === 4 ? parts.slice(1) : parts.length === 3 ? parts : undefined;
    if (!legacy) return undefined;
    for (const { key } of this.keys) {
      const plaintext = decrypt(key, legacy[0], legacy[1], legacy[2]);
      if (plaintext !== undefined) return plaintext;
    }
    return undefined;
  }
}

/** The key id a sealed value names (`v2.<kid>.…`), or undefined for the formats sealed before key ids. */
export function sealedKeyId(sealed: string): string | undefined {
  const parts = sealed.split('.');
  return parts[0] === 'v2' && parts.length === 5 ? parts[1] : undefined;
}

/** A key's id in sealed values: 8 base64url characters of a hash of the key. */
function keyId(key: Buffer): string {
  return createHash('sha256').update('orderline:sealing-key-id:').update(key).digest('base64url').slice(0, 8);
}

function decrypt(key: Buffer, iv: string, tag: string, body: string, aad?: Buffer): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
