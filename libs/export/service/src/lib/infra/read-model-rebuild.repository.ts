import { DataSource, EntityManager } from 'typeorm';

/** The read model's tables, each keyed to an order (`export_order` last: the others point at it). */
const ORDER_TABLES = ['export_order_line', 'export_shipment', 'export_refund', 'export_shipping_alert', 'export_order'] as const;

/** One stored event of a source service's outbox. */
export interface StoredEvent {
  id: string;
  envelope: string;
}

/**
 * Blocks the live consumer's writes to the read model until the rebuild commits (reads go on):
 * an event it applies before the lock is in a source outbox already (it was published), one it
 * applies after the commit is applied again on top of the rebuilt rows (handlers are idempotent).
 */
export async function lockReadModelForRebuild(manager: EntityManager): Promise<void> {
  await manager.query(`LOCK TABLE ${ORDER_TABLES.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
}

/** Row counts per table (what the CLI reports before and after). */
export async function readModelCounts(manager: EntityManager | DataSource): Promise<Record<string, number>> {
  const [row] = await manager.query(`SELECT ${ORDER_TABLES.map((table) => `(SELECT count(*) FROM ${table})::int AS ${table}`).join(', ')}`);
  return row;
}

/** Deletes every read-model row of these orders (their events are about to be applied again). */
export async function deleteOrdersFromReadModel(manager: EntityManager, orderIds: readonly string[]): Promise<void> {
  for (const table of ORDER_TABLES) await manager.query(`DELETE FROM ${table} WHERE order_id = ANY($1::uuid[])`, [orderIds]);
}

/**
 * A page of the published events of these types in a source service's outbox, oldest first
 * (keyset on the outbox id). The outbox keeps published rows (ADR 0006) until the retention job
 * deletes them, so it is the history the read model is rebuilt from.
 */
export async function publishedEventsPage(source: DataSource, types: readonly string[], afterId: string, limit: number): Promise<StoredEvent[]> {
  // `id` stays the bigint column (pg hands it over as a string): ordered by number, not as text.
  const rows: Array<{ id: string; envelope: string }> = await source.query(
    `SELECT id, envelope FROM outbox_event WHERE published_at IS NOT NULL AND event_type = ANY($1::text[]) AND id > $2::bigint ORDER BY id LIMIT $3`,
    [types, afterId, limit],
  );
  return rows;
}
