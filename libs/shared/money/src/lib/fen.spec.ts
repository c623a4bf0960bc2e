import { allocateLargestRemainder, applyRateHalfUp, assertFen, formatFen, MAX_FEN, multiplyFen, sumFen } from './fen';

describe('fen helpers', () => {
  it('refuses fractional or unsafe amounts', () => {
    expect(() => assertFen(10.5)).toThrow(/integer number of fen/);
    expect(() => assertFen(Number.MAX_SAFE_INTEGER + 1)).toThrow();
    expect(() => assertFen('100')).toThrow();
    expect(() => assertFen(100)).not.toThrow();
  });

  it('holds every amount, sum and product to MAX_FEN, far inside 2^53', () => {
    expect(MAX_FEN * 9_000).toBeLessThan(Number.MAX_SAFE_INTEGER);
    expect(() => assertFen(MAX_FEN)).not.toThrow();
    expect(() => assertFen(-MAX_FEN)).not.toThrow();
    expect(() => assertFen(MAX_FEN + 1)).toThrow(/beyond the platform's bound/);
    expect(() => assertFen(Number.MAX_SAFE_INTEGER)).toThrow(/beyond/);
    expect(() => sumFen([MAX_FEN, 1])).toThrow(/sum/);
    expect(() => multiplyFen(MAX_FEN, 2)).toThrow(/line total/);
    expect(() => multiplyFen(1_000_000, 9_999_999)).toThrow(/line total/);
  });

  it('sums and multiplies exactly', () => {
    expect(sumFen([1, 2, 3])).toBe(6);
    expect(multiplyFen(1999, 3)).toBe(5997);
    expect(() => multiplyFen(Number.MAX_SAFE_INTEGER, 2)).toThrow();
  });

  it('applies a ppm rate rounding half up to the fen', () => {
    expect(applyRateHalfUp(10_000, 5_000)).toBe(50); // 0.5 % of 100.00
    expect(applyRateHalfUp(100, 5_000)).toBe(1); // 0.5 fen rounds up
    expect(applyRateHalfUp(99, 5_000)).toBe(0); // 0.495 fen rounds down
    expect(applyRateHalfUp(333_333, 500)).toBe(167); // 166.6665 → 167
    expect(applyRateHalfUp(-100, 5_000)).toBe(-1);
  });

  it('allocates with largest remainders, never losing a fen', () => {
    expect(allocateLargestRemainder(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateLargestRemainder(1000, [500, 300, 200])).toEqual([500, 300, 200]);
    expect(allocateLargestRemainder(10, [3, 3, 4])).toEqual([3, 3, 4]);
    const shares = allocateLargestRemainder(99_999, [12345, 678, 9, 1000]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(99_999);
    expect(() => allocateLargestRemainder(10, [0, 0])).toThrow();
  });

  it('formats for people', () => {
    expect(formatFen(123405)).toBe('1234.05');
    expect(formatFen(-7)).toBe('-0.07');
  });
});
