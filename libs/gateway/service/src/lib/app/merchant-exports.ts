import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { CreateExportRequest, ExportTaskView, PasswordReleaseView } from '@orderline/export/contract';
import { hasPermission, maskPhone } from '@orderline/gateway/domain';
import { currentEventContext } from '@orderline/shared/messaging';
import { Clock, CORRELATION_HEADER, DomainError, encodePrincipal, ForwardedProblem, INTERNAL_TOKEN_HEADER, PLATFORM_CLOCK, Principal, PRINCIPAL_HEADER, problem, ProblemDetails, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';
import { AccountRecord } from '../infra/gateway.entity';
import { ServiceClient } from '../infra/service-client';
import { SmsSender } from '../infra/sms-sender';
import { exportLockOf, saveExportLock } from '../infra/export-lock.repository';
import { merchantExists } from '../infra/merchant-account.repository';

/**
 * The export center at the edge (domain.md §5): risk-control locks, the sensitive-export
 * permission, the password SMS (the password comes from the export service over the
 * internal route, goes into the SMS, and is never part of a response) and the file download.
 */
@Injectable()
export class MerchantExports {
  constructor(
    private readonly dataSource: DataSource,
    private readonly services: ServiceClient,
    private readonly sms: SmsSender,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** domain.md §5: a merchant whose export permission risk control locked is told to contact operations. */
  async assertNotLocked(caller: Principal): Promise<void> {
    const lock = await exportLockOf(this.dataSource.manager, caller.merchantId);
    if (lock?.locked) {
      throw new DomainError('EXPORT_LOCKED', 403, 'the export permission of this merchant was locked by risk control; contact operations to have it unlocked', { reason: lock.reason ?? undefined });
    }
  }

  async setLock(merchantId: string, locked: boolean, reason: string | undefined, operator: Principal): Promise<{ merchantId: string; exportLocked: boolean; reason: string | null }> {
    if (!(await merchantExists(this.dataSource.manager, merchantId))) throw new DomainError('NOT_FOUND', 404, `merchant ${merchantId} was not found`);
    await saveExportLock(this.dataSource.manager, { merchantId, locked, reason: reason ?? null, changedBy: operator.accountId, changedAt: this.clock.now() });
    return { merchantId, exportLocked: locked, reason: reason ?? null };
  }

  async create(request: CreateExportRequest, caller: Principal): Promise<ExportTaskView> {
    await this.assertNotLocked(caller);
    if (request.consigneeMode === 'FULL' && !hasPermission(caller.accountKind ?? 'MAIN', caller.permissions ?? [], 'EXPORT_SENSITIVE')) {
      throw new DomainError('PERMISSION_REQUIRED', 403, 'consignee mode FULL needs the EXPORT_SENSITIVE permission; choose MASKED or NONE, or ask the main account for it', { permission: 'EXPORT_SENSITIVE' });
    }
    return this.services.call<ExportTaskView>('export', 'POST', '/exports', caller, request);
  }

  /** Sends the file password to the phone of the account that created the task. */
  async sendPassword(id: string, caller: Principal): Promise<{ taskId: string; sentTo: string; sendsToday: number; dailyLimit: number }> {
    await this.assertNotLocked(caller);
    const release = await this.services.call<PasswordReleaseView>('export', 'POST', `/exports/${id}/password-release`, caller);
    const creator = await this.dataSource.getRepository(AccountRecord).findOneBy({ id: release.accountId });
    if (!creator?.phone) throw new DomainError('NO_PHONE_ON_ACCOUNT', 422, 'the account that created this task has no phone to send the password to');
    await this.sms.send(creator.phone, `Orderline export ${id.slice(0, 8)}: the file password is ${release.password}. It cannot be changed; do not share it.`, this.clock.now());
    return { taskId: release.taskId, sentTo: maskPhone(creator.phone), sendsToday: release.sendsToday, dailyLimit: release.dailyLimit };
  }

  /** Streams the file from the export service to the caller without holding it in memory. */
  async download(id: string, caller: Principal, response: Response): Promise<void> {
    await this.assertNotLocked(caller);
    const headers: Record<string, string> = { [PRINCIPAL_HEADER]: encodePrincipal(caller) };
    if (this.config.INTERNAL_API_TOKEN) headers[INTERNAL_TOKEN_HEADER] = this.config.INTERNAL_API_TOKEN;
    const correlationId = currentEventContext()?.correlationId;
    if (correlationId) headers[CORRELATION_HEADER] = correlationId;
    let upstream: globalThis.Response;
    try {
      upstream = await fetch(`${this.config.EXPORT_SERVICE_URL}/exports/${id}/file`, { headers });
    } catch {
      throw new ForwardedProblem(problem(503, 'SERVICE_UNAVAILABLE', 'the export service is not reachable; try again shortly'));
    }
    if (!upstream.ok || !upstream.body) {
      const body = (await upstream.json().catch(() => undefined)) as ProblemDetails | undefined;
      if (body && typeof body.code === 'string') throw new ForwardedProblem(body);
      throw new ForwardedProblem(problem(502, 'BAD_GATEWAY', `the export service answered ${upstream.status}`));
    }
    response.status(200);
    for (const name of ['content-type', 'content-length', 'content-disposition']) {
      const value = upstream.headers.get(name);
      if (value) response.setHeader(name, value);
    }
    const body = Readable.fromWeb(upstream.body as never);
    body.on('error', () => response.destroy());
    body.pipe(response);
  }
}
