import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ConsigneeMode, ExportFormat, ExportLanguage, ExportTaskStatus, ExportType } from '@orderline/export/codes';
import { Transition } from '@orderline/shared/process';

/** One row of `export_task` as PostgreSQL returns it. */
export interface ExportTaskRow {
  id: string;
  merchant_id: string;
  account_id: string;
  type: ExportType;
  format: ExportFormat;
  consignee_mode: ConsigneeMode;
  language: ExportLanguage;
  range_from: Date;
  range_to: Date;
  filters: Record<string, unknown>;
  status: ExportTaskStatus;
  encrypted: boolean;
  password_sealed: string | null;
  rows_done: string;
  rows_total: string | null;
  attempts: number;
  failure: string | null;
  file_name: string | null;
  file_size: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  failed_at: Date | null;
  expires_at: Date | null;
  file_deleted_at: Date | null;
}

export interface NewExportTask {
  id: string;
  merchantId: string;
  accountId: string;
  type: ExportType;
  format: ExportFormat;
  consigneeMode: ConsigneeMode;
  language: ExportLanguage;
  from: Date;
  to: Date;
  filters: object;
  encrypted: boolean;
  passwordSealed: string | null;
  createdAt: Date;
}

export type ExportTaskMove = Transition<ExportTaskStatus, string, string>;

/**
 * Export tasks and their password SMS log (`export_task`, `export_password_sms`). Every status
 * write is conditional on the status (and attempt) the move was decided from, so a runner that
 * lost its task (judged stale, retried) never overwrites the newer state: the write reports
 * whether it took.
 */
@Injectable()
export class ExportTaskRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Serialises the limit check of one account and type (two tasks at once must not both pass). */
  async lockLimits(manager: EntityManager, accountId: string, type: ExportType): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`export-limits:${accountId}:${type}`]);
  }

  async createdSince(manager: EntityManager, accountId: string, type: ExportType, since: Date): Promise<Date[]> {
    const rows: Array<{ created_at: Date }> = await manager.query(`SELECT created_at FROM export_task WHERE account_id = $1 AND type = $2 AND created_at > $3`, [accountId, type, since]);
    return rows.map((row) => row.created_at);
  }

  async insert(manager: EntityManager, task: NewExportTask, status: ExportTaskStatus): Promise<void> {
    await manager.query(
      `INSERT INTO export_task (id, merchant_id, account_id, type, format, consignee_mode, range_from, range_to, filters, status, encrypted, password_sealed, created_at, language)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $13, $10, $11, $12, $14)`,
      [task.id, task.merchantId, task.accountId, task.type, task.format, task.consigneeMode, task.from, task.to, JSON.stringify(task.filters), task.encrypted, task.passwordSealed, task.createdAt, status, task.language],
    );
  }

  async findOfMerchant(id: string, merchantId: string): Promise<ExportTaskRow | undefined> {
    const [row] = await this.dataSource.query(`SELECT * FROM export_task WHERE id = $1 AND merchant_id = $2`, [id, merchantId]);
    return row;
  }

  /** Newest first, keyset-paged on (created_at, id); one row more than `limit` tells there is a next page. */
  async pageOfMerchant(merchantId: string, limit: number, after: { at: Date | string; id: string } | null): Promise<ExportTaskRow[]> {
    return this.dataSource.query(
      `SELECT * FROM export_task WHERE merchant_id = $1 ${after ? 'AND (created_at, id) < ($3, $4)' : ''} ORDER BY created_at DESC, id DESC LIMIT $2`,
      after ? [merchantId, limit + 1, after.at, after.id] : [merchantId, limit + 1],
    );
  }

  /** RETRY: the task starts over (progress and failure cleared, same password, same attempt count). */
  async saveRetried(manager: EntityManager, id: string, move: ExportTaskMove): Promise<boolean> {
    const [, changed] = await manager.query(
      `UPDATE export_task SET status = $3, rows_done = 0, rows_total = NULL, failure = NULL, failed_at = NULL, started_at = NULL WHERE id = $1 AND status = $2 RETURNING id`,
      [id, move.from, move.to],
    );
    return Boolean(changed);
  }

  /** Tasks waiting for a runner and tasks being written (the export queue depth metric). */
  async queueDepth(): Promise<{ queued: number; running: number }> {
    const [row] = await this.dataSource.query(`SELECT count(*) FILTER (WHERE status = 'QUEUED')::int AS queued, count(*) FILTER (WHERE status = 'RUNNING')::int AS running FROM export_task WHERE status IN ('QUEUED', 'RUNNING')`);
    return { queued: row.queued, running: row.running };
  }

  /** The oldest queued task, locked; another runner's claim skips it (SKIP LOCKED), so runners share the queue. */
  async lockNextQueued(manager: EntityManager): Promise<ExportTaskRow | undefined> {
    const [row] = await manager.query(`SELECT * FROM export_task WHERE status = 'QUEUED' ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1`);
    return row;
  }

  /** CLAIM: a new attempt starts; returns the row as the runner works on it. */
  async saveClaimed(manager: EntityManager, id: string, move: ExportTaskMove, at: Date): Promise<ExportTaskRow> {
    const [rows] = await manager.query(
      `UPDATE export_task SET status = $3, attempts = attempts + 1, started_at = $4, heartbeat_at = now(), rows_done = 0, rows_total = NULL
       WHERE id = $1 AND status = $2 RETURNING *`,
      [id, move.from, move.to, at],
    );
    return (rows as ExportTaskRow[])[0];
  }

  /** Running tasks whose runner stopped beating (killed, crashed), except the ones this process runs; locked. */
  async lockStale(manager: EntityManager, staleAfterSeconds: number, runningHere: string[]): Promise<ExportTaskRow[]> {
    return manager.query(
      `SELECT * FROM export_task WHERE status = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => $1) AND NOT (id = ANY($2::uuid[])) FOR UPDATE SKIP LOCKED`,
      [staleAfterSeconds, runningHere],
    );
  }

  /** FAIL of one attempt; false when the attempt is no longer the task's current one. */
  async saveFailed(manager: EntityManager, task: Pick<ExportTaskRow, 'id' | 'attempts'>, move: ExportTaskMove, at: Date, failure: string): Promise<boolean> {
    const [, changed] = await manager.query(`UPDATE export_task SET status = $4, failed_at = $5, failure = $6 WHERE id = $1 AND attempts = $2 AND status = $3`, [
      task.id,
      task.attempts,
      move.from,
      move.to,
      at,
      failure,
    ]);
    return Boolean(changed);
  }

  /** COMPLETE of one attempt with its file; false when the attempt was failed meanwhile. */
  async saveCompleted(manager: EntityManager, task: Pick<ExportTaskRow, 'id' | 'attempts'>, move: ExportTaskMove, file: { rows: number; name: string; size: number; completedAt: Date; expiresAt: Date }): Promise<boolean> {
    const [, changed] = await manager.query(
      `UPDATE export_task SET status = $4, rows_done = $5, rows_total = $5, file_name = $6, file_size = $7, completed_at = $8, expires_at = $9, heartbeat_at = now()
       WHERE id = $1 AND attempts = $2 AND status = $3`,
      [task.id, task.attempts, move.from, move.to, file.rows, file.name, file.size, file.completedAt, file.expiresAt],
    );
    return Boolean(changed);
  }

  /** The runner's heartbeat with its progress; false when the attempt is no longer running. */
  async beat(task: Pick<ExportTaskRow, 'id' | 'attempts'>, rowsDone: number): Promise<boolean> {
    const [, changed] = await this.dataSource.query(`UPDATE export_task SET rows_done = $3, heartbeat_at = now() WHERE id = $1 AND attempts = $2 AND status = 'RUNNING'`, [task.id, task.attempts, rowsDone]);
    return Boolean(changed);
  }

  async saveTotal(id: string, total: number): Promise<void> {
    await this.dataSource.query(`UPDATE export_task SET rows_total = $2 WHERE id = $1`, [id, total]);
  }

  /** Completed tasks whose file is past its expiry: marked deleted (the task keeps its history); returns their ids. */
  async markFilesExpired(at: Date): Promise<string[]> {
    const [rows] = await this.dataSource.query(`UPDATE export_task SET file_deleted_at = $1 WHERE status = 'COMPLETED' AND expires_at <= $1 AND file_deleted_at IS NULL RETURNING id`, [at]);
    return (rows as Array<{ id: string }>).map((row) => row.id);
  }

  /** Serialises the password SMS limit check of one task. */
  async lockForPasswordSms(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`SELECT id FROM export_task WHERE id = $1 FOR UPDATE`, [id]);
  }

  async passwordSmsSince(manager: EntityManager, id: string, since: Date): Promise<Date[]> {
    const sent: Array<{ sent_at: Date }> = await manager.query(`SELECT sent_at FROM export_password_sms WHERE task_id = $1 AND sent_at > $2`, [id, since]);
    return sent.map((row) => row.sent_at);
  }

  async recordPasswordSms(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.query(`INSERT INTO export_password_sms (task_id, sent_at) VALUES ($1, $2)`, [id, at]);
  }
}

/** Stored passwords after `afterId` in id order (`orderline rotate-key`; the CLI has a data source, not the service). */
export function sealedPasswordsPage(database: DataSource, afterId: string, limit: number): Promise<Array<{ id: string; password_sealed: string }>> {
  return database.query(`SELECT id, password_sealed FROM export_task WHERE password_sealed IS NOT NULL AND id > $1 ORDER BY id LIMIT $2`, [afterId, limit]);
}

/** Replaces a stored password only if the row still holds the value read. */
export async function replaceSealedPassword(database: DataSource, id: string, read: string, resealed: string): Promise<void> {
  await database.query(`UPDATE export_task SET password_sealed = $3 WHERE id = $1 AND password_sealed = $2`, [id, read, resealed]);
}
