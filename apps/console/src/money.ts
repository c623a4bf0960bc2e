// Money is integer fen end to end (domain.md preamble): the console formats and parses it as
// digit strings, so no yuan value ever passes through a floating-point number.

/** 19900 → "¥199.00"; −5 → "-¥0.05". */
export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`money must be an integer number of fen, got ${fen}`);
  const digits = String(Math.abs(fen)).padStart(3, '0');
  return `${fen < 0 ? '-' : ''}¥${digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${digits.slice(-2)}`;
}

/** What a merchant types in yuan ("398", "398.5", "398.50") → fen, or undefined when it is not an amount. */
export function parseYuan(text: string): number | undefined {
  const match = /^\s*(\d{1,10})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** A form rule: an empty field, or an amount in yuan that parseYuan reads. */
export const yuanRule = { validator: async (_: unknown, value?: string) => (!value || parseYuan(value) !== undefined ? undefined : Promise.reject(new Error('¥ 0.00'))) };
