import { maskAddress, maskConsignee, maskIdNumber, maskName, maskPhone } from './masking';

describe('masking (domain.md §6.1)', () => {
  it('masks names after the first character', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧**');
    expect(maskName('A')).toBe('A*');
  });

  it('masks the middle of a phone number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+8613812345678')).toBe('+86138****5678');
    expect(maskPhone('5678123')).toBe('***8123');
  });

  it('keeps province and city only', () => {
    expect(maskAddress({ province: '广东省', city: '深圳市', county: '南山区', town: '粤海街道', detail: '科技园 1 号' })).toEqual({ province: '广东省', city: '深圳市', county: '***', town: '***', detail: '***' });
    const masked = maskConsignee({ name: '王小明', phone: '13800138000', address: { province: 'P', city: 'C', county: 'X', detail: 'secret street 9' } });
    expect(JSON.stringify(masked)).not.toMatch(/小明|00138|secret|X/);
  });
});

describe('identity document numbers (LOC sign-ups)', () => {
  it('keeps the first 3 and last 4 characters', () => {
    expect(maskIdNumber('110101199003071234')).toBe('110***********1234');
    expect(maskIdNumber('E12345678')).toBe('E12**5678');
    expect(maskIdNumber('1234567')).toBe('*******');
  });
});
