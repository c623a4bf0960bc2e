import { normalisePhone, normaliseText, sameAddress, sameConsignee } from './consignee-comparison';
import { Consignee } from './order-attributes';

const consignee: Consignee = {
  name: '张三',
  phone: '13800138000',
  address: { province: '北京市', city: '北京市', county: '朝阳区', town: '望京街道', detail: '阜通东大街 6 号 1201' },
};

describe('consignee equality (domain.md §1.9)', () => {
  it('ignores every kind of whitespace, full-width forms and Latin case', () => {
    expect(normaliseText(' 阜通东大街\u30006号\t1201 ')).toBe('阜通东大街6号1201');
    expect(normaliseText('１２号 Room A')).toBe('12号rooma');
  });

  it('compares phones as digits, with an optional +86', () => {
    expect(normalisePhone('+86 138-0013-8000')).toBe('13800138000');
    expect(normalisePhone('138 0013 8000')).toBe('13800138000');
    expect(normalisePhone('010-6552 9988')).toBe('01065529988');
  });

  it('treats whitespace variants of one consignee as the same', () => {
    const spaced: Consignee = {
      name: ' 张 三 ',
      phone: '+86 13800138000',
      address: { province: '北京市 ', city: '北京市', county: '朝阳区', town: '望京 街道', detail: '阜通东大街6号1201' },
    };
    expect(sameConsignee(consignee, spaced)).toBe(true);
  });

  it('tells apart a different name, phone, level or detail', () => {
    expect(sameConsignee(consignee, { ...consignee, name: '张四' })).toBe(false);
    expect(sameConsignee(consignee, { ...consignee, phone: '13800138001' })).toBe(false);
    expect(sameAddress(consignee.address, { ...consignee.address, town: undefined })).toBe(false);
    expect(sameAddress(consignee.address, { ...consignee.address, county: '朝阳' })).toBe(false);
    expect(sameAddress(consignee.address, { ...consignee.address, detail: '阜通东大街 6 号 1202' })).toBe(false);
  });

  it('does not let text slide between levels', () => {
    const a = { province: 'AB', city: 'C', county: 'D', detail: 'x' };
    const b = { province: 'A', city: 'BC', county: 'D', detail: 'x' };
    expect(sameAddress(a, b)).toBe(false);
  });

  it('treats a missing town as an empty one', () => {
    const noTown = { province: '北京市', city: '北京市', county: '朝阳区', detail: '6号' };
    expect(sameAddress(noTown, { ...noTown, town: ' ' })).toBe(true);
  });
});
