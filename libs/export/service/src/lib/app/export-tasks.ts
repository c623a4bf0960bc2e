import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CreateExportRequest, ExportTaskView, PasswordReleaseView } from '@orderline/export/contract';
import { attachmentDisposition, decideExportTaskTransition, DEFAULT_EXPORT_LANGUAGE, EXPORT_TASK_PROCESS, exportFileBaseName, ExportType, exportFileKind, exportTaskVeto, exportTypeDefinition, passwordSmsVeto, platformDayOf } from '@orderline/export/domain';
import { applyTransition, UnitOfWork } from '@orderline/shared/messaging';
import { Clock, decodeKeysetCursor, DomainError, encodeKeysetCursor, NotFoundError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { ExportServiceConfig } from '../export-service-config';
import { ExportTaskRepository, ExportTaskRow } from '../infra/export-task.repository';
import { PasswordVault } from '../infra/password-vault';

export type { ExportTaskRow } from '../infra/export-task.repository';

const iso = (at: Date | null) => (at ? at.toISOString() : null);

/** May this caller see consumer data in clear (domain.md §5, §6.4)? */
export function holdsSensitiveExport(caller: Principal): boolean {
  return caller.accountKind !== 'SUB' || (caller.permissions ?? []).includes('EXPORT_SENSITIVE');
}

/**
 * Export tasks of the export center (domain.md §5): creation under the limits, history,
 * progress, retry, the file and the password hand-over to the gateway.
 */
@Injectable()
export class ExportTasks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly tasks: ExportTaskRepository,
    private readonly vault: PasswordVault,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: ExportServiceConfig,
  ) {}

  private merchantOf(caller: Principal): string {
    if (caller.role !== 'MERCHANT' || !caller.merchantId) throw new DomainError('FORBIDDEN', 403, 'exports are for merchant accounts');
    if (caller.accountKind === 'SUB' && !(caller.permissions ?? []).includes('EXPORT')) {
      throw new DomainError('PERMISSION_REQUIRED', 403, 'this sub-account needs the EXPORT permission from its main account', { permission: 'EXPORT' });
    }
    return caller.merchantId;
  }

  view(row: ExportTaskRow, now = this.clock.now()): ExportTaskView {
    const kind = exportFileKind(row.format, row.encrypted);
    return {
      id: row.id,
      type: row.type,
      format: row.format,
      consigneeMode: row.consignee_mode,
      language: row.language,
      from: row.range_from.toISOString(),
      to: row.range_to.toISOString(),
      filters: row.filters,
      status: row.status,
      encrypted: row.encrypted,
      progress: { rowsDone: Number(row.rows_done), rowsTotal: row.rows_total === null ? null : Number(row.rows_total) },
      createdBy: row.account_id,
      createdAt: row.created_at.toISOString(),
      startedAt: iso(row.started_at),
      completedAt: iso(row.completed_at),
      failedAt: iso(row.failed_at),
      failure: row.failure,
      attempts: row.attempts,
      file:
        row.status === 'COMPLETED' && row.file_name && row.expires_at
          ? { name: this.downloadName(row), size: Number(row.file_size), contentType: kind.contentType, expiresAt: row.expires_at.toISOString(), expired: row.expires_at <= now || row.file_deleted_at !== null }
          : null,
    };
  }

  async create(request: CreateExportRequest, caller: Principal): Promise<ExportTaskView> {
    const merchantId = this.merchantOf(caller);
    const type = request.type as ExportType;
    const definition = exportTypeDefinition(type);
    // domain.md §5: "full" needs the sensitive-export permission; without it nothing is shown in clear.
    if (request.consigneeMode === 'FULL' && !holdsSensitiveExport(caller)) {
      throw new DomainError('PERMISSION_REQUIRED', 403, 'consignee mode FULL needs the EXPORT_SENSITIVE permission; choose MASKED or NONE, or ask the main account for it', { permission: 'EXPORT_SENSITIVE' });
    }
    const unknownFilters = Object.entries(request.filters ?? {}).filter(([name, value]) => value !== undefined && !definition.filters.includes(name as never));
    if (unknownFilters.length) {
      throw new DomainError('EXPORT_FILTER_NOT_SUPPORTED', 422, `${type} accepts the filters ${definition.filters.join(', ') || '(none)'}; not ${unknownFilters.map(([name]) => name).join(', ')}`);
    }
    const from = new Date(request.from);
    const to = new Date(request.to);
    const now = this.clock.now();
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.tasks.lockLimits(manager, caller.accountId, type);
      const previous = await this.tasks.createdSince(manager, caller.accountId, type, new Date(now.getTime() - 2 * 86_400_000));
      const veto = exportTaskVeto(
        { type, from, to, now, previous },
        { minIntervalSeconds: this.config.EXPORT_MIN_INTERVAL_SECONDS, tasksPerDay: this.config.EXPORT_TASKS_PER_DAY, utcOffsetMinutes: this.config.PLATFORM_UTC_OFFSET_MINUTES },
      );
      if (veto) {
        const status = veto.code === 'EXPORT_TOO_SOON' || veto.code === 'EXPORT_DAILY_LIMIT' ? 429 : 422;
        throw new DomainError(veto.code, status, veto.detail, {
          limit: veto.limit,
          ...(veto.nextAllowedAt ? { nextAllowedAt: veto.nextAllowedAt.toISOString(), retryAfterSeconds: Math.max(1, Math.ceil((veto.nextAllowedAt.getTime() - now.getTime()) / 1000)) } : {}),
        });
      }
      const sealed = definition.encrypted ? this.vault.seal(this.vault.generate()) : null;
      const task = { id, merchantId, accountId: caller.accountId, type, format: request.format, consigneeMode: request.consigneeMode, language: request.language ?? DEFAULT_EXPORT_LANGUAGE, from, to, filters: request.filters ?? {}, encrypted: definition.encrypted, passwordSealed: sealed, createdAt: now };
      await this.tasks.insert(manager, task, EXPORT_TASK_PROCESS.initial[0]);
    });
    return this.get(id, caller);
  }

  private async row(id: string, caller: Principal): Promise<ExportTaskRow> {
    const merchantId = this.merchantOf(caller);
    const row = await this.tasks.findOfMerchant(id, merchantId);
    // Another merchant's task answers exactly like a missing one.
    if (!row) throw new NotFoundError(`export task ${id}`);
    return row;
  }

  async get(id: string, caller: Principal): Promise<ExportTaskView> {
    return this.view(await this.row(id, caller));
  }

  async list(caller: Principal, limit: number, cursor?: string): Promise<{ items: ExportTaskView[]; nextCursor: string | null }> {
    const merchantId = this.merchantOf(caller);
    const after = cursor ? decodeKeysetCursor(cursor) : null;
    const rows = await this.tasks.pageOfMerchant(merchantId, limit, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const now = this.clock.now();
    return {
      items: page.map((row) => this.view(row, now)),
      nextCursor: rows.length > limit && last ? encodeKeysetCursor({ at: last.created_at, id: last.id }) : null,
    };
  }

  /** domain.md §5 / issue: a failed task can be run again (same task, same password, no new task counted). */
  async retry(id: string, caller: Principal): Promise<ExportTaskView> {
    const task = await this.row(id, caller);
    const decision = decideExportTaskTransition(task, 'RETRY');
    if (!decision.allowed) throw new DomainError(decision.veto.code, 409, decision.veto.reason);
    await this.unitOfWork.run((scope) =>
      applyTransition(scope, task, decision, {
        save: async (moved, move) => {
          // Moved meanwhile (another retry): refused as if it had been seen.
          if (!(await this.tasks.saveRetried(scope.manager, moved.id, move))) throw new DomainError('EXPORT_NOT_RETRYABLE', 409, `only a FAILED task can be retried; this one is no longer ${move.from}`);
        },
      }),
    );
    return this.get(id, caller);
  }

  /** The downloadable file of a completed, unexpired task of the caller's merchant. */
  /** The name a download gets: the type in the task's language (the stored file is named by task id). */
  private downloadName(row: ExportTaskRow, language = row.language): string {
    return `${exportFileBaseName(row.type, language, row.id)}.${exportFileKind(row.format, row.encrypted).extension}`;
  }

  async file(id: string, caller: Principal): Promise<{ fileName: string; contentType: string; size: number; disposition: string }> {
    const task = await this.row(id, caller);
    if (task.status !== 'COMPLETED' || !task.file_name) throw new DomainError('EXPORT_NOT_READY', 409, `the task is ${task.status}; its file can be downloaded once it is COMPLETED`, { status: task.status });
    if ((task.expires_at && task.expires_at <= this.clock.now()) || task.file_deleted_at) {
      throw new DomainError('EXPORT_FILE_EXPIRED', 410, `the file expired at ${task.expires_at?.toISOString()}; create a new task`, { expiredAt: task.expires_at?.toISOString() });
    }
    return { fileName: task.file_name, contentType: exportFileKind(task.format, task.encrypted).contentType, size: Number(task.file_size), disposition: attachmentDisposition(this.downloadName(task), this.downloadName(task, 'en')) };
  }

  /**
   * For the gateway only (internal route): checks the SMS limits, records the send and hands
   * over the password, which the gateway sends to the creating account's phone and never returns.
   */
  async releasePassword(id: string, caller: Principal): Promise<PasswordReleaseView> {
    const task = await this.row(id, caller);
    if (!task.encrypted || !task.password_sealed) throw new DomainError('EXPORT_NOT_ENCRYPTED', 409, `${task.type} files are not encrypted; there is no password to send`);
    // Opened first: a password no key opens (410) must not use up one of the day's sends.
    const password = this.vault.open(task.password_sealed);
    const now = this.clock.now();
    const settings = { perTaskPerDay: this.config.EXPORT_PASSWORD_SMS_PER_DAY, minIntervalSeconds: this.config.EXPORT_PASSWORD_SMS_INTERVAL_SECONDS, utcOffsetMinutes: this.config.PLATFORM_UTC_OFFSET_MINUTES };
    const sendsToday = await this.dataSource.transaction(async (manager) => {
      await this.tasks.lockForPasswordSms(manager, task.id);
      const sent = await this.tasks.passwordSmsSince(manager, task.id, new Date(now.getTime() - 2 * 86_400_000));
      const veto = passwordSmsVeto(sent, now, settings);
      if (veto) {
        throw new DomainError(veto.code, 429, veto.detail, { limit: veto.limit, nextAllowedAt: veto.nextAllowedAt.toISOString(), retryAfterSeconds: Math.max(1, Math.ceil((veto.nextAllowedAt.getTime() - now.getTime()) / 1000)) });
      }
      await this.tasks.recordPasswordSms(manager, task.id, now);
      const today = platformDayOf(now, settings.utcOffsetMinutes);
      return sent.filter((sentAt) => platformDayOf(sentAt, settings.utcOffsetMinutes) === today).length + 1;
    });
    return { taskId: task.id, accountId: task.account_id, password, sendsToday, dailyLimit: settings.perTaskPerDay };
  }
}
