// Due times and reminders (pure), shared by the modules that supervise work against a deadline (events,
// hazards). A deadline is a number of hours, counted either on the calendar or in working hours: Monday
// to Friday 08:30–12:00 and 14:00–17:30 in Asia/Shanghai, except public holidays, plus the make-up
// working days (调休) on which China works a Saturday or Sunday to lengthen a holiday. China has no
// daylight saving time, so local time is UTC+8 all year and plain arithmetic on a shifted epoch is
// exact — no time-zone library needed.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Give up after this many days without finding the working time asked for (a calendar with no working days). */
const MAX_DAYS = 3 * 366;

export type DeadlineMode = 'calendar' | 'working';

export interface WorkCalendar {
  /** Local dates (YYYY-MM-DD) off although Monday–Friday: public holidays. */
  readonly holidays: ReadonlySet<string>;
  /** Local dates (YYYY-MM-DD) worked although Saturday or Sunday: make-up working days. */
  readonly workdays: ReadonlySet<string>;
  /** Working periods of a working day, as [start, end) in ms after local midnight, ascending. */
  readonly periods: readonly (readonly [number, number])[];
  /** Offset of local time from UTC (480 for Asia/Shanghai). */
  readonly utcOffsetMinutes: number;
}

export interface WorkCalendarInput {
  holidays?: Iterable<string>;
  workdays?: Iterable<string>;
  /** e.g. [['08:30', '12:00'], ['14:00', '17:30']] */
  periods?: readonly (readonly [string, string])[];
  utcOffsetMinutes?: number;
}

export const DEFAULT_PERIODS = [
  ['08:30', '12:00'],
  ['14:00', '17:30'],
] as const;

const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

function clockMs(t: string): number {
  if (!TIME_RE.test(t)) throw new RangeError(`not a time of day (HH:MM): ${t}`);
  const [h, m] = t.split(':').map(Number) as [number, number];
  return h * HOUR + m * MINUTE;
}

function dates(list: Iterable<string> | undefined, what: string): Set<string> {
  const out = new Set<string>();
  for (const d of list ?? []) {
    if (!DATE_RE.test(d)) throw new RangeError(`${what}: not a date (YYYY-MM-DD): ${d}`);
    out.add(d);
  }
  return out;
}

/** Builds and checks a calendar; throws RangeError on malformed dates or overlapping periods. */
export function workCalendar(input: WorkCalendarInput = {}): WorkCalendar {
  const periods = (input.periods ?? DEFAULT_PERIODS).map(([a, b]) => [clockMs(a), clockMs(b)] as const);
  for (const [i, [a, b]] of periods.entries()) {
    if (a >= b) throw new RangeError(`period ${i} ends before it starts`);
    const prev = periods[i - 1];
    if (prev && prev[1] > a) throw new RangeError(`period ${i} overlaps the one before`);
  }
  const holidays = dates(input.holidays, 'holidays');
  const workdays = dates(input.workdays, 'workdays');
  for (const d of workdays) if (holidays.has(d)) throw new RangeError(`${d} is both a holiday and a workday`);
  const utcOffsetMinutes = input.utcOffsetMinutes ?? 480;
  return { holidays, workdays, periods, utcOffsetMinutes };
}

/** Local date of a shifted epoch (ms since 1970-01-01 local midnight). */
const localDate = (localMs: number) => new Date(localMs).toISOString().slice(0, 10);

/** Whether a local date (YYYY-MM-DD) is a working day. */
export function isWorkingDay(date: string, cal: WorkCalendar): boolean {
  if (cal.workdays.has(date)) return true;
  if (cal.holidays.has(date)) return false;
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow >= 1 && dow <= 5;
}

/** The working intervals of the local day starting at `dayStart` (shifted epoch), or none. */
function workingIntervals(dayStart: number, cal: WorkCalendar): (readonly [number, number])[] {
  if (!isWorkingDay(localDate(dayStart), cal)) return [];
  return cal.periods.map(([a, b]) => [dayStart + a, dayStart + b] as const);
}

/** Adds `ms` of working time to `start`. A due time that falls on the end of a period stays there. */
export function addWorkingTime(start: Date, ms: number, cal: WorkCalendar): Date {
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError('working time must be a finite number ≥ 0');
  if (ms === 0) return new Date(start.getTime());
  const off = cal.utcOffsetMinutes * MINUTE;
  const cursor = start.getTime() + off;
  let remaining = ms;
  let day = Math.floor(cursor / DAY) * DAY;
  for (let n = 0; n < MAX_DAYS; n++, day += DAY) {
    for (const [a, b] of workingIntervals(day, cal)) {
      const from = Math.max(a, cursor);
      if (from >= b) continue;
      if (remaining <= b - from) return new Date(from + remaining - off);
      remaining -= b - from;
    }
  }
  throw new RangeError(`no working time found within ${MAX_DAYS} days; check the calendar`);
}

/** Working time between two instants (0 when `to` is not after `from`). */
export function workingTimeBetween(from: Date, to: Date, cal: WorkCalendar): number {
  const off = cal.utcOffsetMinutes * MINUTE;
  const a0 = from.getTime() + off;
  const b0 = to.getTime() + off;
  let total = 0;
  for (let day = Math.floor(a0 / DAY) * DAY; day < b0; day += DAY) {
    for (const [a, b] of workingIntervals(day, cal)) {
      const s = Math.max(a, a0);
      const e = Math.min(b, b0);
      if (e > s) total += e - s;
    }
  }
  return total;
}

/** The due time of work started at `start` with `hours` allowed, counted on the calendar or in working hours. */
export function dueAt(start: Date, hours: number, mode: DeadlineMode, cal: WorkCalendar): Date {
  if (!(hours >= 0) || !Number.isFinite(hours)) throw new RangeError('hours must be a finite number ≥ 0');
  return mode === 'calendar'
    ? new Date(start.getTime() + hours * HOUR)
    : addWorkingTime(start, hours * HOUR, cal);
}

/** When the party working on an item is reminded of its deadline: at this share of the allowed time. */
export const REMINDER_SHARE = 0.75;

/** When to remind the handler: once `fraction` (default 75 %) of the allowed time has passed, counted the same way. */
export function reminderAt(
  start: Date,
  hours: number,
  mode: DeadlineMode,
  cal: WorkCalendar,
  fraction = REMINDER_SHARE,
): Date {
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError('fraction must lie in (0, 1]');
  return dueAt(start, hours * fraction, mode, cal);
}

/** Share of the allowed time used by `now` (0 at start, 1 at the due time, above 1 when overdue). */
export function elapsedShare(
  start: Date,
  hours: number,
  mode: DeadlineMode,
  cal: WorkCalendar,
  now: Date,
): number {
  if (hours <= 0) return now >= start ? 1 : 0;
  const used =
    mode === 'calendar' ? Math.max(0, now.getTime() - start.getTime()) : workingTimeBetween(start, now, cal);
  return used / (hours * HOUR);
}
