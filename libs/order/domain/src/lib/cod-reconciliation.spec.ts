import { codReconciliationVeto, CodReconciliationOrder } from './cod-reconciliation';

describe('COD reconciliation (domain.md §1.2)', () => {
  const order: CodReconciliationOrder = { id: 'o1', paymentMethod: 'COD', status: 'DELIVERED', payable: 12_345 };

  it('accepts exactly the payable, to the fen', () => {
    expect(codReconciliationVeto(order, 12_345)).toBeUndefined();
  });

  it('refuses a short or excess collection and a second reconciliation', () => {
    expect(codReconciliationVeto(order, 12_344)?.code).toBe('COD_AMOUNT_MISMATCH');
    expect(codReconciliationVeto(order, 12_346)?.reason).toMatch(/collected 12346 fen but the order's payable is 12345 fen/);
    expect(codReconciliationVeto({ ...order, status: 'COMPLETED' }, 12_345)?.code).toBe('COD_ALREADY_RECONCILED');
  });

  it('leaves other payment methods to the order process', () => {
    expect(codReconciliationVeto({ ...order, paymentMethod: 'ONLINE' }, 1)).toBeUndefined();
  });
});
