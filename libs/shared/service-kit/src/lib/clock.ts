/**
 * The platform clock: every time-based rule reads it, never `new Date()` directly, so the
 * test clock (TEST_CLOCK=1) can move time for the whole service.
 */
export interface Clock {
  now(): Date;
}

export class SystemClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  /** Test clock only: moves this process's time forward. */
  advanceBy(ms: number): void {
    if (ms < 0) throw new Error('the platform clock never goes back');
    this.offsetMs += ms;
  }

  /** How far this process's clock runs ahead of the system clock. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Test clock only: takes another process's offset (a restarted service catching up); never lowers it. */
  adoptOffset(offsetMs: number): void {
    if (offsetMs > this.offsetMs) this.offsetMs = offsetMs;
  }

  /** Test clock only: jumps to an instant (never backwards). */
  setNow(instant: Date): void {
    const offset = instant.getTime() - Date.now();
    if (offset < this.offsetMs) throw new Error('the platform clock never goes back');
    this.offsetMs = offset;
  }
}
