import { platformWaybillNo, waybillNoProblem } from './carriers';
import { maskedConsignee } from './masking';
import { ConsigneeFacts, decideMerge, decideOutbound, OutboundChoice, ShippableOrderFacts } from './outbound';

const consignee: ConsigneeFacts = { name: '王小明', phone: '13800138000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } };
const ready: ShippableOrderFacts = { merchantId: 'm1', placed: true, paid: true, pausedReason: null, cancelled: false, shipped: false, specifiedPlatformDelivery: false, consignee };
const platform: OutboundChoice = { carrier: 'JD_LOGISTICS', serviceProduct: 'STANDARD', merchantSignedExpress: false, airCities: ['北京市', '深圳市'] };
const sf: OutboundChoice = { ...platform, carrier: 'SF', waybillNo: 'SF1234567890123' };

describe('outbound (domain.md §2.1)', () => {
  it('ships a paid, unpaused order with the platform carrier or a third party', () => {
    expect(decideOutbound(ready, platform)).toEqual({ allowed: true });
    expect(decideOutbound(ready, sf)).toEqual({ allowed: true });
  });

  it.each([
    ['ORDER_NOT_KNOWN_YET', { placed: false }],
    ['ORDER_CANCELLED', { cancelled: true }],
    ['ORDER_ALREADY_SHIPPED', { shipped: true }],
    ['ORDER_NOT_PAID', { paid: false }],
    ['ORDER_PAUSED', { pausedReason: 'OUT_OF_STOCK' }],
    ['CONSIGNEE_UNKNOWN', { consignee: null }],
  ] as const)('refuses with %s', (code, facts) => {
    expect(decideOutbound({ ...ready, ...facts }, platform)).toMatchObject({ allowed: false, veto: { code } });
  });

  it('keeps a buyer-specified platform delivery with the platform carrier', () => {
    expect(decideOutbound({ ...ready, specifiedPlatformDelivery: true }, sf)).toMatchObject({ veto: { code: 'PLATFORM_DELIVERY_SPECIFIED' } });
    expect(decideOutbound({ ...ready, specifiedPlatformDelivery: true }, platform)).toEqual({ allowed: true });
  });

  it('offers express only when signed and the route flies', () => {
    const express = { ...platform, serviceProduct: 'EXPRESS' as const };
    expect(decideOutbound(ready, express)).toMatchObject({ veto: { code: 'EXPRESS_NOT_SIGNED' } });
    expect(decideOutbound(ready, { ...express, merchantSignedExpress: true })).toEqual({ allowed: true });
    expect(decideOutbound({ ...ready, consignee: { ...consignee, address: { ...consignee.address, city: '拉萨市' } } }, { ...express, merchantSignedExpress: true })).toMatchObject({ veto: { code: 'EXPRESS_ROUTE_NOT_SUPPORTED' } });
    expect(decideOutbound(ready, { ...sf, serviceProduct: 'EXPRESS', merchantSignedExpress: true })).toMatchObject({ veto: { code: 'SERVICE_PRODUCT_PLATFORM_ONLY' } });
  });

  it('needs a third-party number in its carrier\'s format', () => {
    expect(decideOutbound(ready, { ...sf, waybillNo: undefined })).toMatchObject({ veto: { code: 'WAYBILL_NO_REQUIRED' } });
    expect(decideOutbound(ready, { ...sf, waybillNo: 'YT1234567890123' })).toMatchObject({ veto: { code: 'WAYBILL_NO_INVALID' } });
    expect(waybillNoProblem('YTO', 'YT1234567890123')).toBeNull();
    expect(waybillNoProblem('EMS', 'EA123456789CN')).toBeNull();
    // A carrier without a known format gets the generic one.
    expect(waybillNoProblem('LOCAL_COURIER', 'ABC-123456')).toBeNull();
    expect(waybillNoProblem('LOCAL_COURIER', 'a b')).toMatch(/expected like/);
  });

  it('numbers platform waybills from a sequence', () => {
    expect(platformWaybillNo(1)).toBe('JDV000000000001');
    expect(waybillNoProblem('JD_LOGISTICS', platformWaybillNo(987_654_321))).toBeNull();
    expect(() => platformWaybillNo(0)).toThrow();
  });
});

describe('merged outbound (domain.md §1.9, §2.2)', () => {
  it('merges orders of one merchant to one consignee with the platform carrier', () => {
    expect(decideMerge([ready, { ...ready }], 'JD_LOGISTICS')).toEqual({ allowed: true });
  });

  it.each([
    ['MERGE_NEEDS_TWO_ORDERS', [ready], 'JD_LOGISTICS'],
    ['MERGE_PLATFORM_CARRIER_ONLY', [ready, ready], 'SF'],
    ['MERGE_DIFFERENT_MERCHANTS', [ready, { ...ready, merchantId: 'm2' }], 'JD_LOGISTICS'],
    ['MERGE_CONSIGNEE_DIFFERS', [ready, { ...ready, consignee: { ...consignee, name: '李四' } }], 'JD_LOGISTICS'],
    ['MERGE_CONSIGNEE_DIFFERS', [ready, { ...ready, consignee: { ...consignee, phone: '13900000000' } }], 'JD_LOGISTICS'],
    ['MERGE_CONSIGNEE_DIFFERS', [ready, { ...ready, consignee: { ...consignee, address: { ...consignee.address, detail: '科技园 2 号' } } }], 'JD_LOGISTICS'],
  ] as const)('refuses with %s', (code, orders, carrier) => {
    expect(decideMerge(orders as unknown as ShippableOrderFacts[], carrier)).toMatchObject({ allowed: false, veto: { code } });
  });
});

describe('masking on printed documents (domain.md §6.1)', () => {
  it('masks name, phone and the address below the city', () => {
    expect(maskedConsignee(consignee)).toEqual({ name: '王**', phone: '138****8000', address: { province: '广东省', city: '深圳市', county: '***', detail: '***' } });
  });
});
