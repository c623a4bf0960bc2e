import { Inject, Injectable } from '@nestjs/common';
import { EscalateRefundSettlementRequest } from '@orderline/after-sales/contract';
import { EventEnvelope, GrantedRefund, RefundOffsetApplied, RefundOffsetAppliedPayload, RefundOffsetRefused, RefundOffsetRefusedPayload } from '@orderline/shared/contracts';
import { EventHandlerBinding, MessagingLogger, onEvent, TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, DomainError, JsonLogger, NotFoundError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import { creditRefundsAwaitingOffset, creditSettlementOf, markCreditOffsetAnswered, markCreditOffsetApplied, markCreditOffsetEscalated, markCreditOffsetFailed } from '../infra/refund-offset-outcome-store';

/**
 * Closes the refund loop (issue 13 item 4): a CREDIT refund is recorded as settled when it is
 * granted (credit-billing offsets it from `RefundCompleted`); when credit-billing refuses the
 * offset, `RefundOffsetRefused` turns the settlement FAILED with the reason, which buyer and
 * merchant see on the request. An operator retries it at credit-billing (its
 * `RefundOffsetApplied` makes it SETTLED again) or escalates it here (ESCALATED, with a note).
 * Refunds that after-sales did not grant (no settlement row) are ignored.
 */
@Injectable()
export class RefundOffsetOutcomes {
  private readonly logger: MessagingLogger;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(APP_LOGGER) logger: JsonLogger,
  ) {
    this.logger = logger.component('refund-offset-outcomes');
  }

  bindings(): EventHandlerBinding[] {
    return [onEvent(RefundOffsetRefused, (event, scope) => this.refused(event, scope)), onEvent(RefundOffsetApplied, (event, scope) => this.applied(event, scope))];
  }

  private async refused(event: EventEnvelope<RefundOffsetRefusedPayload>, scope: TransactionScope): Promise<void> {
    const { refundId, reason, refundable, amount } = event.payload;
    const detail = `credit-billing refused to offset ${amount} fen: ${reason} (refundable principal ${refundable} fen)`;
    await markCreditOffsetAnswered(scope.manager, refundId, this.clock.now());
    if (await markCreditOffsetFailed(scope.manager, refundId, reason, detail, this.clock.now())) this.logger.warn('credit refund offset refused', { refundId, reason, refundable });
  }

  private async applied(event: EventEnvelope<RefundOffsetAppliedPayload>, scope: TransactionScope): Promise<void> {
    await markCreditOffsetAnswered(scope.manager, event.payload.refundId, this.clock.now());
    await markCreditOffsetApplied(scope.manager, event.payload.refundId, this.clock.now());
  }

  /**
   * Read-your-writes (issue 13 item 3): the buyer's completed CREDIT refunds credit-billing has
   * not answered yet, which it asks for before serving a credit read, so a refund the buyer saw
   * REFUNDED already shows in the account, bill and loans.
   */
  async awaitingOffset(buyerId: string, caller: Principal): Promise<GrantedRefund[]> {
    if (caller.role === 'MERCHANT' || (caller.role === 'BUYER' && caller.buyerId !== buyerId)) throw new DomainError('FORBIDDEN', 403, 'only the buyer or an operator reads the buyer\'s refunds awaiting an offset');
    return creditRefundsAwaitingOffset(this.unitOfWork.dataSource.manager, buyerId);
  }

  /** An operator takes a failed offset out of the automatic path (e.g. to settle it by hand). */
  async escalate(refundId: string, request: EscalateRefundSettlementRequest, caller: Principal): Promise<void> {
    if (caller.role !== 'OPERATOR') throw new DomainError('FORBIDDEN', 403, 'only operators escalate a refund settlement');
    await this.unitOfWork.run(async (scope) => {
      const settlement = await creditSettlementOf(scope.manager, refundId, true);
      if (!settlement) throw new NotFoundError(`credit settlement of refund ${refundId}`);
      if (settlement.status === 'ESCALATED') return;
      if (settlement.status !== 'FAILED') throw new DomainError('SETTLEMENT_NOT_FAILED', 409, `the credit settlement of refund ${refundId} is ${settlement.status}; only a FAILED one is escalated`);
      await markCreditOffsetEscalated(scope.manager, refundId, request.note, this.clock.now());
    });
  }
}
