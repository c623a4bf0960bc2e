import { DataSource } from 'typeorm';
import { replaceSealedPassword, sealedPasswordsPage } from '../infra/export-task.repository';
import { exportPasswordSealer, ExportPasswordKeys } from '../infra/password-vault';

export interface ResealExportPasswordsResult {
  /** The id of the key every readable password is sealed under now. */
  keyId: string;
  resealed: number;
  alreadyCurrent: number;
  /** Passwords no given key opens: left as they are (their tasks answer 410 EXPORT_PASSWORD_UNREADABLE). */
  unreadable: number;
}

/**
 * Re-seals every stored export password under EXPORT_PASSWORD_KEY (`orderline rotate-key`), so
 * the previous keys can be dropped before the tasks sealed under them expire. Each row is
 * rewritten only if it still holds the value read (a task created meanwhile is already current).
 */
export async function resealExportPasswords(exportDatabase: DataSource, keys: ExportPasswordKeys, batchSize = 500): Promise<ResealExportPasswordsResult> {
  const sealer = exportPasswordSealer(keys);
  const result: ResealExportPasswordsResult = { keyId: sealer.sealingKeyId, resealed: 0, alreadyCurrent: 0, unreadable: 0 };
  for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
    const rows = await sealedPasswordsPage(exportDatabase, after, batchSize);
    if (rows.length === 0) return result;
    for (const row of rows) {
      const outcome = sealer.reseal(row.password_sealed);
      if (outcome.outcome === 'resealed') {
        await replaceSealedPassword(exportDatabase, row.id, row.password_sealed, outcome.sealed);
        result.resealed += 1;
      } else if (outcome.outcome === 'current') result.alreadyCurrent += 1;
      else result.unreadable += 1;
    }
    after = rows[rows.length - 1].id;
  }
}
