import { Injectable } from '@nestjs/common';
import { catchUpAccount, CreditAccount, statementDue } from '@orderline/credit-billing/domain';
import { TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { CreditAccountRepository } from '../infra/credit-account.repository';
import { CreditAccountRecord } from '../infra/credit.entity';
import { AccountChanges } from './account-changes';

/**
 * domain.md §4.4 decisions, one implementation for every caller: "time-based work catches up
 * before it is read or acted on" and "a balance never sits beside money owed" (the aggregate's
 * `catchUpAccount`). Runs inside the caller's transaction with the account row already locked,
 * and keeps the caller's record up to date, so a repayment or a read that follows sees the
 * account as the background statement run would have left it, however late that run is.
 */
@Injectable()
export class AccountCatchUp {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly accounts: CreditAccountRepository,
    private readonly changes: AccountChanges,
  ) {}

  /** Whether statements are due for the account (cheap check before taking a lock for a read). */
  statementDue(record: Pick<CreditAccountRecord, 'nextStatementDate'>): boolean {
    return statementDue({ nextStatementDate: record.nextStatementDate as CreditAccount['nextStatementDate'] }, this.changes.today());
  }

  /**
   * A read of an account (§4.4: "or a read of an account") sees it caught up: when a statement
   * day has come and the background run has not issued it yet, it is issued first, in its own
   * transaction under the account lock. Returns the account as it is now.
   */
  async beforeRead(record: CreditAccountRecord): Promise<CreditAccountRecord> {
    if (!this.statementDue(record)) return record;
    return this.unitOfWork.run(async (scope) => {
      const locked = (await this.accounts.lockAccount(scope.manager, record.id)) as CreditAccountRecord;
      await this.bringUpToDate(scope, locked);
      return locked;
    });
  }

  /** Issues every statement whose day has come, then lets the balance pay; returns the account with its open loans. */
  async bringUpToDate(scope: TransactionScope, record: CreditAccountRecord): Promise<CreditAccount> {
    const account = await this.accounts.load(scope.manager, record, { loans: true });
    const change = catchUpAccount(account, this.changes.context());
    await this.changes.commit(scope, record, account, change);
    return change.account;
  }
}
