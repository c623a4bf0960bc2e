/**
 * Money is an integer number of fen (1/100 CNY) everywhere: computed, stored and sent
 * (domain.md, preamble). These helpers refuse anything that is not an integer within
 * ±MAX_FEN, so a fractional or absurd amount fails loudly instead of drifting.
 */
export type Fen = number;

/**
 * The largest amount of money the platform handles in one field, sum or balance:
 * 10 billion yuan (10^12 fen). It sits 9 000 times inside 2^53, so adding up thousands of
 * amounts that each passed this bound stays exact in a JavaScript number, and PostgreSQL
 * bigint holds it with room to spare. Every request field (`IsFen()`), every computed
 * total (`sumFen`, `multiplyFen`) and every stored balance is held to it; passing it is a
 * refusal (`MoneyError` → 422 AMOUNT_OUT_OF_RANGE), never an overflow.
 */
export const MAX_FEN: Fen = 1_000_000_000_000;

export class MoneyError extends Error {}

export function assertFen(value: unknown, what = 'amount'): asserts value is Fen {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new MoneyError(`${what} must be an integer number of fen, got ${String(value)}`);
  }
  if (Math.abs(value) > MAX_FEN) throw new MoneyError(`${what} of ${value} fen is beyond the platform's bound of ${MAX_FEN} fen`);
}

export function sumFen(amounts: readonly Fen[]): Fen {
  let total = 0;
  for (const amount of amounts) {
    assertFen(amount);
    total += amount;
  }
  assertFen(total, 'sum');
  return total;
}

/** quantity × unit price, checked for overflow. */
export function multiplyFen(unitPrice: Fen, quantity: number): Fen {
  assertFen(unitPrice, 'unit price');
  if (!Number.isSafeInteger(quantity)) throw new MoneyError(`quantity must be an integer, got ${quantity}`);
  // Both factors are bounded, so the product is exact whenever it is within MAX_FEN.
  const product = unitPrice * quantity;
  assertFen(product, 'line total');
  return product;
}

/**
 * A rate is held as an integer number of parts per million (0.50 % = 5 000 ppm) so that
 * applying it needs no floating point. Rounding is half up to the fen (domain.md §4.3).
 */
export type RatePpm = number;

export function applyRateHalfUp(amount: Fen, ratePpm: RatePpm): Fen {
  assertFen(amount);
  if (!Number.isSafeInteger(ratePpm) || ratePpm < 0) throw new MoneyError(`rate must be a non-negative integer ppm, got ${ratePpm}`);
  const product = BigInt(amount) * BigInt(ratePpm);
  const million = 1_000_000n;
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  const rounded = (magnitude + million / 2n) / million;
  return Number(negative ? -rounded : rounded);
}

/**
 * Splits `total` over `weights` proportionally with the largest-remainder method: every
 * share is floor(total × w / Σw), and the fen left over go one each to the largest
 * remainders (earliest index first on ties). The shares always sum to `total`.
 */
export function allocateLargestRemainder(total: Fen, weights: readonly number[]): Fen[] {
  assertFen(total, 'total');
  if (weights.length === 0) throw new MoneyError('cannot allocate over no weights');
  const weightSum = weights.reduce((sum, w) => {
    if (!Number.isSafeInteger(w) || w < 0) throw new MoneyError(`weights must be non-negative integers, got ${w}`);
    return sum + BigInt(w);
  }, 0n);
  if (weightSum === 0n) throw new MoneyError('cannot allocate over weights that sum to zero');
  const bigTotal = BigInt(total);
  const shares = weights.map((w) => (bigTotal * BigInt(w)) / weightSum);
  const remainders = weights.map((w, index) => ({ index, remainder: (bigTotal * BigInt(w)) % weightSum }));
  let left = bigTotal - shares.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of remainders) {
    if (left <= 0n) break;
    shares[index] += 1n;
    left -= 1n;
  }
  return shares.map(Number);
}

/** "1234.05" style rendering for people; never parsed back into arithmetic. */
export function formatFen(amount: Fen): string {
  assertFen(amount);
  const sign = amount < 0 ? '-' : '';
  const magnitude = Math.abs(amount);
  const yuan = Math.trunc(magnitude / 100);
  const fen = magnitude % 100;
  return `${sign}${yuan}.${fen.toString().padStart(2, '0')}`;
}
