import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { MerchantPermission, sensitiveExportGrantProblem } from '@orderline/gateway/domain';
import { DomainError, NotFoundError, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { GatewayConfig } from '../gateway-config';
import { CreateSubAccountRequest } from '../api/account.requests';
import { SubAccountView } from '../api/gateway.views';
import { AccountRecord } from '../infra/gateway.entity';
import { lockMerchantRow, sensitiveExportHolders } from '../infra/merchant-account.repository';
import { latestReveals } from '../infra/reveal-log.repository';
import { hashPassword, scryptCost } from '../infra/password-hasher';
import { AccountDirectory } from './account-directory';

/** The main account manages its sub-accounts and what they may do (domain.md §6.4). */
@Injectable()
export class MerchantAccounts {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: AccountDirectory,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Another merchant's id answers 404 like a missing one; a sub-account gets 403. */
  private assertMainAccountOf(merchantId: string, caller: Principal): void {
    if (caller.role !== 'MERCHANT' || caller.merchantId !== merchantId) throw new NotFoundError(`merchant ${merchantId}`);
    if (caller.accountKind !== 'MAIN') throw new DomainError('MAIN_ACCOUNT_REQUIRED', 403, 'only the main account manages sub-accounts and sees the reveal log');
  }

  async createSubAccount(merchantId: string, request: CreateSubAccountRequest, caller: Principal): Promise<SubAccountView> {
    this.assertMainAccountOf(merchantId, caller);
    const permissions = request.permissions ?? [];
    const passwordHash = await hashPassword(request.password, scryptCost(this.config.PASSWORD_SCRYPT_LOG2N));
    const id = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await this.lockMerchant(manager, merchantId);
      await this.checkSensitiveGrant(manager, merchantId, id, permissions);
      if (await manager.existsBy(AccountRecord, { username: request.username })) throw new DomainError('USERNAME_TAKEN', 409, `the username ${request.username} is taken`);
      await manager.insert(AccountRecord, { id, username: request.username, passwordHash, role: 'MERCHANT', kind: 'SUB', merchantId, buyerId: null, phone: request.phone, disabled: false, permissions });
    });
    return { id, username: request.username, permissions, disabled: false };
  }

  async setPermissions(merchantId: string, subAccountId: string, permissions: MerchantPermission[], caller: Principal): Promise<SubAccountView> {
    this.assertMainAccountOf(merchantId, caller);
    const account = await this.dataSource.transaction(async (manager) => {
      await this.lockMerchant(manager, merchantId);
      const sub = await manager.findOneBy(AccountRecord, { id: subAccountId, merchantId, kind: 'SUB' });
      if (!sub) throw new NotFoundError(`sub-account ${subAccountId}`);
      await this.checkSensitiveGrant(manager, merchantId, subAccountId, permissions);
      await manager.update(AccountRecord, { id: subAccountId }, { permissions });
      return { ...sub, permissions };
    });
    this.directory.forget(subAccountId);
    return { id: account.id, username: account.username, permissions: account.permissions, disabled: account.disabled };
  }

  async listSubAccounts(merchantId: string, caller: Principal): Promise<SubAccountView[]> {
    this.assertMainAccountOf(merchantId, caller);
    const accounts = await this.dataSource.getRepository(AccountRecord).find({ where: { merchantId, kind: 'SUB' }, order: { createdAt: 'ASC' } });
    return accounts.map((a) => ({ id: a.id, username: a.username, permissions: a.permissions, disabled: a.disabled }));
  }

  async revealLog(merchantId: string, caller: Principal, limit: number): Promise<Array<{ accountId: string; orderId: string; fields: string[]; revealedAt: string }>> {
    this.assertMainAccountOf(merchantId, caller);
    const rows = await latestReveals(this.dataSource.manager, merchantId, limit);
    return rows.map((row) => ({ accountId: row.account_id, orderId: row.order_id, fields: row.fields, revealedAt: row.revealed_at.toISOString() }));
  }

  /** Grants of one merchant are serialised, so the EXPORT_SENSITIVE cap holds under races. */
  private async lockMerchant(manager: EntityManager, merchantId: string): Promise<void> {
    if (!(await lockMerchantRow(manager, merchantId))) throw new NotFoundError(`merchant ${merchantId}`);
  }

  private async checkSensitiveGrant(manager: EntityManager, merchantId: string, accountId: string, permissions: MerchantPermission[]): Promise<void> {
    const holders = await sensitiveExportHolders(manager, merchantId, accountId);
    const problemText = sensitiveExportGrantProblem(holders, permissions);
    if (problemText) throw new DomainError('PERMISSION_GRANT_REFUSED', 409, problemText);
  }
}
