import { DEFAULT_RETRY_POLICY, retryDelayMs, shouldRetry, validateRetryPolicy } from './retry-policy';

describe('retry policy', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 350 };

  it('backs off exponentially up to the cap', () => {
    const noJitter = () => 0;
    expect(retryDelayMs(1, policy, noJitter)).toBe(0);
    expect(retryDelayMs(2, policy, noJitter)).toBe(100);
    expect(retryDelayMs(3, policy, noJitter)).toBe(200);
    expect(retryDelayMs(4, policy, noJitter)).toBe(350);
    expect(retryDelayMs(9, policy, noJitter)).toBe(350);
  });

  it('adds at most 20 % jitter', () => {
    expect(retryDelayMs(2, policy, () => 1)).toBe(120);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(220);
  });

  it('is bounded', () => {
    expect(shouldRetry(3, policy)).toBe(true);
    expect(shouldRetry(4, policy)).toBe(false);
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBeGreaterThan(1);
  });

  it('refuses nonsense settings', () => {
    expect(() => validateRetryPolicy({ maxAttempts: 0, baseDelayMs: 1, maxDelayMs: 1 })).toThrow();
    expect(() => validateRetryPolicy({ maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 1 })).toThrow();
  });
});
