import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  accrueDailyCharges,
  allocateRepayment,
  CalendarDate,
  currentlyDueOf,
  isLoanSettled,
  issueStatement,
  nextStatementDayAfter,
  outstandingPrincipalOf,
  repaymentPostings,
  statementPostings,
} from '@orderline/credit-billing/domain';
import { LoanSettled, StatementIssued } from '@orderline/shared/contracts';
import { TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { Clock, PLATFORM_CLOCK, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { CreditBillingConfig } from '../credit-billing-config';
import { platformDate } from '../infra/billing-calendar';
import { CreditBook } from '../infra/credit-book';
import { CreditAccountRecord } from '../infra/credit.entity';

/**
 * domain.md §4.4 decisions, one implementation for every caller: "time-based work catches up
 * before it is read or acted on" and "a balance never sits beside money owed". Runs inside the
 * caller's transaction with the account row already locked, and keeps `account` (the caller's
 * copy) up to date, so a repayment, a refund offset or a read that follows sees the account as
 * the background statement run would have left it, however late that run is.
 */
@Injectable()
export class AccountCatchUp {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly book: CreditBook,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: CreditBillingConfig,
  ) {}

  /** Today on the platform clock (statement days and late fees count platform days). */
  today(): CalendarDate {
    return platformDate(this.clock.now(), this.config.PLATFORM_UTC_OFFSET_MINUTES);
  }

  /** Whether statements are due for the account (cheap check before taking a lock for a read). */
  statementDue(account: Pick<CreditAccountRecord, 'nextStatementDate'>): boolean {
    return !!account.nextStatementDate && account.nextStatementDate <= this.today();
  }

  /**
   * A read of an account (§4.4: "or a read of an account") sees it caught up: when a statement
   * day has come and the background run has not issued it yet, it is issued first, in its own
   * transaction under the account lock. Returns the account as it is now.
   */
  async beforeRead(account: CreditAccountRecord): Promise<CreditAccountRecord> {
    if (!this.statementDue(account)) return account;
    return this.unitOfWork.run(async (scope) => {
      const locked = (await this.book.lockAccount(scope.manager, account.id)) as CreditAccountRecord;
      await this.bringUpToDate(scope, locked);
      return locked;
    });
  }

  /**
   * Issues every statement whose day has come (oldest first: a missed day is never folded into
   * a later one, §4.3), then lets the balance pay what is billed or overdue. Returns how many
   * statements were issued.
   */
  async bringUpToDate(scope: TransactionScope, account: CreditAccountRecord): Promise<number> {
    let issued = 0;
    while (this.statementDue(account)) {
      await this.issueNextStatement(scope, account);
      issued += 1;
    }
    await this.payOwedFromBalance(scope, account);
    return issued;
  }

  /** Issues the account's next statement (its day has come); the balance pays it (§4.4). */
  async issueNextStatement(scope: TransactionScope, account: CreditAccountRecord): Promise<void> {
    const now = this.clock.now();
    const statementDate = account.nextStatementDate!;
    const loans = await this.book.openLoans(scope.manager, account.id);
    const credits = await this.book.pendingStatementCredits(scope.manager, account.id);
    const result = issueStatement({ accountId: account.id, statementDate, dueOffsetDays: account.dueOffsetDays, balance: account.balance, loans, creditsSinceLastStatement: credits.map((c) => c.credit) });
    const statementId = randomUUID();
    await this.book.saveLoans(scope.manager, result.loans, isLoanSettled, now);
    const outstanding = result.loans.reduce((sum, loan) => sum + outstandingPrincipalOf(loan), 0);
    const changes = { balance: result.statement.balanceAfter, outstanding, lastStatementDate: statementDate, nextStatementDate: nextStatementDayAfter(statementDate, account.statementDay) };
    await scope.manager.getRepository(CreditAccountRecord).update({ id: account.id }, changes);
    Object.assign(account, changes);
    await this.book.insertStatement(scope.manager, { id: statementId, accountId: account.id, statement: result.statement, issuedAt: now });
    if (credits.length) await this.book.attachStatementCredits(scope.manager, credits.map((c) => c.id), statementId);
    await this.book.post(scope.manager, statementPostings({ accountId: account.id, statementId, issued: result }), now);
    await scope.publish(StatementIssued, {
      statementId,
      creditAccountId: account.id,
      statementDate,
      dueDate: result.statement.dueDate,
      amountDue: result.statement.amountDue,
      sentToBuyer: result.statement.sentToBuyer,
    });
    for (const settledId of result.balancePayment.settledLoanIds) {
      const loan = result.loans.find((l) => l.loanId === settledId)!;
      await scope.publish(LoanSettled, { loanId: settledId, orderId: loan.orderId, creditAccountId: account.id });
    }
  }

  /**
   * "A balance never sits beside money owed" (§4.4): when the account holds a balance and
   * something is billed or overdue (as of today, late fees included), the balance pays it at
   * once in the repayment order. Nothing changes when either is zero.
   */
  async payOwedFromBalance(scope: TransactionScope, account: CreditAccountRecord): Promise<void> {
    if (account.balance <= 0) return;
    const today = this.today();
    const loans = await this.book.openLoans(scope.manager, account.id);
    const owed = currentlyDueOf(loans.map((loan) => accrueDailyCharges(loan, today).loan));
    const amount = Math.min(account.balance, owed);
    if (amount === 0) return;
    const now = this.clock.now();
    const allocation = allocateRepayment({ loans, amount, on: today });
    await this.book.saveLoans(scope.manager, allocation.loans, isLoanSettled, now);
    const outstanding = allocation.loans.reduce((sum, loan) => sum + outstandingPrincipalOf(loan), 0);
    const changes = { outstanding, balance: account.balance - amount };
    await scope.manager.getRepository(CreditAccountRecord).update({ id: account.id }, changes);
    Object.assign(account, changes);
    // repaymentPostings already carries the late fees charged while bringing the loans to today.
    await this.book.post(scope.manager, repaymentPostings({ accountId: account.id, repaymentId: `balance:${randomUUID()}`, allocation, source: 'BALANCE' }), now);
    for (const settledId of allocation.settledLoanIds) {
      const loan = allocation.loans.find((l) => l.loanId === settledId)!;
      await scope.publish(LoanSettled, { loanId: settledId, orderId: loan.orderId, creditAccountId: account.id });
    }
  }
}
