import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { availableOf, DEFAULT_BILLING_CYCLE } from '@orderline/credit-billing/domain';
import { CreditAccountView, OpenCreditAccountRequest } from '@orderline/credit-billing/contract';
import { DomainError, NotFoundError, Principal } from '@orderline/shared/service-kit';
import { CreditAccountRecord, CreditHoldRecord } from '../infra/credit.entity';

@Injectable()
export class CreditAccounts {
  constructor(private readonly dataSource: DataSource) {}

  /** Idempotent per buyer: opening the same line again returns it; different terms conflict. */
  async open(request: OpenCreditAccountRequest): Promise<CreditAccountView> {
    const repository = this.dataSource.getRepository(CreditAccountRecord);
    const record = {
      id: randomUUID(),
      buyerId: request.buyerId,
      creditLimit: request.creditLimit,
      held: 0,
      outstanding: 0,
      balance: 0,
      statementDay: request.statementDay ?? DEFAULT_BILLING_CYCLE.statementDay,
      dueOffsetDays: request.dueOffsetDays ?? DEFAULT_BILLING_CYCLE.dueOffsetDays,
    };
    await repository.createQueryBuilder().insert().values(record).orIgnore().execute();
    const account = await repository.findOneByOrFail({ buyerId: request.buyerId });
    if (account.creditLimit !== request.creditLimit) throw new DomainError('CREDIT_ACCOUNT_EXISTS', 409, `buyer ${request.buyerId} already has a credit line with another limit`);
    return this.view(account);
  }

  async forBuyer(buyerId: string, caller: Principal): Promise<CreditAccountView> {
    if (caller.role === 'BUYER' && caller.buyerId !== buyerId) throw new NotFoundError('credit account');
    if (caller.role === 'MERCHANT') throw new NotFoundError('credit account');
    const account = await this.dataSource.getRepository(CreditAccountRecord).findOneBy({ buyerId });
    if (!account) throw new NotFoundError('credit account');
    return this.view(account);
  }

  private async view(account: CreditAccountRecord): Promise<CreditAccountView> {
    const activeHolds = await this.dataSource.getRepository(CreditHoldRecord).countBy({ creditAccountId: account.id, status: 'ACTIVE' });
    return {
      id: account.id,
      buyerId: account.buyerId,
      limit: account.creditLimit,
      held: account.held,
      outstanding: account.outstanding,
      available: availableOf({ limit: account.creditLimit, held: account.held, outstanding: account.outstanding }),
      balance: account.balance,
      statementDay: account.statementDay,
      dueOffsetDays: account.dueOffsetDays,
      activeHolds,
    };
  }
}
