import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AfterSalesListQuery, AfterSalesPageView, AfterSalesRequestView, REFUND_SETTLEMENT_STATUSES, RefundView, RefundableView } from '@orderline/after-sales/contract';
import { allocatePaymentToLines, paidOrderOf } from '@orderline/after-sales/domain';
import { decodeKeysetCursor, DomainError, encodeKeysetCursor, NotFoundError, Principal } from '@orderline/shared/service-kit';
import { ShipmentCatchUp } from './shipment-catch-up';
import { AfterSalesRecord, findRequest, heldUnits, listRequests } from '../infra/after-sales-request.repository';
import { findOrder } from '../infra/order-copy.repository';
import { earlierRefunds, refundsOfRequests, requestIdOfRefund, RefundRow } from '../infra/refund.repository';
import { SettlementRow, settlementsOfRefunds } from '../infra/refund-settlement.repository';

/** Reads: one request with its refund, lists for buyers and merchants, what an order can still refund. */
@Injectable()
export class AfterSalesQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly shipmentCatchUp: ShipmentCatchUp,
  ) {}

  async get(id: string, caller: Principal): Promise<AfterSalesRequestView> {
    const request = await findRequest(this.dataSource.manager, id);
    if (!request || !visibleTo(request, caller)) throw new NotFoundError(`after-sales request ${id}`);
    const [view] = await this.views([request]);
    return view;
  }

  /** The request a refund belongs to (operators act on refunds by id). */
  async getByRefund(refundId: string, caller: Principal): Promise<AfterSalesRequestView> {
    const afterSalesId = await requestIdOfRefund(this.dataSource.manager, refundId);
    if (!afterSalesId) throw new NotFoundError(`refund ${refundId}`);
    return this.get(afterSalesId, caller);
  }

  async list(query: AfterSalesListQuery, caller: Principal): Promise<AfterSalesPageView> {
    if (caller.role !== 'BUYER' && caller.role !== 'MERCHANT') throw new DomainError('FORBIDDEN', 403, 'after-sales lists are for buyers and merchants');
    const limit = query.limit ?? 20;
    const rows = await listRequests(this.dataSource.manager, {
      owner: caller.role === 'BUYER' ? { buyerId: caller.buyerId } : { merchantId: caller.merchantId },
      status: query.status,
      type: query.type,
      orderId: query.orderId,
      ...(query.cursor ? { before: decodeKeysetCursor(query.cursor) } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: await this.views(page), nextCursor: rows.length > limit && last ? encodeKeysetCursor({ at: last.createdAt, id: last.id }) : null };
  }

  /** What the buyer paid per shipped line, what is refunded and what may still be applied for. */
  async refundable(orderId: string, caller: Principal): Promise<RefundableView> {
    await this.shipmentCatchUp.ensureShippedCopy(orderId, caller);
    const manager = this.dataSource.manager;
    const order = await findOrder(manager, orderId);
    if (!order || !(caller.role === 'OPERATOR' || (caller.role === 'BUYER' && order.buyerId === caller.buyerId) || (caller.role === 'MERCHANT' && order.merchantId === caller.merchantId))) {
      throw new NotFoundError(`order ${orderId}`);
    }
    const shipped = ['SHIPPED', 'DELIVERED', 'COMPLETED'].includes(order.status);
    const [held, refunded] = await Promise.all([heldUnits(manager, orderId), earlierRefunds(manager, orderId)]);
    const paidOrder = paidOrderOf(order);
    const payments = shipped ? allocatePaymentToLines(paidOrder) : [];
    return {
      orderId,
      status: order.status,
      delivered: order.delivered,
      paymentMethod: order.paymentMethod,
      paid: shipped ? paidOrder.paid : null,
      refunded: refunded.total,
      lines: payments.map((p) => {
        const line = order.lines.find((l) => l.lineId === p.lineId);
        return {
          lineId: p.lineId,
          skuId: line?.skuId ?? null,
          title: line?.title ?? null,
          quantity: p.quantity,
          paid: p.paid,
          gross: p.gross,
          freightShare: p.freightShare,
          discountShare: p.discountShare,
          refundedQuantity: refunded.unitsByLine.get(p.lineId) ?? 0,
          returnableQuantity: Math.max(0, p.quantity - (held.get(p.lineId) ?? 0)),
        };
      }),
    };
  }

  private async views(requests: AfterSalesRecord[]): Promise<AfterSalesRequestView[]> {
    if (requests.length === 0) return [];
    const ids = requests.map((r) => r.id);
    const refunds = await refundsOfRequests(this.dataSource.manager, ids);
    const settlements = refunds.length ? await settlementsOfRefunds(this.dataSource.manager, refunds.map((r) => r.id)) : [];
    return requests.map((request) => {
      const refund = refunds.find((r) => r.after_sales_id === request.id);
      return {
        id: request.id,
        orderId: request.orderId,
        merchantId: request.merchantId,
        buyerId: request.buyerId,
        type: request.type,
        status: request.status,
        reason: request.reason,
        description: request.description,
        evidence: request.evidence,
        lines: request.lines,
        reviewDeadline: request.reviewDeadline.toISOString(),
        review: request.review,
        returnShipment: request.returnShipment,
        returnTracking: request.returnTracking,
        receipt: request.receipt,
        replacement: request.replacement,
        refund: refund ? refundView(refund, settlements.filter((s) => s.refund_id === refund.id)) : null,
        history: request.history,
        createdAt: request.createdAt.toISOString(),
        updatedAt: request.updatedAt.toISOString(),
      };
    });
  }
}

function visibleTo(request: AfterSalesRecord, caller: Principal): boolean {
  return caller.role === 'OPERATOR' || (caller.role === 'BUYER' && request.buyerId === caller.buyerId) || (caller.role === 'MERCHANT' && request.merchantId === caller.merchantId);
}

function refundView(row: RefundRow, settlements: SettlementRow[]): RefundView {
  return {
    id: row.id,
    amount: Number(row.amount),
    status: row.status,
    reason: row.reason,
    lines: row.lines,
    grantedAt: new Date(row.granted_at).toISOString(),
    completedAt: row.completed_at ? new Date(row.completed_at).toISOString() : null,
    settlementStatus: REFUND_SETTLEMENT_STATUSES.find((status) => settlements.some((s) => s.status === status)) ?? 'SETTLED',
    settlements: settlements.map((s) => ({
      method: s.method,
      amount: Number(s.amount),
      status: s.status,
      idempotencyKey: s.idempotency_key,
      provider: s.provider ?? null,
      reference: s.provider_reference ?? null,
      attempts: s.attempts,
      settledAt: s.settled_at ? new Date(s.settled_at).toISOString() : null,
      failureReason: s.failure_reason ?? null,
      lastError: s.status === 'FAILED' || s.status === 'ESCALATED' ? (s.last_error ?? null) : null,
      failedAt: s.failed_at ? new Date(s.failed_at).toISOString() : null,
      escalatedAt: s.escalated_at ? new Date(s.escalated_at).toISOString() : null,
      escalationNote: s.escalation_note ?? null,
    })),
  };
}
