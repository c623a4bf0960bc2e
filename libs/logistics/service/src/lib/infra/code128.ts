/**
 * Code 128 (ISO/IEC 15417) for the waybill number on the electronic waybill. Decision: a small
 * encoder of our own rather than a barcode library: a waybill number is printable ASCII, so
 * code sets B (text) and C (digit pairs) are enough, and the PDF draws the bars as rectangles.
 * The interop suite decodes what this draws with zbarimg, a decoder we did not write.
 */

/**
 * Bar/space widths (in modules) of the symbol values 0…105, six digits each (bar, space, bar,
 * space, bar, space; 11 modules), as the standard's table lists them; then the stop (7 digits).
 */
const WIDTHS =
  '212222222122222221121223121322131222122213122312132212221213221312231212112232122132122231113222123122123221223211221132221231213212223112312131311222321122321221312212322112322211212123212321232121111323131123131321112313132113132311211313231113231311112133112331132131113123113321133121313121211331231131213113213311213131311123311321331121312113312311332111314111221411431111111224111422121124121421141122141221112214112412122114122411142112142211241211221114413111241112134111111242121142121241114212124112124211411212421112421211212141214121412121111143111341131141114113114311411113411311113141114131311141411131211412211214211232';
const STOP_WIDTHS = '2331112';

const START_B = 104;
const START_C = 105;
const CODE_B = 100;
const CODE_C = 99;

/** The widths of one symbol value (0…105). */
export function symbolWidths(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 105) throw new Error(`no Code 128 symbol ${value}`);
  return WIDTHS.slice(value * 6, value * 6 + 6);
}

function isDigit(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code >= 48 && code <= 57;
}

function digitRun(text: string, from: number): number {
  let end = from;
  while (end < text.length && isDigit(text, end)) end++;
  return end - from;
}

/**
 * The symbol values of `text` (start, data, check, without the stop): code set C for runs of
 * digits long enough to save space (4 at the start or end, 6 inside), B for the rest.
 */
export function code128Values(text: string): number[] {
  if (text.length === 0) throw new Error('Code 128 needs at least one character');
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 32 || code > 126) throw new Error(`Code 128 set B/C cannot encode character ${JSON.stringify(text[i])}`);
  }
  const values: number[] = [];
  let i = 0;
  const leading = digitRun(text, 0);
  let set: 'B' | 'C' = leading >= 4 || (leading >= 2 && leading === text.length) ? 'C' : 'B';
  values.push(set === 'C' ? START_C : START_B);
  while (i < text.length) {
    if (set === 'C') {
      if (digitRun(text, i) >= 2) {
        values.push(Number(text.slice(i, i + 2)));
        i += 2;
        continue;
      }
      values.push(CODE_B);
      set = 'B';
    }
    const run = digitRun(text, i);
    const atEnd = i + run === text.length;
    if (run >= 6 || (atEnd && run >= 4)) {
      // An odd run: one digit stays in B so the rest pairs up.
      if (run % 2 === 1) {
        values.push(text.charCodeAt(i) - 32);
        i++;
      }
      values.push(CODE_C);
      set = 'C';
      continue;
    }
    values.push(text.charCodeAt(i) - 32);
    i++;
  }
  values.push(code128Check(values));
  return values;
}

/** The check symbol: the start value plus each data value times its position, modulo 103. */
export function code128Check(values: readonly number[]): number {
  let sum = values[0];
  for (let i = 1; i < values.length; i++) sum += values[i] * i;
  return sum % 103;
}

/** Quiet zone on each side, in modules (the standard asks for at least 10). */
export const QUIET_ZONE_MODULES = 10;

export interface Code128Bars {
  /** Width in modules, quiet zones included. */
  modules: number;
  /** Each bar as [first module, width in modules]. */
  bars: Array<[number, number]>;
}

/** The bars of `text` in modules (quiet zones included): the drawing scales them. */
export function code128Bars(text: string): Code128Bars {
  const widths = code128Values(text).map(symbolWidths).join('') + STOP_WIDTHS;
  const bars: Array<[number, number]> = [];
  let x = QUIET_ZONE_MODULES;
  for (let i = 0; i < widths.length; i++) {
    const width = Number(widths[i]);
    if (i % 2 === 0) bars.push([x, width]);
    x += width;
  }
  return { modules: x + QUIET_ZONE_MODULES, bars };
}
