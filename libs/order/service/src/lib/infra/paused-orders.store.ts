import { TransactionScope } from '@orderline/shared/messaging';

/**
 * Finds paused orders an operator's platform fact releases (domain.md §1.5), locked and
 * skipping rows another transaction holds, oldest pause first.
 */
export async function pausedOrdersFor(
  scope: TransactionScope,
  filter: { reasons: readonly string[]; province?: string; merchantId?: string; skuIds?: readonly string[] },
  batch: number,
): Promise<string[]> {
  const rows: Array<{ id: string }> = await scope.manager.query(
    `SELECT o.id FROM customer_order o
      WHERE o.status = 'PAUSED' AND (o.pause ->> 'reason') = ANY($1::text[])
        AND ($2::text IS NULL OR o.consignee_address ->> 'province' = $2)
        AND ($3::uuid IS NULL OR o.merchant_id = $3)
        AND ($4::text[] IS NULL OR EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = o.id AND l.sku_id = ANY($4::text[])))
      ORDER BY (o.pause ->> 'pausedAt'), o.id
      LIMIT $5 FOR UPDATE SKIP LOCKED`,
    [filter.reasons, filter.province ?? null, filter.merchantId ?? null, filter.skuIds ?? null, batch],
  );
  return rows.map((row) => row.id);
}
