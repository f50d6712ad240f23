import { describe, expect, it } from 'vitest';
import {
  closeoutMetrics,
  countOverdue,
  type DeadlineView,
  deadlineHoursFor,
  defaultDeadline,
  escalationTier,
  FALLBACK_DEADLINE_HOURS,
  isOverdue,
  MAX_ESCALATION,
  nextEscalationAt,
  weeklyBatch,
  weekStart,
} from './deadlines.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (s: string) => new Date(s);

describe('default deadlines', () => {
  it('takes the domain figure for the severity, else the fallback', () => {
    const fire = { general: 72, major: 168, critical: 720 };
    expect(deadlineHoursFor(fire, 'general')).toBe(72);
    expect(deadlineHoursFor(fire, 'critical')).toBe(720);
    expect(deadlineHoursFor({ general: 0 }, 'general')).toBe(FALLBACK_DEADLINE_HOURS.general);
    expect(deadlineHoursFor(null, 'major')).toBe(360);
  });

  it('ends at the local midnight closing the day the allowed hours reach', () => {
    // Friday 10:00 Beijing time + 72 h = Monday 10:00 → due Monday 24:00 = Tuesday 00:00 +08:00
    expect(defaultDeadline(at('2026-11-20T10:00:00+08:00'), 72)).toEqual(at('2026-11-24T00:00:00+08:00'));
    // 23:30 + 24 h lands at 23:30 next day → that day's end
    expect(defaultDeadline(at('2026-11-20T23:30:00+08:00'), 24)).toEqual(at('2026-11-22T00:00:00+08:00'));
    // exactly midnight + 24 h = next midnight, which starts a new day → due at the end of that day
    expect(defaultDeadline(at('2026-11-20T00:00:00+08:00'), 24)).toEqual(at('2026-11-22T00:00:00+08:00'));
    // local dates, not UTC ones: 07:00 Beijing is 23:00 UTC the day before
    expect(defaultDeadline(at('2026-11-20T07:00:00+08:00'), 1)).toEqual(at('2026-11-21T00:00:00+08:00'));
    // across the year end
    expect(defaultDeadline(at('2026-12-25T09:00:00+08:00'), 720)).toEqual(at('2027-01-25T00:00:00+08:00'));
    expect(() => defaultDeadline(at('2026-11-20T10:00:00+08:00'), 0)).toThrow(RangeError);
  });
});

describe('overdue and escalation', () => {
  const now = at('2026-11-20T10:00:00+08:00');
  const due = (ms: number, state = 'rectifying'): DeadlineView => ({
    state,
    dueAt: new Date(now.getTime() + ms),
    closedOutAt: null,
  });

  it('is overdue only while the rectifier owes the work and strictly after the deadline', () => {
    expect(isOverdue(due(-1), now)).toBe(true);
    expect(isOverdue(due(-1, 'assigned'), now)).toBe(true);
    expect(isOverdue(due(0), now)).toBe(false);
    expect(isOverdue(due(1), now)).toBe(false);
    for (const s of ['verifying', 'closed_out', 'consolidated'])
      expect(isOverdue(due(-DAY, s), now), s).toBe(false);
    expect(isOverdue({ state: 'assigned', dueAt: null, closedOutAt: null }, now)).toBe(false);
    expect(countOverdue([due(-1), due(-DAY, 'assigned'), due(5), due(-DAY, 'verifying')], now)).toBe(2);
  });

  it('climbs tiers with lateness relative to the time given', () => {
    const a = at('2026-11-01T00:00:00Z');
    const d = new Date(a.getTime() + 10 * DAY); // 10 days given
    const t = (lateMs: number) => escalationTier(a, d, new Date(d.getTime() + lateMs));
    expect(t(0)).toBe(0);
    expect(t(1)).toBe(1);
    expect(t(5 * DAY - 1)).toBe(1);
    expect(t(5 * DAY)).toBe(2); // half the allowed time
    expect(t(10 * DAY - 1)).toBe(2);
    expect(t(10 * DAY)).toBe(3); // the whole allowed time
    // a 2-hour deadline: tier 2 after a day, tier 3 after three days (the floors)
    const short = new Date(a.getTime() + 2 * HOUR);
    expect(escalationTier(a, short, new Date(short.getTime() + 23 * HOUR))).toBe(1);
    expect(escalationTier(a, short, new Date(short.getTime() + DAY))).toBe(2);
    expect(escalationTier(a, short, new Date(short.getTime() + 3 * DAY))).toBe(3);
  });
});

describe('when the next escalation tier is reached', () => {
  it('names the first instant the tier rises, for every tier and a spread of allowed times', () => {
    const due = at('2026-11-30T16:00:00Z');
    // allowed time from 1 hour to 90 days, some odd so that half of it is not a whole millisecond
    for (const allowedMs of [HOUR, 5 * HOUR + 1, DAY, 3 * DAY + 7, 10 * DAY, 30 * DAY + 3, 90 * DAY]) {
      const assigned = new Date(due.getTime() - allowedMs);
      let tier = 0;
      for (;;) {
        const next = nextEscalationAt(assigned, due, tier);
        if (tier >= MAX_ESCALATION) {
          expect(next).toBeNull();
          break;
        }
        expect(next).not.toBeNull();
        const t = next as Date;
        expect(escalationTier(assigned, due, t)).toBeGreaterThan(tier);
        expect(escalationTier(assigned, due, new Date(t.getTime() - 1))).toBeLessThanOrEqual(tier);
        tier = escalationTier(assigned, due, t);
      }
      expect(tier).toBe(MAX_ESCALATION);
    }
  });

  it('starts tier 1 just after the deadline and spaces tiers 2 and 3 by the allowed time', () => {
    const due = at('2026-11-30T16:00:00Z');
    const assigned = new Date(due.getTime() - 10 * DAY);
    expect(nextEscalationAt(assigned, due, 0)).toEqual(new Date(due.getTime() + 1));
    expect(nextEscalationAt(assigned, due, 1)).toEqual(new Date(due.getTime() + 5 * DAY));
    expect(nextEscalationAt(assigned, due, 2)).toEqual(new Date(due.getTime() + 10 * DAY));
    // a short assignment still waits a day for tier 2 and three days for tier 3
    const quick = new Date(due.getTime() - 2 * HOUR);
    expect(nextEscalationAt(quick, due, 1)).toEqual(new Date(due.getTime() + DAY));
    expect(nextEscalationAt(quick, due, 2)).toEqual(new Date(due.getTime() + 3 * DAY));
  });
});

describe('close-out rate', () => {
  // November 2026 in Beijing time
  const period = { from: at('2026-11-01T00:00:00+08:00'), to: at('2026-12-01T00:00:00+08:00') };
  const item = (dueAt: string | null, closedOutAt: string | null, state = 'closed_out'): DeadlineView => ({
    state,
    dueAt: dueAt ? at(`${dueAt}+08:00`) : null,
    closedOutAt: closedOutAt ? at(`${closedOutAt}+08:00`) : null,
  });

  it('counts, by hand, ten items of which six fall due in November', () => {
    const items = [
      item('2026-11-05T00:00:00', '2026-11-03T12:00:00'), // due in; closed early → closed, on time
      item('2026-11-10T00:00:00', '2026-11-10T00:00:00'), // due in; closed at the deadline → on time
      item('2026-11-12T00:00:00', '2026-11-20T09:00:00'), // due in; closed late within Nov → closed, late
      item('2026-11-30T23:59:59', '2026-12-01T00:00:00'), // due in; closed the instant Nov ended → open
      item('2026-11-15T00:00:00', null, 'rectifying'), // due in; still open → open
      item('2026-11-01T00:00:00', '2026-10-30T00:00:00'), // due at the very start (included); closed before Nov
      item('2026-10-31T23:59:59', '2026-11-02T00:00:00'), // due in October → not counted
      item('2026-12-01T00:00:00', '2026-11-20T00:00:00'), // due in December (end excluded) → not counted
      item(null, null, 'rejected'), // never had a deadline
      item(null, null, 'consolidated'),
    ];
    const m = closeoutMetrics(items, period);
    expect(m).toEqual({
      due: 6,
      closedOut: 4,
      closedOnTime: 3,
      overdueOpen: 2,
      closeoutRate: 4 / 6,
      onTimeRate: 3 / 6,
    });
    expect(m.closeoutRate).toBeCloseTo(0.6667, 4);
  });

  it('is null (missing), not 0 or 1, when nothing fell due; and stays within [0, 1]', () => {
    expect(closeoutMetrics([], period)).toMatchObject({ due: 0, closeoutRate: null, onTimeRate: null });
    expect(
      closeoutMetrics([item('2026-10-01T00:00:00', '2026-11-10T00:00:00')], period).closeoutRate,
    ).toBeNull();
    const all = closeoutMetrics([item('2026-11-02T00:00:00', '2026-11-01T00:00:00')], period);
    expect(all).toMatchObject({ closeoutRate: 1, onTimeRate: 1 });
    expect(() => closeoutMetrics([], { from: period.to, to: period.from })).toThrow(RangeError);
  });
});

describe('weekly lists', () => {
  it('finds the local Monday 00:00 a week began at, and it lies in the same weekly list', () => {
    // Sunday 2026-11-29 23:59 local is still the week of Monday 2026-11-23; a minute later a new one begins
    expect(weekStart(at('2026-11-29T15:59:00Z'))).toEqual(at('2026-11-22T16:00:00Z'));
    expect(weekStart(at('2026-11-29T16:00:00Z'))).toEqual(at('2026-11-29T16:00:00Z'));
    expect(weekStart(at('2026-11-25T03:00:00Z'))).toEqual(at('2026-11-22T16:00:00Z'));
    for (
      let t = at('2026-12-20T00:00:00Z').getTime();
      t < at('2027-01-12T00:00:00Z').getTime();
      t += 7 * HOUR
    ) {
      const start = weekStart(new Date(t));
      expect(weeklyBatch(start)).toBe(weeklyBatch(new Date(t)));
      expect(weeklyBatch(new Date(start.getTime() - 1))).not.toBe(weeklyBatch(new Date(t)));
      expect(t - start.getTime()).toBeLessThan(7 * DAY);
    }
  });

  it('names the ISO week of the local date', () => {
    expect(weeklyBatch(at('2026-11-23T09:00:00+08:00'))).toBe('2026-W48'); // a Monday
    expect(weeklyBatch(at('2026-11-22T23:59:00+08:00'))).toBe('2026-W47'); // the Sunday before
    expect(weeklyBatch(at('2026-11-22T16:30:00Z'))).toBe('2026-W48'); // Monday 00:30 in Beijing
    expect(weeklyBatch(at('2027-01-01T12:00:00+08:00'))).toBe('2026-W53'); // 2026 has 53 ISO weeks
    expect(weeklyBatch(at('2026-01-01T12:00:00+08:00'))).toBe('2026-W01'); // a Thursday
    expect(weeklyBatch(at('2024-12-30T12:00:00+08:00'))).toBe('2025-W01');
  });
});
