import { PaymentMethod } from './order-attributes';
import { OrderStatus, PRE_SHIPMENT_STATUSES } from './order-status';
import { describeRelease, PauseReason, pauseReleaseRule } from './pause-reasons';
import { Veto } from '@orderline/shared/process';

/** What moves an order; each transition of the table names the trigger it answers. */
export type OrderTrigger = 'PAYMENT_CONFIRMED' | 'CANCEL' | 'PAUSE' | 'RESUME' | 'SHIP' | 'DELIVER' | 'COMPLETE' | 'RECONCILE_COD' | 'REDEEM_VOUCHER' | 'CHILDREN_COMPLETED';

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

/** A guard returns a veto to stop the move, or nothing to allow it. */
export type Guard = (order: OrderFacts) => Veto | undefined;

export interface Transition {
  trigger: OrderTrigger;
  from: readonly OrderStatus[];
  to: OrderStatus;
  guards?: readonly Guard[];
}

// domain.md §1.3: group-buy orders cannot be cancelled between joining and the group
// forming (Decision: refused on every channel).
const groupNotFormingYet: Guard = (order) =>
  order.groupBuy && !order.groupBuy.formed
    ? { code: 'GROUP_BUY_NOT_FORMED', reason: 'a group-buy order cannot be cancelled until the group has formed' }
    : undefined;

// domain.md §1.5: paused orders are not released to the warehouse/merchant for shipping.
// SHIP is declared from PAUSED only so that this guard can say why and what releases it.
const notPaused: Guard = (order) => {
  if (order.status !== 'PAUSED') return undefined;
  const released = order.pause ? `; it is paused for "${pauseReleaseRule(order.pause.reason).label}" and is released by ${describeRelease(order.pause.reason)}` : '';
  return { code: 'ORDER_PAUSED', reason: `a paused order cannot be shipped${released}; ship it once the pause is released and it is waiting for outbound again` };
};

// domain.md §1.5 "waiting for group to form": a group-buy order ships only once its group has formed.
const groupFormedBeforeShipping: Guard = (order) =>
  order.groupBuy && !order.groupBuy.formed
    ? { code: 'GROUP_BUY_NOT_FORMED', reason: 'a group-buy order can be shipped once its group has formed' }
    : undefined;

// domain.md §1.1: a local-service voucher is redeemed in the shop; a subscription parent
// ships period by period through its child orders. Neither ships itself.
const somethingToShip: Guard = (order) => {
  if (order.localServiceVoucher) return { code: 'NOTHING_TO_SHIP', reason: 'a local-service voucher order is redeemed in the shop with its verification code, not shipped' };
  if (order.subscriptionRole === 'PARENT') return { code: 'SHIPS_AS_CHILD_ORDERS', reason: 'a subscription order ships through its child order of each period; ship those' };
  return undefined;
};

// domain.md §1.2: "a COD order becomes COMPLETED when the courier has collected the money
// and finance has reconciled it" — delivery or the buyer's confirmation is not enough.
const notCashOnDelivery: Guard = (order) =>
  order.paymentMethod === 'COD'
    ? { code: 'COD_NOT_RECONCILED', reason: 'a cash-on-delivery order completes when finance has reconciled the cash the courier collected (POST /api/v1/orders/{id}/cod-reconciliation)' }
    : undefined;

const cashOnDelivery: Guard = (order) =>
  order.paymentMethod === 'COD' ? undefined : { code: 'NOT_A_COD_ORDER', reason: `only cash-on-delivery orders are reconciled; this order was paid by ${order.paymentMethod}` };

const voucherOrder: Guard = (order) =>
  order.localServiceVoucher ? undefined : { code: 'NOT_A_VOUCHER_ORDER', reason: 'only local-service voucher (LOC) orders are redeemed with a verification code' };

const subscriptionParent: Guard = (order) =>
  order.subscriptionRole === 'PARENT' ? undefined : { code: 'NOT_A_SUBSCRIPTION_PARENT', reason: 'only a subscription parent completes with its child orders' };

/**
 * The order process (domain.md §1.2) as data: every allowed move, and the guards that can
 * veto it. Anything not listed is refused.
 */
export const ORDER_PROCESS: readonly Transition[] = [
  { trigger: 'PAYMENT_CONFIRMED', from: ['UNPAID'], to: 'WAITING_OUTBOUND' },
  { trigger: 'CANCEL', from: PRE_SHIPMENT_STATUSES, to: 'CANCELLED', guards: [groupNotFormingYet] },
  { trigger: 'PAUSE', from: ['WAITING_OUTBOUND'], to: 'PAUSED' },
  { trigger: 'RESUME', from: ['PAUSED'], to: 'WAITING_OUTBOUND' },
  { trigger: 'SHIP', from: ['WAITING_OUTBOUND', 'PAUSED'], to: 'SHIPPED', guards: [notPaused, groupFormedBeforeShipping, somethingToShip] },
  { trigger: 'DELIVER', from: ['SHIPPED'], to: 'DELIVERED' },
  { trigger: 'COMPLETE', from: ['SHIPPED', 'DELIVERED'], to: 'COMPLETED', guards: [notCashOnDelivery] },
  { trigger: 'RECONCILE_COD', from: ['DELIVERED'], to: 'COMPLETED', guards: [cashOnDelivery] },
  { trigger: 'REDEEM_VOUCHER', from: ['WAITING_OUTBOUND'], to: 'COMPLETED', guards: [voucherOrder] },
  { trigger: 'CHILDREN_COMPLETED', from: ['WAITING_OUTBOUND'], to: 'COMPLETED', guards: [subscriptionParent] },
];

export type TransitionDecision = { allowed: true; from: OrderStatus; to: OrderStatus } | { allowed: false; veto: Veto };

const SHIPPED_OR_LATER: readonly OrderStatus[] = ['SHIPPED', 'DELIVERED', 'COMPLETED'];

/** Decides whether `trigger` may move the order now, and where to. */
export function decideTransition(order: OrderFacts, trigger: OrderTrigger, process: readonly Transition[] = ORDER_PROCESS): TransitionDecision {
  const transition = process.find((candidate) => candidate.trigger === trigger && candidate.from.includes(order.status));
  if (!transition) {
    if (trigger === 'CANCEL' && SHIPPED_OR_LATER.includes(order.status)) {
      // The most asked question of the sources ("the cancel button is gone"): say where to go.
      return {
        allowed: false,
        veto: { code: 'ORDER_ALREADY_SHIPPED', reason: 'the order has shipped and can no longer be cancelled; apply for a return and refund through after-sales (POST /api/v1/after-sales)' },
      };
    }
    return { allowed: false, veto: { code: 'INVALID_ORDER_TRANSITION', reason: `an order in status ${order.status} cannot ${trigger.toLowerCase().replace(/_/g, ' ')}` } };
  }
  for (const guard of transition.guards ?? []) {
    const veto = guard(order);
    if (veto) return { allowed: false, veto };
  }
  return { allowed: true, from: order.status, to: transition.to };
}

/** Start-up check of the table: no trigger may lead two ways out of one state. */
export function assertProcessIsDeterministic(process: readonly Transition[] = ORDER_PROCESS): void {
  const seen = new Set<string>();
  for (const transition of process) {
    for (const from of transition.from) {
      const key = `${from}:${transition.trigger}`;
      if (seen.has(key)) throw new Error(`order process: ${transition.trigger} from ${from} is declared twice`);
      seen.add(key);
    }
  }
}
