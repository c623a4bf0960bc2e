import { Inject, Injectable } from '@nestjs/common';
import { applyRefund, CreditAccount, RefundOutcome } from '@orderline/credit-billing/domain';
import { EventEnvelope, GrantedRefund, RefundCompleted, RefundCompletedPayload } from '@orderline/shared/contracts';
import { EventHandlerBinding, MessagingLogger, onEvent, TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, DomainError, JsonLogger, NotFoundError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { accountLockKey, CreditAccountRepository } from '../infra/credit-account.repository';
import { CreditAccountRecord } from '../infra/credit.entity';
import { RefundOffsetRepository, RefundOffsetRow } from '../infra/refund-offset.repository';
import { AccountChanges } from './account-changes';

type ReceivedRefund = Pick<RefundOffsetRow, 'refund_id' | 'order_id' | 'amount'>;

/**
 * `RefundCompleted` → the bill (domain.md §4.5): the loan's principal is offset by the
 * product's rule, fees follow, repaid principal goes to the balance. A refund id is applied
 * once; a refund for an order whose loan does not exist yet is parked and applied at capture.
 */
@Injectable()
export class RefundOffsets {
  private readonly logger: MessagingLogger;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(APP_LOGGER) logger: JsonLogger,
    private readonly accounts: CreditAccountRepository,
    private readonly refunds: RefundOffsetRepository,
    private readonly changes: AccountChanges,
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
    const record = await this.accounts.lockAccountOfBuyer(scope.manager, refund.buyerId);
    if (!record) return;
    const received = await this.refunds.recordReceived(scope.manager, { refundId: refund.refundId, orderId: refund.orderId, accountId: record.id, amount: refund.amount, at: this.clock.now() });
    // domain.md §4.5 rule 7: the same refund id twice changes nothing the second time.
    if (!received) return;
    await this.apply(scope, record, { refund_id: refund.refundId, order_id: refund.orderId, amount: String(refund.amount) });
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
      const unlocked = await this.refunds.lock(scope.manager, refundId);
      if (!unlocked) throw new NotFoundError(`refund offset ${refundId}`);
      // The account first, then the refund: the order every movement of the account locks in.
      const record = (await this.accounts.lockAccount(scope.manager, unlocked.credit_account_id)) as CreditAccountRecord;
      const row = (await this.refunds.lock(scope.manager, refundId))!;
      if (row.status === 'REJECTED') await this.apply(scope, record, row);
      const after = (await this.refunds.lock(scope.manager, refundId))!;
      return { refundId, status: after.status, document: after.document };
    });
  }

  private async apply(scope: TransactionScope, record: CreditAccountRecord, row: ReceivedRefund): Promise<void> {
    const account: CreditAccount = await this.accounts.load(scope.manager, record, { orderId: row.order_id, loans: true });
    // Every refund reaching credit-billing was granted by after-sales, which takes requests of
    // shipped orders only (ORDER_NOT_SHIPPED): a hold still active means OrderShipped has not
    // arrived yet, so the refund waits for the loan instead of releasing the hold (a chaos seed
    // caught a returned order's refund applied first, and the shipment then booked no loan).
    const change = applyRefund(account, { refundId: row.refund_id, orderId: row.order_id, amount: Number(row.amount), afterShipment: true }, this.changes.context());
    const outcome = await this.changes.commit(scope, record, account, change);
    await this.recordOutcome(scope, row, outcome);
  }

  /** Records on the refund's row what its offset did (a parked refund stays parked). */
  async recordOutcome(scope: TransactionScope, row: ReceivedRefund, outcome: RefundOutcome): Promise<void> {
    const now = this.clock.now();
    switch (outcome.kind) {
      case 'PARKED':
        return;
      case 'HOLD_RELEASED':
        return this.refunds.mark(scope.manager, row.refund_id, 'HOLD_RELEASED', { released: outcome.released }, now);
      case 'DUPLICATE':
        return this.refunds.mark(scope.manager, row.refund_id, 'DUPLICATE', null, now);
      case 'REJECTED':
        this.logger.warn('refund exceeds the refundable principal; not applied', { refundId: row.refund_id, orderId: row.order_id, refundable: outcome.refundable });
        return this.refunds.mark(scope.manager, row.refund_id, 'REJECTED', { reason: outcome.reason, refundable: outcome.refundable }, now);
      case 'APPLIED': {
        const { applied } = outcome;
        return this.refunds.mark(scope.manager, row.refund_id, 'APPLIED', { principalOffset: applied.principalOffset, balanceCredit: applied.balanceCredit, loanId: applied.loan.loanId }, now);
      }
    }
  }
}
