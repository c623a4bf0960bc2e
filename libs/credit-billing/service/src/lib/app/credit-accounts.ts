import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { availableOf, DEFAULT_BILLING_CYCLE, openAccount } from '@orderline/credit-billing/domain';
import { CreditAccountView, OpenCreditAccountRequest } from '@orderline/credit-billing/contract';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { CreditBillingConfig } from '../credit-billing-config';
import { platformDate } from '../infra/billing-calendar';
import { CreditAccountRecord, CreditHoldRecord } from '../infra/credit.entity';
import { AccountCatchUp } from './account-catch-up';
import { RefundReadThrough } from './refund-read-through';

@Injectable()
export class CreditAccounts {
  constructor(
    private readonly dataSource: DataSource,
    private readonly catchUp: AccountCatchUp,
    private readonly refundReadThrough: RefundReadThrough,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: CreditBillingConfig,
  ) {}

  /** Idempotent per buyer: opening the same line again returns it; different terms conflict. */
  async open(request: OpenCreditAccountRequest): Promise<CreditAccountView> {
    this.assertLimitAllowed(request.creditLimit);
    const repository = this.dataSource.getRepository(CreditAccountRecord);
    const opened = openAccount({
      accountId: randomUUID(),
      limit: request.creditLimit,
      cycle: { statementDay: request.statementDay ?? DEFAULT_BILLING_CYCLE.statementDay, dueOffsetDays: request.dueOffsetDays ?? DEFAULT_BILLING_CYCLE.dueOffsetDays },
      openedOn: platformDate(this.clock.now(), this.config.PLATFORM_UTC_OFFSET_MINUTES),
    });
    const record = {
      id: opened.accountId,
      buyerId: request.buyerId,
      creditLimit: opened.limit,
      held: opened.held,
      outstanding: opened.outstanding,
      balance: opened.balance,
      statementDay: opened.cycle.statementDay,
      dueOffsetDays: opened.cycle.dueOffsetDays,
      // The first statement day strictly after the account opened (domain.md §4.3).
      nextStatementDate: opened.nextStatementDate,
      lastStatementDate: opened.lastStatementDate,
    };
    await repository.createQueryBuilder().insert().values(record).orIgnore().execute();
    const account = await repository.findOneByOrFail({ buyerId: request.buyerId });
    if (account.creditLimit !== request.creditLimit) throw new DomainError('CREDIT_ACCOUNT_EXISTS', 409, `buyer ${request.buyerId} already has a credit line with another limit`);
    return this.view(account);
  }

  async forBuyer(buyerId: string, caller: Principal): Promise<CreditAccountView> {
    if (caller.role === 'BUYER' && caller.buyerId !== buyerId) throw new NotFoundError('credit account');
    if (caller.role === 'MERCHANT') throw new NotFoundError('credit account');
    // Issue 13 item 3: a refund the buyer already saw REFUNDED shows in what is read now.
    await this.refundReadThrough.beforeRead(buyerId, caller);
    const account = await this.dataSource.getRepository(CreditAccountRecord).findOneBy({ buyerId });
    if (!account) throw new NotFoundError('credit account');
    return this.view(await this.catchUp.beforeRead(account));
  }

  /** Operators change a line's limit; a lower limit never cancels what is held or owed. */
  async setLimit(accountId: string, creditLimit: number): Promise<CreditAccountView> {
    this.assertLimitAllowed(creditLimit);
    const repository = this.dataSource.getRepository(CreditAccountRecord);
    const result = await repository.update({ id: accountId }, { creditLimit });
    if (!result.affected) throw new NotFoundError(`credit account ${accountId}`);
    return this.view(await repository.findOneByOrFail({ id: accountId }));
  }

  /** Operators grant at most CREDIT_LIMIT_MAX (docs/money-bounds-and-repayments.md). */
  private assertLimitAllowed(creditLimit: number): void {
    const maximum = this.config.CREDIT_LIMIT_MAX;
    if (creditLimit > maximum) throw new DomainError('CREDIT_LIMIT_TOO_HIGH', 422, `a credit limit is at most ${maximum} fen`, { maximum });
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
