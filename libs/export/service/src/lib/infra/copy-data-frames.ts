import type { CopyText } from './copy-text';

// PostgreSQL frontend/backend protocol: a message is a type byte, then its length (4 bytes, big
// endian, counting itself), then the body.
const COPY_DATA = 0x64; // 'd'
const COPY_OUT_RESPONSE = 0x48; // 'H'
const HEADER_BYTES = 5;
const LENGTH_BYTES = 4;

/**
 * The CopyData messages of a `COPY ... TO STDOUT` read straight from the socket's chunks: their
 * bodies are appended to `CopyText` as they come, a message cut between two chunks included. The
 * driver makes a Buffer view and a message object per CopyData (one per row) and emits it through
 * two event handlers: a fifth of the CPU of a CSV export, with its garbage (issue 19).
 * CopyOutResponse is skipped; the first other message (CopyDone, an error, a notice) ends the
 * interception, and the bytes from it on go back to the driver, which finishes the query.
 */
export class CopyDataFrames {
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerBytes = 0;
  /** Body bytes of the current message still to come. */
  private bodyLeft = 0;
  /** The current message is a CopyOutResponse, read past. */
  private skipping = false;

  constructor(private readonly text: CopyText) {}

  /**
   * Takes one chunk from the socket. Undefined while every message is CopyData (or
   * CopyOutResponse); else the bytes from the first other message on, for the driver.
   */
  push(chunk: Buffer): Buffer | undefined {
    let at = 0;
    while (at < chunk.length) {
      if (this.bodyLeft > 0) {
        const end = Math.min(chunk.length, at + this.bodyLeft);
        if (!this.skipping) this.text.append(chunk, at, end);
        this.bodyLeft -= end - at;
        at = end;
        if (this.bodyLeft === 0 && !this.skipping) this.text.lineEnded();
        continue;
      }
      if (this.headerBytes === 0 && chunk[at] !== COPY_DATA && chunk[at] !== COPY_OUT_RESPONSE) return chunk.subarray(at);
      let length: number;
      let type: number;
      if (this.headerBytes === 0 && chunk.length - at >= HEADER_BYTES) {
        type = chunk[at];
        length = chunk.readUInt32BE(at + 1);
        at += HEADER_BYTES;
      } else {
        // A header cut between two chunks: gathered first.
        const end = Math.min(chunk.length, at + HEADER_BYTES - this.headerBytes);
        chunk.copy(this.header, this.headerBytes, at, end);
        this.headerBytes += end - at;
        at = end;
        if (this.headerBytes < HEADER_BYTES) continue;
        this.headerBytes = 0;
        type = this.header[0];
        length = this.header.readUInt32BE(1);
      }
      // A length below its own 4 bytes is a broken stream: the driver reports it.
      if (length < LENGTH_BYTES) {
        const header = Buffer.alloc(HEADER_BYTES, type);
        header.writeUInt32BE(length, 1);
        return Buffer.concat([header, chunk.subarray(at)]);
      }
      this.skipping = type !== COPY_DATA;
      this.bodyLeft = length - LENGTH_BYTES;
      if (this.bodyLeft === 0 && !this.skipping) this.text.lineEnded();
    }
    return undefined;
  }
}
