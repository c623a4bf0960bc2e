/**
 * What the timer table's "days" mean (domain.md §2.4). Every instant is a Date on the
 * platform clock; the domain never reads the clock, the caller passes `now`.
 *
 * - "N days after X" and "on day N after X" (a deadline) are the instant X + N × 24 h.
 *   A deadline is reached when now ≥ that instant.
 * - "on days a–b after X" (a window) is the a-th through b-th 24-hour day counted from X,
 *   day k being [X + (k − 1) × 24 h, X + k × 24 h). The window is half-open:
 *   [X + (a − 1) × 24 h, X + b × 24 h): open at its first instant, closed at its last.
 *
 * With this reading "3 days after delivery, extend within those 3 days" is the window
 * days 1–3 closing exactly at the deadline, and the cross-border "button days 21–23,
 * confirm on day 23" does the same; the domestic "button days 18–20, confirm on day 21"
 * leaves one day without the button, as the source says. Days are fixed 24-hour spans, not
 * calendar days; the platform's zone (UTC+8) has no daylight saving, so the two agree.
 */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** "N days after X": X + N × 24 h. */
export function daysAfter(from: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 0) throw new Error(`day counts are whole and non-negative, got ${days}`);
  return new Date(from.getTime() + days * DAY_MS);
}

export interface DayWindow {
  /** First instant inside the window. */
  opensAt: Date;
  /** First instant after the window. */
  closesAt: Date;
}

/** "on days a–b after X": [X + (a − 1) × 24 h, X + b × 24 h). */
export function daysWindow(from: Date, firstDay: number, lastDay: number): DayWindow {
  if (!Number.isInteger(firstDay) || !Number.isInteger(lastDay) || firstDay < 1 || lastDay < firstDay) {
    throw new Error(`a day window runs from day 1 or later to a day not before it, got ${firstDay}-${lastDay}`);
  }
  return { opensAt: daysAfter(from, firstDay - 1), closesAt: daysAfter(from, lastDay) };
}

export function isInside(window: DayWindow, now: Date): boolean {
  return now.getTime() >= window.opensAt.getTime() && now.getTime() < window.closesAt.getTime();
}
