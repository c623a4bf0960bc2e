import { Inject, Injectable } from '@nestjs/common';
import { multiplyFen, sumFen } from '@orderline/shared/money';
import {
  DispatchRejected,
  EventEnvelope,
  OrderCompleted,
  OrderDelivered,
  OrderShipped,
  ReceiptAutoConfirmed,
  ReceiptAutoConfirmedPayload,
  ShipmentDelivered,
  ShipmentDeliveredPayload,
  ShipmentDispatched,
  ShipmentDispatchedPayload,
} from '@orderline/shared/contracts';
import { decideTransition } from '@orderline/order/domain';
import { EventHandlerBinding, MessagingLogger, onEvent, TransactionScope } from '@orderline/shared/messaging';
import { APP_LOGGER, Clock, JsonLogger, PLATFORM_CLOCK } from '@orderline/shared/service-kit';
import { OrderLineRecord } from '../infra/order.entity';
import {orderFacts, transitionOrder } from './order-transitions';
import { lockOrder } from '../infra/order.repository';

/**
 * Logistics facts move the order (domain.md §1.2, §2.4): a dispatched parcel ships it (and
 * `OrderShipped` tells credit-billing what to capture); delivery by the platform carrier
 * completes it; a third-party delivery waits for the buyer's confirmation or its timer.
 */
@Injectable()
export class ApplyShipmentEvents {
  private readonly logger: MessagingLogger;

  constructor(
    @Inject(PLATFORM_CLOCK) private readonly clock: Clock,
    @Inject(APP_LOGGER) logger: JsonLogger,
  ) {
    this.logger = logger.component('shipment-events');
  }

  bindings(): EventHandlerBinding[] {
    return [
      onEvent(ShipmentDispatched, (event, scope) => this.dispatched(event, scope)),
      onEvent(ShipmentDelivered, (event, scope) => this.delivered(event, scope)),
      onEvent(ReceiptAutoConfirmed, (event, scope) => this.receiptAutoConfirmed(event, scope)),
    ];
  }

  async dispatched(event: EventEnvelope<ShipmentDispatchedPayload>, scope: TransactionScope): Promise<void> {
    const order = await lockOrder(scope.manager, event.payload.orderId);
    const decision = order ? decideTransition(orderFacts(order), 'SHIP') : undefined;
    if (!order || !decision?.allowed) {
      // Paused, cancelled, already shipped or nothing to ship (voucher, subscription parent):
      // logistics must not ship it; keep the fact visible.
      if (order && order.status !== 'SHIPPED') {
        this.logger.warn('shipment for an order that cannot ship', { orderId: order.id, status: order.status, shipmentId: event.payload.shipmentId, veto: decision && !decision.allowed ? decision.veto.code : undefined });
        // Logistics shipped on facts older than ours (a pause or cancel won the race): tell it.
        await scope.publish(DispatchRejected, { orderId: order.id, shipmentId: event.payload.shipmentId, orderStatus: order.status });
      }
      return;
    }
    const lines = await scope.manager.getRepository(OrderLineRecord).find({ where: { orderId: order.id } });
    const shippedLines = event.payload.lines
      ? event.payload.lines.flatMap((shipped) => {
          const line = lines.find((l) => l.id === shipped.lineId);
          return line ? [{ lineId: line.id, quantity: Math.min(shipped.quantity, line.quantity), amount: multiplyFen(line.unitPrice, Math.min(shipped.quantity, line.quantity)) }] : [];
        })
      : lines.map((line) => ({ lineId: line.id, quantity: line.quantity, amount: line.lineTotal }));
    const wholeOrder = !event.payload.lines || shippedLines.reduce((n, l) => n + l.quantity, 0) === lines.reduce((n, l) => n + l.quantity, 0);
    // The whole order ships its payable (freight included); a partial parcel its lines' value.
    const shippedAmount = wholeOrder ? order.payable : Math.min(order.payable, sumFen(shippedLines.map((l) => l.amount)));
    // domain.md §1.6: from now on the consignee rule follows the carrier the parcel left with.
    order.shipmentCarrier = event.payload.carrier;
    await transitionOrder(scope, order, 'SHIP', 'system', `SHIPPED: ${event.payload.carrier} ${event.payload.waybillNo}`, this.clock.now());
    await scope.publish(OrderShipped, { orderId: order.id, buyerId: order.buyerId, shipmentId: event.payload.shipmentId, shippedAmount, lines: shippedLines, freight: wholeOrder ? order.freight : 0 });
  }

  async delivered(event: EventEnvelope<ShipmentDeliveredPayload>, scope: TransactionScope): Promise<void> {
    const order = await lockOrder(scope.manager, event.payload.orderId);
    if (!order || order.status !== 'SHIPPED') return;
    const now = this.clock.now();
    await transitionOrder(scope, order, 'DELIVER', 'system', `DELIVERED: ${event.payload.shipmentId}`, now);
    await scope.publish(OrderDelivered, { orderId: order.id, merchantId: order.merchantId, buyerId: order.buyerId });
    // domain.md §2.4: with the platform carrier the order completes on delivery.
    if (event.payload.carrierKind === 'PLATFORM' && decideTransition({ status: order.status, paymentMethod: order.paymentMethod }, 'COMPLETE').allowed) {
      await transitionOrder(scope, order, 'COMPLETE', 'system', 'DELIVERED_BY_PLATFORM_CARRIER', now);
      await scope.publish(OrderCompleted, { orderId: order.id, merchantId: order.merchantId, buyerId: order.buyerId });
    }
  }

  /** domain.md §2.4: logistics' auto-confirm timer fired; an order not yet completed completes (once). */
  async receiptAutoConfirmed(event: EventEnvelope<ReceiptAutoConfirmedPayload>, scope: TransactionScope): Promise<void> {
    const order = await lockOrder(scope.manager, event.payload.orderId);
    if (!order || !decideTransition({ status: order.status, paymentMethod: order.paymentMethod }, 'COMPLETE').allowed) return;
    await transitionOrder(scope, order, 'COMPLETE', 'system', `RECEIPT_AUTO_CONFIRMED: ${event.payload.case}`, this.clock.now());
    await scope.publish(OrderCompleted, { orderId: order.id, merchantId: order.merchantId, buyerId: order.buyerId });
  }
}
