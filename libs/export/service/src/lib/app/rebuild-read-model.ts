import { DataSource } from 'typeorm';
import { createEventRegistry, EventEnvelope, OrderPlaced } from '@orderline/shared/contracts';
import { TransactionScope } from '@orderline/shared/messaging';
import { deleteOrdersFromReadModel, lockReadModelForRebuild, publishedEventsPage, readModelCounts } from '../infra/read-model-rebuild.repository';
import { EXPORT_SERVICE_NAME } from '../infra/read-model-status';
import { readModelHandlers } from './read-model';

export interface RebuildReadModelOptions {
  /** The export service's database. */
  exportDatabase: DataSource;
  /** The databases of the services whose events build the read model (order, logistics, after-sales). */
  sources: ReadonlyArray<{ name: string; database: DataSource }>;
  /** The personal-data secrets, newest first (the consignee in `OrderPlaced` is sealed). */
  personalDataSecret: readonly string[];
  batchSize?: number;
}

export interface RebuildReadModelResult {
  before: Record<string, number>;
  after: Record<string, number>;
  /** Events applied, per source service. */
  applied: Record<string, number>;
  /** Orders rebuilt from their `OrderPlaced`; orders whose history a purge removed are kept as they were. */
  ordersRebuilt: number;
  /** Stored events no handler can decode (the live consumer dead-lettered them as well). */
  skipped: number;
}

/**
 * Rebuilds the export read model (domain.md §5) from the source services' stored events, in one
 * transaction of the export database, with the very handlers the live consumer runs: the orders
 * whose `OrderPlaced` is still stored are deleted and every stored event is applied again. Orders
 * whose history the retention job purged keep their rows (there is nothing to rebuild them from).
 * The other way to rebuild — a fresh database replaying the topics — is in docs/services/export.md.
 */
export async function rebuildReadModel(options: RebuildReadModelOptions): Promise<RebuildReadModelResult> {
  const registry = createEventRegistry();
  const handlers = new Map(readModelHandlers(options.personalDataSecret).map((binding) => [binding.definition.type, binding]));
  const types = [...handlers.keys()];
  const batchSize = options.batchSize ?? 500;

  return options.exportDatabase.transaction(async (manager) => {
    await lockReadModelForRebuild(manager);
    const before = await readModelCounts(manager);

    const placedOrders: string[] = [];
    for (const source of options.sources) {
      for (let after = '0'; ; ) {
        const page = await publishedEventsPage(source.database, [OrderPlaced.type], after, 5_000);
        if (page.length === 0) break;
        for (const row of page) placedOrders.push((JSON.parse(row.envelope) as EventEnvelope<{ orderId: string }>).payload.orderId);
        after = page[page.length - 1].id;
      }
    }
    for (let i = 0; i < placedOrders.length; i += 5_000) await deleteOrdersFromReadModel(manager, placedOrders.slice(i, i + 5_000));

    const scope = new TransactionScope(manager, registry, EXPORT_SERVICE_NAME, () => new Date());
    const seen = new Set<string>();
    const applied: Record<string, number> = {};
    let skipped = 0;
    for (const source of options.sources) {
      applied[source.name] = 0;
      for (let after = '0'; ; ) {
        const page = await publishedEventsPage(source.database, types, after, batchSize);
        if (page.length === 0) break;
        for (const row of page) {
          let event: EventEnvelope;
          try {
            event = registry.decode(row.envelope);
          } catch {
            // The live consumer dead-lettered it too (e.g. a re-driven event that still fails).
            skipped += 1;
            continue;
          }
          // A re-driven dead letter is stored twice (its producer's row and the re-drive's).
          if (seen.has(event.eventId)) continue;
          seen.add(event.eventId);
          await handlers.get(event.type)!.handle(event, scope);
          applied[source.name] += 1;
        }
        after = page[page.length - 1].id;
      }
    }
    return { before, after: await readModelCounts(manager), applied, ordersRebuilt: new Set(placedOrders).size, skipped };
  });
}
