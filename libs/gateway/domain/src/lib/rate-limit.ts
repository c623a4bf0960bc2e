/**
 * Fixed-window request counting per key (an IP, an account, a username at an IP). Pure:
 * the caller passes the time, so the limits follow the platform clock in tests.
 */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

export type RateLimitDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export class FixedWindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly rule: RateLimitRule,
    /** Keys kept before expired windows are swept, so memory stays bounded. */
    private readonly sweepAbove = 50_000,
  ) {
    if (!Number.isInteger(rule.limit) || rule.limit < 1) throw new Error('a rate limit must be a positive integer');
  }

  take(key: string, nowMs: number): RateLimitDecision {
    const start = nowMs - (nowMs % this.rule.windowMs);
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      if (this.windows.size >= this.sweepAbove) this.sweep(start);
      window = { start, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= this.rule.limit) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((start + this.rule.windowMs - nowMs) / 1000)) };
    }
    window.count += 1;
    return { allowed: true, remaining: this.rule.limit - window.count };
  }

  private sweep(currentStart: number): void {
    for (const [key, window] of this.windows) if (window.start !== currentStart) this.windows.delete(key);
  }
}

/**
 * At most `limit` takes in ANY `windowMs` span per key (a sliding log of the last `limit`
 * times). Used for sign-in attempts: a fixed window aligned to the clock lets a guesser make
 * twice the limit across a window boundary, and splits one burst of attempts in two whenever it
 * happens to straddle the minute. Memory is `limit` numbers per key, so it suits small limits.
 */
export class SlidingWindowCounter {
  private readonly logs = new Map<string, number[]>();

  constructor(
    private readonly rule: RateLimitRule,
    /** Keys kept before keys with no take inside the window are swept, so memory stays bounded. */
    private readonly sweepAbove = 50_000,
  ) {
    if (!Number.isInteger(rule.limit) || rule.limit < 1) throw new Error('a rate limit must be a positive integer');
  }

  take(key: string, nowMs: number): RateLimitDecision {
    const since = nowMs - this.rule.windowMs;
    let log = this.logs.get(key);
    if (!log) {
      if (this.logs.size >= this.sweepAbove) this.sweep(since);
      log = [];
      this.logs.set(key, log);
    }
    while (log.length > 0 && log[0] <= since) log.shift();
    if (log.length >= this.rule.limit) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((log[0] + this.rule.windowMs - nowMs) / 1000)) };
    }
    log.push(nowMs);
    return { allowed: true, remaining: this.rule.limit - log.length };
  }

  private sweep(since: number): void {
    for (const [key, log] of this.logs) if (log.length === 0 || log[log.length - 1] <= since) this.logs.delete(key);
  }
}
