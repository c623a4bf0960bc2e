// The open loops' pacing (tools/bench/lib/common.cjs): (c)'s half load and (d)'s paced refunds
// count the arrivals due and sleep until the next one falls due instead of waking every millisecond.
type Schedule = { dueBy: (at: number) => number; untilNext: (arrivals: number, at: number) => number };
const { arrivalSchedule } = require('./lib/common.cjs') as {
  arrivalSchedule: (options: { startedAt: number; ratePerSecond: number; endAt: number }) => Schedule;
};

describe('arrivalSchedule', () => {
  it('counts the arrivals fallen due at the rate', () => {
    // 50/s: arrival n is due n × 20 ms after the start.
    const schedule = arrivalSchedule({ startedAt: 1_000, ratePerSecond: 50, endAt: 10_000 });
    expect(schedule.dueBy(1_000)).toBe(0);
    expect(schedule.dueBy(1_079)).toBe(3);
    expect(schedule.dueBy(1_080)).toBe(4);
  });

  it('sleeps until the next arrival of the rate falls due', () => {
    // 3 fired, the 4th is due at 80 ms.
    expect(arrivalSchedule({ startedAt: 1_000, ratePerSecond: 50, endAt: 10_000 }).untilNext(3, 1_065)).toBe(15);
    // A fraction of a millisecond is rounded up, so the arrival is due when the loop wakes.
    expect(arrivalSchedule({ startedAt: 0, ratePerSecond: 3, endAt: 10_000 }).untilNext(0, 0)).toBe(334);
    // Woken then, the loop finds it due.
    expect(arrivalSchedule({ startedAt: 0, ratePerSecond: 3, endAt: 10_000 }).dueBy(334)).toBe(1);
  });

  it('never sleeps past the end of the phase', () => {
    expect(arrivalSchedule({ startedAt: 0, ratePerSecond: 1, endAt: 200 }).untilNext(0, 150)).toBe(50);
  });

  it('sleeps at least a millisecond, so a late loop does not spin', () => {
    expect(arrivalSchedule({ startedAt: 0, ratePerSecond: 100, endAt: 10_000 }).untilNext(5, 70)).toBe(1);
  });
});
