import { MergeCandidateOrder, mergedShipmentCandidates } from './merged-shipment';
import { Consignee } from './order-attributes';

const li: Consignee = { name: '李四', phone: '13900001111', address: { province: '上海市', city: '上海市', county: '浦东新区', town: '张江镇', detail: '科苑路 88 号' } };
const wang: Consignee = { ...li, name: '王五' };

function order(orderId: string, overrides: Partial<MergeCandidateOrder> = {}): MergeCandidateOrder {
  return { orderId, merchantId: 'm1', status: 'WAITING_OUTBOUND', carrier: 'JD_LOGISTICS', consignee: li, ...overrides };
}

describe('merged-shipment candidates (domain.md §1.9)', () => {
  it('groups orders of one merchant with the same consignee, whitespace aside', () => {
    const spaced = { ...li, address: { ...li.address, detail: '科苑路88号' }, phone: '139 0000 1111' };
    expect(mergedShipmentCandidates([order('a'), order('b', { consignee: spaced }), order('c', { consignee: wang })])).toEqual([
      { merchantId: 'm1', key: expect.any(String), orderIds: ['a', 'b'] },
    ]);
  });

  it('never groups across merchants', () => {
    expect(mergedShipmentCandidates([order('a'), order('b', { merchantId: 'm2' })])).toEqual([]);
  });

  it.each(['UNPAID', 'PAUSED', 'SHIPPED', 'CANCELLED'] as const)('leaves out orders in %s', (status) => {
    expect(mergedShipmentCandidates([order('a'), order('b', { status })])).toEqual([]);
  });

  it('leaves out third-party carrier orders', () => {
    expect(mergedShipmentCandidates([order('a'), order('b', { carrier: 'THIRD_PARTY' })])).toEqual([]);
  });

  it('needs name, phone and address all equal', () => {
    expect(mergedShipmentCandidates([order('a'), order('b', { consignee: { ...li, phone: '13900001112' } })])).toEqual([]);
    expect(mergedShipmentCandidates([order('a'), order('b', { consignee: { ...li, address: { ...li.address, town: '川沙镇' } } })])).toEqual([]);
  });

  it('returns several groups in input order, counts a repeated order once', () => {
    const groups = mergedShipmentCandidates([order('w1', { consignee: wang }), order('l1'), order('w2', { consignee: wang }), order('l2'), order('l2'), order('x', { merchantId: 'm2' })]);
    expect(groups.map((g) => g.orderIds)).toEqual([
      ['w1', 'w2'],
      ['l1', 'l2'],
    ]);
    expect(groups[0].key).not.toEqual(groups[1].key);
  });
});
