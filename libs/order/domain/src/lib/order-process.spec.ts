import { processProblems } from '@orderline/shared/process';
import { decideTransition, ORDER_PROCESS } from './order-process';
import { paymentTermsProblem, priceOrder } from './order-pricing';

describe('order process', () => {
  it('moves a paid order to waiting for outbound', () => {
    expect(decideTransition({ status: 'UNPAID', paymentMethod: 'CREDIT' }, 'PAYMENT_CONFIRMED')).toMatchObject({ allowed: true, from: 'UNPAID', to: 'WAITING_OUTBOUND' });
  });

  it.each(['UNPAID', 'WAITING_OUTBOUND', 'PAUSED'] as const)('lets the buyer cancel from %s', (status) => {
    expect(decideTransition({ status, paymentMethod: 'CREDIT' }, 'CANCEL')).toMatchObject({ allowed: true, to: 'CANCELLED' });
  });

  it.each(['SHIPPED', 'DELIVERED', 'COMPLETED'] as const)('refuses cancel after shipment (%s) and points to after-sales', (status) => {
    const decision = decideTransition({ status, paymentMethod: 'CREDIT' }, 'CANCEL');
    expect(decision).toMatchObject({ allowed: false, veto: { code: 'ORDER_ALREADY_SHIPPED' } });
    expect(decision.allowed === false && decision.veto.reason).toMatch(/after-sales/);
  });

  it('refuses moves the table does not list', () => {
    expect(decideTransition({ status: 'CANCELLED', paymentMethod: 'CREDIT' }, 'PAYMENT_CONFIRMED')).toMatchObject({ allowed: false, veto: { code: 'INVALID_ORDER_TRANSITION' } });
    expect(decideTransition({ status: 'CANCELLED', paymentMethod: 'CREDIT' }, 'CANCEL')).toMatchObject({ allowed: false });
  });

  it('lets a guard veto: group-buy before the group forms', () => {
    expect(decideTransition({ status: 'WAITING_OUTBOUND', paymentMethod: 'ONLINE', groupBuy: { formed: false } }, 'CANCEL')).toMatchObject({ allowed: false, veto: { code: 'GROUP_BUY_NOT_FORMED' } });
    expect(decideTransition({ status: 'WAITING_OUTBOUND', paymentMethod: 'ONLINE', groupBuy: { formed: true } }, 'CANCEL')).toMatchObject({ allowed: true });
  });

  it('refuses to ship a paused order, naming the pause and what releases it', () => {
    const decision = decideTransition({ status: 'PAUSED', paymentMethod: 'ONLINE', pause: { reason: 'OUT_OF_STOCK' } }, 'SHIP');
    expect(decision).toMatchObject({ allowed: false, veto: { code: 'ORDER_PAUSED' } });
    expect(decision.allowed === false && decision.veto.reason).toMatch(/STOCK_ARRIVED/);
    expect(decideTransition({ status: 'PAUSED', paymentMethod: 'ONLINE' }, 'SHIP')).toMatchObject({ allowed: false, veto: { code: 'ORDER_PAUSED' } });
  });

  it('ships an order waiting for outbound', () => {
    expect(decideTransition({ status: 'WAITING_OUTBOUND', paymentMethod: 'COD' }, 'SHIP')).toMatchObject({ allowed: true, from: 'WAITING_OUTBOUND', to: 'SHIPPED' });
  });

  it('ships a group-buy order only once the group has formed', () => {
    expect(decideTransition({ status: 'WAITING_OUTBOUND', paymentMethod: 'ONLINE', groupBuy: { formed: false } }, 'SHIP')).toMatchObject({ allowed: false, veto: { code: 'GROUP_BUY_NOT_FORMED' } });
    expect(decideTransition({ status: 'WAITING_OUTBOUND', paymentMethod: 'ONLINE', groupBuy: { formed: true } }, 'SHIP')).toMatchObject({ allowed: true, to: 'SHIPPED' });
  });

  it.each(['UNPAID', 'SHIPPED', 'DELIVERED', 'COMPLETED', 'CANCELLED'] as const)('cannot ship from %s', (status) => {
    expect(decideTransition({ status, paymentMethod: 'ONLINE' }, 'SHIP')).toMatchObject({ allowed: false, veto: { code: 'INVALID_ORDER_TRANSITION' } });
  });

  it('pauses only an order waiting for outbound and resumes only a paused one', () => {
    expect(decideTransition({ status: 'WAITING_OUTBOUND', paymentMethod: 'ONLINE' }, 'PAUSE')).toMatchObject({ allowed: true, to: 'PAUSED' });
    expect(decideTransition({ status: 'UNPAID', paymentMethod: 'ONLINE' }, 'PAUSE')).toMatchObject({ allowed: false });
    expect(decideTransition({ status: 'PAUSED', paymentMethod: 'ONLINE' }, 'PAUSE')).toMatchObject({ allowed: false });
    expect(decideTransition({ status: 'PAUSED', paymentMethod: 'ONLINE' }, 'RESUME')).toMatchObject({ allowed: true, to: 'WAITING_OUTBOUND' });
  });

  it('completes a COD order only through reconciliation of the collected cash', () => {
    expect(decideTransition({ status: 'DELIVERED', paymentMethod: 'COD' }, 'COMPLETE')).toMatchObject({ allowed: false, veto: { code: 'COD_NOT_RECONCILED' } });
    expect(decideTransition({ status: 'DELIVERED', paymentMethod: 'COD' }, 'RECONCILE_COD')).toMatchObject({ allowed: true, from: 'DELIVERED', to: 'COMPLETED' });
    expect(decideTransition({ status: 'SHIPPED', paymentMethod: 'COD' }, 'RECONCILE_COD')).toMatchObject({ allowed: false, veto: { code: 'INVALID_ORDER_TRANSITION' } });
    expect(decideTransition({ status: 'DELIVERED', paymentMethod: 'ONLINE' }, 'RECONCILE_COD')).toMatchObject({ allowed: false, veto: { code: 'NOT_A_COD_ORDER' } });
    expect(decideTransition({ status: 'DELIVERED', paymentMethod: 'ONLINE' }, 'COMPLETE')).toMatchObject({ allowed: true, to: 'COMPLETED' });
  });

  it('redeems a voucher order instead of shipping it', () => {
    const voucher = { status: 'WAITING_OUTBOUND' as const, paymentMethod: 'ONLINE' as const, localServiceVoucher: true };
    expect(decideTransition(voucher, 'SHIP')).toMatchObject({ allowed: false, veto: { code: 'NOTHING_TO_SHIP' } });
    expect(decideTransition(voucher, 'REDEEM_VOUCHER')).toMatchObject({ allowed: true, from: 'WAITING_OUTBOUND', to: 'COMPLETED' });
    expect(decideTransition({ status: 'WAITING_OUTBOUND', paymentMethod: 'ONLINE' }, 'REDEEM_VOUCHER')).toMatchObject({ allowed: false, veto: { code: 'NOT_A_VOUCHER_ORDER' } });
    expect(decideTransition({ ...voucher, status: 'UNPAID' }, 'REDEEM_VOUCHER')).toMatchObject({ allowed: false, veto: { code: 'INVALID_ORDER_TRANSITION' } });
  });

  it('ships a subscription through its child orders; the parent completes with them', () => {
    expect(decideTransition({ status: 'WAITING_OUTBOUND', paymentMethod: 'ONLINE', subscriptionRole: 'PARENT' }, 'SHIP')).toMatchObject({ allowed: false, veto: { code: 'SHIPS_AS_CHILD_ORDERS' } });
    expect(decideTransition({ status: 'WAITING_OUTBOUND', paymentMethod: 'ONLINE', subscriptionRole: 'CHILD' }, 'SHIP')).toMatchObject({ allowed: true, to: 'SHIPPED' });
    expect(decideTransition({ status: 'WAITING_OUTBOUND', paymentMethod: 'ONLINE', subscriptionRole: 'PARENT' }, 'CHILDREN_COMPLETED')).toMatchObject({ allowed: true, to: 'COMPLETED' });
    expect(decideTransition({ status: 'WAITING_OUTBOUND', paymentMethod: 'ONLINE', subscriptionRole: 'CHILD' }, 'CHILDREN_COMPLETED')).toMatchObject({ allowed: false, veto: { code: 'NOT_A_SUBSCRIPTION_PARENT' } });
  });

  it('waits for outbound once a cash-on-delivery order is placed, without payment', () => {
    expect(decideTransition({ status: 'UNPAID', paymentMethod: 'COD' }, 'ACCEPT_COD')).toEqual({ allowed: true, trigger: 'ACCEPT_COD', from: 'UNPAID', to: 'WAITING_OUTBOUND', effects: [] });
    expect(decideTransition({ status: 'UNPAID', paymentMethod: 'ONLINE' }, 'ACCEPT_COD')).toMatchObject({ allowed: false, veto: { code: 'NOT_A_COD_ORDER' } });
  });

  it('declares the pause and resume events as effects of their moves', () => {
    expect(decideTransition({ status: 'WAITING_OUTBOUND', paymentMethod: 'ONLINE' }, 'PAUSE')).toMatchObject({ effects: ['ORDER_PAUSED'] });
    expect(decideTransition({ status: 'PAUSED', paymentMethod: 'ONLINE' }, 'RESUME')).toMatchObject({ effects: ['ORDER_RESUMED'] });
  });

  it('passes the start-up checks, which catch a second way out for one trigger', () => {
    expect(processProblems(ORDER_PROCESS)).toEqual([]);
    const broken = { ...ORDER_PROCESS, transitions: [...ORDER_PROCESS.transitions, { trigger: 'SHIP' as const, from: ['WAITING_OUTBOUND' as const], to: 'COMPLETED' as const }] };
    expect(processProblems(broken)).toEqual([expect.stringMatching(/SHIP from WAITING_OUTBOUND is declared twice/)]);
  });
});

describe('order pricing and terms', () => {
  it('prices lines and freight in fen', () => {
    const price = priceOrder([{ skuId: 'a', title: 'A', unitPrice: 1999, quantity: 3 }, { skuId: 'b', title: 'B', unitPrice: 1, quantity: 1 }], 800);
    expect(price.lines.map((l) => l.lineTotal)).toEqual([5997, 1]);
    expect(price.goodsTotal).toBe(5998);
    expect(price.payable).toBe(6798);
  });

  it('checks credit terms', () => {
    expect(paymentTermsProblem('CREDIT', undefined)).toMatch(/needs credit terms/);
    expect(paymentTermsProblem('CREDIT', { plan: 'INSTALLMENT', periods: 5 })).toMatch(/3, 6, 12 or 24/);
    expect(paymentTermsProblem('CREDIT', { plan: 'DEFERRED', periods: 3 })).toMatch(/no periods/);
    expect(paymentTermsProblem('ONLINE', { plan: 'DEFERRED' })).toMatch(/only allowed/);
    expect(paymentTermsProblem('CREDIT', { plan: 'INSTALLMENT', periods: 6 })).toBeUndefined();
    expect(paymentTermsProblem('COD')).toBeUndefined();
  });
});
