import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { calculateRefund, paidOrderOf } from '@orderline/after-sales/domain';
import { RefundCompleted } from '@orderline/shared/contracts';
import { MessagingLogger, TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { MoneyError } from '@orderline/shared/money';
import { APP_LOGGER, Clock, DomainError, JsonLogger, PLATFORM_CLOCK, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { AfterSalesConfig } from '../after-sales-config';
import { AfterSalesRecord, findRequest } from '../infra/after-sales-request.repository';
import { creditLoanOf, findOrder, OrderFacts } from '../infra/order-copy.repository';
import { completedRefundTotal, earlierRefunds, insertGrantedRefund, lockGrantedRefund, markRefundCompleted } from '../infra/refund.repository';
import { dueSettlements, insertPendingSettlement, lockSettlementStatus, markSettlementSettled, postponeSettlement, settlementsOfRefund } from '../infra/refund-settlement.repository';
import { RefundPaymentPort } from '../infra/refund-payment-port';
import { moveRequest } from './request-steps';

/**
 * The refund saga's money side. Granting (the decision: refund with lines, amounts and
 * reason) is one transaction with the request's move to REFUND_PENDING; settling (the money
 * movement) is a separate row per payment method with its own idempotency key:
 * - CREDIT: settled at once; `RefundCompleted` is what credit-billing offsets (domain.md §4.5),
 *   applied there once per refund id;
 * - COD: the payout to the buyer is recorded at once;
 * - ONLINE: the payment port is called outside any transaction, retried with backoff until
 *   it answers (the port is idempotent by key, so a crash between call and commit is safe).
 * `RefundCompleted` is published, through the outbox, in the transaction that settles the
 * last settlement of the refund — exactly once per refund.
 */
@Injectable()
export class Refunds {
  private readonly logger: MessagingLogger;
  private settling?: Promise<void>;
  private again = false;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly payments: RefundPaymentPort,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AfterSalesConfig,
    @Inject(APP_LOGGER) logger: JsonLogger,
  ) {
    this.logger = logger.component('refunds');
  }

  /** Grants the refund of a request (inside the caller's transaction); returns the refund id. */
  async grant(scope: TransactionScope, request: AfterSalesRecord, actor: string, reason: string): Promise<string> {
    const now = this.clock.now();
    const order = await findOrder(scope.manager, request.orderId, true);
    if (!order) throw new DomainError('ORDER_UNKNOWN', 409, `after-sales has no record of order ${request.orderId}`);
    let calculation;
    try {
      calculation = calculateRefund(paidOrderOf(order), await earlierRefunds(scope.manager, order.orderId), request.lines);
    } catch (error) {
      if (error instanceof MoneyError) throw new DomainError('REFUND_EXCEEDS_PAID', 409, error.message);
      throw error;
    }
    await moveRequest(scope, request, 'GRANT_REFUND', actor, now, { note: `refund ${calculation.amount} fen` });
    const refundId = randomUUID();
    await insertGrantedRefund(scope.manager, {
      id: refundId,
      afterSalesId: request.id,
      orderId: order.orderId,
      buyerId: order.buyerId,
      paymentMethod: order.paymentMethod,
      amount: calculation.amount,
      lines: calculation.lines,
      reason,
      grantedAt: now,
    });
    const settlementId = randomUUID();
    await insertPendingSettlement(scope.manager, { id: settlementId, refundId, method: order.paymentMethod, amount: calculation.amount, idempotencyKey: `refund:${refundId}:${order.paymentMethod}`, at: now });
    if (order.paymentMethod !== 'ONLINE') {
      // Recorded, not sent: COD money goes back through the merchant's cash desk; credit is offset by credit-billing.
      const reference = order.paymentMethod === 'COD' ? `cod-payout:${refundId}` : `credit-offset:${refundId}`;
      await this.markSettled(scope, settlementId, order.paymentMethod === 'COD' ? 'COD_RECORDED' : 'CREDIT_BILLING', reference, now);
      await this.completeIfSettled(scope, refundId, order);
    }
    return refundId;
  }

  /** Settles due ONLINE settlements now (called after a grant commits, and by the timer). */
  kick(): Promise<void> {
    if (this.settling) {
      this.again = true;
      return this.settling;
    }
    this.settling = (async () => {
      do {
        this.again = false;
        while ((await this.settleDue()) > 0);
      } while (this.again);
    })()
      .catch((error) => this.logger.error('refund settlement failed', { error: String(error) }))
      .finally(() => (this.settling = undefined));
    return this.settling;
  }

  private async settleDue(): Promise<number> {
    const due = await dueSettlements(this.unitOfWork.dataSource.manager, this.clock.now());
    let settled = 0;
    for (const row of due) {
      try {
        const answer = await this.payments.refund({ idempotencyKey: row.idempotency_key, orderId: row.order_id, amount: Number(row.amount) });
        await this.unitOfWork.run(async (scope) => {
          if ((await lockSettlementStatus(scope.manager, row.id)) !== 'PENDING') return;
          await this.markSettled(scope, row.id, answer.provider, answer.reference, this.clock.now());
          const order = await findOrder(scope.manager, row.order_id);
          if (order) await this.completeIfSettled(scope, row.refund_id, order);
        });
        settled += 1;
      } catch (error) {
        const delay = Math.min(600_000, this.config.REFUND_RETRY_BASE_MS * 2 ** Math.min(row.attempts, 20));
        this.logger.warn('online refund not settled yet; will retry', { settlementId: row.id, attempts: row.attempts + 1, error: String(error) });
        await postponeSettlement(this.unitOfWork.dataSource.manager, row.id, String(error).slice(0, 500), new Date(this.clock.now().getTime() + delay));
      }
    }
    return settled;
  }

  private async markSettled(scope: TransactionScope, settlementId: string, provider: string, reference: string, at: Date): Promise<void> {
    await markSettlementSettled(scope.manager, settlementId, provider, reference, at);
  }

  /** The last settlement settled: the refund completes and `RefundCompleted` goes out (outbox). */
  private async completeIfSettled(scope: TransactionScope, refundId: string, order: OrderFacts): Promise<void> {
    const settlements = await settlementsOfRefund(scope.manager, refundId);
    if (settlements.some((s) => s.status !== 'SETTLED')) return;
    const now = this.clock.now();
    const refund = await lockGrantedRefund(scope.manager, refundId);
    if (!refund) return;
    await markRefundCompleted(scope.manager, refundId, now);
    const request = await findRequest(scope.manager, refund.afterSalesId, true);
    if (!request) throw new Error(`refund ${refundId} has no after-sales request`);
    await moveRequest(scope, request, 'COMPLETE_REFUND', 'system', now);
    const total = await completedRefundTotal(scope.manager, order.orderId);
    const loanId = await creditLoanOf(scope.manager, order.orderId);
    await scope.publish(RefundCompleted, {
      refundId,
      orderId: order.orderId,
      buyerId: order.buyerId,
      merchantId: order.merchantId,
      paymentMethod: order.paymentMethod,
      amount: refund.amount,
      afterSalesId: request.id,
      ...(order.paymentMethod === 'CREDIT' && loanId ? { loanId } : {}),
      lines: refund.lines,
      orderRefundedTotal: total,
      orderPaid: paidOrderOf(order).paid,
      settlements: settlements.map((s) => ({ method: s.method, amount: Number(s.amount), idempotencyKey: s.idempotency_key, ...(s.provider_reference ? { reference: s.provider_reference } : {}) })),
    });
  }
}
