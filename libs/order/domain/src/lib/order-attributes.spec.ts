import { carrierKindOf, lastAddressLevel, ORDER_KINDS, orderKinds } from './order-attributes';

describe('order attributes', () => {
  it('lists no kinds for a plain order', () => {
    expect(orderKinds({})).toEqual([]);
  });

  it('reads every special kind of §1.1 from its attribute, in declared order', () => {
    const kinds = orderKinds({
      giftShippedLater: { mainOrderId: 'o-1' },
      crossBorder: { bonded: true },
      customsAuction: { auctionId: 'a' },
      reservation: { reservedDeliveryAt: new Date('2025-01-01T00:00:00Z') },
      presale: {},
      groupBuy: { groupId: 'g', formed: false },
      subscription: { role: 'CHILD', parentOrderId: 'p', period: 2, productionDate: new Date('2025-02-01T00:00:00Z') },
      localServiceVoucher: { verificationCode: '123456' },
      simCard: { realNameApproved: false },
      topUpGift: {},
      customised: {},
      localServiceSignup: { kind: 'DRIVING_SCHOOL' },
    });
    expect(kinds).toEqual([...ORDER_KINDS]);
    expect(new Set(kinds).size).toBe(12);
  });

  it('combines kinds (a cross-border presale is both)', () => {
    expect(orderKinds({ presale: {}, crossBorder: { bonded: false } })).toEqual(['CROSS_BORDER', 'PRESALE']);
  });

  it('takes the town as the last level when there is one, else the county', () => {
    expect(lastAddressLevel({ province: 'P', city: 'C', county: 'D', town: 'T', detail: 'x' })).toBe(4);
    expect(lastAddressLevel({ province: 'P', city: 'C', county: 'D', detail: 'x' })).toBe(3);
    expect(lastAddressLevel({ province: 'P', city: 'C', county: 'D', town: '  ', detail: 'x' })).toBe(3);
  });
});

describe('the carrier whose rules apply (domain.md §1.6)', () => {
  it('follows the carrier the parcel left with once shipped, else the fulfilment chosen at placement', () => {
    expect(carrierKindOf({ fulfilment: null, shipmentCarrier: null })).toBe('JD_LOGISTICS');
    expect(carrierKindOf({ fulfilment: 'THIRD_PARTY', shipmentCarrier: null })).toBe('THIRD_PARTY');
    expect(carrierKindOf({ fulfilment: null, shipmentCarrier: 'SF' })).toBe('THIRD_PARTY');
    expect(carrierKindOf({ fulfilment: 'THIRD_PARTY', shipmentCarrier: 'JD_LOGISTICS' })).toBe('JD_LOGISTICS');
  });
});
