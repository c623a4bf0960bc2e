import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { prepared, returnedRows } from '@orderline/shared/persistence';
import type { CatalogSku, FreightRule, SkuKinds } from '@orderline/order/domain';

/**
 * The merchant's catalog, freight rule and coupons (domain.md §1.1a) and what orders took of
 * them. Stock and coupons are taken by conditional UPDATEs (no read-then-write race) and
 * given back once per order (the `returned_at` mark makes a second give-back a no-op).
 */

interface SkuRow {
  merchant_id: string;
  sku_id: string;
  title: string;
  unit_price: string;
  attributes: Record<string, string>;
  listed: boolean;
  stock: number | null;
  service_fee: { feeType: string; amount: number } | null;
  kinds: SkuKinds;
  updated_at: Date;
}

export interface StoredSku extends CatalogSku {
  merchantId: string;
  updatedAt: Date;
}

function skuOf(row: SkuRow): StoredSku {
  return {
    merchantId: row.merchant_id,
    skuId: row.sku_id,
    title: row.title,
    unitPrice: Number(row.unit_price),
    attributes: row.attributes,
    listed: row.listed,
    stock: row.stock,
    serviceFee: row.service_fee,
    kinds: row.kinds,
    updatedAt: row.updated_at,
  };
}

export async function putSku(manager: EntityManager, merchantId: string, sku: CatalogSku, at: Date): Promise<StoredSku> {
  const rows = returnedRows<SkuRow>(await manager.query(
    `INSERT INTO catalog_sku (merchant_id, sku_id, title, unit_price, attributes, listed, stock, service_fee, kinds, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (merchant_id, sku_id) DO UPDATE SET title = EXCLUDED.title, unit_price = EXCLUDED.unit_price, attributes = EXCLUDED.attributes,
       listed = EXCLUDED.listed, stock = EXCLUDED.stock, service_fee = EXCLUDED.service_fee, kinds = EXCLUDED.kinds, updated_at = EXCLUDED.updated_at
     RETURNING *`,
    [merchantId, sku.skuId, sku.title, sku.unitPrice, JSON.stringify(sku.attributes), sku.listed, sku.stock, sku.serviceFee ? JSON.stringify(sku.serviceFee) : null, JSON.stringify(sku.kinds), at],
  ));
  return skuOf(rows[0]);
}

export async function listSkus(manager: EntityManager, merchantId: string, limit: number, after?: string): Promise<StoredSku[]> {
  const rows: SkuRow[] = await manager.query(`SELECT * FROM catalog_sku WHERE merchant_id = $1 AND ($2::text IS NULL OR sku_id > $2) ORDER BY sku_id LIMIT $3`, [merchantId, after ?? null, limit]);
  return rows.map(skuOf);
}

// Prepared (a statement per order placed), so its columns are named: a `*` would change its result when a column is added.
const PRICING_FACTS = prepared(`SELECT s.merchant_id, s.sku_id, s.title, s.unit_price, s.attributes, s.listed, s.stock, s.service_fee, s.kinds, s.updated_at,
       f.amount AS freight_amount, f.free_above AS freight_free_above
     FROM (SELECT $1::uuid AS merchant_id) m
     LEFT JOIN freight_rule f ON f.merchant_id = m.merchant_id
     LEFT JOIN catalog_sku s ON s.merchant_id = m.merchant_id AND s.sku_id = ANY($2::text[])`);

/**
 * What pricing an order reads of its merchant (domain.md §1.1a): the SKUs asked for that exist
 * and the freight rule, with one statement (they were two round trips per order placed, issue 19).
 * The merchant row of the outer join makes the answer one row even with neither.
 */
export async function findPricingFacts(manager: EntityManager, merchantId: string, skuIds: readonly string[]): Promise<{ catalog: Map<string, StoredSku>; freight: FreightRule | null }> {
  const rows: Array<(SkuRow | Record<keyof SkuRow, null>) & { freight_amount: string | null; freight_free_above: string | null }> = await manager.query(
    PRICING_FACTS,
    [merchantId, [...skuIds]],
  );
  const [first] = rows;
  const freight = first && first.freight_amount !== null ? { amount: Number(first.freight_amount), freeAbove: first.freight_free_above === null ? null : Number(first.freight_free_above) } : null;
  return { catalog: new Map(rows.flatMap((row) => (row.sku_id === null ? [] : [[row.sku_id, skuOf(row as SkuRow)] as const]))), freight };
}

/**
 * Takes the stock of every tracked SKU of an order, each by one conditional UPDATE; answers
 * the first SKU short of stock (the caller rolls the transaction back) or undefined.
 * Untracked SKUs (stock null) are not touched and not recorded.
 */
export async function takeStock(manager: EntityManager, merchantId: string, orderId: string, items: ReadonlyArray<{ skuId: string; quantity: number }>, at: Date): Promise<string | undefined> {
  // A fixed order of SKUs so two orders taking the same SKUs never wait for each other in a cycle.
  for (const item of [...items].sort((a, b) => (a.skuId < b.skuId ? -1 : a.skuId > b.skuId ? 1 : 0))) {
    const taken = returnedRows<{ stock: number }>(
      await manager.query(`UPDATE catalog_sku SET stock = stock - $3 WHERE merchant_id = $1 AND sku_id = $2 AND stock IS NOT NULL AND stock >= $3 RETURNING stock`, [merchantId, item.skuId, item.quantity]),
    );
    if (taken.length === 1) {
      await manager.query(`INSERT INTO order_stock_taken (order_id, merchant_id, sku_id, quantity, taken_at) VALUES ($1, $2, $3, $4, $5)`, [orderId, merchantId, item.skuId, item.quantity, at]);
      continue;
    }
    const tracked: Array<{ stock: number | null }> = await manager.query(`SELECT stock FROM catalog_sku WHERE merchant_id = $1 AND sku_id = $2`, [merchantId, item.skuId]);
    if (tracked[0]?.stock !== null && tracked[0]?.stock !== undefined) return item.skuId;
  }
  return undefined;
}

/** Puts back what an order took (domain.md §1.1a: a cancellation before shipment); once. */
export async function returnStock(manager: EntityManager, orderId: string, at: Date): Promise<void> {
  const returned = returnedRows<{ merchant_id: string; sku_id: string; quantity: number }>(
    await manager.query(`UPDATE order_stock_taken SET returned_at = $2 WHERE order_id = $1 AND returned_at IS NULL RETURNING merchant_id, sku_id, quantity`, [orderId, at]),
  );
  // A SKU whose tracking the merchant switched off meanwhile stays untracked.
  for (const row of returned) await manager.query(`UPDATE catalog_sku SET stock = stock + $3 WHERE merchant_id = $1 AND sku_id = $2 AND stock IS NOT NULL`, [row.merchant_id, row.sku_id, row.quantity]);
}

export async function putFreightRule(manager: EntityManager, merchantId: string, rule: FreightRule, at: Date): Promise<void> {
  await manager.query(
    `INSERT INTO freight_rule (merchant_id, amount, free_above, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (merchant_id) DO UPDATE SET amount = EXCLUDED.amount, free_above = EXCLUDED.free_above, updated_at = EXCLUDED.updated_at`,
    [merchantId, rule.amount, rule.freeAbove, at],
  );
}

export async function freightRuleOf(manager: EntityManager, merchantId: string): Promise<FreightRule | null> {
  const rows: Array<{ amount: string; free_above: string | null }> = await manager.query(`SELECT amount, free_above FROM freight_rule WHERE merchant_id = $1`, [merchantId]);
  return rows[0] ? { amount: Number(rows[0].amount), freeAbove: rows[0].free_above === null ? null : Number(rows[0].free_above) } : null;
}

export interface StoredCoupon {
  id: string;
  merchantId: string;
  code: string;
  amountOff: number;
  minimumSpend: number;
  validFrom: Date;
  validTo: Date;
  quantity: number;
  remaining: number;
}

interface CouponRow {
  id: string;
  merchant_id: string;
  code: string;
  amount_off: string;
  minimum_spend: string;
  valid_from: Date;
  valid_to: Date;
  quantity: number;
  remaining: number;
}

function couponOf(row: CouponRow): StoredCoupon {
  return {
    id: row.id,
    merchantId: row.merchant_id,
    code: row.code,
    amountOff: Number(row.amount_off),
    minimumSpend: Number(row.minimum_spend),
    validFrom: row.valid_from,
    validTo: row.valid_to,
    quantity: row.quantity,
    remaining: row.remaining,
  };
}

/** A new coupon; undefined when the merchant already has one with this code. */
export async function insertCoupon(manager: EntityManager, coupon: Omit<StoredCoupon, 'id' | 'remaining'>, at: Date): Promise<StoredCoupon | undefined> {
  const rows = returnedRows<CouponRow>(await manager.query(
    `INSERT INTO coupon (id, merchant_id, code, amount_off, minimum_spend, valid_from, valid_to, quantity, remaining, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) ON CONFLICT (merchant_id, code) DO NOTHING RETURNING *`,
    [randomUUID(), coupon.merchantId, coupon.code, coupon.amountOff, coupon.minimumSpend, coupon.validFrom, coupon.validTo, coupon.quantity, at],
  ));
  return rows[0] ? couponOf(rows[0]) : undefined;
}

export async function listCoupons(manager: EntityManager, merchantId: string): Promise<StoredCoupon[]> {
  const rows: CouponRow[] = await manager.query(`SELECT * FROM coupon WHERE merchant_id = $1 ORDER BY created_at, code`, [merchantId]);
  return rows.map(couponOf);
}

export async function findCoupon(manager: EntityManager, merchantId: string, code: string): Promise<StoredCoupon | undefined> {
  const rows: CouponRow[] = await manager.query(`SELECT * FROM coupon WHERE merchant_id = $1 AND code = $2`, [merchantId, code]);
  return rows[0] ? couponOf(rows[0]) : undefined;
}

/**
 * Redeems one coupon for an order: one of the remaining count (conditional UPDATE) and the
 * buyer's one use (unique index of live redemptions). Answers the refusal code, or undefined.
 */
export async function redeemCoupon(manager: EntityManager, coupon: StoredCoupon, buyerId: string, orderId: string, at: Date): Promise<'COUPON_ALREADY_USED' | 'COUPON_EXHAUSTED' | undefined> {
  const used: Array<{ n: number }> = await manager.query(`SELECT count(*)::int AS n FROM coupon_redemption WHERE coupon_id = $1 AND buyer_id = $2 AND returned_at IS NULL`, [coupon.id, buyerId]);
  if (used[0].n > 0) return 'COUPON_ALREADY_USED';
  const taken = returnedRows<{ id: string }>(await manager.query(`UPDATE coupon SET remaining = remaining - 1 WHERE id = $1 AND remaining > 0 RETURNING id`, [coupon.id]));
  if (taken.length === 0) return 'COUPON_EXHAUSTED';
  // Two concurrent orders of one buyer: the unique index lets one insert win; the other waits and then fails.
  const inserted = returnedRows<{ order_id: string }>(
    await manager.query(`INSERT INTO coupon_redemption (order_id, coupon_id, buyer_id, redeemed_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING order_id`, [orderId, coupon.id, buyerId, at]),
  );
  return inserted.length === 1 ? undefined : 'COUPON_ALREADY_USED';
}

/** A cancelled order gives its coupon back (domain.md §1.1a); once. */
export async function returnCoupon(manager: EntityManager, orderId: string, at: Date): Promise<void> {
  const returned = returnedRows<{ coupon_id: string }>(await manager.query(`UPDATE coupon_redemption SET returned_at = $2 WHERE order_id = $1 AND returned_at IS NULL RETURNING coupon_id`, [orderId, at]));
  for (const row of returned) await manager.query(`UPDATE coupon SET remaining = remaining + 1 WHERE id = $1`, [row.coupon_id]);
}
