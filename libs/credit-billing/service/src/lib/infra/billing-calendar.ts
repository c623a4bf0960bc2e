import { CalendarDate } from '@orderline/credit-billing/domain';

/**
 * The platform date of an instant: statements, due dates and late fees count calendar days
 * in platform time (UTC + PLATFORM_UTC_OFFSET_MINUTES, default China Standard Time).
 */
export function platformDate(instant: Date, utcOffsetMinutes: number): CalendarDate {
  return new Date(instant.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 10) as CalendarDate;
}
