import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrderView } from '@orderline/order/contract';
import { NotFoundError, Principal } from '@orderline/shared/service-kit';
import { OrderLineRecord, OrderRecord, OrderStatusChangeRecord } from '../infra/order.entity';

function canSee(order: OrderRecord, caller: Principal): boolean {
  if (caller.role === 'OPERATOR') return true;
  if (caller.role === 'BUYER') return order.buyerId === caller.buyerId;
  return order.merchantId === caller.merchantId;
}

@Injectable()
export class GetOrder {
  constructor(private readonly dataSource: DataSource) {}

  /** The product snapshot of one line, as it was when the order was placed (domain.md §1.1). */
  async lineSnapshot(orderId: string, lineId: string, caller: Principal) {
    const order = await this.dataSource.getRepository(OrderRecord).findOne({ where: { id: orderId } });
    if (!order || !canSee(order, caller)) throw new NotFoundError(`order ${orderId}`);
    const line = await this.dataSource.getRepository(OrderLineRecord).findOne({ where: { id: lineId, orderId } });
    if (!line) throw new NotFoundError(`line ${lineId}`);
    return { orderId, lineId: line.id, skuId: line.skuId, title: line.title, unitPrice: line.unitPrice, quantity: line.quantity, lineTotal: line.lineTotal, capturedAt: order.createdAt.toISOString() };
  }

  async execute(orderId: string, caller: Principal): Promise<OrderView> {
    const order = await this.dataSource.getRepository(OrderRecord).findOne({ where: { id: orderId } });
    if (!order || !canSee(order, caller)) throw new NotFoundError(`order ${orderId}`);
    const [lines, history, remarks] = await Promise.all([
      this.dataSource.getRepository(OrderLineRecord).find({ where: { orderId }, order: { position: 'ASC' } }),
      this.dataSource.getRepository(OrderStatusChangeRecord).find({ where: { orderId }, order: { id: 'ASC' } }),
      // Remarks are the merchant's notes: never shown to the buyer.
      caller.role === 'BUYER' ? Promise.resolve([]) : this.dataSource.query(`SELECT text, added_at FROM order_remark WHERE order_id = $1 ORDER BY id`, [orderId]),
    ]);
    return {
      id: order.id,
      merchantId: order.merchantId,
      buyerId: order.buyerId,
      status: order.status,
      paymentMethod: order.paymentMethod,
      credit: order.creditPlan ? { plan: order.creditPlan, periods: order.creditPeriods, holdId: order.creditHoldId } : null,
      goodsTotal: order.goodsTotal,
      freight: order.freight,
      payable: order.payable,
      cancellation: order.cancelReason ? { reason: order.cancelReason, by: order.cancelledBy ?? 'UNKNOWN' } : null,
      pause: order.pause,
      fulfilment: order.fulfilment,
      consignee: { name: order.consigneeName, phone: order.consigneePhone, address: order.consigneeAddress },
      lines: lines.map((line) => ({ id: line.id, skuId: line.skuId, title: line.title, unitPrice: line.unitPrice, quantity: line.quantity, lineTotal: line.lineTotal })),
      history: history.map((change) => ({ from: change.fromStatus, to: change.toStatus, reason: change.reason, actor: change.actor, at: change.at.toISOString() })),
      remarks: remarks.map((row: { text: string; added_at: Date }) => ({ text: row.text, at: row.added_at.toISOString() })),
      buyerNote: order.buyerNote,
      createdAt: order.createdAt.toISOString(),
      updatedAt: order.updatedAt.toISOString(),
    };
  }
}
