/**
 * Bounded retries with exponential back-off for a message whose handling failed. After
 * `maxAttempts` the message goes to the dead-letter topic and the partition moves on.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

/**
 * Delay before attempt `nextAttempt` (2, 3, …): base × 2^(n−2), capped, with up to 20 %
 * jitter so that many consumers failing together do not retry in lock-step.
 * `random` is injectable so the rule can be tested exactly.
 */
export function retryDelayMs(nextAttempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  if (nextAttempt < 2) return 0;
  const exponential = policy.baseDelayMs * 2 ** (nextAttempt - 2);
  const capped = Math.min(exponential, policy.maxDelayMs);
  return Math.round(capped * (1 + 0.2 * random()));
}

export function shouldRetry(attemptsMade: number, policy: RetryPolicy): boolean {
  return attemptsMade < policy.maxAttempts;
}

export function validateRetryPolicy(policy: RetryPolicy): RetryPolicy {
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) throw new Error('maxAttempts must be a positive integer');
  if (policy.baseDelayMs < 0 || policy.maxDelayMs < policy.baseDelayMs) throw new Error('retry delays must satisfy 0 ≤ base ≤ max');
  return policy;
}
