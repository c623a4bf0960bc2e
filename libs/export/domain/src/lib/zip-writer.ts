import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Writable as WritableStream } from 'node:stream';
import { constants as zlibConstants, crc32, createDeflateRaw, DeflateRaw, ZlibOptions } from 'node:zlib';
import { AES_256_SALT_BYTES, AES_AUTH_CODE_BYTES, WinZipAesEncryptor } from './winzip-aes';

/**
 * A streaming zip writer: entries are written as their bytes arrive (data descriptors, so
 * no seeking back), in constant memory. Deflate runs in zlib's thread pool. Zip64 records are
 * added when an entry, an offset or the entry count outgrows the 32/16-bit fields.
 * Encrypted entries use WinZip AES-256 (AE-2: method 99, extra field 0x9901, CRC 0).
 */
export interface ZipEntryOptions {
  /** Deflate (default) or store: an .xlsx inside an encrypted zip is compressed already. */
  compress?: boolean;
  /** WinZip AES-256 password; absent = not encrypted. */
  password?: string;
  modifiedAt?: Date;
}

interface CentralRecord {
  name: Buffer;
  flags: number;
  method: number;
  dosTime: number;
  dosDate: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  offset: number;
  aes: boolean;
  actualMethod: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_DESCRIPTOR = 0x08074b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_ZIP64_END = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const METHOD_STORE = 0;
const METHOD_DEFLATE = 8;
const METHOD_AES = 99;
const MAX32 = 0xffffffff;
const MAX16 = 0xffff;

function dosDateTime(at: Date): { dosTime: number; dosDate: number } {
  const year = Math.max(1980, at.getUTCFullYear());
  return {
    dosTime: (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2),
    dosDate: ((year - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate(),
  };
}

/** Extra field 0x9901: AE-2, vendor "AE", strength 3 (AES-256), the real compression method. */
function aesExtra(actualMethod: number): Buffer {
  const extra = Buffer.alloc(11);
  extra.writeUInt16LE(0x9901, 0);
  extra.writeUInt16LE(7, 2);
  extra.writeUInt16LE(2, 4);
  extra.write('AE', 6, 'latin1');
  extra.writeUInt8(3, 8);
  extra.writeUInt16LE(actualMethod, 9);
  return extra;
}

/** Resolves once `out` can take more: the writer never buffers more than a stream's high-water mark. */
export async function writeTo(out: Writable, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

export class ZipWriter {
  private offset = 0;
  private readonly records: CentralRecord[] = [];
  private open = false;

  constructor(
    private readonly out: Writable,
    private readonly deflateLevel = 1,
  ) {}

  /** Bytes written so far. */
  get bytesWritten(): number {
    return this.offset;
  }

  private emit(chunk: Buffer): boolean {
    this.offset += chunk.length;
    return this.out.write(chunk);
  }

  private async emitAsync(chunk: Buffer): Promise<void> {
    if (!this.emit(chunk)) await once(this.out, 'drain');
  }

  /**
   * Starts an entry; write its bytes to the returned stream and `end()` it (await
   * `finished`) before the next entry.
   */
  async openEntry(name: string, options: ZipEntryOptions = {}): Promise<ZipEntryStream> {
    if (this.open) throw new Error('the previous zip entry is still open');
    this.open = true;
    const compress = options.compress ?? true;
    const aes = options.password !== undefined;
    const actualMethod = compress ? METHOD_DEFLATE : METHOD_STORE;
    const nameBytes = Buffer.from(name, 'utf8');
    const { dosTime, dosDate } = dosDateTime(options.modifiedAt ?? new Date());
    const flags = FLAG_DESCRIPTOR | FLAG_UTF8 | (aes ? FLAG_ENCRYPTED : 0);
    const method = aes ? METHOD_AES : actualMethod;
    const extra = aes ? aesExtra(actualMethod) : Buffer.alloc(0);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(SIG_LOCAL, 0);
    header.writeUInt16LE(aes ? 51 : 45, 4);
    header.writeUInt16LE(flags, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(dosTime, 10);
    header.writeUInt16LE(dosDate, 12);
    // CRC and sizes follow in the data descriptor (flag bit 3).
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(extra.length, 28);
    const record: CentralRecord = { name: nameBytes, flags, method, dosTime, dosDate, crc: 0, compressedSize: 0, uncompressedSize: 0, offset: this.offset, aes, actualMethod };
    await this.emitAsync(Buffer.concat([header, nameBytes, extra]));
    const encryptor = aes ? new WinZipAesEncryptor(options.password!) : undefined;
    if (encryptor) await this.emitAsync(encryptor.header());
    return new ZipEntryStream(
      // A deep input buffer lets the rows of the next chunks be formatted while zlib's thread compresses.
      compress ? createDeflateRaw({ level: this.deflateLevel, memLevel: 9, chunkSize: 64 * 1024, strategy: zlibConstants.Z_DEFAULT_STRATEGY, writableHighWaterMark: 1024 * 1024 } as ZlibOptions) : undefined,
      encryptor,
      (chunk) => this.emit(chunk),
      this.out,
      async (crc, uncompressed, compressedPayload) => {
        const compressedSize = compressedPayload + (aes ? AES_256_SALT_BYTES + 2 + AES_AUTH_CODE_BYTES : 0);
        // AE-2 stores no CRC: the HMAC authenticates the data instead.
        record.crc = aes ? 0 : crc;
        record.compressedSize = compressedSize;
        record.uncompressedSize = uncompressed;
        const zip64 = compressedSize >= MAX32 || uncompressed >= MAX32;
        const descriptor = Buffer.alloc(zip64 ? 24 : 16);
        descriptor.writeUInt32LE(SIG_DESCRIPTOR, 0);
        descriptor.writeUInt32LE(record.crc, 4);
        if (zip64) {
          descriptor.writeBigUInt64LE(BigInt(compressedSize), 8);
          descriptor.writeBigUInt64LE(BigInt(uncompressed), 16);
        } else {
          descriptor.writeUInt32LE(compressedSize, 8);
          descriptor.writeUInt32LE(uncompressed, 12);
        }
        await this.emitAsync(descriptor);
        this.records.push(record);
        this.open = false;
      },
    );
  }

  /** Writes the central directory; the caller ends the output stream. */
  async finish(): Promise<void> {
    if (this.open) throw new Error('a zip entry is still open');
    const centralStart = this.offset;
    for (const record of this.records) {
      const needs64 = { size: record.uncompressedSize >= MAX32, compressed: record.compressedSize >= MAX32, offset: record.offset >= MAX32 };
      const zip64Fields: bigint[] = [];
      if (needs64.size) zip64Fields.push(BigInt(record.uncompressedSize));
      if (needs64.compressed) zip64Fields.push(BigInt(record.compressedSize));
      if (needs64.offset) zip64Fields.push(BigInt(record.offset));
      const zip64Extra = Buffer.alloc(zip64Fields.length ? 4 + 8 * zip64Fields.length : 0);
      if (zip64Fields.length) {
        zip64Extra.writeUInt16LE(0x0001, 0);
        zip64Extra.writeUInt16LE(8 * zip64Fields.length, 2);
        zip64Fields.forEach((value, index) => zip64Extra.writeBigUInt64LE(value, 4 + 8 * index));
      }
      const extra = Buffer.concat([zip64Extra, record.aes ? aesExtra(record.actualMethod) : Buffer.alloc(0)]);
      const header = Buffer.alloc(46);
      header.writeUInt32LE(SIG_CENTRAL, 0);
      header.writeUInt16LE((3 << 8) | 63, 4);
      header.writeUInt16LE(record.aes ? 51 : 45, 6);
      header.writeUInt16LE(record.flags, 8);
      header.writeUInt16LE(record.method, 10);
      header.writeUInt16LE(record.dosTime, 12);
      header.writeUInt16LE(record.dosDate, 14);
      header.writeUInt32LE(record.crc, 16);
      header.writeUInt32LE(needs64.compressed ? MAX32 : record.compressedSize, 20);
      header.writeUInt32LE(needs64.size ? MAX32 : record.uncompressedSize, 24);
      header.writeUInt16LE(record.name.length, 28);
      header.writeUInt16LE(extra.length, 30);
      // external attributes: a regular file, rw-r--r--
      header.writeUInt32LE((0o100644 << 16) >>> 0, 38);
      header.writeUInt32LE(needs64.offset ? MAX32 : record.offset, 42);
      await this.emitAsync(Buffer.concat([header, record.name, extra]));
    }
    const centralSize = this.offset - centralStart;
    const count = this.records.length;
    const zip64 = count >= MAX16 || centralStart >= MAX32 || centralSize >= MAX32;
    if (zip64) {
      const end64Offset = this.offset;
      const end64 = Buffer.alloc(56);
      end64.writeUInt32LE(SIG_ZIP64_END, 0);
      end64.writeBigUInt64LE(44n, 4);
      end64.writeUInt16LE((3 << 8) | 63, 12);
      end64.writeUInt16LE(45, 14);
      end64.writeBigUInt64LE(BigInt(count), 24);
      end64.writeBigUInt64LE(BigInt(count), 32);
      end64.writeBigUInt64LE(BigInt(centralSize), 40);
      end64.writeBigUInt64LE(BigInt(centralStart), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
      locator.writeBigUInt64LE(BigInt(end64Offset), 8);
      locator.writeUInt32LE(1, 16);
      await this.emitAsync(Buffer.concat([end64, locator]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(SIG_END, 0);
    end.writeUInt16LE(Math.min(count, MAX16), 8);
    end.writeUInt16LE(Math.min(count, MAX16), 10);
    end.writeUInt32LE(Math.min(centralSize, MAX32), 12);
    end.writeUInt32LE(Math.min(centralStart, MAX32), 16);
    await this.emitAsync(end);
  }
}

/**
 * The bytes of one entry: CRC over the plain bytes, then deflate (zlib thread pool), then
 * AES, then the zip's output, pausing whenever the output pushes back.
 */
export class ZipEntryStream extends WritableStream {
  private crc = 0;
  private uncompressed = 0;
  private payload = 0;
  private failed?: Error;

  constructor(
    private readonly deflate: DeflateRaw | undefined,
    private readonly encryptor: WinZipAesEncryptor | undefined,
    private readonly push: (chunk: Buffer) => boolean,
    private readonly out: Writable,
    private readonly onFinished: (crc: number, uncompressed: number, payload: number) => Promise<void>,
  ) {
    super({ highWaterMark: 1024 * 1024 });
    if (deflate) {
      deflate.on('data', (chunk: Buffer) => {
        if (!this.forward(chunk)) {
          deflate.pause();
          this.out.once('drain', () => deflate.resume());
        }
      });
      deflate.on('error', (error) => (this.failed = error));
    }
  }

  private forward(chunk: Buffer): boolean {
    this.payload += chunk.length;
    return this.push(this.encryptor ? this.encryptor.update(chunk) : chunk);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.failed) return callback(this.failed);
    this.crc = crc32(chunk, this.crc);
    this.uncompressed += chunk.length;
    if (this.deflate) {
      if (this.deflate.write(chunk)) callback();
      else this.deflate.once('drain', () => callback());
      return;
    }
    if (this.forward(chunk)) callback();
    else this.out.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    const finish = async () => {
      if (this.deflate) {
        const ended = once(this.deflate, 'end');
        this.deflate.end();
        await ended;
      }
      if (this.failed) throw this.failed;
      if (this.encryptor) {
        if (!this.push(this.encryptor.final())) await once(this.out, 'drain');
      }
      await this.onFinished(this.crc >>> 0, this.uncompressed, this.payload);
    };
    finish().then(() => callback(), (error) => callback(error));
  }
}
