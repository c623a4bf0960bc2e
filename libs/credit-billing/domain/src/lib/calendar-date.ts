/**
 * A calendar date in platform time, written as an ISO `YYYY-MM-DD` string.
 *
 * Why a string: it is what the database (`date`), events and REST carry, it sorts and
 * compares correctly as text, and it has no time zone or time of day to get wrong. Billing
 * only ever needs whole days: a statement is issued "at the start of" a day and a late fee
 * is charged per completed day (domain.md §4.3, §4.4). The domain never reads a clock; the
 * caller passes "today" in.
 *
 * Arithmetic is done on a day number (days since 1970-01-01, proleptic Gregorian) with
 * integer-only conversions, so no `Date` object (and no host time zone) is involved.
 */
export type CalendarDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class CalendarDateError extends Error {}

export interface CalendarDateParts {
  year: number;
  month: number;
  day: number;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isCalendarDate(value: unknown): value is CalendarDate {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function assertCalendarDate(value: unknown, what = 'date'): asserts value is CalendarDate {
  if (!isCalendarDate(value)) throw new CalendarDateError(`${what} must be a calendar date YYYY-MM-DD, got ${String(value)}`);
}

export function partsOf(date: CalendarDate): CalendarDateParts {
  assertCalendarDate(date);
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

export function calendarDate(year: number, month: number, day: number): CalendarDate {
  const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  assertCalendarDate(text);
  return text;
}

/** Days since 1970-01-01 (H. Hinnant's days_from_civil, integers only). */
export function dayNumberOf(date: CalendarDate): number {
  const { year, month, day } = partsOf(date);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The inverse of {@link dayNumberOf}. */
export function dateOfDayNumber(dayNumber: number): CalendarDate {
  if (!Number.isSafeInteger(dayNumber)) throw new CalendarDateError(`day number must be an integer, got ${dayNumber}`);
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return calendarDate(year, month, day);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  if (!Number.isSafeInteger(days)) throw new CalendarDateError(`days must be an integer, got ${days}`);
  return dateOfDayNumber(dayNumberOf(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return dayNumberOf(to) - dayNumberOf(from);
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return dayNumberOf(a) - dayNumberOf(b);
}

export function isBefore(a: CalendarDate, b: CalendarDate): boolean {
  return compareDates(a, b) < 0;
}

export function isAfter(a: CalendarDate, b: CalendarDate): boolean {
  return compareDates(a, b) > 0;
}

export function laterOf(a: CalendarDate, b: CalendarDate): CalendarDate {
  return isAfter(a, b) ? a : b;
}

export function assertStatementDay(statementDay: number): void {
  // domain.md §4.1: a statement day is 1-28, so it exists in every month.
  if (!Number.isInteger(statementDay) || statementDay < 1 || statementDay > 28) {
    throw new CalendarDateError(`statement day must be 1-28, got ${statementDay}`);
  }
}

/**
 * The `n`-th statement day strictly after `date` (n = 1 is the first). domain.md §4.3: a
 * period is billed on a statement day strictly after the booking date, so a loan booked on
 * the statement day itself waits a whole cycle.
 */
export function nthStatementDayAfter(date: CalendarDate, statementDay: number, n: number): CalendarDate {
  assertStatementDay(statementDay);
  if (!Number.isInteger(n) || n < 1) throw new CalendarDateError(`n must be a positive integer, got ${n}`);
  const { year, month, day } = partsOf(date);
  const firstMonthOffset = day < statementDay ? 0 : 1;
  const monthIndex = year * 12 + (month - 1) + firstMonthOffset + (n - 1);
  return calendarDate(Math.floor(monthIndex / 12), (monthIndex % 12) + 1, statementDay);
}

/** The first statement day strictly after `date` (domain.md §4.3). */
export function nextStatementDayAfter(date: CalendarDate, statementDay: number): CalendarDate {
  return nthStatementDayAfter(date, statementDay, 1);
}
