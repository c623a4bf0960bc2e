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
