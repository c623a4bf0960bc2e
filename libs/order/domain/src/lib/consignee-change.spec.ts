import {
  CONSIGNEE_CHANGE_RULES,
  consigneeChangeRule,
  ConsigneeChangeOrder,
  decideConsigneeChange,
  outboundStage,
} from './consignee-change';
import { PaymentMethod } from '@orderline/shared/platform-rules';
import { Address, CarrierKind, Consignee, SpecialAttributes } from './order-attributes';
import { ORDER_STATUSES, OrderStatus } from './order-status';

const withTown: Address = { province: '广东省', city: '深圳市', county: '南山区', town: '粤海街道', detail: '科技园 1 栋' };
const noTown: Address = { province: '广东省', city: '东莞市', county: '东莞市', detail: '南城 2 号' };
const consignee = (address: Address): Consignee => ({ name: '赵六', phone: '13700002222', address });

// One change per level, plus the detail line; each touches only that level.
const CHANGE_LEVEL: Record<1 | 2 | 3 | 4, (a: Address) => Address> = {
  1: (a) => ({ ...a, province: '湖南省' }),
  2: (a) => ({ ...a, city: '广州市' }),
  3: (a) => ({ ...a, county: '福田区' }),
  4: (a) => ({ ...a, town: '沙头街道' }),
};
const changeDetail = (a: Address): Address => ({ ...a, detail: '科技园 2 栋' });

function order(carrier: CarrierKind, status: OrderStatus, opts: { specified?: boolean; paymentMethod?: PaymentMethod; attributes?: SpecialAttributes } = {}): ConsigneeChangeOrder {
  return { status, paymentMethod: opts.paymentMethod ?? 'ONLINE', fulfilment: { carrier, buyerSpecifiedPlatformDelivery: opts.specified ?? false }, attributes: opts.attributes ?? {} };
}

// domain.md §1.6 restated as the test's own oracle: the first level that may change, or null.
function specFirstLevel(carrier: CarrierKind, afterOutbound: boolean, specifiedOrCod: boolean, address: Address): 1 | 3 | 4 | null {
  const last = address.town ? 4 : 3;
  if (carrier === 'THIRD_PARTY') return afterOutbound ? null : 1;
  if (afterOutbound) return last;
  return specifiedOrCod ? last : 1;
}

const BEFORE: OrderStatus[] = ['UNPAID', 'WAITING_OUTBOUND', 'PAUSED'];

describe('consignee change (domain.md §1.6)', () => {
  it('has exactly one rule row for every carrier × stage × condition', () => {
    for (const carrier of ['JD_LOGISTICS', 'THIRD_PARTY'] as const) {
      for (const stage of ['BEFORE_OUTBOUND', 'AFTER_OUTBOUND'] as const) {
        for (const specified of [false, true]) {
          for (const paymentMethod of ['ONLINE', 'COD', 'CREDIT'] as const) {
            expect(() => consigneeChangeRule(order(carrier, 'WAITING_OUTBOUND', { specified, paymentMethod }), stage)).not.toThrow();
          }
        }
      }
    }
    expect(CONSIGNEE_CHANGE_RULES).toHaveLength(5);
  });

  it('maps statuses to before/after outbound, nothing after delivery', () => {
    expect(ORDER_STATUSES.map((status) => [status, outboundStage(status)])).toEqual([
      ['UNPAID', 'BEFORE_OUTBOUND'],
      ['WAITING_OUTBOUND', 'BEFORE_OUTBOUND'],
      ['PAUSED', 'BEFORE_OUTBOUND'],
      ['SHIPPED', 'AFTER_OUTBOUND'],
      ['DELIVERED', undefined],
      ['COMPLETED', undefined],
      ['CANCELLED', undefined],
    ]);
  });

  // Every carrier × status before delivery × specified × payment method × address shape × level.
  const cases: [CarrierKind, OrderStatus, boolean, PaymentMethod, string, Address][] = [];
  for (const carrier of ['JD_LOGISTICS', 'THIRD_PARTY'] as const) {
    for (const status of [...BEFORE, 'SHIPPED'] as OrderStatus[]) {
      for (const specified of [false, true]) {
        for (const paymentMethod of ['ONLINE', 'COD', 'CREDIT'] as const) {
          cases.push([carrier, status, specified, paymentMethod, 'with town', withTown], [carrier, status, specified, paymentMethod, 'without town', noTown]);
        }
      }
    }
  }

  it.each(cases)('%s %s specified=%s %s, address %s: each level changes exactly when the table allows', (carrier, status, specified, paymentMethod, _shape, address) => {
    const subject = order(carrier, status, { specified, paymentMethod });
    const first = specFirstLevel(carrier, status === 'SHIPPED', specified || paymentMethod === 'COD', address);
    const current = consignee(address);
    for (const level of [1, 2, 3, 4] as const) {
      const decision = decideConsigneeChange(subject, current, { address: CHANGE_LEVEL[level](address) });
      if (first !== null && level >= first) {
        expect(decision).toMatchObject({ allowed: true, changed: true, changes: { addressLevels: [level] } });
      } else {
        expect(decision).toMatchObject({ allowed: false, veto: { code: first === null ? 'CONSIGNEE_LOCKED_AFTER_OUTBOUND' : 'ADDRESS_LEVEL_NOT_CHANGEABLE' } });
        expect(decision.allowed === false && decision.mayChange.addressFromLevel).toBe(first);
      }
    }
    const detail = decideConsigneeChange(subject, current, { address: changeDetail(address) });
    expect(detail.allowed).toBe(first !== null);
  });

  it('says in the refusal what may change', () => {
    const decision = decideConsigneeChange(order('JD_LOGISTICS', 'SHIPPED'), consignee(withTown), { address: CHANGE_LEVEL[3](withTown) });
    expect(decision.allowed === false && decision.veto.reason).toMatch(/only address level 4 \(town\).*detail line/);
    const noTownDecision = decideConsigneeChange(order('JD_LOGISTICS', 'SHIPPED'), consignee(noTown), { address: CHANGE_LEVEL[2](noTown) });
    expect(noTownDecision.allowed === false && noTownDecision.veto.reason).toMatch(/only address level 3 \(county/);
    const locked = decideConsigneeChange(order('THIRD_PARTY', 'SHIPPED'), consignee(withTown), { phone: '13700003333' });
    expect(locked).toMatchObject({ allowed: false, veto: { code: 'CONSIGNEE_LOCKED_AFTER_OUTBOUND' }, mayChange: { name: false, phone: false, addressFromLevel: null, detail: false } });
    expect(locked.allowed === false && locked.veto.reason).toMatch(/nothing may change/);
  });

  it('lets the town and detail change together where the last level may change', () => {
    const address = { ...withTown, town: '沙头街道', detail: '新地址' };
    expect(decideConsigneeChange(order('JD_LOGISTICS', 'SHIPPED'), consignee(withTown), { address })).toMatchObject({ allowed: true, changes: { addressLevels: [4], detail: true } });
  });

  it('lets a county-last address take a town under a new county', () => {
    const address = { ...noTown, county: '虎门镇', town: '某社区' };
    expect(decideConsigneeChange(order('JD_LOGISTICS', 'SHIPPED'), consignee(noTown), { address })).toMatchObject({ allowed: true, changes: { addressLevels: [3, 4] } });
  });

  describe.each([
    ['cross-border', { crossBorder: { bonded: true } }],
    ['customs-auction', { customsAuction: { auctionId: 'a1' } }],
    ['reservation', { reservation: { reservedDeliveryAt: new Date('2025-05-01T00:00:00Z') } }],
    ['presale', { presale: {} }],
  ] as [string, SpecialAttributes][])('a %s order', (label, attributes) => {
    it('never changes its address, at any level or the detail', () => {
      for (const carrier of ['JD_LOGISTICS', 'THIRD_PARTY'] as const) {
        const subject = order(carrier, 'WAITING_OUTBOUND', { attributes });
        for (const change of [CHANGE_LEVEL[1], CHANGE_LEVEL[4], changeDetail]) {
          const decision = decideConsigneeChange(subject, consignee(withTown), { address: change(withTown) });
          expect(decision).toMatchObject({ allowed: false, veto: { code: 'ADDRESS_LOCKED_FOR_ORDER_KIND' }, mayChange: { addressFromLevel: null, detail: false } });
          expect(decision.allowed === false && decision.veto.reason).toContain(label);
        }
      }
    });

    it('may still change the phone before delivery (Decision: only the address is locked)', () => {
      expect(decideConsigneeChange(order('JD_LOGISTICS', 'WAITING_OUTBOUND', { attributes }), consignee(withTown), { phone: '13700003333' })).toMatchObject({ allowed: true, rebindVirtualNumber: true });
    });
  });

  it.each(['DELIVERED', 'COMPLETED'] as const)('refuses any change once %s', (status) => {
    for (const carrier of ['JD_LOGISTICS', 'THIRD_PARTY'] as const) {
      const decision = decideConsigneeChange(order(carrier, status), consignee(withTown), { address: changeDetail(withTown) });
      expect(decision).toMatchObject({ allowed: false, veto: { code: 'CONSIGNEE_CHANGE_AFTER_DELIVERY' } });
    }
  });

  it('refuses changes to a cancelled order', () => {
    expect(decideConsigneeChange(order('JD_LOGISTICS', 'CANCELLED'), consignee(withTown), { name: '钱七' })).toMatchObject({ allowed: false, veto: { code: 'ORDER_CANCELLED' } });
  });

  it('flags a phone change for re-binding the virtual number, and only a real one', () => {
    const subject = order('JD_LOGISTICS', 'SHIPPED');
    expect(decideConsigneeChange(subject, consignee(withTown), { phone: '13700003333' })).toMatchObject({ allowed: true, rebindVirtualNumber: true, changes: { phone: true } });
    expect(decideConsigneeChange(subject, consignee(withTown), { phone: '+86 137 0000 2222' })).toMatchObject({ allowed: true, changed: false, rebindVirtualNumber: false });
    expect(decideConsigneeChange(subject, consignee(withTown), { name: '孙八' })).toMatchObject({ allowed: true, rebindVirtualNumber: false, changes: { name: true } });
  });

  it('returns the new consignee with omitted parts kept', () => {
    const decision = decideConsigneeChange(order('THIRD_PARTY', 'UNPAID'), consignee(withTown), { address: CHANGE_LEVEL[1](withTown) });
    expect(decision.allowed && decision.consignee).toEqual({ name: '赵六', phone: '13700002222', address: CHANGE_LEVEL[1](withTown) });
  });

  it('treats a request equal to the current consignee as no change, even where nothing may change', () => {
    const respaced = { ...withTown, detail: '科技园1栋' };
    expect(decideConsigneeChange(order('THIRD_PARTY', 'SHIPPED'), consignee(withTown), { address: respaced })).toMatchObject({ allowed: true, changed: false });
  });

  it('refuses an incomplete address, an empty name and a phone without digits', () => {
    const subject = order('THIRD_PARTY', 'UNPAID');
    expect(decideConsigneeChange(subject, consignee(withTown), { address: { ...withTown, county: ' ' } })).toMatchObject({ allowed: false, veto: { code: 'INVALID_ADDRESS' } });
    expect(decideConsigneeChange(subject, consignee(withTown), { name: '  ' })).toMatchObject({ allowed: false, veto: { code: 'INVALID_CONSIGNEE_NAME' } });
    expect(decideConsigneeChange(subject, consignee(withTown), { phone: 'call me' })).toMatchObject({ allowed: false, veto: { code: 'INVALID_CONSIGNEE_PHONE' } });
  });
});
