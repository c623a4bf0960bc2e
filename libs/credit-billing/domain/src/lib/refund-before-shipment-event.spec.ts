import { CalendarDate } from './calendar-date';
import { applyRefund, captureHold, placeHold } from './credit-account';
import { creditProduct } from './credit-product';
import { outstandingPrincipalOf } from './loan';
import { InMemoryCreditBook } from '../testing/in-memory-credit-book';

/**
 * A returned order's `RefundCompleted` (after-sales topic) can reach credit-billing before the
 * order's `OrderShipped` (orders topic), e.g. when the service restarts with both waiting. The
 * refund is for shipped goods, so it must wait for the loan (§4.5 rule 7), not release the hold
 * as a refund before capture does (rule 1).
 */
describe('a refund for shipped goods that arrives before OrderShipped', () => {
  const product = creditProduct('INSTALLMENT', { feeRatePpmByPeriodCount: { 3: 0, 6: 0, 12: 0, 24: 0 }, lateFeeRatePpmPerDay: 0, refundAllocationRule: 'REAMORTIZE' });
  const book = () => {
    const line = new InMemoryCreditBook({ limit: 100_000, cycle: { statementDay: 10, dueOffsetDays: 10 }, today: '2026-03-02' as CalendarDate });
    line.run((account) => placeHold(account, { holdId: 'H1', orderId: 'O1', amount: 8_442, product, periodCount: 6 }));
    return line;
  };
  const ship = (line: InMemoryCreditBook, parkedRefunds: Array<{ refundId: string; amount: number }>) =>
    line.run((account, context) => captureHold(account, { orderId: 'O1', shipmentId: 'S1', shippedAmount: 8_442, loanId: 'L1', product, parkedRefunds }, context));

  it('is parked while the hold is active, and the shipment books the loan and applies it', () => {
    const line = book();
    expect(line.run((account, context) => applyRefund(account, { refundId: 'R1', orderId: 'O1', amount: 8_442, afterShipment: true }, context))).toEqual({ kind: 'PARKED' });
    expect(line.account.holds[0]).toMatchObject({ status: 'ACTIVE', released: 0 });
    expect(line.account.held).toBe(8_442);

    const captured = ship(line, [{ refundId: 'R1', amount: 8_442 }]);
    expect(captured).toMatchObject({ kind: 'CAPTURED', loan: { loanId: 'L1' }, refunds: [{ kind: 'APPLIED' }] });
    const loan = line.loanOf('O1')!;
    expect(outstandingPrincipalOf(loan)).toBe(0);
    expect(line.account.held).toBe(0);
    expect(line.account.outstanding).toBe(0);
  });

  it('without that knowledge a refund before capture still releases the hold (rule 1), and the shipment then books nothing', () => {
    const line = book();
    expect(line.run((account, context) => applyRefund(account, { refundId: 'R1', orderId: 'O1', amount: 8_442 }, context))).toEqual({ kind: 'HOLD_RELEASED', released: 8_442 });
    expect(ship(line, [])).toEqual({ kind: 'IGNORED' });
    expect(line.loanOf('O1')).toBeUndefined();
  });
});
