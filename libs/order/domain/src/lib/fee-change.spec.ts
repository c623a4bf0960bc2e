import { chargesOf, decideFeeChange, Deductions, FeeChangeOrder } from './fee-change';

const noDeductions: Deductions = { promotions: 0, coupons: 0, points: 0, balance: 0 };
const base: FeeChangeOrder = {
  status: 'UNPAID',
  paymentMethod: 'ONLINE',
  crossBorder: false,
  containsOtherMerchantsGoods: false,
  merchantOffersDeliveryAndInstall: true,
  lines: [
    { skuId: 'fridge', title: 'Fridge', unitPrice: 299_900, quantity: 1 },
    { skuId: 'shelf', title: 'Shelf', unitPrice: 1_999, quantity: 3 },
  ],
  freight: 1_000,
  serviceFees: [{ feeType: 'INSTALLATION', amount: 5_000, skuIds: ['fridge'] }],
  deductions: { promotions: 2_000, coupons: 1_000, points: 500, balance: 0 },
};
// Goods: 299 900 + 3 × 1 999 = 305 897 fen.
const GOODS = 299_900 + 3 * 1_999;

describe('freight and service-fee change (domain.md §1.7)', () => {
  it('recomputes the payable with the new freight', () => {
    const decision = decideFeeChange(base, { freight: 0 });
    expect(decision).toMatchObject({ allowed: true, charges: { goodsTotal: GOODS, freight: 0, serviceFeeTotal: 5_000, deductionTotal: 3_500 } });
    expect(decision.allowed && decision.charges.payable).toBe(GOODS + 0 + 5_000 - 3_500);
    const raised = decideFeeChange(base, { freight: 2_345 });
    expect(raised.allowed && raised.charges.payable).toBe(GOODS + 2_345 + 5_000 - 3_500);
  });

  it('never lets the payable go below zero', () => {
    const tiny: FeeChangeOrder = { ...base, lines: [{ skuId: 'pen', title: 'Pen', unitPrice: 100, quantity: 1 }], serviceFees: [], deductions: { ...noDeductions, coupons: 600 } };
    const free = decideFeeChange(tiny, { freight: 0 });
    expect(free.allowed && free.charges.payable).toBe(0);
    const exact = decideFeeChange(tiny, { freight: 500 });
    expect(exact.allowed && exact.charges.payable).toBe(0);
    const above = decideFeeChange(tiny, { freight: 501 });
    expect(above.allowed && above.charges.payable).toBe(1);
  });

  it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('refuses freight %s (whole non-negative fen only)', (freight) => {
    expect(decideFeeChange(base, { freight })).toMatchObject({ allowed: false, veto: { code: 'INVALID_FEE_AMOUNT' } });
  });

  it.each(['WAITING_OUTBOUND', 'PAUSED', 'SHIPPED', 'DELIVERED', 'COMPLETED', 'CANCELLED'] as const)('refuses an order in %s (only UNPAID)', (status) => {
    expect(decideFeeChange({ ...base, status }, { freight: 0 })).toMatchObject({ allowed: false, veto: { code: 'FEE_CHANGE_ONLY_WHEN_UNPAID' } });
  });

  it('refuses cross-border, COD and unsplit multi-merchant orders', () => {
    expect(decideFeeChange({ ...base, crossBorder: true }, { freight: 0 })).toMatchObject({ allowed: false, veto: { code: 'FEE_CHANGE_NOT_FOR_CROSS_BORDER' } });
    expect(decideFeeChange({ ...base, paymentMethod: 'COD' }, { freight: 0 })).toMatchObject({ allowed: false, veto: { code: 'FEE_CHANGE_NOT_FOR_COD' } });
    expect(decideFeeChange({ ...base, containsOtherMerchantsGoods: true }, { freight: 0 })).toMatchObject({ allowed: false, veto: { code: 'FEE_CHANGE_ORDER_NOT_SPLIT' } });
  });

  it('allows credit orders', () => {
    expect(decideFeeChange({ ...base, paymentMethod: 'CREDIT' }, { freight: 0 })).toMatchObject({ allowed: true });
  });

  it('refuses an empty request', () => {
    expect(decideFeeChange(base, {})).toMatchObject({ allowed: false, veto: { code: 'NO_FEE_CHANGE' } });
    expect(decideFeeChange(base, { serviceFees: [] })).toMatchObject({ allowed: false, veto: { code: 'NO_FEE_CHANGE' } });
  });

  describe('service fee', () => {
    it('is only for delivery-and-install merchants', () => {
      const decision = decideFeeChange({ ...base, merchantOffersDeliveryAndInstall: false }, { serviceFees: [{ feeType: 'INSTALLATION', amount: 100 }] });
      expect(decision).toMatchObject({ allowed: false, veto: { code: 'SERVICE_FEE_NOT_OFFERED' } });
      expect(decision.allowed === false && decision.veto.reason).toMatch(/freight only/);
    });

    it('sets an existing fee type, keeping its SKUs, and shows the lines it applies to', () => {
      const decision = decideFeeChange(base, { serviceFees: [{ feeType: 'INSTALLATION', amount: 8_000 }] });
      expect(decision.allowed && decision.charges.serviceFees).toEqual([
        { feeType: 'INSTALLATION', amount: 8_000, skuIds: ['fridge'], appliesTo: [{ skuId: 'fridge', title: 'Fridge', unitPrice: 299_900, quantity: 1 }] },
      ]);
      expect(decision.allowed && decision.charges.payable).toBe(GOODS + 1_000 + 8_000 - 3_500);
    });

    it('adds a new fee type for SKUs of the order, alongside the others', () => {
      const decision = decideFeeChange(base, { serviceFees: [{ feeType: 'CARRY_UPSTAIRS', amount: 1_500, skuIds: ['fridge', 'shelf'] }] });
      expect(decision.allowed && decision.charges.serviceFees.map((fee) => [fee.feeType, fee.amount, fee.appliesTo.map((line) => line.skuId)])).toEqual([
        ['INSTALLATION', 5_000, ['fridge']],
        ['CARRY_UPSTAIRS', 1_500, ['fridge', 'shelf']],
      ]);
      expect(decision.allowed && decision.charges.serviceFeeTotal).toBe(6_500);
    });

    it('removes a fee type set to 0', () => {
      const decision = decideFeeChange(base, { serviceFees: [{ feeType: 'INSTALLATION', amount: 0 }] });
      expect(decision.allowed && decision.serviceFees).toEqual([]);
      expect(decision.allowed && decision.charges.payable).toBe(GOODS + 1_000 - 3_500);
    });

    it('refuses SKUs not on the order, a new type without SKUs, duplicates and bad amounts', () => {
      expect(decideFeeChange(base, { serviceFees: [{ feeType: 'X', amount: 1, skuIds: ['tv'] }] })).toMatchObject({ allowed: false, veto: { code: 'SERVICE_FEE_SKU_NOT_ON_ORDER' } });
      expect(decideFeeChange(base, { serviceFees: [{ feeType: 'X', amount: 1 }] })).toMatchObject({ allowed: false, veto: { code: 'SERVICE_FEE_SKUS_REQUIRED' } });
      expect(
        decideFeeChange(base, {
          serviceFees: [
            { feeType: 'INSTALLATION', amount: 1 },
            { feeType: 'INSTALLATION', amount: 2 },
          ],
        }),
      ).toMatchObject({ allowed: false, veto: { code: 'DUPLICATE_SERVICE_FEE_TYPE' } });
      expect(decideFeeChange(base, { serviceFees: [{ feeType: 'INSTALLATION', amount: 0.5 }] })).toMatchObject({ allowed: false, veto: { code: 'INVALID_FEE_AMOUNT' } });
    });

    it('changes freight and service fee in one request', () => {
      const decision = decideFeeChange(base, { freight: 0, serviceFees: [{ feeType: 'INSTALLATION', amount: 3_000 }] });
      expect(decision.allowed && decision.charges.payable).toBe(GOODS + 3_000 - 3_500);
    });
  });

  it('computes charges in integer fen and refuses fractional input loudly', () => {
    expect(() => chargesOf([{ skuId: 'a', title: 'A', unitPrice: 1.5, quantity: 1 }], 0, [], noDeductions)).toThrow(/integer number of fen/);
  });
});
