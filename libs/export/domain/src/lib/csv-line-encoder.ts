import { maskSensitive } from './consignee-masking';
import { csvField } from './csv';
import type { Cell, ColumnSource } from './row-projection';
import type { Utf8FieldRows } from './utf8-field-rows';

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const ASTERISK = 0x2a;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;

/**
 * False when the character that starts with the UTF-8 byte `lead` could be white space
 * (`maybeSpace`) or a formula trigger (`csv.ts`), so `neutraliseFormula` leaves text starting
 * with it as it is. Lead bytes C2 (U+0080–U+00BF: U+00A0), E1 (U+1000–U+1FFF: U+1680), E2
 * (U+2000–U+2FFF), E3 (U+3000–U+3FFF) and EF (U+F000–U+FFFF: U+FEFF, full-width ＝＋－＠) go the
 * string way; Chinese text (E4–E9) does not.
 */
function plainStart(lead: number): boolean {
  if (lead < 0x80) return lead > 0x20 && lead !== 0x3d && lead !== 0x2b && lead !== MINUS && lead !== 0x40;
  return lead !== 0xc2 && lead !== 0xe1 && lead !== 0xe2 && lead !== 0xe3 && lead !== 0xef;
}

/** False when the last character of `bytes[start, end)` could be white space (what `trim` would drop). */
function plainEnd(bytes: Buffer, start: number, end: number): boolean {
  let lead = end - 1;
  while (lead > start && (bytes[lead] & 0xc0) === 0x80) lead--;
  const byte = bytes[lead];
  return byte < 0x80 ? byte > 0x20 : byte !== 0xc2 && byte !== 0xe1 && byte !== 0xe2 && byte !== 0xe3 && byte !== 0xef;
}

/** How a column is written (a small integer, so the per-field switch stays monomorphic). */
const enum Format {
  Missing,
  Text,
  Integer,
  MaskedName,
  MaskedPhone,
  /** Region and address: `***` for any non-empty value (consignee-masking.ts). */
  MaskedAll,
  /** Masks without a byte-level form (ID numbers): through the string rules. */
  MaskedOther,
}

function formatOf(source: ColumnSource): Format {
  if (source.index < 0) return Format.Missing;
  if (source.kind === 'integer') return Format.Integer;
  switch (source.mask) {
    case undefined:
      return Format.Text;
    case 'name':
      return Format.MaskedName;
    case 'phone':
      return Format.MaskedPhone;
    case 'region':
    case 'address':
      return Format.MaskedAll;
    default:
      return Format.MaskedOther;
  }
}

/**
 * One CSV line straight from a reader's UTF-8 field bytes to the output bytes, one pass per row:
 * the same line `csvLine(projector.projectValues(values))` makes, without a string per field.
 * The common field (text that needs no formula guard, whole integers) is copied byte by byte;
 * anything else — a possible formula or white-space start, a mask without a byte form, an
 * integer `Number` would rewrite — is decoded and goes through the string rules, so both paths
 * give the same bytes (csv-line-encoder.spec.ts checks them against each other).
 */
export class CsvLineEncoder {
  private readonly formats: Uint8Array;
  private readonly indexes: Int32Array;
  private readonly sources: readonly ColumnSource[];

  constructor(sources: readonly ColumnSource[]) {
    this.sources = sources;
    this.formats = Uint8Array.from(sources, formatOf);
    this.indexes = Int32Array.from(sources, (source) => source.index);
  }

  /**
   * At most the bytes `encode` writes for `row`: a field's bytes at most doubled by quoting, or
   * tripled per UTF-16 unit when it goes through the string rules, plus room for a short mask.
   */
  maxBytes(rows: Utf8FieldRows, row: number): number {
    const base = row * rows.fieldsPerRow;
    let bytes = 0;
    for (let c = 0; c < this.indexes.length; c++) {
      const index = this.indexes[c];
      if (index < 0) continue;
      const start = rows.starts[base + index];
      if (start >= 0) bytes += rows.ends[base + index] - start;
    }
    return bytes * 6 + this.indexes.length * 40 + 2;
  }

  /** Writes the line of `row` (CRLF included) into `out` at `at`; returns where it ends. */
  encode(rows: Utf8FieldRows, row: number, out: Buffer, at: number): number {
    const bytes = rows.bytes;
    const base = row * rows.fieldsPerRow;
    const formats = this.formats;
    for (let c = 0; c < formats.length; c++) {
      if (c > 0) out[at++] = COMMA;
      const format = formats[c];
      if (format === Format.Missing) continue;
      const field = base + this.indexes[c];
      const start = rows.starts[field];
      // NULL is an empty CSV field; so is '', masked or not, except as an integer (`Number('')` is 0).
      if (start < 0) continue;
      const end = rows.ends[field];
      if (start === end && format !== Format.Integer) continue;
      switch (format) {
        case Format.Text:
          at = plainStart(bytes[start]) ? writeText(bytes, start, end, out, at) : this.writeByRules(c, bytes, start, end, out, at);
          break;
        case Format.Integer:
          at = wholeInteger(bytes, start, end) ? copy(bytes, start, end, out, at) : this.writeByRules(c, bytes, start, end, out, at);
          break;
        case Format.MaskedName:
          at = writeMaskedName(bytes, start, end, out, at) ?? this.writeByRules(c, bytes, start, end, out, at);
          break;
        case Format.MaskedPhone:
          at = writeMaskedPhone(bytes, start, end, out, at) ?? this.writeByRules(c, bytes, start, end, out, at);
          break;
        case Format.MaskedAll:
          out[at++] = ASTERISK;
          out[at++] = ASTERISK;
          out[at++] = ASTERISK;
          break;
        default:
          at = this.writeByRules(c, bytes, start, end, out, at);
      }
    }
    out[at++] = CR;
    out[at++] = LF;
    return at;
  }

  /** The field as `rowProjector` and `csvField` treat it (the reference the byte paths match). */
  private writeByRules(column: number, bytes: Buffer, start: number, end: number, out: Buffer, at: number): number {
    const source = this.sources[column];
    const text = bytes.toString('utf8', start, end);
    const cell: Cell = source.kind === 'integer' ? Number(text) : source.mask ? maskSensitive(source.mask, text) : text;
    return at + out.write(csvField(cell), at);
  }
}

function copy(bytes: Buffer, start: number, end: number, out: Buffer, at: number): number {
  for (let i = start; i < end; i++) out[at++] = bytes[i];
  return at;
}

/** Text whose first character is plain: copied, or quoted (RFC 4180) once a separator, quote or line break turns up. */
function writeText(bytes: Buffer, start: number, end: number, out: Buffer, at: number): number {
  const begin = at;
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte === QUOTE || byte === COMMA || byte === CR || byte === LF) return writeQuoted(bytes, start, end, out, begin);
    out[at++] = byte;
  }
  return at;
}

function writeQuoted(bytes: Buffer, start: number, end: number, out: Buffer, at: number): number {
  out[at++] = QUOTE;
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    out[at++] = byte;
    if (byte === QUOTE) out[at++] = QUOTE;
  }
  out[at++] = QUOTE;
  return at;
}

/**
 * Digits `String(Number(text))` gives back unchanged: at most 15 (below 2^53), no leading zero,
 * an optional minus before a non-zero digit (`-0` becomes `0`).
 */
function wholeInteger(bytes: Buffer, start: number, end: number): boolean {
  let i = start;
  if (bytes[i] === MINUS) i++;
  const digits = end - i;
  if (digits < 1 || digits > 15) return false;
  const first = bytes[i];
  if (first < (digits === 1 && i === start ? DIGIT_0 : DIGIT_1) || first > DIGIT_9) return false;
  for (i++; i < end; i++) if (bytes[i] < DIGIT_0 || bytes[i] > DIGIT_9) return false;
  return true;
}

/**
 * `maskName` (first character, then one or two `*`) for a name without white space at either
 * end (which `trim` would drop) and a first character that needs no quoting or formula guard;
 * undefined for any other name.
 */
function writeMaskedName(bytes: Buffer, start: number, end: number, out: Buffer, at: number): number | undefined {
  const lead = bytes[start];
  if (!plainStart(lead) || lead === QUOTE || lead === COMMA || !plainEnd(bytes, start, end)) return undefined;
  // Characters as `[...name]` counts them (code points: every byte that is not a continuation).
  let characters = 0;
  for (let i = start; i < end && characters < 3; i++) if ((bytes[i] & 0xc0) !== 0x80) characters++;
  out[at++] = lead;
  for (let i = start + 1; i < end && (bytes[i] & 0xc0) === 0x80; i++) out[at++] = bytes[i];
  out[at++] = ASTERISK;
  if (characters > 2) out[at++] = ASTERISK;
  return at;
}

/**
 * `maskPhone` for printable ASCII without quote or comma (one byte per UTF-16 unit, nothing to
 * trim or quote) that starts with no formula trigger; undefined for any other phone.
 */
function writeMaskedPhone(bytes: Buffer, start: number, end: number, out: Buffer, at: number): number | undefined {
  if (!plainStart(bytes[start])) return undefined;
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte <= 0x20 || byte >= 0x80 || byte === QUOTE || byte === COMMA) return undefined;
  }
  const length = end - start;
  if (length >= 11) {
    at = copy(bytes, start, end - 8, out, at);
    for (let i = 0; i < 4; i++) out[at++] = ASTERISK;
    return copy(bytes, end - 4, end, out, at);
  }
  if (length <= 4) {
    for (let i = 0; i < length; i++) out[at++] = ASTERISK;
    return at;
  }
  for (let i = 0; i < length - 4; i++) out[at++] = ASTERISK;
  return copy(bytes, end - 4, end, out, at);
}
