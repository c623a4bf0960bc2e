import { exportTaskVeto, passwordSmsVeto } from './export-limits';
import { columnsFor, EXPORT_TYPES, EXPORT_TYPE_DEFINITIONS } from './export-types';
import { rowProjector } from './row-projection';

const at = (iso: string) => new Date(iso);
const DAY = 86_400_000;

describe('export task limits (domain.md §5)', () => {
  const now = at('2026-03-10T04:00:00Z'); // 12:00 platform time (UTC+8)
  const range = (days: number) => ({ from: new Date(now.getTime() - days * DAY), to: now });

  it('allows 31 days for order details, discounts, shipping info and unpaid; 60 for the rest', () => {
    for (const type of ['ORDER_DETAILS', 'ORDER_DISCOUNTS', 'ORDER_EXPRESS', 'UNPAID_ORDERS'] as const) {
      expect(exportTaskVeto({ type, ...range(31), now, previous: [] })).toBeUndefined();
      expect(exportTaskVeto({ type, ...range(32), now, previous: [] })?.code).toBe('EXPORT_RANGE_TOO_LONG');
    }
    expect(exportTaskVeto({ type: 'PRESALE_ORDERS', ...range(60), now, previous: [] })).toBeUndefined();
    expect(exportTaskVeto({ type: 'LOC_SIGNUPS', ...range(61), now, previous: [] })?.limit).toMatch(/60 days/);
    expect(exportTaskVeto({ type: 'SHIPPING_WARNINGS', from: now, to: now, now, previous: [] })?.code).toBe('EXPORT_RANGE_INVALID');
  });

  it('needs 10 minutes between two tasks and says when the next one is allowed', () => {
    const last = new Date(now.getTime() - 9 * 60_000);
    const veto = exportTaskVeto({ type: 'ORDER_DETAILS', ...range(1), now, previous: [last] });
    expect(veto).toMatchObject({ code: 'EXPORT_TOO_SOON', nextAllowedAt: new Date(last.getTime() + 600_000) });
    expect(exportTaskVeto({ type: 'ORDER_DETAILS', ...range(1), now, previous: [new Date(now.getTime() - 600_000)] })).toBeUndefined();
  });

  it('allows 10 tasks per platform day, the next at 00:00 platform time', () => {
    const today = Array.from({ length: 10 }, (_, i) => new Date(now.getTime() - (i + 1) * 11 * 60_000));
    expect(exportTaskVeto({ type: 'ORDER_DETAILS', ...range(1), now, previous: today })).toMatchObject({ code: 'EXPORT_DAILY_LIMIT', nextAllowedAt: at('2026-03-10T16:00:00Z') });
    expect(exportTaskVeto({ type: 'ORDER_DETAILS', ...range(1), now, previous: today.slice(1) })).toBeUndefined();
    // Yesterday's tasks (platform time) do not count.
    const yesterday = today.map((d) => new Date(d.getTime() - DAY));
    expect(exportTaskVeto({ type: 'ORDER_DETAILS', ...range(1), now, previous: yesterday })).toBeUndefined();
  });
});

describe('password SMS limits (domain.md §5)', () => {
  const now = at('2026-03-10T04:00:00Z');
  it('needs 60 s between sends and allows 5 per task per day', () => {
    expect(passwordSmsVeto([], now)).toBeUndefined();
    expect(passwordSmsVeto([new Date(now.getTime() - 59_000)], now)).toMatchObject({ code: 'PASSWORD_SMS_TOO_SOON', nextAllowedAt: new Date(now.getTime() + 1_000) });
    const five = Array.from({ length: 5 }, (_, i) => new Date(now.getTime() - (i + 1) * 61_000));
    expect(passwordSmsVeto(five, now)).toMatchObject({ code: 'PASSWORD_SMS_DAILY_LIMIT', nextAllowedAt: at('2026-03-10T16:00:00Z') });
    expect(passwordSmsVeto(five.slice(1), now)).toBeUndefined();
  });
});

describe('export types and consignee modes', () => {
  it('covers every type of domain.md §5 with the right encrypted flag', () => {
    expect(EXPORT_TYPES).toHaveLength(18);
    expect(EXPORT_TYPES.filter((t) => EXPORT_TYPE_DEFINITIONS[t].encrypted)).toEqual(['ORDER_DETAILS', 'UNPAID_ORDERS', 'PRESALE_ORDERS', 'BONDED_ORDERS', 'TOP_UP_GIFT_ORDERS', 'LOC_ORDERS', 'LOC_SIGNUPS', 'LOC_DRIVING_SCHOOL_SIGNUPS', 'LOC_ACTIVITY_SIGNUPS']);
  });

  it('leaves consumer data out (NONE), masks it (MASKED) or keeps it (FULL)', () => {
    const record = { orderId: 'o1', consigneeName: '王小明', consigneePhone: '13812348000', province: '广东省', city: '深圳市', county: '南山区', town: '粤海街道', addressDetail: '科技园 1 号', goodsTotal: 100 };
    const keys = (mode: 'NONE' | 'MASKED' | 'FULL') => columnsFor('UNPAID_ORDERS', mode).map((c) => c.key);
    expect(keys('NONE')).not.toContain('consigneeName');
    expect(keys('NONE')).not.toContain('province');
    const pick = (mode: 'NONE' | 'MASKED' | 'FULL') => {
      const projector = rowProjector('UNPAID_ORDERS', mode);
      const row = projector.project(record);
      return Object.fromEntries(projector.columns.map((c, i) => [c.key, row[i]]));
    };
    expect(pick('MASKED')).toMatchObject({ consigneeName: '王**', consigneePhone: '138****8000', province: '广东省', city: '深圳市', county: '***', town: '***', addressDetail: '***', goodsTotal: 100 });
    expect(pick('FULL')).toMatchObject({ consigneeName: '王小明', consigneePhone: '13812348000', county: '南山区', addressDetail: '科技园 1 号' });
  });
});
