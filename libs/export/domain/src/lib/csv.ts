import type { Cell } from './row-projection';

/**
 * Spreadsheet-formula injection (CSV injection): a cell starting with = + - @ or a tab /
 * carriage return would be evaluated by Excel, LibreOffice or Sheets. Such text is prefixed
 * with a single quote, the OWASP recommendation, so it shows as typed. Spreadsheets also trim
 * leading white space (spaces, LF, the ideographic space) before looking for a formula, and
 * some treat the full-width ＝ ＋ － ＠ as their ASCII forms (issue 12: 15 cells of one export
 * passed the old check), so those count too; the one check for CSV and XLSX cells.
 */
const FORMULA_START = /^(?:[\t\r\n]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

export function neutraliseFormula(text: string): string {
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

export function csvLine(cells: readonly Cell[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) line += (i === 0 ? '' : ',') + csvField(cells[i]);
  return line + '\r\n';
}

/** Excel reads a UTF-8 CSV as UTF-8 only with a byte-order mark. */
export const CSV_BOM = '\uFEFF';
