import { FixedWindowCounter } from './rate-limit';

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
