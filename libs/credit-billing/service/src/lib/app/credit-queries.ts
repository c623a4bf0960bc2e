import { Inject, Injectable } from '@nestjs/common';
import { LedgerPostingView, LoanView, StatementSummaryView, StatementView } from '@orderline/credit-billing/contract';
import { DataSource } from 'typeorm';
import { accrueDailyCharges, outstandingPrincipalOf } from '@orderline/credit-billing/domain';
import { Clock, NotFoundError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { CreditBillingConfig } from '../credit-billing-config';
import { platformDate } from '../infra/billing-calendar';
import { CreditAccountRepository } from '../infra/credit-account.repository';
import { CreditAccountRecord } from '../infra/credit.entity';
import { AccountCatchUp } from './account-catch-up';
import { periodView } from './loan-snapshots';
import { RefundReadThrough } from './refund-read-through';

/** What the buyer (or an operator) reads: loans with their plans, statements, the ledger. */
@Injectable()
export class CreditQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: CreditAccountRepository,
    private readonly catchUp: AccountCatchUp,
    private readonly refundReadThrough: RefundReadThrough,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: CreditBillingConfig,
  ) {}

  private async accountOf(buyerId: string, caller: Principal): Promise<CreditAccountRecord> {
    if (caller.role === 'MERCHANT' || (caller.role === 'BUYER' && caller.buyerId !== buyerId)) throw new NotFoundError('credit account');
    // Issue 13 item 3: a refund the buyer already saw REFUNDED shows in what is read now.
    await this.refundReadThrough.beforeRead(buyerId, caller);
    const account = await this.dataSource.getRepository(CreditAccountRecord).findOneBy({ buyerId });
    if (!account) throw new NotFoundError('credit account');
    // §4.4: a read sees statements whose day has come, even before the background run.
    return this.catchUp.beforeRead(account);
  }

  /** Loans with their periods as of today (late fees accrued for display, not yet posted). */
  async loans(buyerId: string, caller: Principal, orderId?: string): Promise<LoanView[]> {
    const account = await this.accountOf(buyerId, caller);
    const rows = await this.accounts.loansOf(this.dataSource.manager, account.id, orderId);
    const today = platformDate(this.clock.now(), this.config.PLATFORM_UTC_OFFSET_MINUTES);
    return rows.map(({ document, settled }) => {
      const loan = accrueDailyCharges(document, today).loan;
      return {
        id: loan.loanId,
        orderId: loan.orderId,
        plan: loan.terms.planType,
        periodCount: loan.terms.periodCount,
        productCode: loan.terms.productCode,
        bookedOn: loan.bookedOn,
        principal: loan.bookedPrincipal,
        outstandingPrincipal: outstandingPrincipalOf(loan),
        refundedPrincipal: loan.refundedPrincipal,
        settled,
        periods: loan.periods.map(periodView),
      };
    });
  }

  async statements(buyerId: string, caller: Principal): Promise<StatementSummaryView[]> {
    const account = await this.accountOf(buyerId, caller);
    const rows = await this.accounts.statementsOf(this.dataSource.manager, account.id, caller.role === 'BUYER');
    // Calendar days as YYYY-MM-DD, as the statement document and the loans show them (not a Date at local midnight).
    return rows.map((row: Record<string, any>) => ({ id: row.id, statementDate: row.statement_date, dueDate: row.due_date, amountDue: Number(row.amount_due), sentToBuyer: row.sent_to_buyer }));
  }

  async statement(buyerId: string, statementId: string, caller: Principal): Promise<StatementView> {
    const account = await this.accountOf(buyerId, caller);
    const row = await this.accounts.statementOf(this.dataSource.manager, account.id, statementId);
    if (!row) throw new NotFoundError(`statement ${statementId}`);
    return { id: row.id, ...row.document };
  }

  async ledger(accountId: string, caller: Principal): Promise<LedgerPostingView[]> {
    if (caller.role !== 'OPERATOR') throw new NotFoundError('ledger');
    const account = await this.dataSource.getRepository(CreditAccountRecord).findOneBy({ id: accountId });
    if (!account) throw new NotFoundError(`credit account ${accountId}`);
    return this.dataSource.transaction((manager) => this.accounts.postings(manager, accountId));
  }
}
