import { allocateLargestRemainder, Fen, multiplyFen, sumFen } from '@orderline/shared/money';

/**
 * The kinds of domain.md §1.1 that are facts of the goods: the merchant states them on the
 * SKU and the buyer cannot choose them (docs/catalog-and-pricing.md has the table).
 */
export interface SkuKinds {
  crossBorder?: boolean;
  customsAuction?: boolean;
  presale?: boolean;
  reservation?: boolean;
  simCard?: boolean;
  localServiceVoucher?: boolean;
  topUpGift?: boolean;
  customised?: boolean;
  /** LOC sign-ups (驾校报名, 活动报名): a local-service order that carries the buyer's sign-up form. */
  drivingSchoolSignup?: boolean;
  activitySignup?: boolean;
}

export const SKU_KIND_NAMES: ReadonlyArray<keyof SkuKinds> = ['crossBorder', 'customsAuction', 'presale', 'reservation', 'simCard', 'localServiceVoucher', 'topUpGift', 'customised', 'drivingSchoolSignup', 'activitySignup'];

export interface CatalogSku {
  skuId: string;
  title: string;
  unitPrice: Fen;
  /** Shown in the product snapshot of every line ordered (商品快照). */
  attributes: Record<string, string>;
  listed: boolean;
  /** null: stock is not tracked. */
  stock: number | null;
  /** A delivery-and-install fee per unit (domain.md §1.1, §1.7). */
  serviceFee: { feeType: string; amount: Fen } | null;
  kinds: SkuKinds;
}

/** domain.md §1.1a: a flat amount per order, free from a minimum spend on; no rule = free. */
export interface FreightRule {
  amount: Fen;
  freeAbove: Fen | null;
}

export interface CouponTerms {
  code: string;
  amountOff: Fen;
  minimumSpend: Fen;
}

export interface OrderedItem {
  skuId: string;
  quantity: number;
}

export interface CatalogLine {
  skuId: string;
  title: string;
  unitPrice: Fen;
  quantity: number;
  lineTotal: Fen;
  /** This line's share of the order-level discount (largest remainder by line total, §3). */
  discount: Fen;
  snapshot: { title: string; unitPrice: Fen; attributes: Record<string, string> };
}

export interface CatalogPrice {
  lines: CatalogLine[];
  goodsTotal: Fen;
  freight: Fen;
  serviceFees: Array<{ feeType: string; amount: Fen; skuIds: string[] }>;
  discountTotal: Fen;
  payable: Fen;
  kinds: SkuKinds;
}

export type PricingRefusal = { code: 'SKU_NOT_FOUND' | 'SKU_DELISTED' | 'DUPLICATE_SKU' | 'COUPON_MINIMUM_SPEND_NOT_MET'; detail: string; skuId?: string };

/** Freight by the merchant's rule (domain.md §1.1a); the spend is the goods total before coupons. */
export function freightFor(rule: FreightRule | null, goodsTotal: Fen): Fen {
  if (!rule) return 0;
  if (rule.freeAbove !== null && goodsTotal >= rule.freeAbove) return 0;
  return rule.amount;
}

/**
 * Prices an order from the merchant's catalog (domain.md §1.1a): every line's title, unit
 * price and snapshot from its SKU, freight from the freight rule, service fees from the SKUs
 * carrying one, and a coupon as an order-level discount spread over the lines by largest
 * remainder (§3). The discount never exceeds the goods, so the payable never goes below zero.
 */
export function priceFromCatalog(items: readonly OrderedItem[], catalog: ReadonlyMap<string, CatalogSku>, rule: FreightRule | null, coupon?: CouponTerms): CatalogPrice | { refused: PricingRefusal } {
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.skuId)) return { refused: { code: 'DUPLICATE_SKU', detail: `SKU ${item.skuId} appears twice; order it once with the whole quantity`, skuId: item.skuId } };
    seen.add(item.skuId);
    const sku = catalog.get(item.skuId);
    if (!sku) return { refused: { code: 'SKU_NOT_FOUND', detail: `SKU ${item.skuId} is not in this merchant's catalog`, skuId: item.skuId } };
    // The sources treat "delisted but still orderable" as a fault (domain.md §1.1a).
    if (!sku.listed) return { refused: { code: 'SKU_DELISTED', detail: `SKU ${item.skuId} is delisted and cannot be ordered`, skuId: item.skuId } };
  }
  const skus = items.map((item) => catalog.get(item.skuId)!);
  const totals = items.map((item, i) => multiplyFen(skus[i].unitPrice, item.quantity));
  const goodsTotal = sumFen(totals);
  if (coupon && goodsTotal < coupon.minimumSpend) return { refused: { code: 'COUPON_MINIMUM_SPEND_NOT_MET', detail: `coupon ${coupon.code} needs a spend of at least ${coupon.minimumSpend} fen; the goods come to ${goodsTotal}` } };
  const discountTotal = coupon ? Math.min(coupon.amountOff, goodsTotal) : 0;
  const weights = goodsTotal > 0 ? totals : items.map((item) => item.quantity);
  const discounts = discountTotal > 0 ? allocateLargestRemainder(discountTotal, weights) : items.map(() => 0);
  const lines = items.map((item, i) => ({
    skuId: item.skuId,
    title: skus[i].title,
    unitPrice: skus[i].unitPrice,
    quantity: item.quantity,
    lineTotal: totals[i],
    discount: discounts[i],
    snapshot: { title: skus[i].title, unitPrice: skus[i].unitPrice, attributes: { ...skus[i].attributes } },
  }));
  const feeTypes = new Map<string, { feeType: string; amount: Fen; skuIds: string[] }>();
  items.forEach((item, i) => {
    const fee = skus[i].serviceFee;
    if (!fee) return;
    const entry = feeTypes.get(fee.feeType) ?? { feeType: fee.feeType, amount: 0, skuIds: [] };
    entry.amount = sumFen([entry.amount, multiplyFen(fee.amount, item.quantity)]);
    entry.skuIds.push(item.skuId);
    feeTypes.set(fee.feeType, entry);
  });
  const serviceFees = [...feeTypes.values()];
  const freight = freightFor(rule, goodsTotal);
  const kinds: SkuKinds = {};
  for (const sku of skus) for (const name of SKU_KIND_NAMES) if (sku.kinds[name]) kinds[name] = true;
  const payable = sumFen([goodsTotal - discountTotal, freight, ...serviceFees.map((fee) => fee.amount)]);
  return { lines, goodsTotal, freight, serviceFees, discountTotal, payable, kinds };
}

export type CouponWindow = { validFrom: Date; validTo: Date };

/** A coupon is usable from validFrom (inclusive) to validTo (exclusive) on the platform clock. */
export function couponUsableAt(window: CouponWindow, at: Date): boolean {
  return at.getTime() >= window.validFrom.getTime() && at.getTime() < window.validTo.getTime();
}
