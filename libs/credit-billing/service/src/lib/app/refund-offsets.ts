import { Inject, Injectable } from '@nestjs/common';
import { applyRefundToLoan, isLoanSettled, lateFeePostings, Loan, refundOffsetPostings } from '@orderline/credit-billing/domain';
import { EventEnvelope, GrantedRefund, LoanSettled, RefundCompleted, RefundCompletedPayload, RefundOffsetApplied, RefundOffsetRefused } from '@orderline/shared/contracts';
import { EventHandlerBinding, MessagingLogger, onEvent, TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, DomainError, JsonLogger, NotFoundError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { CreditBillingConfig } from '../credit-billing-config';
import { platformDate } from '../infra/billing-calendar';
import { accountLockKey, CreditBook } from '../infra/credit-book';
import { CreditAccountRecord, CreditHoldRecord, stillHeldOf } from '../infra/credit.entity';
import { AccountCatchUp } from './account-catch-up';
import { CreditHolds } from './credit-holds';
import { periodSnapshot } from './loan-snapshots';

interface RefundRow {
  refund_id: string;
  order_id: string;
  amount: string;
}

/**
 * `RefundCompleted` → the bill (domain.md §4.5): before capture the refund releases the hold;
 * after it the loan's principal is offset by the product's rule, fees follow, repaid
 * principal goes to the balance. A refund id is applied once; a refund for an order whose
 * loan does not exist yet is parked and applied at capture.
 */
@Injectable()
export class RefundOffsets {
  private readonly logger: MessagingLogger;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: CreditBillingConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
    private readonly book: CreditBook,
    private readonly holds: CreditHolds,
    private readonly catchUp: AccountCatchUp,
  ) {
    this.logger = logger.component('refund-offsets');
  }

  bindings(): EventHandlerBinding[] {
    return [onEvent(RefundCompleted, (event, scope) => this.onRefundCompleted(event, scope), { lockKey: (event) => accountLockKey(event.payload.buyerId) })];
  }

  async onRefundCompleted(event: EventEnvelope<RefundCompletedPayload>, scope: TransactionScope): Promise<void> {
    await this.offsetGranted(scope, event.payload);
  }

  /**
   * The one way a refund granted by after-sales enters credit-billing: the `RefundCompleted`
   * consumer and the read-through of credit reads (`RefundReadThrough`) both come here, so
   * whichever is first applies it and the other finds the refund id recorded.
   */
  async offsetGranted(scope: TransactionScope, refund: GrantedRefund): Promise<void> {
    if (refund.paymentMethod !== 'CREDIT') return;
    const account = await this.book.lockAccountOfBuyer(scope.manager, refund.buyerId);
    if (!account) return;
    const now = this.clock.now();
    const recorded = await scope.manager.query(
      `INSERT INTO credit_refund (refund_id, order_id, credit_account_id, amount, status, received_at) VALUES ($1, $2, $3, $4, 'PARKED', $5) ON CONFLICT DO NOTHING RETURNING refund_id`,
      [refund.refundId, refund.orderId, account.id, refund.amount, now],
    );
    // domain.md §4.5 rule 7: the same refund id twice changes nothing the second time.
    if (recorded.length === 0) return;
    await this.apply(scope, account, { refund_id: refund.refundId, order_id: refund.orderId, amount: String(refund.amount) });
  }

  /**
   * An operator retries a refused offset (issue 13 item 4), e.g. after the loan was corrected.
   * Only a REJECTED refund is tried again — nothing of it was applied, so rule 7 (a refund id
   * changes the loan at most once) still holds; any other state is answered as it is. The
   * outcome goes out as `RefundOffsetApplied` or `RefundOffsetRefused`, which after-sales shows.
   */
  async retryRefused(refundId: string, caller: Principal): Promise<{ refundId: string; status: string; document: unknown }> {
    if (caller.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only operators retry a refund offset');
    return this.unitOfWork.run(async (scope) => {
      const unlocked = await this.book.lockRefundOffset(scope.manager, refundId);
      if (!unlocked) throw new NotFoundError(`refund offset ${refundId}`);
      // The account first, then the refund: the order every movement of the account locks in.
      const account = (await this.book.lockAccount(scope.manager, unlocked.credit_account_id)) as CreditAccountRecord;
      const row = (await this.book.lockRefundOffset(scope.manager, refundId))!;
      if (row.status === 'REJECTED') await this.apply(scope, account, row);
      const after = (await this.book.lockRefundOffset(scope.manager, refundId))!;
      return { refundId, status: after.status, document: after.document };
    });
  }

  /** Applies the refunds parked for an order, in arrival order (called after a capture). */
  async applyParked(scope: TransactionScope, account: CreditAccountRecord, orderId: string): Promise<void> {
    const parked: RefundRow[] = await scope.manager.query(`SELECT refund_id, order_id, amount FROM credit_refund WHERE order_id = $1 AND status = 'PARKED' ORDER BY received_at, refund_id`, [orderId]);
    for (const row of parked) await this.apply(scope, account, row);
  }

  private async apply(scope: TransactionScope, account: CreditAccountRecord, row: RefundRow): Promise<void> {
    // §4.4 decisions: the offset acts on the account as of today (statements issued, overdue
    // days and late fees applied), whatever the background run has done so far.
    await this.catchUp.bringUpToDate(scope, account);
    const now = this.clock.now();
    const today = platformDate(now, this.config.PLATFORM_UTC_OFFSET_MINUTES);
    const amount = Number(row.amount);
    const loan = await this.book.loanOfOrder(scope.manager, row.order_id);
    if (!loan) {
      const hold = await scope.manager.getRepository(CreditHoldRecord).findOne({ where: { orderId: row.order_id } });
      if (hold && hold.status === 'ACTIVE' && hold.capturedAmount === 0) {
        // domain.md §4.5 rule 1: not captured yet — the refund releases (part of) the hold.
        const released = Math.min(amount, stillHeldOf(hold));
        await this.holds.release(scope, account, hold, released, 'REFUND_BEFORE_CAPTURE', `refund:${row.refund_id}`);
        await this.mark(scope, row.refund_id, 'HOLD_RELEASED', { released }, now);
      }
      // No loan and no hold yet: stays parked until the capture (rule 7).
      return;
    }

    const result = applyRefundToLoan(loan, { refundId: row.refund_id, amount, on: today });
    if (result.kind === 'DUPLICATE') return this.mark(scope, row.refund_id, 'DUPLICATE', null, now);
    if (result.kind === 'REJECTED') {
      this.logger.warn('refund exceeds the refundable principal; not applied', { refundId: row.refund_id, orderId: row.order_id, refundable: result.refundable });
      await this.mark(scope, row.refund_id, 'REJECTED', { reason: result.reason, refundable: result.refundable }, now);
      // Issue 13 item 4: a refusal is never only a log line — after-sales shows it (FAILED + reason).
      await scope.publish(RefundOffsetRefused, {
        refundId: row.refund_id,
        orderId: row.order_id,
        loanId: loan.loanId,
        creditAccountId: account.id,
        amount,
        reason: result.reason,
        refundable: result.refundable,
      });
      return;
    }
    const updated: Loan = result.loan;
    await this.book.saveLoans(scope.manager, [updated], isLoanSettled, now);
    const outstanding = await this.book.refreshOutstanding(scope.manager, account, [updated]);
    const balance = account.balance + result.balanceCredit;
    await scope.manager.getRepository(CreditAccountRecord).update({ id: account.id }, { outstanding, balance });
    Object.assign(account, { outstanding, balance });
    await this.book.post(scope.manager, [...lateFeePostings(account.id, result.lateFeesCharged), ...refundOffsetPostings(account.id, result)], now);
    await this.book.addStatementCredits(scope.manager, account.id, result.statementCredits);
    await this.mark(scope, row.refund_id, 'APPLIED', { principalOffset: result.principalOffset, balanceCredit: result.balanceCredit, loanId: updated.loanId }, now);
    await scope.publish(RefundOffsetApplied, {
      refundId: row.refund_id,
      orderId: row.order_id,
      loanId: updated.loanId,
      creditAccountId: account.id,
      amount,
      principalOffset: result.principalOffset,
      balanceCredit: result.balanceCredit,
      periodsBefore: result.periodsBefore.map(periodSnapshot),
      periodsAfter: result.periodsAfter.map(periodSnapshot),
    });
    if (result.loanSettled) await scope.publish(LoanSettled, { loanId: updated.loanId, orderId: updated.orderId, creditAccountId: account.id });
    // §4.4: a balance never sits beside money owed — what the refund put on it pays at once.
    if (result.balanceCredit > 0) await this.catchUp.payOwedFromBalance(scope, account);
  }

  private async mark(scope: TransactionScope, refundId: string, status: string, document: unknown, at: Date): Promise<void> {
    await scope.manager.query(`UPDATE credit_refund SET status = $2, document = $3, applied_at = $4 WHERE refund_id = $1`, [refundId, status, document === null ? null : JSON.stringify(document), at]);
  }
}
