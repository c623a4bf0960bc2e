// The open loops' pacing (tools/bench/lib/common.cjs): (c)'s half load and (d)'s paced refunds
// sleep until their next arrival falls due instead of waking every millisecond.
const { untilNextArrival } = require('./lib/common.cjs') as {
  untilNextArrival: (options: { startedAt: number; arrivals: number; ratePerSecond: number; endAt: number; at: number }) => number;
};

describe('untilNextArrival', () => {
  it('sleeps until the next arrival of the rate falls due', () => {
    // 50/s: arrival n is due n × 20 ms after the start; 3 fired, the 4th is due at 80 ms.
    expect(untilNextArrival({ startedAt: 1_000, arrivals: 3, ratePerSecond: 50, endAt: 10_000, at: 1_065 })).toBe(15);
    // A fraction of a millisecond is rounded up, so the arrival is due when the loop wakes.
    expect(untilNextArrival({ startedAt: 0, arrivals: 0, ratePerSecond: 3, endAt: 10_000, at: 0 })).toBe(334);
  });

  it('never sleeps past the end of the phase', () => {
    expect(untilNextArrival({ startedAt: 0, arrivals: 0, ratePerSecond: 1, endAt: 200, at: 150 })).toBe(50);
  });

  it('sleeps at least a millisecond, so a late loop does not spin', () => {
    expect(untilNextArrival({ startedAt: 0, arrivals: 5, ratePerSecond: 100, endAt: 10_000, at: 70 })).toBe(1);
  });
});
