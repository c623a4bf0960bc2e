import type { Cell } from './row-projection';

/**
 * Spreadsheet-formula injection (CSV injection): a cell starting with = + - @ or a tab /
 * carriage return would be evaluated by Excel, LibreOffice or Sheets. Such text is prefixed
 * with a single quote, the OWASP recommendation, so it shows as typed. Spreadsheets also trim
 * leading white space (spaces, LF, the ideographic space) before looking for a formula, and
 * some treat the full-width ＝ ＋ － ＠ as their ASCII forms (issue 12: 15 cells of one export
 * passed the old check), so those count too; the one check for CSV and XLSX cells.
 */
export const FORMULA_START = /^(?:[\t\r\n]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

/**
 * False for a UTF-16 code unit that `\s` cannot match (nearly every character in an export), so
 * the callers skip a regex that could only fail: one comparison instead of a regex per cell.
 */
export function maybeSpace(code: number): boolean {
  return code <= 0x20 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x205f) || code === 0x3000 || code === 0xfeff;
}

/** The first characters of FORMULA_START other than white space. */
function formulaTrigger(code: number): boolean {
  return code === 0x3d || code === 0x2b || code === 0x2d || code === 0x40 || code === 0xff1d || code === 0xff0b || code === 0xff0d || code === 0xff20;
}

export function neutraliseFormula(text: string): string {
  const first = text.charCodeAt(0);
  if (!maybeSpace(first) && !formulaTrigger(first)) return text;
  return FORMULA_START.test(text) ? `'${text}` : text;
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field (RFC 4180): numbers as they are, text neutralised and quoted when needed. */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  const text = neutraliseFormula(cell);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// Reused by csvLine: join() makes the line one flat string, where `+=` made a rope of two strings
// per cell for the garbage collector and the UTF-8 encoder to walk.
const fields: string[] = [];

export function csvLine(cells: readonly Cell[]): string {
  if (cells.length === 0) return '\r\n';
  fields.length = cells.length;
  for (let i = 0; i < cells.length; i++) fields[i] = csvField(cells[i]);
  fields[cells.length - 1] += '\r\n';
  return fields.join(',');
}

/** Excel reads a UTF-8 CSV as UTF-8 only with a byte-order mark. */
export const CSV_BOM = '\uFEFF';
