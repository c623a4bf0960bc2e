/**
 * Calendar days in platform time. The platform's day ends at 00:00 local time
 * (domain.md §6.3: "expires at 00:00"); local time is UTC + PLATFORM_UTC_OFFSET_MINUTES
 * (default 480, China Standard Time, which has no daylight saving).
 */
export function platformDayOf(instant: Date, utcOffsetMinutes: number): string {
  return new Date(instant.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The next 00:00 of platform time strictly after `instant`. */
export function nextPlatformMidnight(instant: Date, utcOffsetMinutes: number): Date {
  const local = instant.getTime() + utcOffsetMinutes * 60_000;
  const dayMs = 86_400_000;
  return new Date((Math.floor(local / dayMs) + 1) * dayMs - utcOffsetMinutes * 60_000);
}
