import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { runStatementStep } from '@orderline/credit-billing/domain';
import { MessagingLogger, PeriodicTask, runIsolated, TimerFailures, UnitOfWork } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, JsonLogger, PLATFORM_CLOCK, SERVICE_CONFIG, SERVICE_NAME } from '@orderline/shared/service-kit';
import { CreditBillingConfig } from '../credit-billing-config';
import { CreditAccountRepository } from '../infra/credit-account.repository';
import { CreditAccountRecord } from '../infra/credit.entity';
import { AccountChanges } from './account-changes';

/**
 * Issues statements on each account's statement day (domain.md §4.4), reading the platform
 * clock, so the test clock drives it. Accounts whose statement day has come are taken one at
 * a time with SKIP LOCKED: several instances share the work and never issue one twice (the
 * statement date is unique per account as well). Repayments, refund offsets and reads do the
 * same work first for the account they touch (AccountCatchUp, §4.4 decisions); this run only
 * serves the accounts nobody touched.
 */
/** The job name of statement runs in `timer_failure`. */
export const STATEMENT_RUN_JOB = 'statement-run';

@Injectable()
export class StatementRuns implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: MessagingLogger;
  private readonly loop: PeriodicTask;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly accounts: CreditAccountRepository,
    private readonly changes: AccountChanges,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: CreditBillingConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
    @Inject(SERVICE_NAME) serviceName: string,
  ) {
    this.logger = logger.component('statement-runs');
    this.loop = new PeriodicTask('statement run', config.BILLING_RUN_INTERVAL_MS, () => this.runDue(), this.logger, serviceName);
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * Issues every statement whose day has come; returns how many. An account whose statement
   * fails is recorded in `timer_failure` (with a backoff) and the run goes on with the other
   * accounts: one poisoned account never stops other buyers' statements.
   */
  async runDue(): Promise<number> {
    return runIsolated({ job: STATEMENT_RUN_JOB, dataSource: this.dataSource, now: () => this.clock.now(), logger: this.logger }, (claimed) => this.issueNext(claimed));
  }

  private async issueNext(claimed: (accountId: string) => void): Promise<boolean> {
    const now = this.clock.now();
    return this.unitOfWork.run(async (scope) => {
      const accountId = await this.accounts.claimAccountWithStatementDue(scope.manager, STATEMENT_RUN_JOB, this.changes.today(), now);
      if (!accountId) return false;
      claimed(accountId);
      const record = (await this.accounts.lockAccount(scope.manager, accountId)) as CreditAccountRecord;
      // One statement per claim (a failure is recorded against this account only); the
      // balance then pays whatever is owed, exactly as a repayment or a read would (§4.4).
      const account = await this.accounts.load(scope.manager, record, { loans: true });
      await this.changes.commit(scope, record, account, runStatementStep(account, this.changes.context()));
      await TimerFailures.clear(scope.manager, STATEMENT_RUN_JOB, record.id);
      return true;
    });
  }
}
