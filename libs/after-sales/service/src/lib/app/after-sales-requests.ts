import { Inject, Injectable } from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import { ApplyAfterSalesRequest, ConfirmReturnReceiptRequest, ReturnShipmentRequest } from '@orderline/after-sales/contract';
import { applicationProblem } from '@orderline/after-sales/domain';
import { AfterSalesApproved, AfterSalesRejected, AfterSalesRequested, ReplacementRequested, ReturnReceived, ReturnShipmentRegistered } from '@orderline/shared/contracts';
import { outgoing, TimerFailures, TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal, SERVICE_CONFIG } from '@orderline/shared/service-kit';
import { AfterSalesConfig } from '../after-sales-config';
import { AfterSalesRecord, claimNextReviewDue, findRequest, heldUnits, HistoryEntry, insertRequest } from '../infra/after-sales-request.repository';
import { findOrder } from '../infra/order-copy.repository';
import { Refunds } from './refunds';
import { moveRequest } from './request-steps';
import { ShipmentCatchUp } from './shipment-catch-up';

/**
 * The buyer's and the merchant's steps of a request (domain.md §3): apply → review
 * (approve / reject, or approved automatically at the deadline) → return shipment →
 * receipt → refund (or replacement). Each step is one transaction with its event.
 */
/** The job name of review-deadline approvals in `timer_failure`. */
export const REVIEW_DEADLINE_JOB = 'review-deadline';

@Injectable()
export class AfterSalesRequests {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly refunds: Refunds,
    private readonly shipmentCatchUp: ShipmentCatchUp,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: AfterSalesConfig,
  ) {}

  async apply(request: ApplyAfterSalesRequest, buyer: Principal): Promise<string> {
    if (buyer.role !== 'BUYER' || !buyer.buyerId) throw new DomainError('FORBIDDEN', 403, 'only the buyer of an order applies for after-sales');
    await this.shipmentCatchUp.ensureShippedCopy(request.orderId, buyer);
    const id = randomUUID();
    await this.unitOfWork.run(async (scope) => {
      // The order row is the lock: two applications for the same lines queue, the second sees the first.
      const order = await findOrder(scope.manager, request.orderId, true);
      if (!order || order.buyerId !== buyer.buyerId) throw new NotFoundError(`order ${request.orderId} (or its shipment, if it just shipped: try again in a moment)`);
      const problem = applicationProblem({ status: order.status, delivered: order.delivered, shippedLines: order.shippedLines ?? order.lines }, await heldUnits(scope.manager, order.orderId), request.type, request.lines);
      if (problem) throw new DomainError(problem.code, problem.status, problem.reason, problem.returnable ? { returnable: problem.returnable } : {});
      const now = this.clock.now();
      const reviewDeadline = new Date(now.getTime() + this.config.AFTER_SALES_REVIEW_SECONDS * 1000);
      const lines = request.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
      const history: HistoryEntry[] = [{ from: null, to: 'REQUESTED', command: 'APPLY', actor: `buyer:${buyer.buyerId}`, at: now.toISOString() }];
      await insertRequest(scope.manager, {
        id,
        orderId: order.orderId,
        merchantId: order.merchantId,
        buyerId: order.buyerId,
        type: request.type,
        reason: request.reason,
        description: request.description ?? null,
        evidence: request.evidence ?? [],
        lines,
        reviewDeadline,
        history,
        createdAt: now,
      });
      await scope.publish(AfterSalesRequested, { afterSalesId: id, orderId: order.orderId, merchantId: order.merchantId, buyerId: order.buyerId, type: request.type, lines, reason: request.reason, reviewDeadline: reviewDeadline.toISOString() });
    });
    return id;
  }

  async approve(id: string, merchant: Principal): Promise<void> {
    await this.unitOfWork.run(async (scope) => this.approveIn(scope, await this.merchantRequest(scope, id, merchant), 'MERCHANT', `merchant:${merchant.accountId}`));
    this.refunds.kick();
  }

  async reject(id: string, reason: string, merchant: Principal): Promise<void> {
    await this.unitOfWork.run(async (scope) => {
      const request = await this.merchantRequest(scope, id, merchant);
      const now = this.clock.now();
      await moveRequest(scope, request, 'REJECT', `merchant:${merchant.accountId}`, now, {
        changes: { review: { decision: 'REJECTED', by: 'MERCHANT', reason, at: now.toISOString() } },
        note: reason,
        effects: { AFTER_SALES_REJECTED: () => outgoing(AfterSalesRejected, { afterSalesId: request.id, orderId: request.orderId, merchantId: request.merchantId, buyerId: request.buyerId, reason }) },
      });
    });
  }

  /** domain.md §3: no answer by the deadline → approved, on the platform clock; one request per call (false: none due). */
  async approveNextDue(claimed: (afterSalesId: string) => void): Promise<boolean> {
    const approved = await this.unitOfWork.run(async (scope) => {
      const dueId = await claimNextReviewDue(scope.manager, REVIEW_DEADLINE_JOB, this.clock.now());
      if (!dueId) return false;
      claimed(dueId);
      const request = await findRequest(scope.manager, dueId);
      if (request) await this.approveIn(scope, request, 'SYSTEM', 'system:review-deadline');
      await TimerFailures.clear(scope.manager, REVIEW_DEADLINE_JOB, dueId);
      return true;
    });
    if (approved) this.refunds.kick();
    return approved;
  }

  private async approveIn(scope: TransactionScope, request: AfterSalesRecord, by: 'MERCHANT' | 'SYSTEM', actor: string): Promise<void> {
    const now = this.clock.now();
    await moveRequest(scope, request, 'APPROVE', actor, now, {
      changes: { review: { decision: 'APPROVED', by, at: now.toISOString() } },
      ...(by === 'SYSTEM' ? { note: 'REVIEW_DEADLINE_PASSED' } : {}),
      effects: { AFTER_SALES_APPROVED: () => outgoing(AfterSalesApproved, { afterSalesId: request.id, orderId: request.orderId, merchantId: request.merchantId, buyerId: request.buyerId, type: request.type, approvedBy: by }) },
    });
    // Refund-only: nothing comes back, the refund follows the approval (domain.md §3).
    if (request.type === 'REFUND_ONLY') await this.refunds.grant(scope, request, actor, `REFUND_ONLY:${request.reason}`);
  }

  async registerReturnShipment(id: string, shipment: ReturnShipmentRequest, buyer: Principal): Promise<void> {
    const pickup = shipment.pickup === true;
    const entered = shipment.carrier && shipment.waybillNo ? { carrier: shipment.carrier, waybillNo: shipment.waybillNo } : undefined;
    if (pickup === Boolean(shipment.carrier || shipment.waybillNo) || (!pickup && !entered)) {
      throw new DomainError('VALIDATION_FAILED', 400, 'give either carrier and waybillNo, or pickup: true', { errors: [{ field: 'waybillNo', message: 'carrier + waybillNo, or pickup: true' }] });
    }
    await this.unitOfWork.run(async (scope) => {
      const request = await findRequest(scope.manager, id, true);
      if (!request || request.buyerId !== buyer.buyerId) throw new NotFoundError(`after-sales request ${id}`);
      const now = this.clock.now();
      // Decision: a pickup is booked with the platform carrier; its waybill number is generated here and logistics sends the courier.
      const carrier = entered?.carrier ?? 'JD_LOGISTICS';
      const waybillNo = entered?.waybillNo ?? `JDR${now.getTime().toString().slice(-8)}${randomInt(1_000, 10_000)}`;
      await moveRequest(scope, request, 'SHIP_RETURN', `buyer:${buyer.buyerId}`, now, {
        changes: { return_shipment: { carrier, waybillNo, pickup, at: now.toISOString() } },
        note: `${carrier} ${waybillNo}`,
        effects: { RETURN_SHIPMENT_REGISTERED: () => outgoing(ReturnShipmentRegistered, { afterSalesId: request.id, orderId: request.orderId, merchantId: request.merchantId, carrier, waybillNo, pickup }) },
      });
    });
  }

  /** The merchant confirms the returned goods arrived: refund (return and refund) or replacement (exchange); or reports a problem. */
  async confirmReceipt(id: string, receipt: ConfirmReturnReceiptRequest, merchant: Principal): Promise<void> {
    await this.unitOfWork.run(async (scope) => {
      const request = await this.merchantRequest(scope, id, merchant);
      const now = this.clock.now();
      const condition = receipt.condition ?? 'OK';
      const actor = `merchant:${merchant.accountId}`;
      const record = { condition, ...(receipt.note ? { note: receipt.note } : {}), at: now.toISOString() };
      await moveRequest(scope, request, condition === 'OK' ? 'CONFIRM_RECEIPT' : 'REPORT_PROBLEM', actor, now, {
        changes: { receipt: record },
        ...(receipt.note ? { note: receipt.note } : {}),
        effects: {
          RETURN_RECEIVED: () =>
            outgoing(ReturnReceived, { afterSalesId: request.id, orderId: request.orderId, merchantId: request.merchantId, buyerId: request.buyerId, lines: request.lines, condition, ...(receipt.note ? { note: receipt.note } : {}) }),
        },
      });
      if (condition === 'PROBLEM') return;
      if (request.type === 'RETURN_AND_REFUND') await this.refunds.grant(scope, request, actor, `RETURNED:${request.reason}`);
      if (request.type === 'EXCHANGE') {
        await moveRequest(scope, request, 'REQUEST_REPLACEMENT', actor, now, {
          effects: { REPLACEMENT_REQUESTED: () => outgoing(ReplacementRequested, { afterSalesId: request.id, orderId: request.orderId, merchantId: request.merchantId, buyerId: request.buyerId, lines: request.lines }) },
        });
      }
    });
    this.refunds.kick();
  }

  private async merchantRequest(scope: TransactionScope, id: string, merchant: Principal): Promise<AfterSalesRecord> {
    const request = await findRequest(scope.manager, id, true);
    if (!request || merchant.role !== 'MERCHANT' || request.merchantId !== merchant.merchantId) throw new NotFoundError(`after-sales request ${id}`);
    return request;
  }
}
