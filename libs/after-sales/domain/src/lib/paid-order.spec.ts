import { earlierRefundsOf, OrderPaymentFacts, paidOrderOf } from './paid-order';

const order = (overrides: Partial<OrderPaymentFacts> = {}): OrderPaymentFacts => ({
  payable: 31_000,
  freight: 1_000,
  paid: 30_000,
  shippedAmount: null,
  shippedFreight: null,
  lines: [
    { lineId: 'a', unitPrice: 10_000, quantity: 2 },
    { lineId: 'b', unitPrice: 10_000, quantity: 1 },
  ],
  shippedLines: null,
  ...overrides,
});

describe('paidOrderOf: the refund base (domain.md §3 partial returns)', () => {
  it('refunds a whole shipment against what was paid, freight included, over every line', () => {
    expect(paidOrderOf(order())).toEqual({
      paid: 30_000,
      freight: 1_000,
      lines: [
        { lineId: 'a', unitPrice: 10_000, quantity: 2 },
        { lineId: 'b', unitPrice: 10_000, quantity: 1 },
      ],
    });
  });

  it('takes the payable when nothing was paid ahead (cash on delivery)', () => {
    expect(paidOrderOf(order({ paid: null })).paid).toBe(31_000);
  });

  it('prefers what the shipment captured over what was paid', () => {
    expect(paidOrderOf(order({ shippedAmount: 25_000 })).paid).toBe(25_000);
  });

  it('takes a partial shipment: only its lines and quantities, its own freight (none unless stated)', () => {
    const partial = order({ shippedAmount: 10_000, shippedLines: [{ lineId: 'a', quantity: 1 }] });
    expect(paidOrderOf(partial)).toEqual({ paid: 10_000, freight: 0, lines: [{ lineId: 'a', unitPrice: 10_000, quantity: 1 }] });
    expect(paidOrderOf({ ...partial, shippedFreight: 500 }).freight).toBe(500);
  });

  it('leaves out a shipped line the order does not know', () => {
    expect(paidOrderOf(order({ shippedLines: [{ lineId: 'x', quantity: 1 }, { lineId: 'b', quantity: 1 }] })).lines).toEqual([{ lineId: 'b', unitPrice: 10_000, quantity: 1 }]);
  });
});

describe('earlierRefundsOf', () => {
  it('sums the amounts and the units per line of the granted refunds', () => {
    const earlier = earlierRefundsOf([
      { amount: 5_000, lines: [{ lineId: 'a', quantity: 1 }] },
      { amount: 12_000, lines: [{ lineId: 'a', quantity: 1 }, { lineId: 'b', quantity: 1 }] },
    ]);
    expect(earlier.total).toBe(17_000);
    expect([...earlier.unitsByLine]).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('is empty without refunds', () => {
    expect(earlierRefundsOf([])).toEqual({ unitsByLine: new Map(), total: 0 });
  });
});
