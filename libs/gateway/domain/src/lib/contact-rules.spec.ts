import { isVeto } from '@orderline/shared/process';
import { addMonths, otherContactLookupVeto, virtualNumberQuotaVeto, virtualNumberBindingStillValid, virtualNumberValidity } from './contact-rules';
import { nextPlatformMidnight, platformDayOf } from '@orderline/shared/platform-rules';

const CST = 480;

describe('platform days (00:00 China Standard Time)', () => {
  it('splits days at 16:00 UTC', () => {
    expect(platformDayOf(new Date('2026-11-23T15:59:59Z'), CST)).toBe('2026-11-23');
    expect(platformDayOf(new Date('2026-11-23T16:00:00Z'), CST)).toBe('2026-11-24');
    expect(nextPlatformMidnight(new Date('2026-11-23T10:00:00Z'), CST).toISOString()).toBe('2026-11-23T16:00:00.000Z');
    expect(nextPlatformMidnight(new Date('2026-11-23T16:00:00Z'), CST).toISOString()).toBe('2026-11-24T16:00:00.000Z');
  });
});

describe('other contacts limit (domain.md §6.3)', () => {
  const fortyNine = new Set(Array.from({ length: 49 }, (_, i) => `o${i}`));
  it('allows the 50th distinct order and any repeat, refuses the 51st', () => {
    expect(otherContactLookupVeto(fortyNine, 'new')).toBeUndefined();
    const fifty = new Set([...fortyNine, 'o49']);
    expect(otherContactLookupVeto(fifty, 'o3')).toBeUndefined();
    expect(otherContactLookupVeto(fifty, 'o50')).toMatchObject({ code: 'OTHER_CONTACTS_DAILY_LIMIT' });
  });
});

describe('virtual number validity (domain.md §6.2)', () => {
  const now = new Date('2026-06-10T08:00:00Z');
  it('lasts until completion while the order runs', () => {
    expect(virtualNumberValidity({ status: 'SHIPPED' }, 'ORDER', now)).toEqual({ expiresAt: null });
  });

  it('after completion: 2 days, for up to 3 months', () => {
    const completedAt = new Date('2026-03-10T08:00:00Z');
    expect(virtualNumberValidity({ status: 'COMPLETED', completedAt }, 'ORDER', now)).toEqual({ expiresAt: new Date('2026-06-12T08:00:00Z') });
    expect(virtualNumberValidity({ status: 'COMPLETED', completedAt }, 'ORDER', new Date('2026-06-10T08:00:01Z'))).toMatchObject({ code: 'VIRTUAL_NUMBER_WINDOW_CLOSED' });
  });

  it('after-sales numbers last 15 days; cancelled orders get none', () => {
    expect(virtualNumberValidity({ status: 'COMPLETED', completedAt: new Date('2020-01-01Z') }, 'AFTER_SALES', now)).toEqual({ expiresAt: new Date('2026-06-25T08:00:00Z') });
    expect(isVeto(virtualNumberValidity({ status: 'CANCELLED' }, 'ORDER', now))).toBe(true);
  });

  it('adds months clamping to the month end', () => {
    expect(addMonths(new Date('2026-11-30T00:00:00Z'), 3).toISOString()).toBe('2027-02-28T00:00:00.000Z');
    expect(addMonths(new Date('2027-11-30T00:00:00Z'), 3).toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });
});

describe('virtual number binding quota', () => {
  it('allows the daily bindings, then 30 more after SMS verification', () => {
    expect(virtualNumberQuotaVeto(99, false, 100)).toBeUndefined();
    expect(virtualNumberQuotaVeto(100, false, 100)).toMatchObject({ code: 'VIRTUAL_NUMBER_LIMIT_REACHED' });
    expect(virtualNumberQuotaVeto(129, true, 100)).toBeUndefined();
    expect(virtualNumberQuotaVeto(130, true, 100)?.reason).toMatch(/100 \+ 30/);
  });
});

describe('reusing a virtual number binding (domain.md §1.6, §6.2)', () => {
  it('reuses a binding for the same phone while it is in force, re-binds for a new phone or a completed order', () => {
    const untilCompletion = { consigneePhoneHash: 'h1', expiresAt: null };
    expect(virtualNumberBindingStillValid(untilCompletion, 'h1', 'SHIPPED')).toBe(true);
    expect(virtualNumberBindingStillValid(untilCompletion, 'h2', 'SHIPPED')).toBe(false);
    expect(virtualNumberBindingStillValid(untilCompletion, 'h1', 'COMPLETED')).toBe(false);
    expect(virtualNumberBindingStillValid({ consigneePhoneHash: 'h1', expiresAt: new Date('2026-06-12T08:00:00Z') }, 'h1', 'COMPLETED')).toBe(true);
  });
});
