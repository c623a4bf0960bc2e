import { processProblems } from '@orderline/shared/process';
import { decideReplacementOutbound, decideReplacementTransition, REPLACEMENT_PROCESS, replacementLines } from './replacement';

const consignee = { name: '李四', phone: '13800000000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } };
const waiting = { merchantId: 'm', consignee, specifiedPlatformDelivery: false };
const platform = { carrier: 'JD_LOGISTICS', serviceProduct: 'STANDARD' as const, merchantSignedExpress: false, airCities: ['北京市'] };

describe('exchange replacement (domain.md §3, §2.1)', () => {
  it('passes the start-up checks of the process engine', () => {
    expect(processProblems(REPLACEMENT_PROCESS)).toEqual([]);
  });

  it('ships once, then is received once', () => {
    expect(decideReplacementTransition('WAITING_OUTBOUND', 'SHIP')).toMatchObject({ allowed: true, to: 'SHIPPED', effects: ['REPLACEMENT_SHIPPED'] });
    expect(decideReplacementTransition('SHIPPED', 'RECEIVE')).toMatchObject({ allowed: true, to: 'RECEIVED', effects: ['REPLACEMENT_RECEIVED'] });
    expect(decideReplacementTransition('SHIPPED', 'SHIP')).toMatchObject({ allowed: false, veto: { code: 'REPLACEMENT_ALREADY_SHIPPED' } });
    expect(decideReplacementTransition('WAITING_OUTBOUND', 'RECEIVE')).toMatchObject({ allowed: false, veto: { code: 'REPLACEMENT_NOT_SHIPPED' } });
    expect(decideReplacementTransition('RECEIVED', 'RECEIVE')).toMatchObject({ allowed: false });
  });

  it('follows the outbound rules of an order: carrier, product, waybill, platform delivery', () => {
    expect(decideReplacementOutbound(waiting, platform)).toEqual({ allowed: true });
    expect(decideReplacementOutbound(waiting, { ...platform, serviceProduct: 'EXPRESS' })).toMatchObject({ allowed: false, veto: { code: 'EXPRESS_NOT_SIGNED' } });
    expect(decideReplacementOutbound(waiting, { ...platform, carrier: 'SF' })).toMatchObject({ allowed: false, veto: { code: 'WAYBILL_NO_REQUIRED' } });
    expect(decideReplacementOutbound(waiting, { ...platform, carrier: 'SF', waybillNo: 'nope' })).toMatchObject({ allowed: false, veto: { code: 'WAYBILL_NO_INVALID' } });
    expect(decideReplacementOutbound({ ...waiting, specifiedPlatformDelivery: true }, { ...platform, carrier: 'SF', waybillNo: 'SF1234567890123' })).toMatchObject({ allowed: false, veto: { code: 'PLATFORM_DELIVERY_SPECIFIED' } });
    expect(decideReplacementOutbound({ ...waiting, consignee: null }, platform)).toMatchObject({ allowed: false, veto: { code: 'CONSIGNEE_UNKNOWN' } });
  });

  it('carries the exchanged quantities of the order lines, with SKU and title', () => {
    const lines = [
      { lineId: 'a', skuId: 'kettle', title: 'Kettle', quantity: 3 },
      { lineId: 'b', skuId: 'lid', title: 'Lid', quantity: 1 },
    ];
    expect(replacementLines(lines, [{ lineId: 'a', quantity: 1 }])).toEqual([{ lineId: 'a', skuId: 'kettle', title: 'Kettle', quantity: 1 }]);
    expect(replacementLines([], [{ lineId: 'z', quantity: 2 }])).toEqual([{ lineId: 'z', skuId: '', title: '', quantity: 2 }]);
  });
});
