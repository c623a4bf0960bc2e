import { maskPersonalData } from './personal-data-masking';

describe('maskPersonalData (domain.md §6.1)', () => {
  const consignee = { name: '王小明', phone: '13800138000', address: { province: '广东省', city: '深圳市', county: '南山区', detail: '科技园 1 号' } };

  it('masks a consignee wherever it sits: top level, nested, in arrays', () => {
    const body = { consignee, items: [{ consignee, orders: [{ consignee }] }], other: { deeper: { consignee } } };
    const text = JSON.stringify(maskPersonalData(body));
    for (const clear of ['王小明', '13800138000', '南山区', '科技园']) expect(text).not.toContain(clear);
    expect(maskPersonalData({ consignee })).toEqual({ consignee: { name: '王**', phone: '138****8000', address: { province: '广东省', city: '深圳市', county: '***', detail: '***' } } });
  });

  it('masks flat personal fields and leaves everything else alone', () => {
    const masked = maskPersonalData({ consigneeName: '李四', consigneePhone: '13912345678', consigneeAddress: '北京市朝阳区某街 1 号', id: 'x', total: 100, note: null, buyer: { id: 'b', name: '赵六' } }) as Record<string, any>;
    expect(masked).toEqual({ consigneeName: '李*', consigneePhone: '139****5678', consigneeAddress: '***', id: 'x', total: 100, note: null, buyer: { id: 'b', name: '赵*' } });
  });

  it('is idempotent: masking a masked answer changes nothing', () => {
    const once = maskPersonalData({ consignee });
    expect(maskPersonalData(once)).toEqual(once);
  });

  it('masks a LOC sign-up form: name, phone and the ID number (first 3 and last 4 kept)', () => {
    const masked = maskPersonalData({ signup: { kind: 'DRIVING_SCHOOL', name: '王小明', phone: '13700001111', idType: 'RESIDENT_ID', idNumber: '110101199003071234', classDate: '2026-12-20' } });
    expect(masked).toEqual({ signup: { kind: 'DRIVING_SCHOOL', name: '王**', phone: '137****1111', idType: 'RESIDENT_ID', idNumber: '110***********1234', classDate: '2026-12-20' } });
    expect(maskPersonalData(masked)).toEqual(masked);
  });
});
