import { allocatePaymentToLines, calculateRefund, refundForUnits } from './refund-allocation';

const line = (lineId: string, unitPrice: number, quantity: number) => ({ lineId, unitPrice, quantity });

describe('refund allocation (domain.md §3 partial returns)', () => {
  it('pays each line its gross value when there is no discount and no freight', () => {
    const lines = allocatePaymentToLines({ paid: 59_700, freight: 0, lines: [line('a', 19_900, 1), line('b', 19_900, 1), line('c', 19_900, 1)] });
    expect(lines.map((l) => [l.paid, l.freightShare, l.discountShare])).toEqual([
      [19_900, 0, 0],
      [19_900, 0, 0],
      [19_900, 0, 0],
    ]);
  });

  it('spreads freight over the lines in proportion to their value', () => {
    // gross 10 000 + 5 000 × 2 = 20 000; freight 1 000 → 500 / 500 by weight 10 000 / 10 000.
    const lines = allocatePaymentToLines({ paid: 21_000, freight: 1_000, lines: [line('a', 10_000, 1), line('b', 5_000, 2)] });
    expect(lines.map((l) => [l.gross, l.freightShare, l.paid])).toEqual([
      [10_000, 500, 10_500],
      [10_000, 500, 10_500],
    ]);
  });

  it('spreads an order-level discount proportionally with largest-remainder rounding', () => {
    // 3 lines of 1 000: a 100 fen discount → 33.33 each; the spare fen goes to the earliest line.
    const lines = allocatePaymentToLines({ paid: 2_900, freight: 0, lines: [line('a', 1_000, 1), line('b', 1_000, 1), line('c', 1_000, 1)] });
    expect(lines.map((l) => l.paid)).toEqual([967, 967, 966]);
    expect(lines.map((l) => l.discountShare)).toEqual([33, 33, 34]);
    expect(lines.reduce((n, l) => n + l.paid, 0)).toBe(2_900);
  });

  it('combines freight and discount and never loses a fen', () => {
    const lines = allocatePaymentToLines({ paid: 12_345, freight: 777, lines: [line('a', 3_333, 1), line('b', 4_999, 1), line('c', 1, 7)] });
    expect(lines.reduce((n, l) => n + l.paid, 0)).toBe(12_345);
    expect(lines.reduce((n, l) => n + l.freightShare, 0)).toBe(777);
    for (const l of lines) {
      expect(l.paid).toBeGreaterThanOrEqual(0);
      expect(l.gross + l.freightShare - l.discountShare).toBe(l.paid);
    }
  });

  it('never pays a line more than the order paid, even for a near-free order', () => {
    const lines = allocatePaymentToLines({ paid: 1, freight: 0, lines: [line('a', 500, 1), line('b', 500, 1)] });
    expect(lines.map((l) => l.paid)).toEqual([1, 0]);
  });

  it('splits free lines by quantity so the allocation stays defined', () => {
    expect(allocatePaymentToLines({ paid: 0, freight: 0, lines: [line('gift', 0, 2)] }).map((l) => l.paid)).toEqual([0]);
  });

  it('prices units cumulatively: returned one by one they add up to the line exactly', () => {
    const paid = { paid: 1_000, quantity: 3 };
    const units = [refundForUnits(paid, 0, 1), refundForUnits(paid, 1, 1), refundForUnits(paid, 2, 1)];
    expect(units).toEqual([333, 333, 334]);
    expect(refundForUnits(paid, 0, 3)).toBe(1_000);
    expect(refundForUnits(paid, 1, 2)).toBe(667);
    expect(() => refundForUnits(paid, 2, 2)).toThrow(/cannot refund 2 more of 3/);
    expect(() => refundForUnits(paid, 0, 0)).toThrow(/positive integer/);
  });

  it('calculates a partial refund, then the rest, summing to what was paid', () => {
    const order = { paid: 29_800, freight: 1_000, lines: [line('a', 10_000, 1), line('b', 5_000, 3)] };
    // gross 10 000 / 15 000; paid 29 800 (200 discount) → 11 920 / 17 880.
    const first = calculateRefund(order, { unitsByLine: new Map(), total: 0 }, [{ lineId: 'b', quantity: 1 }]);
    expect(first).toEqual({ amount: 5_960, lines: [{ lineId: 'b', quantity: 1, amount: 5_960 }] });
    const rest = calculateRefund(order, { unitsByLine: new Map([['b', 1]]), total: 5_960 }, [
      { lineId: 'a', quantity: 1 },
      { lineId: 'b', quantity: 2 },
    ]);
    expect(rest.lines).toEqual([
      { lineId: 'a', quantity: 1, amount: 11_920 },
      { lineId: 'b', quantity: 2, amount: 11_920 },
    ]);
    expect(first.amount + rest.amount).toBe(29_800);
  });

  it('refuses a refund past the order total or for an unknown line', () => {
    const order = { paid: 1_000, freight: 0, lines: [line('a', 1_000, 1)] };
    expect(() => calculateRefund(order, { unitsByLine: new Map(), total: 1 }, [{ lineId: 'a', quantity: 1 }])).toThrow(/exceed the 1000 fen paid/);
    expect(() => calculateRefund(order, { unitsByLine: new Map(), total: 0 }, [{ lineId: 'x', quantity: 1 }])).toThrow(/not part of/);
    expect(() => calculateRefund(order, { unitsByLine: new Map([['a', 1]]), total: 0 }, [{ lineId: 'a', quantity: 1 }])).toThrow(/cannot refund/);
  });

  it('keeps every refund sequence within what was paid (randomised)', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let run = 0; run < 300; run++) {
      const lines = Array.from({ length: 1 + random(4) }, (_, i) => line(`l${i}`, random(50_000), 1 + random(5)));
      const gross = lines.reduce((n, l) => n + l.unitPrice * l.quantity, 0);
      const freight = random(2_000);
      const paid = Math.max(0, gross + freight - random(gross + 1));
      const order = { paid, freight: Math.min(freight, paid), lines };
      const units = new Map<string, number>();
      let total = 0;
      const pending = lines.flatMap((l) => Array.from({ length: l.quantity }, () => l.lineId)).sort(() => random(3) - 1);
      for (const lineId of pending) {
        const refund = calculateRefund(order, { unitsByLine: units, total }, [{ lineId, quantity: 1 }]);
        expect(refund.amount).toBeGreaterThanOrEqual(0);
        total += refund.amount;
        units.set(lineId, (units.get(lineId) ?? 0) + 1);
      }
      expect(total).toBe(paid);
    }
  });
});
