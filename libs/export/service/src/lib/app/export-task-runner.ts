import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { exportFileKind } from '@orderline/export/domain';
import { ExportCompleted } from '@orderline/shared/contracts';
import { PeriodicTask, UnitOfWork } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, JsonLogger, PLATFORM_CLOCK, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { ExportServiceConfig } from '../export-service-config';
import { ExportFileStore } from '../infra/export-file-store';
import { PasswordVault } from '../infra/password-vault';
import { ExportTaskRow } from './export-tasks';
import { rowQuery } from './row-queries';
import { CopyRows, PagedRows } from './read-model-rows';
import { runExportPipeline } from './export-pipeline';
import { EXPORT_EMBEDDED } from '../infra/tokens';

class TaskLost extends Error {}

/**
 * Runs queued export tasks in the background: claim (SKIP LOCKED, so several processes can
 * share the queue), count, then stream read-model rows through a cursor into the file writer
 * (constant memory), publishing progress and a heartbeat. The file is renamed into place only
 * after the last byte; a failure or a dead process leaves the task FAILED, without a file,
 * ready to be retried.
 */
@Injectable()
export class ExportTaskRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: PeriodicTask;
  private ticking = false;
  private stopping = false;
  private readonly active = new Map<string, { abort: () => void; done: Promise<void> }>();
  private readonly logger;

  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly files: ExportFileStore,
    private readonly vault: PasswordVault,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: ExportServiceConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
    @Inject(EXPORT_EMBEDDED) private readonly embedded: boolean,
  ) {
    this.logger = logger.component('export-runner');
    this.loop = new PeriodicTask('export runner', config.EXPORT_POLL_INTERVAL_MS, () => this.tick(), this.logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.files.ensureDirectory();
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.loop.stop();
    for (const task of this.active.values()) task.abort();
    await Promise.allSettled([...this.active.values()].map((task) => task.done));
  }

  async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    try {
      await this.failStaleTasks();
      await this.expireFiles();
      while (this.active.size < this.config.EXPORT_CONCURRENCY && !this.stopping) {
        const task = await this.claim();
        if (!task) break;
        this.start(task);
      }
    } catch (error) {
      this.logger.warn('export runner tick failed', { error: String((error as Error)?.message ?? error) });
    } finally {
      this.ticking = false;
    }
  }

  /** A RUNNING task whose process stopped beating (killed, crashed) fails, and its part file goes. */
  private async failStaleTasks(): Promise<void> {
    const [rows] = await this.dataSource.query(
      `UPDATE export_task SET status = 'FAILED', failed_at = $1, failure = 'INTERRUPTED: the export process stopped while writing the file; retry the task'
       WHERE status = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => $2) AND NOT (id = ANY($3::uuid[])) RETURNING id`,
      [this.clock.now(), this.config.EXPORT_STALE_AFTER_SECONDS, [...this.active.keys()]],
    );
    for (const row of rows as Array<{ id: string }>) {
      this.logger.warn('export task interrupted', { taskId: row.id });
      await this.files.removeTask(row.id);
    }
  }

  /** Files past their expiry (platform clock) are deleted; the task keeps its history. */
  private async expireFiles(): Promise<void> {
    const [rows] = await this.dataSource.query(`UPDATE export_task SET file_deleted_at = $1 WHERE status = 'COMPLETED' AND expires_at <= $1 AND file_deleted_at IS NULL RETURNING id`, [this.clock.now()]);
    for (const row of rows as Array<{ id: string }>) await this.files.removeTask(row.id);
  }

  private async claim(): Promise<ExportTaskRow | undefined> {
    const [rows] = await this.dataSource.query(
      `UPDATE export_task SET status = 'RUNNING', attempts = attempts + 1, started_at = $1, heartbeat_at = now(), rows_done = 0, rows_total = NULL
       WHERE id = (SELECT id FROM export_task WHERE status = 'QUEUED' ORDER BY created_at FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING *`,
      [this.clock.now()],
    );
    return (rows as ExportTaskRow[])[0];
  }

  private start(task: ExportTaskRow): void {
    let aborted: Error | undefined;
    const abort = () => (aborted = aborted ?? new Error('INTERRUPTED: the export service is stopping; retry the task'));
    const done = this.run(task, () => aborted)
      .catch(async (error) => {
        const failure = error instanceof TaskLost ? undefined : String((error as Error)?.message ?? error).slice(0, 500);
        await this.files.removeTask(task.id).catch(() => undefined);
        if (failure === undefined) return;
        this.logger.warn('export task failed', { taskId: task.id, error: failure });
        await this.dataSource
          .query(`UPDATE export_task SET status = 'FAILED', failed_at = $3, failure = $4 WHERE id = $1 AND attempts = $2 AND status = 'RUNNING'`, [
            task.id,
            task.attempts,
            this.clock.now(),
            failure.startsWith('INTERRUPTED') ? failure : `EXPORT_FAILED: ${failure}`,
          ])
          .catch((updateError) => this.logger.error('could not mark the export task failed', { taskId: task.id, error: String(updateError) }));
      })
      .finally(() => this.active.delete(task.id));
    this.active.set(task.id, { abort, done });
  }

  private async run(task: ExportTaskRow, aborted: () => Error | undefined): Promise<void> {
    const query = rowQuery({ type: task.type, merchantId: task.merchant_id, from: task.range_from, to: task.range_to, filters: task.filters as never });
    let rowsDone = 0;
    let lost = false;
    const beat = async () => {
      const [, changed] = await this.dataSource.query(`UPDATE export_task SET rows_done = $3, heartbeat_at = now() WHERE id = $1 AND attempts = $2 AND status = 'RUNNING'`, [task.id, task.attempts, rowsDone]);
      if (!changed) lost = true;
    };
    const heartbeat = setInterval(() => void beat().catch(() => undefined), 1_000);
    const out = this.files.openPart(task.id, task.attempts);
    const source = this.embedded ? new PagedRows(this.dataSource, query, this.config.EXPORT_FETCH_ROWS) : new CopyRows(this.config.DATABASE_URL, query, this.config.EXPORT_FETCH_ROWS);
    try {
      await runExportPipeline({
        type: task.type,
        consigneeMode: task.consignee_mode,
        format: task.format,
        password: task.encrypted && task.password_sealed ? this.vault.open(task.password_sealed) : undefined,
        baseName: `${task.type.toLowerCase()}-${task.id.slice(0, 8)}`,
        deflateLevel: this.config.EXPORT_DEFLATE_LEVEL,
        modifiedAt: this.clock.now(),
        rows: source,
        out,
        onTotal: async (total) => {
          await this.dataSource.query(`UPDATE export_task SET rows_total = $2 WHERE id = $1`, [task.id, total]);
        },
        onProgress: (done) => {
          rowsDone = done;
          const stop = aborted();
          if (stop) throw stop;
          if (lost) throw new TaskLost();
        },
      });
      await source.close(true);
    } catch (error) {
      out.destroy();
      await source.close(false).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(heartbeat);
    }

    const kind = exportFileKind(task.format, task.encrypted);
    const fileName = `${task.id}.${kind.extension}`;
    const size = await this.files.publish(task.id, task.attempts, fileName);
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.config.EXPORT_FILE_TTL_SECONDS * 1000);
    await this.unitOfWork.run(async (scope) => {
      const [, changed] = await scope.manager.query(
        `UPDATE export_task SET status = 'COMPLETED', rows_done = $3, rows_total = $3, file_name = $4, file_size = $5, completed_at = $6, expires_at = $7, heartbeat_at = now()
         WHERE id = $1 AND attempts = $2 AND status = 'RUNNING'`,
        [task.id, task.attempts, rowsDone, fileName, size, now, expiresAt],
      );
      // Marked failed meanwhile (e.g. judged stale): the file must not become downloadable.
      if (!changed) throw new TaskLost();
      await scope.publish(ExportCompleted, { taskId: task.id, merchantId: task.merchant_id, accountId: task.account_id, type: task.type, format: task.format, rows: rowsDone, expiresAt: expiresAt.toISOString() });
    });
    this.logger.log('export task completed', { taskId: task.id, type: task.type, rows: rowsDone, bytes: size });
  }
}
