import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BuyerOrderListView, BuyerOrdersQuery } from '@orderline/order/contract';
import { decodeKeysetCursor, encodeKeysetCursor, NotFoundError, Principal } from '@orderline/shared/service-kit';
import { buyerOrderListRows } from '../infra/order-list.repository';

/**
 * 我的订单: the signed-in buyer's own orders, newest first, keyset-paginated like the merchant
 * list. The buyer id is the caller's, never a parameter, so no query can reach another buyer's
 * orders; the list carries no consignee (the buyer opens an order for that).
 */
@Injectable()
export class BuyerOrderList {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: BuyerOrdersQuery, caller: Principal): Promise<BuyerOrderListView> {
    if (caller.role !== 'BUYER' || !caller.buyerId) throw new NotFoundError('orders');
    const limit = Number(query.limit ?? 20);
    const rows = await buyerOrderListRows(this.dataSource.manager, {
      buyerId: caller.buyerId,
      status: query.status ?? null,
      after: query.cursor ? decodeKeysetCursor(query.cursor) : null,
      rows: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => ({
        id: row.id,
        merchantId: row.merchant_id,
        status: row.status,
        paymentMethod: row.payment_method,
        credit: row.credit_plan ? { plan: row.credit_plan, periods: row.credit_periods, holdId: row.credit_hold_id } : null,
        goodsTotal: Number(row.goods_total),
        freight: Number(row.freight),
        discountTotal: Number(row.discount_total),
        payable: Number(row.payable),
        refundedAmount: Number(row.refunded_amount),
        lines: row.lines ?? [],
        cancellation: row.cancel_reason ? { reason: row.cancel_reason, by: row.cancelled_by } : null,
        createdAt: row.created_at.toISOString(),
      })),
      nextCursor: rows.length > limit ? encodeKeysetCursor({ at: page[page.length - 1].created_at, id: page[page.length - 1].id }) : null,
    };
  }
}
