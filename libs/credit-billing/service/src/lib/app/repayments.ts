import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { allocateRepayment, isLoanSettled, lateFeePostings, outstandingPrincipalOf, repaymentPostings } from '@orderline/credit-billing/domain';
import { LoanSettled, RepaymentReceived } from '@orderline/shared/contracts';
import { UnitOfWork } from '@orderline/shared/messaging';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { CreditBillingConfig } from '../credit-billing-config';
import { platformDate } from '../infra/billing-calendar';
import { CreditBook } from '../infra/credit-book';
import { CreditAccountRecord } from '../infra/credit.entity';

export interface RepaymentView {
  id: string;
  amount: number;
  principalRepaid: number;
  feePaid: number;
  lateFeePaid: number;
  toBalance: number;
  portions: Array<{ loanId: string; periodIndex: number; principal: number; fee: number; lateFee: number }>;
  receivedAt: string;
}

/**
 * The buyer repays (domain.md §4.4): oldest due first, late fee → fee → principal; repaid
 * principal restores the available limit; what is beyond the current bill becomes balance.
 */
@Injectable()
export class Repayments {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly book: CreditBook,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: CreditBillingConfig,
  ) {}

  async repay(buyerId: string, caller: Principal, amount: number, loanId?: string): Promise<RepaymentView> {
    if (caller.role !== 'BUYER' || caller.buyerId !== buyerId) throw new NotFoundError('credit account');
    if (amount <= 0) throw new DomainError('VALIDATION_FAILED', 400, 'a repayment must be positive', { errors: [{ field: 'amount', message: 'amount must be at least 1 fen' }] });
    return this.unitOfWork.run(async (scope) => {
      const account = await this.book.lockAccountOfBuyer(scope.manager, buyerId);
      if (!account) throw new NotFoundError('credit account');
      const loans = await this.book.openLoans(scope.manager, account.id);
      if (loanId && !loans.some((loan) => loan.loanId === loanId)) throw new NotFoundError(`open loan ${loanId}`);
      const now = this.clock.now();
      const allocation = allocateRepayment({ loans, amount, on: platformDate(now, this.config.PLATFORM_UTC_OFFSET_MINUTES), preferredLoanId: loanId });
      const repaymentId = randomUUID();
      await this.book.saveLoans(scope.manager, allocation.loans, isLoanSettled, now);
      // The allocation carries every open loan of the account.
      const outstanding = allocation.loans.reduce((sum, loan) => sum + outstandingPrincipalOf(loan), 0);
      await scope.manager.getRepository(CreditAccountRecord).update({ id: account.id }, { outstanding, balance: account.balance + allocation.toBalance });
      await this.book.post(scope.manager, [...lateFeePostings(account.id, allocation.lateFeesCharged), ...repaymentPostings({ accountId: account.id, repaymentId, allocation, source: 'CASH' })], now);
      const view: RepaymentView = {
        id: repaymentId,
        amount,
        principalRepaid: allocation.principalRepaid,
        feePaid: allocation.feePaid,
        lateFeePaid: allocation.lateFeePaid,
        toBalance: allocation.toBalance,
        portions: allocation.portions.map((p) => ({ loanId: p.loanId, periodIndex: p.periodIndex, principal: p.principal, fee: p.fee, lateFee: p.lateFee })),
        receivedAt: now.toISOString(),
      };
      await scope.manager.query(`INSERT INTO repayment (id, credit_account_id, amount, principal_repaid, to_balance, document, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        repaymentId,
        account.id,
        amount,
        allocation.principalRepaid,
        allocation.toBalance,
        JSON.stringify(view),
        now,
      ]);
      await scope.publish(RepaymentReceived, { repaymentId, creditAccountId: account.id, amount, principalRepaid: allocation.principalRepaid, toBalance: allocation.toBalance });
      for (const settledId of allocation.settledLoanIds) {
        const loan = allocation.loans.find((l) => l.loanId === settledId)!;
        await scope.publish(LoanSettled, { loanId: settledId, orderId: loan.orderId, creditAccountId: account.id });
      }
      return view;
    });
  }
}
