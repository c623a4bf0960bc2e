import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AfterSalesListQuery, AfterSalesPageView, AfterSalesRequestView, REFUND_SETTLEMENT_STATUSES, RefundView, RefundableView } from '@orderline/after-sales/contract';
import { allocatePaymentToLines } from '@orderline/after-sales/domain';
import { decodeKeysetCursor, DomainError, encodeKeysetCursor, NotFoundError, Principal } from '@orderline/shared/service-kit';
import { ShipmentCatchUp } from './shipment-catch-up';
import { AfterSalesRecord, earlierRefunds, findOrder, findRequest, heldUnits, paidOrderOf, recordOf } from '../infra/after-sales-store';

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
    const [row] = await this.dataSource.query(`SELECT after_sales_id FROM refund WHERE id = $1`, [refundId]);
    if (!row) throw new NotFoundError(`refund ${refundId}`);
    return this.get(row.after_sales_id, caller);
  }

  async list(query: AfterSalesListQuery, caller: Principal): Promise<AfterSalesPageView> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (caller.role === 'BUYER') add('buyer_id = ?', caller.buyerId);
    else if (caller.role === 'MERCHANT') add('merchant_id = ?', caller.merchantId);
    else throw new DomainError('FORBIDDEN', 403, 'after-sales lists are for buyers and merchants');
    if (query.status) add('status = ?', query.status);
    if (query.type) add('type = ?', query.type);
    if (query.orderId) add('order_id = ?', query.orderId);
    if (query.cursor) {
      const { at, id } = decodeKeysetCursor(query.cursor);
      params.push(at, id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const limit = query.limit ?? 20;
    const rows = await this.dataSource.query(`SELECT * FROM after_sales_request WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${limit + 1}`, params);
    const page = rows.slice(0, limit).map(recordOf);
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
    const refunds = await this.dataSource.query(`SELECT * FROM refund WHERE after_sales_id = ANY($1::uuid[])`, [ids]);
    const settlements = refunds.length
      ? await this.dataSource.query(`SELECT * FROM refund_settlement WHERE refund_id = ANY($1::uuid[]) ORDER BY created_at, id`, [refunds.map((r: { id: string }) => r.id)])
      : [];
    return requests.map((request) => {
      const refund = refunds.find((r: { after_sales_id: string }) => r.after_sales_id === request.id);
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
        receipt: request.receipt,
        refund: refund ? refundView(refund, settlements.filter((s: { refund_id: string }) => s.refund_id === refund.id)) : null,
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

function refundView(row: Record<string, any>, settlements: Array<Record<string, any>>): RefundView {
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
