import { shippingDeadlineState } from './shipping-deadline';

const HOUR = 60 * 60 * 1000;
const promisedShipBy = new Date('2025-03-10T16:00:00Z');
const at = (offsetMs: number) => new Date(promisedShipBy.getTime() + offsetMs);

describe('shipping warnings and time-outs (domain.md §1.8)', () => {
  it.each([
    ['long before the window', -48 * HOUR, 'NONE'],
    ['a millisecond before the 24 h window', -24 * HOUR - 1, 'NONE'],
    ['as the 24 h window opens', -24 * HOUR, 'WARNING'],
    ['inside the window', -HOUR, 'WARNING'],
    ['at the deadline itself', 0, 'WARNING'],
    ['a millisecond after the deadline', 1, 'TIMED_OUT'],
    ['days after', 72 * HOUR, 'TIMED_OUT'],
  ] as const)('%s → %s', (_label, offset, state) => {
    expect(shippingDeadlineState({ promisedShipBy }, at(offset)).state).toBe(state);
  });

  it('uses a configured warning window', () => {
    const policy = { warningWindowMs: 6 * HOUR };
    expect(shippingDeadlineState({ promisedShipBy }, at(-6 * HOUR - 1), policy).state).toBe('NONE');
    expect(shippingDeadlineState({ promisedShipBy }, at(-6 * HOUR), policy)).toEqual({ state: 'WARNING', deadline: promisedShipBy, warningFrom: at(-6 * HOUR) });
  });

  it('judges a shipped order at its shipping time', () => {
    expect(shippingDeadlineState({ promisedShipBy, shippedAt: at(0) }, at(100 * HOUR)).state).toBe('NONE');
    expect(shippingDeadlineState({ promisedShipBy, shippedAt: at(-2 * HOUR) }, at(-HOUR)).state).toBe('NONE');
    expect(shippingDeadlineState({ promisedShipBy, shippedAt: at(1) }, at(100 * HOUR)).state).toBe('TIMED_OUT');
  });

  it('refuses a negative window', () => {
    expect(() => shippingDeadlineState({ promisedShipBy }, at(0), { warningWindowMs: -1 })).toThrow(/non-negative/);
  });
});
