import { daysAfter, daysWindow, isInside } from './platform-day';

const DAY = 86_400_000;
const x = new Date('2025-03-01T10:30:00+08:00');

describe('platform days (domain.md §2.4)', () => {
  it('"N days after X" is X + N × 24 h', () => {
    expect(daysAfter(x, 0)).toEqual(x);
    expect(daysAfter(x, 21).getTime()).toBe(x.getTime() + 21 * DAY);
  });

  it('"days a–b after X" is [X + (a − 1) × 24 h, X + b × 24 h)', () => {
    const window = daysWindow(x, 18, 20);
    expect(window.opensAt.getTime()).toBe(x.getTime() + 17 * DAY);
    expect(window.closesAt.getTime()).toBe(x.getTime() + 20 * DAY);
    expect(isInside(window, new Date(window.opensAt.getTime() - 1))).toBe(false);
    expect(isInside(window, window.opensAt)).toBe(true);
    expect(isInside(window, new Date(window.closesAt.getTime() - 1))).toBe(true);
    expect(isInside(window, window.closesAt)).toBe(false);
  });

  it('day 1 starts at X itself', () => {
    expect(daysWindow(x, 1, 3)).toEqual({ opensAt: x, closesAt: new Date(x.getTime() + 3 * DAY) });
  });

  it('refuses fractional, negative and reversed counts', () => {
    expect(() => daysAfter(x, 1.5)).toThrow();
    expect(() => daysAfter(x, -1)).toThrow();
    expect(() => daysWindow(x, 0, 3)).toThrow();
    expect(() => daysWindow(x, 5, 4)).toThrow();
  });
});
