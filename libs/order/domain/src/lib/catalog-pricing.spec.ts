import { CatalogSku, couponUsableAt, freightFor, priceFromCatalog } from './catalog-pricing';

const sku = (skuId: string, unitPrice: number, extra: Partial<CatalogSku> = {}): CatalogSku => ({ skuId, title: skuId.toUpperCase(), unitPrice, attributes: { colour: 'white' }, listed: true, stock: null, serviceFee: null, kinds: {}, ...extra });
const catalog = (...skus: CatalogSku[]) => new Map(skus.map((s) => [s.skuId, s]));

describe('priceFromCatalog (domain.md §1.1a)', () => {
  it('takes title, unit price and snapshot from the catalog, freight from the rule, fees from the SKUs', () => {
    const price = priceFromCatalog(
      [
        { skuId: 'washer', quantity: 2 },
        { skuId: 'hose', quantity: 3 },
      ],
      catalog(sku('washer', 200_000, { serviceFee: { feeType: 'INSTALLATION', amount: 5_000 }, kinds: { customised: true } }), sku('hose', 1_000)),
      { amount: 800, freeAbove: null },
    );
    if ('refused' in price) throw new Error(price.refused.detail);
    expect(price.lines.map((l) => [l.skuId, l.title, l.unitPrice, l.lineTotal, l.discount])).toEqual([
      ['washer', 'WASHER', 200_000, 400_000, 0],
      ['hose', 'HOSE', 1_000, 3_000, 0],
    ]);
    expect(price.lines[0].snapshot).toEqual({ title: 'WASHER', unitPrice: 200_000, attributes: { colour: 'white' } });
    expect(price.serviceFees).toEqual([{ feeType: 'INSTALLATION', amount: 10_000, skuIds: ['washer'] }]);
    expect(price).toMatchObject({ goodsTotal: 403_000, freight: 800, discountTotal: 0, payable: 403_000 + 800 + 10_000, kinds: { customised: true } });
  });

  it('refuses unknown, delisted and repeated SKUs with the SKU named', () => {
    const shop = catalog(sku('kettle', 19_900), sku('old', 100, { listed: false }));
    expect(priceFromCatalog([{ skuId: 'ghost', quantity: 1 }], shop, null)).toEqual({ refused: expect.objectContaining({ code: 'SKU_NOT_FOUND', skuId: 'ghost' }) });
    expect(priceFromCatalog([{ skuId: 'old', quantity: 1 }], shop, null)).toEqual({ refused: expect.objectContaining({ code: 'SKU_DELISTED', skuId: 'old' }) });
    expect(priceFromCatalog([{ skuId: 'kettle', quantity: 1 }, { skuId: 'kettle', quantity: 2 }], shop, null)).toEqual({ refused: expect.objectContaining({ code: 'DUPLICATE_SKU' }) });
  });

  it('allocates a coupon over the lines by largest remainder and never below zero', () => {
    const shop = catalog(sku('a', 1_000), sku('b', 2_000), sku('c', 3_000));
    const items = [
      { skuId: 'a', quantity: 1 },
      { skuId: 'b', quantity: 1 },
      { skuId: 'c', quantity: 1 },
    ];
    const price = priceFromCatalog(items, shop, null, { code: 'TEN', amountOff: 1_001, minimumSpend: 6_000 });
    if ('refused' in price) throw new Error(price.refused.detail);
    // 1 001 × 1/6, 2/6, 3/6 = 166.83, 333.67, 500.5 → 166, 333, 500 + 2 fen to the largest remainders (a, b).
    expect(price.lines.map((l) => l.discount)).toEqual([167, 334, 500]);
    expect(price).toMatchObject({ discountTotal: 1_001, payable: 6_000 - 1_001 });
    const huge = priceFromCatalog(items, shop, { amount: 500, freeAbove: null }, { code: 'ALL', amountOff: 1_000_000, minimumSpend: 0 });
    if ('refused' in huge) throw new Error(huge.refused.detail);
    // Only the goods can be discounted: the freight is still paid.
    expect(huge).toMatchObject({ discountTotal: 6_000, payable: 500 });
    expect(priceFromCatalog(items, shop, null, { code: 'BIG', amountOff: 100, minimumSpend: 6_001 })).toEqual({ refused: expect.objectContaining({ code: 'COUPON_MINIMUM_SPEND_NOT_MET' }) });
  });
});

describe('freight and coupon windows', () => {
  it('charges the flat freight below the free threshold, nothing from it on, nothing without a rule', () => {
    expect(freightFor(null, 100)).toBe(0);
    expect(freightFor({ amount: 800, freeAbove: 9_900 }, 9_899)).toBe(800);
    expect(freightFor({ amount: 800, freeAbove: 9_900 }, 9_900)).toBe(0);
    expect(freightFor({ amount: 800, freeAbove: null }, 1_000_000)).toBe(800);
  });

  it('uses a coupon from validFrom up to, not including, validTo', () => {
    const window = { validFrom: new Date('2026-12-01T00:00:00Z'), validTo: new Date('2026-12-02T00:00:00Z') };
    expect(couponUsableAt(window, new Date('2026-11-30T23:59:59Z'))).toBe(false);
    expect(couponUsableAt(window, new Date('2026-12-01T00:00:00Z'))).toBe(true);
    expect(couponUsableAt(window, new Date('2026-12-02T00:00:00Z'))).toBe(false);
  });
});
