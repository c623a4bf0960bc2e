import { decide, defineProcess, Guard, TransitionDecision } from '@orderline/shared/process';
import { PaymentMethod } from '@orderline/shared/platform-rules';
import { ORDER_STATUSES, OrderStatus, PRE_SHIPMENT_STATUSES } from './order-status';
import { describeRelease, PauseReason, pauseReleaseRule } from './pause-reasons';

/** What moves an order; each transition of the table names the trigger it answers. */
export type OrderTrigger =
  | 'PAYMENT_CONFIRMED'
  | 'ACCEPT_COD'
  | 'CANCEL'
  | 'PAUSE'
  | 'RESUME'
  | 'SHIP'
  | 'DELIVER'
  | 'COMPLETE'
  | 'RECONCILE_COD'
  | 'REDEEM_VOUCHER'
  | 'CHILDREN_COMPLETED';

/** Outcomes a move declares beyond the status change every move publishes. */
export type OrderEffect = 'ORDER_PAUSED' | 'ORDER_RESUMED';

/** The facts a guard may look at; pure data, no repositories. */
export interface OrderFacts {
  status: OrderStatus;
  paymentMethod: PaymentMethod;
  groupBuy?: { formed: boolean };
  /** The active pause of a PAUSED order (domain.md §1.5); lets a refusal say what releases it. */
  pause?: { reason: PauseReason };
  /** LOC order (domain.md §1.1): redeemed in a shop with a verification code, never shipped. */
  localServiceVoucher?: boolean;
  /** 定期购: the parent is paid once and ships through one child order per period. */
  subscriptionRole?: 'PARENT' | 'CHILD';
}

// domain.md §1.3: group-buy orders cannot be cancelled between joining and the group
// forming (Decision: refused on every channel).
const groupNotFormingYet: Guard<OrderFacts> = (order) =>
  order.groupBuy && !order.groupBuy.formed
    ? { code: 'GROUP_BUY_NOT_FORMED', reason: 'a group-buy order cannot be cancelled until the group has formed' }
    : undefined;

// domain.md §1.5: paused orders are not released to the warehouse/merchant for shipping.
// SHIP is declared from PAUSED only so that this guard can say why and what releases it.
const notPaused: Guard<OrderFacts> = (order) => {
  if (order.status !== 'PAUSED') return undefined;
  const released = order.pause ? `; it is paused for "${pauseReleaseRule(order.pause.reason).label}" and is released by ${describeRelease(order.pause.reason)}` : '';
  return { code: 'ORDER_PAUSED', reason: `a paused order cannot be shipped${released}; ship it once the pause is released and it is waiting for outbound again` };
};

// domain.md §1.5 "waiting for group to form": a group-buy order ships only once its group has formed.
const groupFormedBeforeShipping: Guard<OrderFacts> = (order) =>
  order.groupBuy && !order.groupBuy.formed
    ? { code: 'GROUP_BUY_NOT_FORMED', reason: 'a group-buy order can be shipped once its group has formed' }
    : undefined;

// domain.md §1.1: a local-service voucher is redeemed in the shop; a subscription parent
// ships period by period through its child orders. Neither ships itself.
const somethingToShip: Guard<OrderFacts> = (order) => {
  if (order.localServiceVoucher) return { code: 'NOTHING_TO_SHIP', reason: 'a local-service voucher order is redeemed in the shop with its verification code, not shipped' };
  if (order.subscriptionRole === 'PARENT') return { code: 'SHIPS_AS_CHILD_ORDERS', reason: 'a subscription order ships through its child order of each period; ship those' };
  return undefined;
};

// domain.md §1.2: "a COD order becomes COMPLETED when the courier has collected the money
// and finance has reconciled it" — delivery or the buyer's confirmation is not enough.
const notCashOnDelivery: Guard<OrderFacts> = (order) =>
  order.paymentMethod === 'COD'
    ? { code: 'COD_NOT_RECONCILED', reason: 'a cash-on-delivery order completes when finance has reconciled the cash the courier collected (POST /api/v1/orders/{id}/cod-reconciliation)' }
    : undefined;

const cashOnDelivery: Guard<OrderFacts> = (order) =>
  order.paymentMethod === 'COD' ? undefined : { code: 'NOT_A_COD_ORDER', reason: `only cash-on-delivery orders are reconciled; this order was paid by ${order.paymentMethod}` };

// domain.md §1.2: cash on delivery needs no payment step; it waits for outbound once placed.
const placedCashOnDelivery: Guard<OrderFacts> = (order) =>
  order.paymentMethod === 'COD' ? undefined : { code: 'NOT_A_COD_ORDER', reason: `only a cash-on-delivery order waits for outbound without payment; this order is paid by ${order.paymentMethod}` };

const voucherOrder: Guard<OrderFacts> = (order) =>
  order.localServiceVoucher ? undefined : { code: 'NOT_A_VOUCHER_ORDER', reason: 'only local-service voucher (LOC) orders are redeemed with a verification code' };

const subscriptionParent: Guard<OrderFacts> = (order) =>
  order.subscriptionRole === 'PARENT' ? undefined : { code: 'NOT_A_SUBSCRIPTION_PARENT', reason: 'only a subscription parent completes with its child orders' };

const SHIPPED_OR_LATER: readonly OrderStatus[] = ['SHIPPED', 'DELIVERED', 'COMPLETED'];

/**
 * The order process (domain.md §1.2) as data: every allowed move, and the guards that can
 * veto it. Anything not listed is refused. Checked when declared (libs/shared/process).
 */
export const ORDER_PROCESS = defineProcess({
  name: 'order',
  states: ORDER_STATUSES,
  // Every order is placed UNPAID (ADR 0002); a subscription's child orders are created waiting for outbound.
  initial: ['UNPAID', 'WAITING_OUTBOUND'],
  terminal: ['COMPLETED', 'CANCELLED'],
  guards: { groupNotFormingYet, notPaused, groupFormedBeforeShipping, somethingToShip, notCashOnDelivery, cashOnDelivery, placedCashOnDelivery, voucherOrder, subscriptionParent },
  transitions: [
    { trigger: 'PAYMENT_CONFIRMED', from: ['UNPAID'], to: 'WAITING_OUTBOUND' },
    { trigger: 'ACCEPT_COD', from: ['UNPAID'], to: 'WAITING_OUTBOUND', guards: ['placedCashOnDelivery'] },
    { trigger: 'CANCEL', from: PRE_SHIPMENT_STATUSES, to: 'CANCELLED', guards: ['groupNotFormingYet'] },
    { trigger: 'PAUSE', from: ['WAITING_OUTBOUND'], to: 'PAUSED', effects: ['ORDER_PAUSED'] },
    { trigger: 'RESUME', from: ['PAUSED'], to: 'WAITING_OUTBOUND', effects: ['ORDER_RESUMED'] },
    { trigger: 'SHIP', from: ['WAITING_OUTBOUND', 'PAUSED'], to: 'SHIPPED', guards: ['notPaused', 'groupFormedBeforeShipping', 'somethingToShip'] },
    { trigger: 'DELIVER', from: ['SHIPPED'], to: 'DELIVERED' },
    { trigger: 'COMPLETE', from: ['SHIPPED', 'DELIVERED'], to: 'COMPLETED', guards: ['notCashOnDelivery'] },
    { trigger: 'RECONCILE_COD', from: ['DELIVERED'], to: 'COMPLETED', guards: ['cashOnDelivery'] },
    { trigger: 'REDEEM_VOUCHER', from: ['WAITING_OUTBOUND'], to: 'COMPLETED', guards: ['voucherOrder'] },
    { trigger: 'CHILDREN_COMPLETED', from: ['WAITING_OUTBOUND'], to: 'COMPLETED', guards: ['subscriptionParent'] },
  ],
  refuse: (order: OrderFacts, trigger: OrderTrigger) =>
    // The most asked question of the sources ("the cancel button is gone"): say where to go.
    trigger === 'CANCEL' && SHIPPED_OR_LATER.includes(order.status)
      ? { code: 'ORDER_ALREADY_SHIPPED', reason: 'the order has shipped and can no longer be cancelled; apply for a return and refund through after-sales (POST /api/v1/after-sales)' }
      : undefined,
});

export type OrderTransitionDecision = TransitionDecision<OrderStatus, OrderTrigger, OrderEffect>;

/** Decides whether `trigger` may move the order now, and where to. */
export function decideTransition(order: OrderFacts, trigger: OrderTrigger): OrderTransitionDecision {
  return decide(ORDER_PROCESS, order, trigger);
}
