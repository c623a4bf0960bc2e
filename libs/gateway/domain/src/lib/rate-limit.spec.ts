import { FixedWindowCounter, SlidingWindowCounter } from './rate-limit';

describe('fixed-window rate limit', () => {
  it('allows up to the limit per window and says when to come back', () => {
    const counter = new FixedWindowCounter({ limit: 3, windowMs: 60_000 });
    const t0 = 1_000_000 * 60_000 + 10_000; // 10 s into a window
    expect(counter.take('ip-1', t0)).toEqual({ allowed: true, remaining: 2 });
    counter.take('ip-1', t0 + 1);
    expect(counter.take('ip-1', t0 + 2)).toEqual({ allowed: true, remaining: 0 });
    expect(counter.take('ip-1', t0 + 3)).toEqual({ allowed: false, retryAfterSeconds: 50 });
    expect(counter.take('ip-2', t0 + 3)).toMatchObject({ allowed: true });
    expect(counter.take('ip-1', t0 + 50_000)).toMatchObject({ allowed: true });
  });

  it('sweeps expired windows and refuses nonsense limits', () => {
    const counter = new FixedWindowCounter({ limit: 1, windowMs: 1_000 }, 2);
    counter.take('a', 0);
    counter.take('b', 0);
    expect(counter.take('c', 5_000)).toMatchObject({ allowed: true });
    expect(counter.take('a', 5_001)).toMatchObject({ allowed: true });
    expect(() => new FixedWindowCounter({ limit: 0, windowMs: 1 })).toThrow();
  });
});

describe('sliding-window rate limit (sign-in attempts)', () => {
  it('allows at most the limit in any window, even across a clock minute', () => {
    const counter = new SlidingWindowCounter({ limit: 3, windowMs: 60_000 });
    const t0 = 1_000_000 * 60_000 - 1_000; // 1 s before a minute boundary
    expect(counter.take('u@ip', t0)).toEqual({ allowed: true, remaining: 2 });
    expect(counter.take('u@ip', t0 + 500)).toEqual({ allowed: true, remaining: 1 });
    expect(counter.take('u@ip', t0 + 1_500)).toEqual({ allowed: true, remaining: 0 }); // past the boundary
    expect(counter.take('u@ip', t0 + 2_000)).toEqual({ allowed: false, retryAfterSeconds: 58 });
    expect(counter.take('other@ip', t0 + 2_000)).toMatchObject({ allowed: true });
    expect(counter.take('u@ip', t0 + 60_000)).toMatchObject({ allowed: true }); // the first take left the window
    expect(counter.take('u@ip', t0 + 60_001)).toMatchObject({ allowed: false });
  });

  it('sweeps keys with nothing left in the window and refuses nonsense limits', () => {
    const counter = new SlidingWindowCounter({ limit: 1, windowMs: 1_000 }, 2);
    counter.take('a', 0);
    counter.take('b', 0);
    expect(counter.take('c', 5_000)).toMatchObject({ allowed: true });
    expect(counter.take('a', 5_001)).toMatchObject({ allowed: true });
    expect(() => new SlidingWindowCounter({ limit: 0, windowMs: 1 })).toThrow();
  });
});
