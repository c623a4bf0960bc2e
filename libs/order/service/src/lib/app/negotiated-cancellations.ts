import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  decideAutoCancellation,
  decideBuyerObjection,
  decideMerchantWithdrawal,
  decideNegotiatedCancellationSubmission,
  NEGOTIATED_CANCELLATION_REASONS,
  NegotiatedCancellationDecision,
  NegotiatedCancellationReason,
  NegotiatedCancellationRequest,
  PRE_SHIPMENT_STATUSES,
} from '@orderline/order/domain';
import { CancellationRequestView } from '@orderline/order/contract';
import { CancellationRequestSubmitted, OrderCancelled } from '@orderline/shared/contracts';
import { DataSource } from 'typeorm';
import {
  CancellationRequestReader,
  findCancellationRequests,
  insertCancellationRequest,
  lockCancellationRequest,
  pendingCancellationRequestCount,
  saveClosedCancellationRequest,
} from '../infra/cancellation-request.repository';
import { claimNextDueCancellationRequest, NEGOTIATED_AUTO_CANCEL_JOB } from '../infra/order-timer.store';
import { assertFactOwner } from './fact-owner-check';
import { cancellationRequestLink } from './reader-links';
import { applyTransition, TimerFailures, TransactionScope, UnitOfWork } from '@orderline/shared/messaging';
import { Clock, DomainError, NotFoundError, PLATFORM_CLOCK, Principal } from '@orderline/shared/service-kit';
import {transitionOrder } from './order-transitions';
import { lockOrder } from '../infra/order.repository';

interface StoredRequest {
  id: string;
  order_id: string;
  merchant_id: string;
  buyer_id: string;
  document: NegotiatedCancellationRequest & { submittedAt: string; objectionDeadline: string; callAttempts: string[]; closedAt?: string };
}

function revive(row: StoredRequest): NegotiatedCancellationRequest {
  const d = row.document;
  return { ...d, submittedAt: new Date(d.submittedAt), objectionDeadline: new Date(d.objectionDeadline), callAttempts: d.callAttempts.map((c) => new Date(c)), closedAt: d.closedAt ? new Date(d.closedAt) : undefined };
}

function readerOf(caller: Principal): CancellationRequestReader {
  if (caller.role === 'OPERATOR') return 'ALL';
  return caller.role === 'BUYER' ? { buyerId: caller.buyerId ?? '00000000-0000-0000-0000-000000000000' } : { merchantId: caller.merchantId ?? '00000000-0000-0000-0000-000000000000' };
}

function view(id: string, orderId: string, request: NegotiatedCancellationRequest, reader: Principal): CancellationRequestView {
  return {
    id,
    orderId,
    link: cancellationRequestLink(id, reader),
    orderLink: reader.role === 'MERCHANT' ? `/api/v1/merchant/orders/${orderId}` : `/api/v1/orders/${orderId}`,
    status: request.status,
    reason: request.reason,
    objectionDeadline: request.objectionDeadline.toISOString(),
    submittedAt: request.submittedAt.toISOString(),
    closedAt: request.closedAt ? request.closedAt.toISOString() : null,
  };
}

/**
 * Negotiated cancellation of a COD order (domain.md §1.4): the merchant submits with a reason
 * (declared calls for "unreachable"), the buyer gets an SMS and may object within 48 h, the
 * merchant may withdraw within 48 h; afterwards the order is cancelled automatically.
 */
@Injectable()
export class NegotiatedCancellations {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
  ) {}

  async submit(input: { orderId: string; reason: string; callAttempts?: string[]; note?: string }, caller: Principal): Promise<CancellationRequestView> {
    assertFactOwner('SUBMIT_NEGOTIATED_CANCELLATION', caller);
    return this.unitOfWork.run(async (scope) => {
      const order = await lockOrder(scope.manager, input.orderId);
      if (!order || caller.role !== 'MERCHANT' || order.merchantId !== caller.merchantId) throw new NotFoundError(`order ${input.orderId}`);
      if (!(input.reason in NEGOTIATED_CANCELLATION_REASONS)) {
        throw new DomainError('UNKNOWN_CANCELLATION_REASON', 422, `use one of ${Object.keys(NEGOTIATED_CANCELLATION_REASONS).join(', ')}`);
      }
      const pending = await pendingCancellationRequestCount(scope.manager, order.id);
      const now = this.clock.now();
      const decision = decideNegotiatedCancellationSubmission(
        { status: order.status, paymentMethod: order.paymentMethod, hasPendingRequest: pending > 0 },
        { reason: input.reason as NegotiatedCancellationReason, callAttempts: input.callAttempts?.map((at) => new Date(at)), note: input.note },
        now,
      );
      if (!decision.allowed) throw new DomainError(decision.veto.code, 409, decision.veto.reason);
      const id = randomUUID();
      await insertCancellationRequest(scope.manager, { id, orderId: order.id, merchantId: order.merchantId, buyerId: order.buyerId, reason: input.reason, document: decision.request, objectionDeadline: decision.request.objectionDeadline, submittedAt: now });
      // domain.md §1.4: the buyer is told by SMS. The gateway holds the buyer's phone and the SMS
      // port; it sends the message when it consumes this event (outbox → inbox).
      await scope.publish(CancellationRequestSubmitted, { requestId: id, orderId: order.id, merchantId: order.merchantId, buyerId: order.buyerId, reason: input.reason, objectionDeadline: decision.request.objectionDeadline.toISOString() });
      return view(id, order.id, decision.request, caller);
    });
  }

  /** The requests a caller may read: a buyer those on their orders, a merchant its own, an operator all. */
  async list(query: { orderId?: string; status?: string }, caller: Principal): Promise<{ items: CancellationRequestView[] }> {
    const rows = await findCancellationRequests(this.dataSource.manager, readerOf(caller), query);
    return { items: rows.map((row) => view(row.id, row.order_id, revive(row as unknown as StoredRequest), caller)) };
  }

  /** One request; another party's answers exactly like a missing one. */
  async get(requestId: string, caller: Principal): Promise<CancellationRequestView> {
    const [row] = await findCancellationRequests(this.dataSource.manager, readerOf(caller), { id: requestId }, 1);
    if (!row) throw new NotFoundError(`cancellation request ${requestId}`);
    return view(row.id, row.order_id, revive(row as unknown as StoredRequest), caller);
  }

  async object(requestId: string, buyer: Principal): Promise<CancellationRequestView> {
    assertFactOwner('OBJECT_TO_CANCELLATION', buyer);
    return this.close(requestId, buyer, (row) => row.buyer_id === buyer.buyerId, (request, now) => decideBuyerObjection(request, now));
  }

  async withdraw(requestId: string, merchant: Principal): Promise<CancellationRequestView> {
    assertFactOwner('WITHDRAW_NEGOTIATED_CANCELLATION', merchant);
    return this.close(requestId, merchant, (row) => merchant.role === 'MERCHANT' && row.merchant_id === merchant.merchantId, (request, now) => decideMerchantWithdrawal(request, now));
  }

  private async close(
    requestId: string,
    caller: Principal,
    owns: (row: StoredRequest) => boolean,
    decide: (request: NegotiatedCancellationRequest, now: Date) => NegotiatedCancellationDecision,
  ): Promise<CancellationRequestView> {
    return this.unitOfWork.run(async (scope) => {
      const row = (await lockCancellationRequest(scope.manager, requestId)) as StoredRequest | undefined;
      if (!row || !owns(row)) throw new NotFoundError(`cancellation request ${requestId}`);
      const request = revive(row);
      const decision = decide(request, this.clock.now());
      if (!decision.allowed) throw new DomainError(decision.veto.code, 409, decision.veto.reason);
      await this.apply(scope, row.id, request, decision);
      return view(row.id, row.order_id, decision.request, caller);
    });
  }

  /** Closes a request as decided, through the one apply; its document is its history (closedAt). */
  private async apply(scope: TransactionScope, id: string, request: NegotiatedCancellationRequest, decision: Extract<NegotiatedCancellationDecision, { allowed: true }>): Promise<void> {
    const closed = decision.request;
    await applyTransition(scope, request, decision, {
      save: () => saveClosedCancellationRequest(scope.manager, id, closed),
    });
  }

  /**
   * The 48 h timer (domain.md §1.4), one request per transaction; false when none is due. A request
   * nobody objected to or withdrew closes as AUTO_CANCELLED and cancels its order if the order can
   * still be cancelled (one that shipped meanwhile is left alone). A stored request that disagrees
   * with its own row throws, so `runIsolated` records it and backs off instead of finding it due
   * again at once.
   */
  async autoCancelNextDue(claimed: (requestId: string) => void): Promise<boolean> {
    return this.unitOfWork.run(async (scope) => {
      const now = this.clock.now();
      const row = await claimNextDueCancellationRequest(scope.manager, now);
      if (!row) return false;
      claimed(row.id);
      const request = revive(row as unknown as StoredRequest);
      const decision = decideAutoCancellation(request, now);
      if (!decision.allowed) throw new DomainError(decision.veto.code, 409, `cancellation request ${row.id} is due by its row but not by its document: ${decision.veto.reason}`);
      await this.apply(scope, row.id, request, decision);
      await TimerFailures.clear(scope.manager, NEGOTIATED_AUTO_CANCEL_JOB, row.id);
      const order = await lockOrder(scope.manager, row.order_id);
      if (!order || !PRE_SHIPMENT_STATUSES.includes(order.status)) return true;
      const previousStatus = order.status;
      order.cancelReason = `NEGOTIATED_${decision.request.reason}`;
      order.cancelledBy = 'MERCHANT';
      await transitionOrder(scope, order, 'CANCEL', 'system', `NEGOTIATED_CANCELLATION: ${decision.request.reason}`, now);
      await scope.publish(OrderCancelled, { orderId: order.id, buyerId: order.buyerId, paymentMethod: order.paymentMethod, reason: order.cancelReason, cancelledBy: 'MERCHANT', previousStatus });
      return true;
    });
  }
}
