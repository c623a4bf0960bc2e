import { Inject, Injectable } from '@nestjs/common';
import { AccountChange, applyRefund, CreditAccount, RefundOutcome } from '@orderline/credit-billing/domain';
import { EventEnvelope, GrantedRefund, RefundCompleted, RefundCompletedPayload } from '@orderline/shared/contracts';
import { EventHandlerBinding, MessagingLogger, onEvent, TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, DomainError, JsonLogger, NotFoundError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { accountLockKey, CreditAccountRepository } from '../infra/credit-account.repository';
import { CreditAccountRecord } from '../infra/credit.entity';
import { RefundMark, RefundOffsetRepository, RefundOffsetRow } from '../infra/refund-offset.repository';
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
    const row: ReceivedRefund = { refund_id: refund.refundId, order_id: refund.orderId, amount: String(refund.amount) };
    const { account, change } = await this.decide(scope, record, row);
    // The refund's row is written once, with its outcome, before anything of the change is
    // (one statement instead of an insert and an update; issue 19). domain.md §4.5 rule 7: a
    // refund id received before (a redelivery, or the read-through first) is not written again,
    // and then nothing of the change is written either.
    const mark = markOf(change.outcome);
    const received = await this.refunds.recordReceived(scope.manager, { refundId: refund.refundId, orderId: refund.orderId, accountId: record.id, amount: refund.amount, at: this.clock.now(), ...mark });
    if (!received) return;
    await this.changes.commit(scope, record, account, change);
    this.warnIfRejected(row, change.outcome);
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
    const { account, change } = await this.decide(scope, record, row);
    const outcome = await this.changes.commit(scope, record, account, change);
    await this.recordOutcome(scope, row, outcome);
  }

  /** What the refund does to the locked account, decided and not yet written. */
  private async decide(scope: TransactionScope, record: CreditAccountRecord, row: ReceivedRefund): Promise<{ account: CreditAccount; change: AccountChange<RefundOutcome> }> {
    const account: CreditAccount = await this.accounts.load(scope.manager, record, { orderId: row.order_id, loans: true });
    // Every refund reaching credit-billing was granted by after-sales, which takes requests of
    // shipped orders only (ORDER_NOT_SHIPPED): a hold still active means OrderShipped has not
    // arrived yet, so the refund waits for the loan instead of releasing the hold (a chaos seed
    // caught a returned order's refund applied first, and the shipment then booked no loan).
    const change = applyRefund(account, { refundId: row.refund_id, orderId: row.order_id, amount: Number(row.amount), afterShipment: true }, this.changes.context());
    return { account, change };
  }

  /** Records on a refund's existing row what its offset did (a parked refund stays parked). */
  async recordOutcome(scope: TransactionScope, row: ReceivedRefund, outcome: RefundOutcome): Promise<void> {
    this.warnIfRejected(row, outcome);
    const mark = markOf(outcome);
    if (mark.status !== 'PARKED') await this.refunds.mark(scope.manager, row.refund_id, mark.status, mark.document, this.clock.now());
  }

  private warnIfRejected(row: ReceivedRefund, outcome: RefundOutcome): void {
    if (outcome.kind === 'REJECTED') this.logger.warn('refund exceeds the refundable principal; not applied', { refundId: row.refund_id, orderId: row.order_id, refundable: outcome.refundable });
  }
}

/** A refund's row as its outcome leaves it: the status, and what the offset did. */
function markOf(outcome: RefundOutcome): RefundMark {
  switch (outcome.kind) {
    case 'PARKED':
      return { status: 'PARKED', document: null };
    case 'HOLD_RELEASED':
      return { status: 'HOLD_RELEASED', document: { released: outcome.released } };
    case 'DUPLICATE':
      return { status: 'DUPLICATE', document: null };
    case 'REJECTED':
      return { status: 'REJECTED', document: { reason: outcome.reason, refundable: outcome.refundable } };
    case 'APPLIED': {
      const { applied } = outcome;
      return { status: 'APPLIED', document: { principalOffset: applied.principalOffset, balanceCredit: applied.balanceCredit, loanId: applied.loan.loanId } };
    }
  }
}
