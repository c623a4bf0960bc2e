import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { bookLoan, isLoanSettled, loanBookedPostings } from '@orderline/credit-billing/domain';
import { EventEnvelope, LoanBooked, OrderShipped, OrderShippedPayload } from '@orderline/shared/contracts';
import { EventHandlerBinding, onEvent, TransactionScope } from '@orderline/shared/messaging';
import { Clock, PLATFORM_CLOCK, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { CreditBillingConfig } from '../credit-billing-config';
import { platformDate } from '../infra/billing-calendar';
import { accountLockKey, CreditBook } from '../infra/credit-book';
import { CreditAccountRecord, CreditHoldRecord, stillHeldOf } from '../infra/credit.entity';
import { CreditHolds } from './credit-holds';
import { periodSnapshot } from './loan-snapshots';
import { RefundOffsets } from './refund-offsets';

/**
 * Shipping captures the hold (domain.md §4.2): the shipped amount becomes a loan with its
 * plan, what the shipment did not carry is released, and refunds that arrived before the
 * loan existed are applied now (§4.5 rule 7).
 */
@Injectable()
export class LoanCaptures {
  constructor(
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: CreditBillingConfig,
    private readonly book: CreditBook,
    private readonly holds: CreditHolds,
    private readonly refunds: RefundOffsets,
  ) {}

  bindings(): EventHandlerBinding[] {
    return [onEvent(OrderShipped, (event, scope) => this.capture(event, scope), { lockKey: (event) => accountLockKey(event.payload.buyerId) })];
  }

  async capture(event: EventEnvelope<OrderShippedPayload>, scope: TransactionScope): Promise<void> {
    const account = await this.book.lockAccountOfBuyer(scope.manager, event.payload.buyerId);
    if (!account) return;
    const hold = await scope.manager.getRepository(CreditHoldRecord).findOne({ where: { orderId: event.payload.orderId } });
    // Not a credit order, or already captured (a second shipment of an order captures nothing more).
    if (!hold || hold.status !== 'ACTIVE' || hold.capturedAmount > 0) return;
    const now = this.clock.now();
    const stillHeld = stillHeldOf(hold);
    const captured = Math.min(event.payload.shippedAmount, stillHeld);
    const release = stillHeld - captured;

    if (captured > 0) {
      const product = await this.book.product(scope.manager, hold.productCode ?? '');
      const loan = bookLoan({
        loanId: randomUUID(),
        orderId: hold.orderId,
        principal: captured,
        bookedOn: platformDate(now, this.config.PLATFORM_UTC_OFFSET_MINUTES),
        product,
        periodCount: hold.periodCount ?? undefined,
        cycle: { statementDay: account.statementDay, dueOffsetDays: account.dueOffsetDays },
      });
      await this.book.insertLoan(scope.manager, account.id, hold.id, loan, isLoanSettled(loan), now);
      await scope.manager.update(CreditHoldRecord, { id: hold.id }, { capturedAmount: captured, ...(release === 0 ? { status: 'CAPTURED' } : {}) });
      const outstanding = account.outstanding + captured;
      const held = account.held - captured;
      await scope.manager.getRepository(CreditAccountRecord).update({ id: account.id }, { outstanding, held });
      Object.assign(account, { outstanding, held });
      await this.book.post(scope.manager, loanBookedPostings({ accountId: account.id, holdId: hold.id, loan }), now);
      await scope.publish(LoanBooked, {
        loanId: loan.loanId,
        orderId: loan.orderId,
        creditAccountId: account.id,
        principal: loan.bookedPrincipal,
        plan: loan.terms.planType,
        periodCount: loan.terms.periodCount,
        releasedFromHold: release,
        periods: loan.periods.map(periodSnapshot),
      });
    }
    if (release > 0) {
      // A partial shipment captures its part and releases the rest (domain.md §4.2).
      await this.holds.release(scope, account, { ...hold, capturedAmount: captured }, release, captured > 0 ? 'PARTIAL_SHIPMENT' : 'NOTHING_SHIPPED', `shipment:${event.payload.shipmentId}`);
    }
    await this.refunds.applyParked(scope, account, hold.orderId);
  }
}
