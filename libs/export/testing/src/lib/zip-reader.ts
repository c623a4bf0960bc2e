import { createCipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';

/**
 * A test-side zip reader written apart from the export service's writer: it walks the
 * central directory (zip64 aware), decrypts WinZip AES entries (checks the password verifier
 * and the HMAC-SHA1 authentication code), inflates, and checks CRC-32 where one is stored.
 */
export interface ZipEntry {
  name: string;
  method: number;
  encrypted: boolean;
  data: Buffer;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32Of(data: Buffer): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** AES-CTR with WinZip's little-endian counter, one block at a time (slow and plain on purpose). */
function aesCtrLittleEndian(key: Buffer, data: Buffer): Buffer {
  const out = Buffer.alloc(data.length);
  for (let offset = 0, counter = 1; offset < data.length; offset += 16, counter++) {
    const block = Buffer.alloc(16);
    block.writeBigUInt64LE(BigInt(counter), 0);
    const keystream = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false).update(block);
    for (let i = 0; i < 16 && offset + i < data.length; i++) out[offset + i] = data[offset + i] ^ keystream[i];
  }
  return out;
}

export class ZipFormatError extends Error {}

export function readZip(file: Buffer, password?: string): ZipEntry[] {
  let end = -1;
  for (let i = file.length - 22; i >= Math.max(0, file.length - 22 - 65_535); i--) {
    if (file.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipFormatError('no end of central directory');
  let count = file.readUInt16LE(end + 10);
  let centralOffset = file.readUInt32LE(end + 16);
  if (end >= 20 && file.readUInt32LE(end - 20) === 0x07064b50) {
    const end64 = Number(file.readBigUInt64LE(end - 20 + 8));
    if (file.readUInt32LE(end64) !== 0x06064b50) throw new ZipFormatError('bad zip64 end record');
    count = Number(file.readBigUInt64LE(end64 + 32));
    centralOffset = Number(file.readBigUInt64LE(end64 + 48));
  }
  const entries: ZipEntry[] = [];
  let p = centralOffset;
  for (let n = 0; n < count; n++) {
    if (file.readUInt32LE(p) !== 0x02014b50) throw new ZipFormatError(`bad central header at ${p}`);
    const flags = file.readUInt16LE(p + 8);
    const method = file.readUInt16LE(p + 10);
    const crc = file.readUInt32LE(p + 16);
    let compressedSize = file.readUInt32LE(p + 20);
    let size = file.readUInt32LE(p + 24);
    const nameLength = file.readUInt16LE(p + 28);
    const extraLength = file.readUInt16LE(p + 30);
    const commentLength = file.readUInt16LE(p + 32);
    let localOffset = file.readUInt32LE(p + 42);
    const name = file.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    const extra = file.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    let aes: { version: number; strength: number; method: number } | undefined;
    for (let e = 0; e + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(e);
      const length = extra.readUInt16LE(e + 2);
      const body = extra.subarray(e + 4, e + 4 + length);
      if (id === 0x0001) {
        let f = 0;
        if (size === 0xffffffff) {
          size = Number(body.readBigUInt64LE(f));
          f += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = Number(body.readBigUInt64LE(f));
          f += 8;
        }
        if (localOffset === 0xffffffff) localOffset = Number(body.readBigUInt64LE(f));
      }
      if (id === 0x9901) aes = { version: body.readUInt16LE(0), strength: body.readUInt8(4), method: body.readUInt16LE(5) };
      e += 4 + length;
    }
    p += 46 + nameLength + extraLength + commentLength;

    if (file.readUInt32LE(localOffset) !== 0x04034b50) throw new ZipFormatError(`bad local header for ${name}`);
    const dataStart = localOffset + 30 + file.readUInt16LE(localOffset + 26) + file.readUInt16LE(localOffset + 28);
    let payload = file.subarray(dataStart, dataStart + compressedSize);
    let realMethod = method;
    const encrypted = (flags & 1) === 1;
    if (encrypted) {
      if (method !== 99 || !aes) throw new ZipFormatError(`${name}: only WinZip AES encryption is supported`);
      if (aes.strength !== 3) throw new ZipFormatError(`${name}: not AES-256`);
      if (password === undefined) throw new ZipFormatError(`${name} is encrypted: a password is needed`);
      const salt = payload.subarray(0, 16);
      const verifier = payload.subarray(16, 18);
      const authCode = payload.subarray(payload.length - 10);
      const cipherText = payload.subarray(18, payload.length - 10);
      const keys = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 1000, 66, 'sha1');
      if (!keys.subarray(64).equals(verifier)) throw new ZipFormatError(`${name}: wrong password`);
      const mac = createHmac('sha1', keys.subarray(32, 64)).update(cipherText).digest().subarray(0, 10);
      if (!timingSafeEqual(mac, authCode)) throw new ZipFormatError(`${name}: authentication code mismatch (corrupt or tampered)`);
      payload = aesCtrLittleEndian(keys.subarray(0, 32), cipherText);
      realMethod = aes.method;
    }
    const data = realMethod === 8 ? inflateRawSync(payload) : realMethod === 0 ? Buffer.from(payload) : (() => {
      throw new ZipFormatError(`${name}: compression method ${realMethod}`);
    })();
    if (data.length !== size) throw new ZipFormatError(`${name}: size ${data.length} != ${size}`);
    // AE-2 stores no CRC (0); every other entry must match.
    const checkCrc = !(encrypted && aes?.version === 2);
    if (checkCrc && crc32Of(data) !== crc) throw new ZipFormatError(`${name}: CRC mismatch`);
    entries.push({ name, method: realMethod, encrypted, data });
  }
  return entries;
}

/**
 * The cells of a simple inline-string/number worksheet, as text: a cell with an A1 reference goes
 * to that column, one without follows the previous cell (empty cells are left out of the file);
 * each row as wide as the header row.
 */
export function readXlsxRows(xlsx: Buffer): string[][] {
  const sheet = readZip(xlsx).find((entry) => entry.name === 'xl/worksheets/sheet1.xml');
  if (!sheet) throw new ZipFormatError('no xl/worksheets/sheet1.xml');
  const xml = sheet.data.toString('utf8');
  const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  const column = (letters: string) => [...letters].reduce((n, letter) => n * 26 + letter.charCodeAt(0) - 64, 0) - 1;
  const rows = [...xml.matchAll(/<row r="\d+">(.*?)<\/row>/gs)].map(([, row]) => {
    const cells: string[] = [];
    let at = -1;
    for (const m of row.matchAll(/<c(?: r="([A-Z]+)\d+")?(?: t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)<\/t><\/is><\/c>|><v>(.*?)<\/v><\/c>)/gs)) {
      at = m[1] !== undefined ? column(m[1]) : at + 1;
      cells[at] = m[2] !== undefined ? unescape(m[2]) : m[3];
    }
    return cells;
  });
  const width = rows[0]?.length ?? 0;
  return rows.map((cells) => Array.from({ length: Math.max(width, cells.length) }, (_, i) => cells[i] ?? ''));
}

/** RFC 4180 CSV (quoted fields, CRLF), BOM stripped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const source = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    }
    else if (c === '\r' && source[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
