import { applicationProblem } from './after-sales-application';
import { processProblems } from '@orderline/shared/process';
import { AFTER_SALES_PROCESS, AfterSalesCommand, AfterSalesStatus, AfterSalesType, decideAfterSalesTransition } from './after-sales-process';

describe('after-sales process (domain.md §3)', () => {
  it('passes the start-up checks: every status reachable, no step ambiguous for one type', () => {
    expect(processProblems(AFTER_SALES_PROCESS)).toEqual([]);
    const overlapping = { ...AFTER_SALES_PROCESS, transitions: [...AFTER_SALES_PROCESS.transitions, { trigger: 'GRANT_REFUND' as const, from: ['RECEIVED' as const], to: 'REFUNDED' as const, when: { fact: 'type' as const, in: ['RETURN_AND_REFUND' as const] } }] };
    expect(processProblems(overlapping)).toEqual(['GRANT_REFUND from RECEIVED is declared twice (→ REFUND_PENDING, → REFUNDED) for type RETURN_AND_REFUND']);
  });

  it('declares the event of each review and return step as its effect', () => {
    expect(decideAfterSalesTransition({ type: 'EXCHANGE', status: 'REQUESTED' }, 'APPROVE')).toMatchObject({ allowed: true, effects: ['AFTER_SALES_APPROVED'] });
    expect(decideAfterSalesTransition({ type: 'EXCHANGE', status: 'RETURN_IN_TRANSIT' }, 'REPORT_PROBLEM')).toMatchObject({ allowed: true, to: 'RETURN_DISPUTED', effects: ['RETURN_RECEIVED'] });
    expect(decideAfterSalesTransition({ type: 'EXCHANGE', status: 'RECEIVED' }, 'REQUEST_REPLACEMENT')).toMatchObject({ allowed: true, effects: ['REPLACEMENT_REQUESTED'] });
  });

  /** Where a new request of `type` ends after `steps`, each of which must be allowed. */
  const walk = (type: AfterSalesType, steps: readonly AfterSalesCommand[]) =>
    steps.reduce<AfterSalesStatus>((status, step) => {
      const decision = decideAfterSalesTransition({ type, status }, step);
      if (!decision.allowed) throw new Error(decision.veto.reason);
      return decision.to;
    }, 'REQUESTED');

  it('runs a return and refund through review, return shipment, receipt and refund', () => {
    expect(walk('RETURN_AND_REFUND', ['APPROVE', 'SHIP_RETURN', 'CONFIRM_RECEIPT', 'GRANT_REFUND', 'COMPLETE_REFUND'])).toBe('REFUNDED');
  });

  it('refunds a refund-only request on approval, without a return', () => {
    expect(decideAfterSalesTransition({ type: 'REFUND_ONLY', status: 'APPROVED' }, 'GRANT_REFUND')).toMatchObject({ allowed: true, to: 'REFUND_PENDING' });
    expect(decideAfterSalesTransition({ type: 'REFUND_ONLY', status: 'APPROVED' }, 'SHIP_RETURN')).toMatchObject({ allowed: false, veto: { code: 'NOT_FOR_THIS_TYPE' } });
  });

  it('ends an exchange with a replacement, never a refund', () => {
    expect(decideAfterSalesTransition({ type: 'EXCHANGE', status: 'RECEIVED' }, 'REQUEST_REPLACEMENT')).toMatchObject({ allowed: true, to: 'REPLACEMENT_REQUESTED' });
    expect(decideAfterSalesTransition({ type: 'EXCHANGE', status: 'RECEIVED' }, 'GRANT_REFUND')).toMatchObject({ allowed: false, veto: { code: 'NOT_FOR_THIS_TYPE' } });
  });

  it('completes an exchange only when the shipped replacement was received', () => {
    expect(walk('EXCHANGE', ['APPROVE', 'SHIP_RETURN', 'CONFIRM_RECEIPT', 'REQUEST_REPLACEMENT', 'SHIP_REPLACEMENT', 'RECEIVE_REPLACEMENT'])).toBe('EXCHANGED');
    // Logistics' answers carry no event of after-sales' own, and never skip the shipment.
    expect(decideAfterSalesTransition({ type: 'EXCHANGE', status: 'REPLACEMENT_REQUESTED' }, 'SHIP_REPLACEMENT')).toMatchObject({ allowed: true, effects: [] });
    expect(decideAfterSalesTransition({ type: 'EXCHANGE', status: 'REPLACEMENT_REQUESTED' }, 'RECEIVE_REPLACEMENT')).toMatchObject({ allowed: false, veto: { code: 'INVALID_AFTER_SALES_TRANSITION' } });
    expect(decideAfterSalesTransition({ type: 'RETURN_AND_REFUND', status: 'RECEIVED' }, 'SHIP_REPLACEMENT')).toMatchObject({ allowed: false, veto: { code: 'NOT_FOR_THIS_TYPE' } });
    expect(decideAfterSalesTransition({ type: 'EXCHANGE', status: 'EXCHANGED' }, 'SHIP_REPLACEMENT')).toMatchObject({ allowed: false });
  });

  it('refuses a second review and a receipt before the return ships', () => {
    expect(decideAfterSalesTransition({ type: 'RETURN_AND_REFUND', status: 'APPROVED' }, 'REJECT')).toMatchObject({ allowed: false, veto: { code: 'INVALID_AFTER_SALES_TRANSITION' } });
    expect(decideAfterSalesTransition({ type: 'RETURN_AND_REFUND', status: 'APPROVED' }, 'CONFIRM_RECEIPT')).toMatchObject({ allowed: false, veto: { code: 'INVALID_AFTER_SALES_TRANSITION' } });
  });
});

describe('applying for after-sales', () => {
  const shipped = { status: 'SHIPPED' as const, delivered: false, shippedLines: [{ lineId: 'a', quantity: 2 }, { lineId: 'b', quantity: 1 }] };

  it('allows what shipped and is not held by another request', () => {
    expect(applicationProblem(shipped, new Map([['a', 1]]), 'RETURN_AND_REFUND', [{ lineId: 'a', quantity: 1 }])).toBeUndefined();
    expect(applicationProblem(shipped, new Map([['a', 1]]), 'RETURN_AND_REFUND', [{ lineId: 'a', quantity: 2 }])).toMatchObject({ code: 'QUANTITY_NOT_RETURNABLE', returnable: [{ lineId: 'a', quantity: 1 }, { lineId: 'b', quantity: 1 }] });
  });

  it('refuses unshipped orders, unknown or repeated lines', () => {
    expect(applicationProblem({ ...shipped, status: 'PAID' }, new Map(), 'RETURN_AND_REFUND', [{ lineId: 'a', quantity: 1 }])).toMatchObject({ code: 'ORDER_NOT_SHIPPED' });
    expect(applicationProblem(shipped, new Map(), 'RETURN_AND_REFUND', [{ lineId: 'z', quantity: 1 }])).toMatchObject({ code: 'UNKNOWN_ORDER_LINE', status: 422 });
    expect(applicationProblem(shipped, new Map(), 'EXCHANGE', [{ lineId: 'a', quantity: 1 }, { lineId: 'a', quantity: 1 }])).toMatchObject({ code: 'DUPLICATE_LINE' });
  });

  it('keeps refund-only for goods never delivered', () => {
    expect(applicationProblem(shipped, new Map(), 'REFUND_ONLY', [{ lineId: 'b', quantity: 1 }])).toBeUndefined();
    expect(applicationProblem({ ...shipped, status: 'DELIVERED', delivered: true }, new Map(), 'REFUND_ONLY', [{ lineId: 'b', quantity: 1 }])).toMatchObject({ code: 'REFUND_ONLY_NOT_AFTER_DELIVERY' });
  });
});
