import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decideExportTaskTransition, exportFileBaseName, exportFileKind, ExportTaskTrigger } from '@orderline/export/domain';
import { ExportCompleted } from '@orderline/shared/contracts';
import { addSampleSource, countExportRows } from '@orderline/shared/metrics';
import { applyTransition, outgoing, PeriodicTask, TransactionScope, TransitionSteps, UnitOfWork } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, DomainError, JsonLogger, PLATFORM_CLOCK, SERVICE_CONFIG, SERVICE_NAME } from '@orderline/shared/service-kit';
import { ExportServiceConfig } from '../export-service-config';
import { ExportFileStore } from '../infra/export-file-store';
import { PasswordVault } from '../infra/password-vault';
import { ExportTaskRepository, ExportTaskRow } from '../infra/export-task.repository';
import { rowQuery } from '../infra/row-query-builder';
import { CopyRows, PagedRows } from '../infra/read-model-rows';
import { runExportPipeline } from './export-pipeline';
import { EXPORT_EMBEDDED } from '../infra/tokens';

class TaskLost extends Error {}

/**
 * What a failed task records: a refusal with an API code (a password no held key opens) keeps its
 * code, a stop keeps its INTERRUPTED prefix, anything else is EXPORT_FAILED.
 */
function failureOf(error: unknown): string {
  if (error instanceof DomainError) return `${error.code}: ${error.message}`.slice(0, 500);
  const message = String((error as Error)?.message ?? error).slice(0, 500);
  return message.startsWith('INTERRUPTED') ? message : `EXPORT_FAILED: ${message}`;
}

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
  private removeQueueSample?: () => void;
  private readonly active = new Map<string, { abort: () => void; done: Promise<void> }>();
  private readonly logger;

  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly tasks: ExportTaskRepository,
    private readonly files: ExportFileStore,
    private readonly vault: PasswordVault,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: ExportServiceConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
    @Inject(SERVICE_NAME) private readonly serviceName: string,
    @Inject(EXPORT_EMBEDDED) private readonly embedded: boolean,
  ) {
    this.logger = logger.component('export-runner');
    this.loop = new PeriodicTask('export runner', config.EXPORT_POLL_INTERVAL_MS, () => this.tick(), this.logger, serviceName);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.files.ensureDirectory();
    this.removeQueueSample = addSampleSource(this.serviceName, 'export-queue', async () => ({ exportQueue: await this.tasks.queueDepth() }));
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.removeQueueSample?.();
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
    const failed = await this.unitOfWork.run(async (scope) => {
      const stale = await this.tasks.lockStale(scope.manager, this.config.EXPORT_STALE_AFTER_SECONDS, [...this.active.keys()]);
      for (const task of stale) await this.fail(scope, task, 'INTERRUPTED: the export process stopped while writing the file; retry the task');
      return stale;
    });
    for (const task of failed) {
      this.logger.warn('export task interrupted', { taskId: task.id });
      await this.files.removeTask(task.id);
    }
  }

  /** Files past their expiry (platform clock) are deleted; the task keeps its history. */
  private async expireFiles(): Promise<void> {
    for (const id of await this.tasks.markFilesExpired(this.clock.now())) await this.files.removeTask(id);
  }

  private async claim(): Promise<ExportTaskRow | undefined> {
    return this.unitOfWork.run(async (scope) => {
      const queued = await this.tasks.lockNextQueued(scope.manager);
      if (!queued) return undefined;
      let claimed: ExportTaskRow | undefined;
      await this.move(scope, queued, 'CLAIM', {
        save: async (task, move) => {
          claimed = await this.tasks.saveClaimed(scope.manager, task.id, move, this.clock.now());
        },
      });
      return claimed;
    });
  }

  /**
   * Moves one attempt of a task by the export task process. A task whose attempt moved on
   * meanwhile (judged stale, retried) is not moved: its save reports that, and the attempt is lost.
   */
  private async move(scope: TransactionScope, task: ExportTaskRow, trigger: ExportTaskTrigger, steps: TransitionSteps<ExportTaskRow, ExportTaskRow['status'], ExportTaskTrigger, 'EXPORT_COMPLETED'>): Promise<void> {
    const decision = decideExportTaskTransition(task, trigger);
    if (!decision.allowed) throw new TaskLost(decision.veto.reason);
    await applyTransition(scope, { ...task }, decision, steps);
  }

  private async fail(scope: TransactionScope, task: ExportTaskRow, failure: string): Promise<boolean> {
    let changed = false;
    await this.move(scope, task, 'FAIL', {
      save: async (attempt, move) => {
        changed = await this.tasks.saveFailed(scope.manager, attempt, move, this.clock.now(), failure);
      },
    });
    return changed;
  }

  private start(task: ExportTaskRow): void {
    let aborted: Error | undefined;
    const abort = () => (aborted = aborted ?? new Error('INTERRUPTED: the export service is stopping; retry the task'));
    const done = this.run(task, () => aborted)
      .catch(async (error) => {
        const failure = error instanceof TaskLost ? undefined : failureOf(error);
        await this.files.removeTask(task.id).catch(() => undefined);
        if (failure === undefined) return;
        this.logger.warn('export task failed', { taskId: task.id, error: failure });
        await this.unitOfWork
          .run((scope) => this.fail(scope, task, failure))
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
      if (!(await this.tasks.beat(task, rowsDone))) lost = true;
    };
    const heartbeat = setInterval(() => void beat().catch(() => undefined), 1_000);
    const out = this.files.openPart(task.id, task.attempts);
    const source = this.embedded ? new PagedRows(this.dataSource, query, this.config.EXPORT_FETCH_ROWS) : new CopyRows(this.config.DATABASE_URL, query, this.config.EXPORT_FETCH_ROWS);
    try {
      await runExportPipeline({
        type: task.type,
        consigneeMode: task.consignee_mode,
        format: task.format,
        language: task.language,
        password: task.encrypted && task.password_sealed ? this.vault.open(task.password_sealed) : undefined,
        baseName: exportFileBaseName(task.type, task.language, task.id),
        deflateLevel: this.config.EXPORT_DEFLATE_LEVEL,
        modifiedAt: this.clock.now(),
        rows: source,
        out,
        onTotal: async (total) => {
          await this.tasks.saveTotal(task.id, total);
        },
        onProgress: (done) => {
          // Counted as written, not at completion, so rows/s follows a long export as it runs.
          countExportRows(this.serviceName, task.type, done - rowsDone);
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
    await this.unitOfWork.run((scope) =>
      this.move(scope, task, 'COMPLETE', {
        save: async (attempt, move) => {
          // Marked failed meanwhile (e.g. judged stale): the file must not become downloadable.
          if (!(await this.tasks.saveCompleted(scope.manager, attempt, move, { rows: rowsDone, name: fileName, size, completedAt: now, expiresAt }))) throw new TaskLost();
        },
        effects: {
          EXPORT_COMPLETED: () => outgoing(ExportCompleted, { taskId: task.id, merchantId: task.merchant_id, accountId: task.account_id, type: task.type, format: task.format, rows: rowsDone, expiresAt: expiresAt.toISOString() }),
        },
      }),
    );
    this.logger.log('export task completed', { taskId: task.id, type: task.type, rows: rowsDone, bytes: size });
  }
}
