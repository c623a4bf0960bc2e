import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MessagingLogger, PeriodicTask, runIsolated, TimerFailures, UnitOfWork } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, JsonLogger, PLATFORM_CLOCK, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { CreditBillingConfig } from '../credit-billing-config';
import { platformDate } from '../infra/billing-calendar';
import { CreditBook } from '../infra/credit-book';
import { CreditAccountRecord } from '../infra/credit.entity';
import { AccountCatchUp } from './account-catch-up';

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
    private readonly book: CreditBook,
    private readonly catchUp: AccountCatchUp,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: CreditBillingConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
  ) {
    this.logger = logger.component('statement-runs');
    this.loop = new PeriodicTask('statement run', config.BILLING_RUN_INTERVAL_MS, () => this.runDue(), this.logger);
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
    const today = platformDate(now, this.config.PLATFORM_UTC_OFFSET_MINUTES);
    return this.unitOfWork.run(async (scope) => {
      const [candidate] = await scope.manager.query(
        `SELECT id FROM credit_account
          WHERE next_statement_date IS NOT NULL AND next_statement_date <= $1 AND ${TimerFailures.notBackingOff(STATEMENT_RUN_JOB, 'credit_account.id', '$2')}
          ORDER BY next_statement_date LIMIT 1 FOR UPDATE SKIP LOCKED`,
        [today, now],
      );
      if (!candidate) return false;
      claimed(candidate.id);
      const account = (await this.book.lockAccount(scope.manager, candidate.id)) as CreditAccountRecord;
      // One statement per claim (a failure is recorded against this account only); the
      // balance then pays whatever is owed, exactly as a repayment or a read would (§4.4).
      if (this.catchUp.statementDue(account)) await this.catchUp.issueNextStatement(scope, account);
      if (!this.catchUp.statementDue(account)) await this.catchUp.payOwedFromBalance(scope, account);
      await TimerFailures.clear(scope.manager, STATEMENT_RUN_JOB, account.id);
      return true;
    });
  }
}
