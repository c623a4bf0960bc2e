import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { captureHold } from '@orderline/credit-billing/domain';
import { EventEnvelope, OrderShipped, OrderShippedPayload } from '@orderline/shared/contracts';
import { EventHandlerBinding, onEvent, TransactionScope } from '@orderline/shared/messaging';
import { accountLockKey, CreditAccountRepository } from '../infra/credit-account.repository';
import { CreditProductRepository } from '../infra/credit-product.repository';
import { RefundOffsetRepository } from '../infra/refund-offset.repository';
import { AccountChanges } from './account-changes';
import { RefundOffsets } from './refund-offsets';

/**
 * Shipping captures the hold (domain.md §4.2): the shipped amount becomes a loan with its
 * plan, what the shipment did not carry is released, and refunds that arrived before the
 * loan existed are applied now (§4.5 rule 7).
 */
@Injectable()
export class LoanCaptures {
  constructor(
    private readonly accounts: CreditAccountRepository,
    private readonly products: CreditProductRepository,
    private readonly refundOffsets: RefundOffsetRepository,
    private readonly changes: AccountChanges,
    private readonly refunds: RefundOffsets,
  ) {}

  bindings(): EventHandlerBinding[] {
    return [onEvent(OrderShipped, (event, scope) => this.capture(event, scope), { lockKey: (event) => accountLockKey(event.payload.buyerId) })];
  }

  async capture(event: EventEnvelope<OrderShippedPayload>, scope: TransactionScope): Promise<void> {
    const { orderId } = event.payload;
    const record = await this.accounts.lockAccountOfBuyer(scope.manager, event.payload.buyerId);
    if (!record) return;
    const parked = await this.refundOffsets.parkedOf(scope.manager, orderId);
    // Parked refunds act on the account as of today, so they need its loans; a capture alone does not.
    const account = await this.accounts.load(scope.manager, record, { orderId, loans: parked.length > 0 });
    const hold = account.holds[0];
    // Not a credit order.
    if (!hold) return;
    const product = await this.products.product(scope.manager, hold.productCode ?? '');
    const change = captureHold(
      account,
      {
        orderId,
        shipmentId: event.payload.shipmentId,
        shippedAmount: event.payload.shippedAmount,
        loanId: randomUUID(),
        product,
        parkedRefunds: parked.map((row) => ({ refundId: row.refund_id, amount: Number(row.amount) })),
      },
      this.changes.context(),
    );
    const outcome = await this.changes.commit(scope, record, account, change);
    if (outcome.kind === 'CAPTURED') {
      for (const [i, refund] of outcome.refunds.entries()) await this.refunds.recordOutcome(scope, parked[i], refund);
    }
  }
}
