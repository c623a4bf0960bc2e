import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { isLoanSettled, maximumRepaymentOfAccount, receiveRepayment } from '@orderline/credit-billing/domain';
import { RepaymentConfirmationRequest, RepaymentRequest, RepaymentView } from '@orderline/credit-billing/contract';
import { UnitOfWork } from '@orderline/shared/messaging';
import { Clock, DomainError, NotFoundError, PaymentPort, PaymentResult, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { CreditBillingConfig } from '../credit-billing-config';
import { CreditAccountRepository } from '../infra/credit-account.repository';
import { CreditAccountRecord } from '../infra/credit.entity';
import { AccountCatchUp } from './account-catch-up';
import { AccountChanges } from './account-changes';
import { RefundReadThrough } from './refund-read-through';
import { RepaymentRow, RepaymentStore } from '../infra/repayment-store';


function viewOf(row: RepaymentRow): RepaymentView {
  const allocation = row.status === 'CREDITED' && row.allocation
    ? { principalRepaid: row.allocation.principalRepaid, feePaid: row.allocation.feePaid, lateFeePaid: row.allocation.lateFeePaid, toBalance: row.allocation.toBalance, portions: row.allocation.portions }
    : {};
  return {
    id: row.id,
    status: row.status,
    amount: row.amount,
    ...allocation,
    provider: row.provider,
    providerReference: row.providerReference,
    initiatedAt: row.initiatedAt.toISOString(),
    receivedAt: row.receivedAt ? row.receivedAt.toISOString() : null,
  };
}

/**
 * The buyer repays (domain.md §4.4) through the payment port, like an online order payment:
 * the repayment is INITIATED (bounded by what is owed plus the overpayment cap), the provider
 * is asked for the money, and only a CONFIRMED payment is CREDITED: oldest due first, late
 * fee → fee → principal; repaid principal restores the available limit; the rest is balance.
 * Idempotent per repayment id: the same id never collects or credits twice.
 */
@Injectable()
export class Repayments {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly accounts: CreditAccountRepository,
    private readonly catchUp: AccountCatchUp,
    private readonly changes: AccountChanges,
    private readonly store: RepaymentStore,
    private readonly payments: PaymentPort,
    private readonly refundReadThrough: RefundReadThrough,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: CreditBillingConfig,
  ) {}

  async repay(buyerId: string, caller: Principal, request: RepaymentRequest): Promise<RepaymentView> {
    if (caller.role !== 'BUYER' || caller.buyerId !== buyerId) throw new NotFoundError('credit account');
    const { amount, loanId } = request;
    if (amount <= 0) throw new DomainError('VALIDATION_FAILED', 400, 'a repayment must be positive', { errors: [{ field: 'amount', message: 'amount must be at least 1 fen' }] });
    const repaymentId = request.repaymentId ?? randomUUID();
    // Issue 13 item 3: a refund the buyer already saw REFUNDED is offset before the bound is computed.
    await this.refundReadThrough.beforeRead(buyerId, caller);
    const initiated = await this.unitOfWork.run(async (scope) => {
      const record = await this.accounts.lockAccountOfBuyer(scope.manager, buyerId);
      if (!record) throw new NotFoundError('credit account');
      // §4.4: a statement whose day has come is issued first, so the bound counts it.
      const account = await this.catchUp.bringUpToDate(scope, record);
      const existing = await this.store.find(scope.manager, repaymentId);
      if (existing) {
        if (existing.creditAccountId !== record.id) throw new NotFoundError(`repayment ${repaymentId}`);
        if (existing.amount !== amount || (existing.preferredLoanId ?? undefined) !== loanId) {
          throw new DomainError('REPAYMENT_ID_REUSED', 409, `repayment ${repaymentId} was initiated with another amount or loan`);
        }
        return existing;
      }
      if (loanId && !account.loans.some((loan) => loan.loanId === loanId && !isLoanSettled(loan))) throw new NotFoundError(`open loan ${loanId}`);
      const now = this.clock.now();
      const maximum = maximumRepaymentOfAccount(account, {
        on: this.changes.today(),
        pending: await this.store.pendingAmountOf(scope.manager, record.id),
        overpaymentCap: this.config.REPAYMENT_OVERPAYMENT_CAP,
      });
      if (amount > maximum) {
        throw new DomainError('REPAYMENT_ABOVE_AMOUNT_OWED', 422, `at most ${maximum} fen can be repaid now: what is billed or overdue plus the overpayment allowance, less repayments still pending`, {
          maximum,
        });
      }
      await this.store.insertInitiated(scope.manager, { id: repaymentId, creditAccountId: record.id, amount, preferredLoanId: loanId, at: now });
      return (await this.store.find(scope.manager, repaymentId))!;
    });
    if (initiated.status !== 'INITIATED') return viewOf(initiated);
    // Asked outside the transaction (a provider call never holds the account's lock); the
    // provider is idempotent by key, so a retry of the same repayment id asks again safely.
    const payment = await this.payments.collect({ idempotencyKey: `repayment:${repaymentId}`, subject: `repayment:${repaymentId}`, amount });
    return this.settle(repaymentId, payment);
  }

  /**
   * The provider's confirmation (or refusal) of a pending repayment. Operators relay it for
   * the simulated or a manual provider; a real provider's signed webhook calls the same.
   */
  async confirm(repaymentId: string, caller: Principal, request: RepaymentConfirmationRequest): Promise<RepaymentView> {
    if (caller.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only the payment provider (relayed by an operator) confirms a repayment');
    return this.settle(repaymentId, { provider: request.provider ?? 'SIMULATED', reference: request.providerReference, status: request.outcome }, true);
  }

  private async settle(repaymentId: string, payment: PaymentResult, fromCallback = false): Promise<RepaymentView> {
    return this.unitOfWork.run(async (scope) => {
      const unlocked = await this.store.find(scope.manager, repaymentId);
      if (!unlocked) throw new NotFoundError(`repayment ${repaymentId}`);
      // The account first, then the repayment: the order every movement of the account locks in.
      const record = (await this.accounts.lockAccount(scope.manager, unlocked.creditAccountId)) as CreditAccountRecord;
      const repayment = (await this.store.find(scope.manager, repaymentId, true))!;
      if (fromCallback && repayment.providerReference && repayment.providerReference !== payment.reference) {
        throw new DomainError('PROVIDER_REFERENCE_MISMATCH', 409, `repayment ${repaymentId} was sent to the provider as ${repayment.providerReference}`);
      }
      if (repayment.status !== 'INITIATED') {
        if (fromCallback && repayment.status !== (payment.status === 'CONFIRMED' ? 'CREDITED' : payment.status)) {
          throw new DomainError('REPAYMENT_ALREADY_SETTLED', 409, `repayment ${repaymentId} is already ${repayment.status}`);
        }
        return viewOf(repayment);
      }
      if (!repayment.providerReference) await this.store.recordProvider(scope.manager, repaymentId, payment.provider, payment.reference);
      if (payment.status === 'PENDING') return viewOf((await this.store.find(scope.manager, repaymentId))!);
      if (payment.status === 'DECLINED') {
        await this.store.markDeclined(scope.manager, repaymentId);
        return viewOf((await this.store.find(scope.manager, repaymentId))!);
      }
      // §4.4 decisions: statements and overdue days are brought up to date first (a repayment
      // in the first seconds of a statement day pays that day's statement), and the balance
      // pays what is owed before the cash does: the aggregate does both before allocating.
      const account = await this.accounts.load(scope.manager, record, { loans: true });
      const change = receiveRepayment(account, { repaymentId, amount: repayment.amount, preferredLoanId: repayment.preferredLoanId ?? undefined }, this.changes.context());
      const allocation = await this.changes.commit(scope, record, account, change);
      const now = this.clock.now();
      await this.store.markCredited(
        scope.manager,
        repaymentId,
        {
          principalRepaid: allocation.principalRepaid,
          feePaid: allocation.feePaid,
          lateFeePaid: allocation.lateFeePaid,
          toBalance: allocation.toBalance,
          portions: allocation.portions.map((p) => ({ loanId: p.loanId, periodIndex: p.periodIndex, principal: p.principal, fee: p.fee, lateFee: p.lateFee })),
        },
        now,
      );
      return viewOf((await this.store.find(scope.manager, repaymentId))!);
    });
  }
}
