import {
  addDays,
  assertCalendarDate,
  calendarDate,
  compareDates,
  dateOfDayNumber,
  dayNumberOf,
  daysBetween,
  daysInMonth,
  isCalendarDate,
  nextStatementDayAfter,
  nthStatementDayAfter,
  partsOf,
} from './calendar-date';

describe('calendar date (ISO YYYY-MM-DD, platform time)', () => {
  it('accepts only real dates in ISO form', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('2024-04-31')).toBe(false);
    expect(isCalendarDate('2024-13-01')).toBe(false);
    expect(isCalendarDate('2024-1-01')).toBe(false);
    expect(isCalendarDate('2024-01-01T00:00:00Z')).toBe(false);
    expect(isCalendarDate(20240101)).toBe(false);
    expect(() => assertCalendarDate('2024-00-10')).toThrow(/YYYY-MM-DD/);
  });

  it('knows month lengths', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2023, m))).toEqual([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(daysInMonth(2024, 2)).toBe(29);
  });

  it('numbers days from 1970-01-01', () => {
    expect(dayNumberOf('1970-01-01')).toBe(0);
    expect(dayNumberOf('1970-01-02')).toBe(1);
    expect(dayNumberOf('1969-12-31')).toBe(-1);
    expect(dayNumberOf('2000-03-01')).toBe(11_017);
    expect(dateOfDayNumber(19_723)).toBe('2024-01-01');
  });

  it('round-trips every day over several centuries, one day apart, matching month lengths', () => {
    let expected = partsOf('1899-12-31');
    for (let n = dayNumberOf('1900-01-01'); n <= dayNumberOf('2100-12-31'); n++) {
      const date = dateOfDayNumber(n);
      if (dayNumberOf(date) !== n) throw new Error(`day ${n} does not round-trip: ${date}`);
      // the next day by hand: day+1, rolling month and year
      expected =
        expected.day < daysInMonth(expected.year, expected.month)
          ? { ...expected, day: expected.day + 1 }
          : expected.month < 12
            ? { year: expected.year, month: expected.month + 1, day: 1 }
            : { year: expected.year + 1, month: 1, day: 1 };
      if (date !== calendarDate(expected.year, expected.month, expected.day)) throw new Error(`day ${n}: ${date}`);
    }
  });

  it('adds days across months, leap days and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-29', 1)).toBe('2024-03-01');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-01-05', 10)).toBe('2024-01-15');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-01-28', 10)).toBe('2024-02-07');
    expect(() => addDays('2024-01-01', 0.5)).toThrow();
  });

  it('counts and compares days', () => {
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2023-01-01', '2024-01-01')).toBe(365);
    expect(daysBetween('2024-03-10', '2024-03-01')).toBe(-9);
    expect(compareDates('2024-03-10', '2024-03-09')).toBeGreaterThan(0);
    expect(compareDates('2024-03-10', '2024-03-10')).toBe(0);
  });

  describe('statement days (domain.md §4.3: billed on a statement day strictly after booking)', () => {
    it('takes this month when the day is still ahead', () => {
      expect(nextStatementDayAfter('2024-01-04', 5)).toBe('2024-01-05');
    });
    it('never takes the booking day itself', () => {
      expect(nextStatementDayAfter('2024-01-05', 5)).toBe('2024-02-05');
    });
    it('takes next month when the day has passed', () => {
      expect(nextStatementDayAfter('2024-01-06', 5)).toBe('2024-02-05');
      expect(nextStatementDayAfter('2024-12-31', 28)).toBe('2025-01-28');
      expect(nextStatementDayAfter('2024-12-28', 28)).toBe('2025-01-28');
    });
    it('counts the n-th one month by month across years', () => {
      expect(nthStatementDayAfter('2024-01-10', 1, 1)).toBe('2024-02-01');
      expect(nthStatementDayAfter('2024-01-10', 1, 12)).toBe('2025-01-01');
      expect(nthStatementDayAfter('2024-01-10', 1, 24)).toBe('2026-01-01');
      expect(nthStatementDayAfter('2024-11-30', 28, 3)).toBe('2025-02-28');
    });
    it('refuses statement days outside 1-28 and n < 1', () => {
      expect(() => nextStatementDayAfter('2024-01-01', 29)).toThrow(/1-28/);
      expect(() => nextStatementDayAfter('2024-01-01', 0)).toThrow(/1-28/);
      expect(() => nthStatementDayAfter('2024-01-01', 5, 0)).toThrow();
    });
    it('property: the n-th statement day is strictly after the date, on the day, and a month after the previous one', () => {
      for (let n = dayNumberOf('2023-11-01'); n <= dayNumberOf('2025-03-01'); n += 3) {
        const date = dateOfDayNumber(n);
        for (let statementDay = 1; statementDay <= 28; statementDay++) {
          const first = nextStatementDayAfter(date, statementDay);
          expect(compareDates(first, date)).toBeGreaterThan(0);
          expect(partsOf(first).day).toBe(statementDay);
          // no statement day between the date and the first one
          expect(daysBetween(date, first)).toBeLessThanOrEqual(31);
          const second = nthStatementDayAfter(date, statementDay, 2);
          const [a, b] = [partsOf(first), partsOf(second)];
          expect((b.year * 12 + b.month) - (a.year * 12 + a.month)).toBe(1);
        }
      }
    });
  });
});
