import { DataSource } from 'typeorm';
import { personalDataKeyId, resealPersonalData } from '@orderline/shared/contracts';

/** What a re-seal pass found in one database. */
export interface ResealResult {
  /** The key id values are sealed under afterwards. */
  keyId: string;
  resealed: number;
  alreadyCurrent: number;
  /** Sealed values no key given opens (left as they are; the key that sealed them is missing). */
  unreadable: number;
}

/** The stored envelopes that may hold sealed values: outbox rows and recorded dead letters. */
const TABLES = ['outbox_event', 'dead_letter'] as const;

/**
 * Personal-data key rotation (ADR 0013, `orderline rotate-key`): every sealed value stored in this
 * database's envelopes (`…Sealed` payload fields: the consignee of `OrderPlaced` and
 * `ConsigneeChanged`) is re-sealed under the newest key, so the previous key can be dropped
 * afterwards. A row is rewritten only if it still holds what was read (a concurrent change wins
 * and is seen by the next pass); events already on topics are not rewritten — keep the previous
 * key while they may still be read (Kafka retention) or replayed.
 */
export async function resealStoredEnvelopes(dataSource: DataSource, secrets: readonly string[], batchSize = 500): Promise<ResealResult> {
  const result: ResealResult = { keyId: personalDataKeyId(secrets), resealed: 0, alreadyCurrent: 0, unreadable: 0 };
  for (const table of TABLES) {
    for (let after = '0'; ; ) {
      // `id` stays the bigint column (pg hands it over as a string): ordered by number, not as text.
      const rows: Array<{ id: string; envelope: string }> = await dataSource.query(
        `SELECT id, envelope FROM ${table} WHERE id > $1::bigint AND envelope LIKE '%Sealed"%' ORDER BY id LIMIT $2`,
        [after, batchSize],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const rewritten = resealEnvelope(row.envelope, secrets, result);
        if (rewritten !== undefined) await dataSource.query(`UPDATE ${table} SET envelope = $3 WHERE id = $1::bigint AND envelope = $2`, [row.id, row.envelope, rewritten]);
      }
      after = rows[rows.length - 1].id;
    }
  }
  return result;
}

/** The envelope with its sealed payload fields under the newest key, or undefined when nothing changes. */
function resealEnvelope(envelope: string, secrets: readonly string[], tally: ResealResult): string | undefined {
  let parsed: { payload?: Record<string, unknown> };
  try {
    parsed = JSON.parse(envelope);
  } catch {
    return undefined;
  }
  const payload = parsed.payload;
  if (!payload || typeof payload !== 'object') return undefined;
  let changed = false;
  for (const [field, value] of Object.entries(payload)) {
    if (!field.endsWith('Sealed') || typeof value !== 'string') continue;
    const outcome = resealPersonalData(value, secrets);
    if (outcome.outcome === 'resealed') {
      payload[field] = outcome.sealed;
      tally.resealed += 1;
      changed = true;
    } else if (outcome.outcome === 'current') tally.alreadyCurrent += 1;
    else tally.unreadable += 1;
  }
  return changed ? JSON.stringify(parsed) : undefined;
}
