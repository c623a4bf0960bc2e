import { Cipher, createCipheriv, createHmac, Hmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * WinZip AES encryption (AE-2, AES-256), the format 7-Zip, WinZip, WinRAR and macOS tools
 * open: PBKDF2-HMAC-SHA1 (1000 iterations) derives the AES key, the HMAC key and a 2-byte
 * password verifier from the password and a 16-byte salt; the data is AES-CTR with a
 * little-endian counter starting at 1; a 10-byte HMAC-SHA1 of the ciphertext follows it.
 */
export const AES_256_SALT_BYTES = 16;
export const AES_AUTH_CODE_BYTES = 10;
const KEY_BYTES = 32;
const ITERATIONS = 1000;

export function deriveWinZipAesKeys(password: string, salt: Buffer): { aesKey: Buffer; hmacKey: Buffer; verifier: Buffer } {
  const derived = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, 2 * KEY_BYTES + 2, 'sha1');
  return { aesKey: derived.subarray(0, KEY_BYTES), hmacKey: derived.subarray(KEY_BYTES, 2 * KEY_BYTES), verifier: derived.subarray(2 * KEY_BYTES) };
}

/** Keystream blocks made at once: the counter blocks of one chunk go through one ECB call. */
export class WinZipAesEncryptor {
  private readonly ecb: Cipher;
  private readonly hmac: Hmac;
  private readonly headerBytes: Buffer;
  private counter = 1;
  private keystream = Buffer.alloc(0);
  private keystreamPos = 0;

  constructor(password: string, salt: Buffer = randomBytes(AES_256_SALT_BYTES)) {
    const { aesKey, hmacKey, verifier } = deriveWinZipAesKeys(password, salt);
    this.ecb = createCipheriv('aes-256-ecb', aesKey, null).setAutoPadding(false);
    this.hmac = createHmac('sha1', hmacKey);
    this.headerBytes = Buffer.concat([salt, verifier]);
  }

  /** Salt and password verifier: the first bytes of the entry's data. */
  header(): Buffer {
    return this.headerBytes;
  }

  update(plain: Buffer): Buffer {
    // Its own ArrayBuffer (not the shared pool): 4-byte aligned for the 32-bit XOR below.
    const out = Buffer.allocUnsafeSlow(plain.length);
    let i = 0;
    const ks = this.keystream;
    while (i < plain.length && this.keystreamPos < ks.length) out[i] = plain[i++] ^ ks[this.keystreamPos++];
    if (i < plain.length) {
      const blocks = Math.ceil((plain.length - i) / 16);
      const counters = Buffer.alloc(blocks * 16);
      for (let b = 0; b < blocks; b++) {
        const n = this.counter++;
        counters.writeUInt32LE(n >>> 0, b * 16);
        counters.writeUInt32LE(Math.floor(n / 0x1_0000_0000), b * 16 + 4);
      }
      this.keystream = this.ecb.update(counters);
      this.keystreamPos = 0;
      const fresh = this.keystream;
      let k = 0;
      // Four bytes at a time when the three buffers allow 32-bit views (the usual case).
      const words = (plain.length - i) >>> 2;
      if (words > 0 && ((out.byteOffset + i) & 3) === 0 && ((plain.byteOffset + i) & 3) === 0 && (fresh.byteOffset & 3) === 0) {
        const o32 = new Uint32Array(out.buffer, out.byteOffset + i, words);
        const p32 = new Uint32Array(plain.buffer, plain.byteOffset + i, words);
        const k32 = new Uint32Array(fresh.buffer, fresh.byteOffset, words);
        for (let w = 0; w < words; w++) o32[w] = p32[w] ^ k32[w];
        i += words * 4;
        k = words * 4;
      }
      for (; i < plain.length; i++) out[i] = plain[i] ^ fresh[k++];
      this.keystreamPos = k;
    }
    this.hmac.update(out);
    return out;
  }

  /** The authentication code written after the ciphertext. */
  final(): Buffer {
    return this.hmac.digest().subarray(0, AES_AUTH_CODE_BYTES);
  }
}
