import { describe, expect, it } from 'vitest';
import { chinaWorkCalendar, dateRange } from './calendar-cn.js';
import {
  addWorkingTime,
  dueAt,
  elapsedShare,
  isWorkingDay,
  reminderAt,
  workCalendar,
  workingTimeBetween,
} from './deadlines.js';

// Every case below was worked out by hand in local time (UTC+8). 2026-11-20 is a Friday and
// 2026-11-23 a Monday; in 2025 the Spring Festival holiday ran Tue 01-28 to Tue 02-04, with Sun 01-26
// and Sat 02-08 worked in exchange.
const cal = chinaWorkCalendar();
const at = (local: string) => new Date(`${local}+08:00`);
const H = 3_600_000;
const working = (start: string, hours: number) => dueAt(at(start), hours, 'working', cal);

describe('working hours', () => {
  it.each([
    ['inside a morning', '2026-11-23T09:00', 2, '2026-11-23T11:00'],
    ['over the lunch break', '2026-11-23T10:00', 4, '2026-11-23T16:00'],
    ['from lunch', '2026-11-23T12:30', 1, '2026-11-23T15:00'],
    ['from the evening to the next morning', '2026-11-23T20:00', 1, '2026-11-24T09:30'],
    ['from before opening', '2026-11-24T06:00', 0.5, '2026-11-24T09:00'],
    ['over a weekend', '2026-11-20T16:30', 2, '2026-11-23T09:30'],
    ['from a Saturday', '2026-11-21T10:00', 1, '2026-11-23T09:30'],
    ['ending exactly at noon stays at noon', '2026-11-23T08:30', 3.5, '2026-11-23T12:00'],
    ['ending exactly at 17:30 stays there', '2026-11-23T14:00', 3.5, '2026-11-23T17:30'],
    ['24 working hours = three 7-hour days and 3 h', '2026-11-23T08:30', 24, '2026-11-26T11:30'],
    ['a full week of 35 h', '2026-11-23T08:30', 35, '2026-11-27T17:30'],
    ['over the Spring Festival holiday', '2025-01-27T16:00', 2, '2025-02-05T09:00'],
    ['onto a make-up Saturday', '2025-02-07T17:00', 1, '2025-02-08T09:00'],
    ['onto a make-up Sunday', '2025-01-25T10:00', 1, '2025-01-26T09:30'],
    ['over National Day (8 days off, Sat 10-11 worked)', '2025-09-30T17:00', 1, '2025-10-09T09:00'],
    ['over 元旦 2026 to the make-up Sunday 01-04', '2025-12-31T17:00', 1, '2026-01-04T09:00'],
  ])('%s: %s + %s h → %s', (_what, start, hours, due) => {
    expect(working(start, hours).toISOString()).toBe(at(due).toISOString());
  });

  it('counts local days, not UTC days (23:30 UTC is 07:30 the next morning in Wenzhou)', () => {
    const due = addWorkingTime(new Date('2026-11-23T23:30:00Z'), 1 * H, cal);
    expect(due.toISOString()).toBe('2026-11-24T01:30:00.000Z'); // Tue 09:30 local
  });

  it('zero hours is due at once, even at night', () => {
    expect(working('2026-11-21T23:00', 0).toISOString()).toBe(at('2026-11-21T23:00').toISOString());
  });

  it('knows working days, holidays and make-up days', () => {
    expect(isWorkingDay('2026-11-23', cal)).toBe(true);
    expect(isWorkingDay('2026-11-22', cal)).toBe(false); // Sunday
    expect(isWorkingDay('2025-01-29', cal)).toBe(false); // 春节, a Wednesday
    expect(isWorkingDay('2025-02-08', cal)).toBe(true); // make-up Saturday
    expect(dateRange('2025-01-28', '2025-02-04')).toHaveLength(8);
  });

  it('has make-up days only on weekends and holidays only where they change something', () => {
    const dow = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay();
    expect(cal.workdays.size).toBe(11);
    for (const d of cal.workdays) expect([0, 6], d).toContain(dow(d));
    expect([...cal.holidays].filter((d) => dow(d) >= 1 && dow(d) <= 5).length).toBeGreaterThan(30);
  });

  it('measures working time between instants, the inverse of adding it', () => {
    expect(workingTimeBetween(at('2026-11-20T16:30'), at('2026-11-23T09:30'), cal)).toBe(2 * H);
    expect(workingTimeBetween(at('2026-11-23T00:00'), at('2026-11-30T00:00'), cal)).toBe(35 * H);
    expect(workingTimeBetween(at('2025-01-27T00:00'), at('2025-02-05T00:00'), cal)).toBe(7 * H);
    expect(workingTimeBetween(at('2026-11-24T00:00'), at('2026-11-23T00:00'), cal)).toBe(0);
    // a deterministic sweep: every start on the half hour over a fortnight that holds a make-up
    // day and a holiday, and several allowances, round-trips exactly
    for (let t = at('2025-01-20T00:00').getTime(); t < at('2025-02-10T00:00').getTime(); t += 1.5 * H) {
      for (const hours of [0.5, 1, 3.5, 7, 16, 40]) {
        const due = addWorkingTime(new Date(t), hours * H, cal);
        expect(workingTimeBetween(new Date(t), due, cal)).toBe(hours * H);
      }
    }
  });
});

describe('calendar hours', () => {
  it('ignores nights, weekends and holidays, with exact UTC+8 arithmetic', () => {
    expect(dueAt(at('2026-11-20T16:00'), 72, 'calendar', cal).toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(dueAt(at('2025-01-27T16:00'), 2, 'calendar', cal).toISOString()).toBe(
      at('2025-01-27T18:00').toISOString(),
    );
    expect(dueAt(at('2026-11-23T23:00'), 0.5, 'calendar', cal).toISOString()).toBe(
      at('2026-11-23T23:30').toISOString(),
    );
  });
});

describe('reminders', () => {
  it('fall at 75 % of the allowed time, counted the same way', () => {
    // 8 working hours from Monday 08:30: due Tue 09:30; 6 h in: Mon 16:30
    expect(working('2026-11-23T08:30', 8).toISOString()).toBe(at('2026-11-24T09:30').toISOString());
    expect(reminderAt(at('2026-11-23T08:30'), 8, 'working', cal).toISOString()).toBe(
      at('2026-11-23T16:30').toISOString(),
    );
    expect(reminderAt(at('2026-11-23T08:00'), 24, 'calendar', cal).toISOString()).toBe(
      at('2026-11-24T02:00').toISOString(),
    );
    expect(reminderAt(at('2026-11-23T08:30'), 8, 'working', cal, 0.5).toISOString()).toBe(
      at('2026-11-23T14:30').toISOString(),
    );
    expect(() => reminderAt(at('2026-11-23T08:30'), 8, 'working', cal, 0)).toThrow(RangeError);
  });

  it('tell how much of the allowance is used', () => {
    const start = at('2026-11-20T16:30');
    expect(elapsedShare(start, 2, 'working', cal, at('2026-11-22T12:00'))).toBe(0.5);
    expect(elapsedShare(start, 2, 'working', cal, at('2026-11-23T10:30'))).toBe(1.5);
    expect(elapsedShare(start, 48, 'calendar', cal, at('2026-11-21T16:30'))).toBe(0.5);
    expect(elapsedShare(start, 0, 'calendar', cal, start)).toBe(1);
  });
});

describe('calendars', () => {
  it('take other periods, holidays and make-up days', () => {
    const c = workCalendar({
      periods: [['09:00', '17:00']],
      holidays: ['2026-11-23'],
      workdays: ['2026-11-22'],
    });
    expect(dueAt(at('2026-11-21T12:00'), 10, 'working', c).toISOString()).toBe(
      at('2026-11-24T11:00').toISOString(),
    );
  });

  it('refuse malformed input', () => {
    expect(() => workCalendar({ holidays: ['2026-13-01'] })).toThrow(/not a date/);
    expect(() => workCalendar({ periods: [['12:00', '08:30']] })).toThrow(/ends before/);
    expect(() =>
      workCalendar({
        periods: [
          ['08:00', '12:00'],
          ['11:00', '13:00'],
        ],
      }),
    ).toThrow(/overlaps/);
    expect(() => workCalendar({ periods: [['8:00', '12:00']] })).toThrow(/HH:MM/);
    expect(() => workCalendar({ holidays: ['2026-11-21'], workdays: ['2026-11-21'] })).toThrow(/both/);
    expect(() => dueAt(at('2026-11-23T08:30'), -1, 'working', cal)).toThrow(RangeError);
    expect(() => dueAt(at('2026-11-23T08:30'), Number.NaN, 'calendar', cal)).toThrow(RangeError);
  });

  it('stop with an error when a calendar has no working time at all', () => {
    const never = workCalendar({ periods: [] });
    expect(() => addWorkingTime(at('2026-11-23T08:30'), H, never)).toThrow(/no working time/);
  });
});
