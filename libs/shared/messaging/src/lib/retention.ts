import { DataSource } from 'typeorm';

/** What one retention pass deleted. */
export interface RetentionResult {
  outboxRows: number;
  inboxRows: number;
  /** Rows older than this were deleted (ISO-8601). */
  before: string;
}

/**
 * Deletes the messaging rows that only record the past (ADR 0006 kept them until a retention
 * job existed): outbox rows published before `before` and inbox rows processed before it.
 * Unpublished and parked outbox rows are never touched, whatever their age. The inbox is the
 * de-duplication record, so `before` must lie further back than any redelivery (days, not
 * minutes: the CLI and the job take whole days). Deleted in batches so a large backlog never
 * holds one long transaction or lock. The one implementation behind `orderline purge` and the
 * scheduled job of every service.
 */
export async function purgeProcessedMessages(dataSource: DataSource, before: Date, batchSize = 5_000): Promise<RetentionResult> {
  const deleteBatches = async (sql: string): Promise<number> => {
    let total = 0;
    for (;;) {
      // TypeORM answers a DELETE … RETURNING with [rows, affected count].
      const [rows] = await dataSource.query(sql, [before, batchSize]);
      total += rows.length;
      if (rows.length < batchSize) return total;
    }
  };
  const outboxRows = await deleteBatches(
    `DELETE FROM outbox_event WHERE id IN (SELECT id FROM outbox_event WHERE published_at IS NOT NULL AND published_at < $1 ORDER BY id LIMIT $2) RETURNING id`,
  );
  const inboxRows = await deleteBatches(
    `DELETE FROM inbox_message WHERE (consumer_group, event_id) IN (SELECT consumer_group, event_id FROM inbox_message WHERE processed_at < $1 LIMIT $2) RETURNING event_id`,
  );
  return { outboxRows, inboxRows, before: before.toISOString() };
}

/** The instant `days` whole days before `now`. */
export function retentionCutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 86_400_000);
}
