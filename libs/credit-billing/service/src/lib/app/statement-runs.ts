import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { isLoanSettled, issueStatement, nextStatementDayAfter, outstandingPrincipalOf, statementPostings } from '@orderline/credit-billing/domain';
import { StatementIssued } from '@orderline/shared/contracts';
import { MessagingLogger, runIsolated, TimerFailures, UnitOfWork } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, JsonLogger, PLATFORM_CLOCK, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { CreditBillingConfig } from '../credit-billing-config';
import { platformDate } from '../infra/billing-calendar';
import { CreditBook } from '../infra/credit-book';
import { CreditAccountRecord } from '../infra/credit.entity';

/**
 * Issues statements on each account's statement day (domain.md §4.4), reading the platform
 * clock, so the test clock drives it. Accounts whose statement day has come are taken one at
 * a time with SKIP LOCKED: several instances share the work and never issue one twice (the
 * statement date is unique per account as well).
 */
/** The job name of statement runs in `timer_failure`. */
export const STATEMENT_RUN_JOB = 'statement-run';

@Injectable()
export class StatementRuns implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly logger: MessagingLogger;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly dataSource: DataSource,
    private readonly book: CreditBook,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: CreditBillingConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
  ) {
    this.logger = logger.component('statement-runs');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.runDue()
        .then(() => undefined)
        .catch((error) => this.logger.error('statement run failed', { error: String(error) }))
        .finally(() => (this.running = undefined));
    }, this.config.BILLING_RUN_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
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
      const statementDate = account.nextStatementDate!;
      const loans = await this.book.openLoans(scope.manager, account.id);
      const credits = await this.book.pendingStatementCredits(scope.manager, account.id);
      const result = issueStatement({ accountId: account.id, statementDate, dueOffsetDays: account.dueOffsetDays, balance: account.balance, loans, creditsSinceLastStatement: credits.map((c) => c.credit) });
      const statementId = randomUUID();
      await this.book.saveLoans(scope.manager, result.loans, isLoanSettled, now);
      const outstanding = result.loans.reduce((sum, loan) => sum + outstandingPrincipalOf(loan), 0);
      await scope.manager.getRepository(CreditAccountRecord).update(
        { id: account.id },
        { balance: result.statement.balanceAfter, outstanding, lastStatementDate: statementDate, nextStatementDate: nextStatementDayAfter(statementDate, account.statementDay) },
      );
      await scope.manager.query(
        `INSERT INTO credit_statement (id, credit_account_id, statement_date, due_date, amount_due, sent_to_buyer, document, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [statementId, account.id, statementDate, result.statement.dueDate, result.statement.amountDue, result.statement.sentToBuyer, JSON.stringify(result.statement), now],
      );
      if (credits.length) await scope.manager.query(`UPDATE statement_credit SET statement_id = $2 WHERE id = ANY($1::bigint[])`, [credits.map((c) => c.id), statementId]);
      await this.book.post(scope.manager, statementPostings({ accountId: account.id, statementId, issued: result }), now);
      await scope.publish(StatementIssued, {
        statementId,
        creditAccountId: account.id,
        statementDate,
        dueDate: result.statement.dueDate,
        amountDue: result.statement.amountDue,
        sentToBuyer: result.statement.sentToBuyer,
      });
      await TimerFailures.clear(scope.manager, STATEMENT_RUN_JOB, account.id);
      return true;
    });
  }
}
