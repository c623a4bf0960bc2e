import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { calculateRefund } from '@orderline/after-sales/domain';
import { RefundCompleted } from '@orderline/shared/contracts';
import { MessagingLogger, TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { MoneyError } from '@orderline/shared/money';
import { APP_LOGGER, Clock, DomainError, JsonLogger, PLATFORM_CLOCK, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { AfterSalesConfig } from '../after-sales-config';
import { AfterSalesRecord, earlierRefunds, findOrder, findRequest, OrderFacts, paidOrderOf } from '../infra/after-sales-store';
import { RefundPaymentPort } from '../infra/refund-payment-port';
import { moveRequest } from './request-steps';

interface SettlementRow {
  id: string;
  refund_id: string;
  order_id: string;
  method: 'ONLINE' | 'COD' | 'CREDIT';
  amount: string;
  idempotency_key: string;
  attempts: number;
}

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
    await scope.manager.query(
      `INSERT INTO refund (id, after_sales_id, order_id, buyer_id, payment_method, amount, lines, reason, status, granted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'GRANTED', $9)`,
      [refundId, request.id, order.orderId, order.buyerId, order.paymentMethod, calculation.amount, JSON.stringify(calculation.lines), reason, now],
    );
    const settlementId = randomUUID();
    await scope.manager.query(
      `INSERT INTO refund_settlement (id, refund_id, method, amount, idempotency_key, status, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $6)`,
      [settlementId, refundId, order.paymentMethod, calculation.amount, `refund:${refundId}:${order.paymentMethod}`, now],
    );
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
    const due: SettlementRow[] = await this.unitOfWork.dataSource.query(
      `SELECT s.id, s.refund_id, r.order_id, s.method, s.amount, s.idempotency_key, s.attempts
         FROM refund_settlement s JOIN refund r ON r.id = s.refund_id
        WHERE s.status = 'PENDING' AND s.next_attempt_at <= $1 ORDER BY s.next_attempt_at LIMIT 20`,
      [this.clock.now()],
    );
    let settled = 0;
    for (const row of due) {
      try {
        const answer = await this.payments.refund({ idempotencyKey: row.idempotency_key, orderId: row.order_id, amount: Number(row.amount) });
        await this.unitOfWork.run(async (scope) => {
          const [current] = await scope.manager.query(`SELECT status FROM refund_settlement WHERE id = $1 FOR UPDATE`, [row.id]);
          if (current?.status !== 'PENDING') return;
          await this.markSettled(scope, row.id, answer.provider, answer.reference, this.clock.now());
          const order = await findOrder(scope.manager, row.order_id);
          if (order) await this.completeIfSettled(scope, row.refund_id, order);
        });
        settled += 1;
      } catch (error) {
        const delay = Math.min(600_000, this.config.REFUND_RETRY_BASE_MS * 2 ** Math.min(row.attempts, 20));
        this.logger.warn('online refund not settled yet; will retry', { settlementId: row.id, attempts: row.attempts + 1, error: String(error) });
        await this.unitOfWork.dataSource.query(`UPDATE refund_settlement SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1 AND status = 'PENDING'`, [
          row.id,
          String(error).slice(0, 500),
          new Date(this.clock.now().getTime() + delay),
        ]);
      }
    }
    return settled;
  }

  private async markSettled(scope: TransactionScope, settlementId: string, provider: string, reference: string, at: Date): Promise<void> {
    await scope.manager.query(`UPDATE refund_settlement SET status = 'SETTLED', attempts = attempts + 1, provider = $2, provider_reference = $3, settled_at = $4 WHERE id = $1`, [settlementId, provider, reference, at]);
  }

  /** The last settlement settled: the refund completes and `RefundCompleted` goes out (outbox). */
  private async completeIfSettled(scope: TransactionScope, refundId: string, order: OrderFacts): Promise<void> {
    const settlements: Array<{ method: 'ONLINE' | 'COD' | 'CREDIT'; amount: string; idempotency_key: string; status: string; provider_reference: string | null }> = await scope.manager.query(
      `SELECT method, amount, idempotency_key, status, provider_reference FROM refund_settlement WHERE refund_id = $1 ORDER BY created_at, id`,
      [refundId],
    );
    if (settlements.some((s) => s.status !== 'SETTLED')) return;
    const now = this.clock.now();
    const [refund] = await scope.manager.query(`SELECT after_sales_id, amount, lines FROM refund WHERE id = $1 AND status = 'GRANTED' FOR UPDATE`, [refundId]);
    if (!refund) return;
    await scope.manager.query(`UPDATE refund SET status = 'COMPLETED', completed_at = $2 WHERE id = $1`, [refundId, now]);
    const request = await findRequest(scope.manager, refund.after_sales_id, true);
    if (!request) throw new Error(`refund ${refundId} has no after-sales request`);
    await moveRequest(scope, request, 'COMPLETE_REFUND', 'system', now);
    const [{ total }] = await scope.manager.query(`SELECT coalesce(sum(amount), 0)::bigint AS total FROM refund WHERE order_id = $1 AND status = 'COMPLETED'`, [order.orderId]);
    const [loan] = await scope.manager.query(`SELECT loan_id FROM as_credit_loan WHERE order_id = $1`, [order.orderId]);
    await scope.publish(RefundCompleted, {
      refundId,
      orderId: order.orderId,
      buyerId: order.buyerId,
      merchantId: order.merchantId,
      paymentMethod: order.paymentMethod,
      amount: Number(refund.amount),
      afterSalesId: request.id,
      ...(order.paymentMethod === 'CREDIT' && loan ? { loanId: loan.loan_id as string } : {}),
      lines: refund.lines,
      orderRefundedTotal: Number(total),
      orderPaid: paidOrderOf(order).paid,
      settlements: settlements.map((s) => ({ method: s.method, amount: Number(s.amount), idempotencyKey: s.idempotency_key, ...(s.provider_reference ? { reference: s.provider_reference } : {}) })),
    });
  }
}
