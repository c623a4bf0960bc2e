import { randomInt, randomUUID } from 'node:crypto';
import { SHIPPING_PROMISE_MS, splitSubscription } from '@orderline/order/domain';
import { OrderPaid, OrderPlaced } from '@orderline/shared/contracts';
import { TransactionScope } from '@orderline/shared/messaging';
import { OrderLineRecord, OrderRecord } from '../infra/order.entity';

import { pauseAutomatically, recordCreation } from './order-transitions';

/** The special kinds of domain.md §1.1 as stored in `special_attributes`. */
export interface StoredKinds {
  groupBuy?: { groupId: string; formed: boolean };
  reservation?: { reservedDeliveryAt?: string };
  localServiceVoucher?: { verificationCode?: string; redeemedAt?: string };
  /** A LOC sign-up order: its form is in `order_loc_signup`. */
  localServiceSignup?: { kind: string };
  giftShippedLater?: { mainOrderId: string };
  simCard?: { realNameApproved: boolean };
  subscription?:
    | { role: 'PARENT'; periods: number; intervalDays: number; firstProductionDate: string; childOrderIds: string[] }
    | { role: 'CHILD'; parentOrderId: string; period: number; productionDate: string };
}

/** A verification code for a local-service voucher: 8 digits, shown to the buyer only. */
function newVerificationCode(): string {
  return String(randomInt(0, 100_000_000)).padStart(8, '0');
}

/**
 * What happens when an order can first ship (paid, credit held, or COD placed), by kind
 * (domain.md §1.1, §1.5): a group-buy waits for its group, a gift waits for its main item, a
 * reservation for its reserved time; a voucher gets its verification code; a subscription
 * parent splits into one child order per period.
 */
export async function onReadyForOutbound(scope: TransactionScope, order: OrderRecord, at: Date): Promise<void> {
  const kinds = order.specialAttributes as StoredKinds;
  if (kinds.localServiceVoucher && !kinds.localServiceVoucher.verificationCode) {
    order.specialAttributes = { ...kinds, localServiceVoucher: { verificationCode: newVerificationCode() } };
    await scope.manager.save(order);
    return;
  }
  if (kinds.subscription?.role === 'PARENT' && kinds.subscription.childOrderIds.length === 0) {
    await createSubscriptionChildren(scope, order, kinds.subscription, at);
    return;
  }
  if (kinds.groupBuy && !kinds.groupBuy.formed) {
    await pauseAutomatically(scope, order, 'WAITING_FOR_GROUP', undefined, at);
    return;
  }
  if (kinds.giftShippedLater) {
    const main = await scope.manager.getRepository(OrderRecord).findOne({ where: { id: kinds.giftShippedLater.mainOrderId } });
    // domain.md §1.5 赠品后发: released once the main item is delivered.
    if (!main || !['DELIVERED', 'COMPLETED'].includes(main.status)) await pauseAutomatically(scope, order, 'GIFT_SHIPPED_LATER', undefined, at);
    return;
  }
  if (kinds.simCard && !kinds.simCard.realNameApproved) {
    // domain.md §1.5: a telecom SIM card ships once the buyer's real-name check is approved.
    await pauseAutomatically(scope, order, 'AWAITING_REAL_NAME_CHECK', undefined, at);
    return;
  }
  const reservedAt = kinds.reservation?.reservedDeliveryAt ? new Date(kinds.reservation.reservedDeliveryAt) : undefined;
  if (reservedAt && reservedAt.getTime() > at.getTime()) await pauseAutomatically(scope, order, 'BEFORE_RESERVED_DELIVERY_TIME', reservedAt, at);
}

/**
 * 定期购: the paid parent becomes one child order per period, each with the per-period
 * quantities, paused until its production date (SUBSCRIPTION_PERIOD_NOT_DUE, released on the
 * platform clock). Decision: the parent's payment covers the children; each child carries
 * its share of it (goods of its period, the freight on the first) so the children's payables
 * add up to the parent's to the fen, and after-sales can refund a child by what it cost.
 */
async function createSubscriptionChildren(scope: TransactionScope, parent: OrderRecord, plan: Extract<StoredKinds['subscription'], { role: 'PARENT' }>, at: Date): Promise<void> {
  const parentLines = await scope.manager.getRepository(OrderLineRecord).find({ where: { orderId: parent.id }, order: { position: 'ASC' } });
  const periods = splitSubscription({ periods: plan.periods, intervalDays: plan.intervalDays, firstProductionDate: new Date(plan.firstProductionDate) }, parentLines, parent.freight);
  const childIds: string[] = [];
  for (const { period, productionDate, lines: periodLines, goodsTotal, freight, payable } of periods) {
    const childId = randomUUID();
    childIds.push(childId);
    const lines = periodLines.map((line, position) => ({ id: randomUUID(), orderId: childId, position, ...line }));
    const startsAt = productionDate.getTime() > at.getTime() ? productionDate : at;
    const child = scope.manager.create(OrderRecord, {
      ...parent,
      id: childId,
      status: 'WAITING_OUTBOUND',
      goodsTotal,
      freight,
      payable,
      parentOrderId: parent.id,
      kinds: ['SUBSCRIPTION'],
      pause: null,
      promisedShipBy: new Date(startsAt.getTime() + SHIPPING_PROMISE_MS),
      specialAttributes: { subscription: { role: 'CHILD', parentOrderId: parent.id, period, productionDate: productionDate.toISOString() } },
      createdAt: at,
      updatedAt: at,
    });
    delete (child as Partial<OrderRecord>).lines;
    await scope.manager.insert(OrderRecord, child as never);
    await scope.manager.insert(OrderLineRecord, lines);
    await recordCreation(scope, child, `SUBSCRIPTION_PERIOD ${period}/${periods.length} of ${parent.id}`, 'system', at);
    await scope.publish(OrderPlaced, {
      orderId: childId,
      merchantId: parent.merchantId,
      buyerId: parent.buyerId,
      paymentMethod: parent.paymentMethod,
      payable,
      freight,
      parentOrderId: parent.id,
      lines: lines.map((line) => ({ lineId: line.id, skuId: line.skuId, title: line.title, unitPrice: line.unitPrice, quantity: line.quantity, lineTotal: line.lineTotal })),
    });
    await scope.publish(OrderPaid, { orderId: childId, buyerId: parent.buyerId, paymentMethod: parent.paymentMethod, amount: payable, parentOrderId: parent.id });
    if (productionDate.getTime() > at.getTime()) await pauseAutomatically(scope, child, 'SUBSCRIPTION_PERIOD_NOT_DUE', productionDate, at);
  }
  parent.specialAttributes = { ...parent.specialAttributes, subscription: { ...plan, childOrderIds: childIds } };
  await scope.manager.save(parent);
}
