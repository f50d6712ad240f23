// Rectification deadlines, overdue detection, escalation tiers and the close-out rate (pure).
//
// Hazard deadlines are calendar time, not working hours: a rectification order (整改通知) names a date
// ("于某月某日前整改完毕"), so a default deadline is the end of the local day the allowed hours reach.
// Asia/Shanghai has no daylight saving time; local dates are plain arithmetic on a shifted epoch.
import type { Severity } from './severity.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Asia/Shanghai, UTC+8 all year. */
export const CHINA_UTC_OFFSET_MINUTES = 480;

/** Default hours allowed per severity; each domain of the taxonomy carries its own. */
export type DeadlineHours = Readonly<Record<Severity, number>>;

/**
 * Fallback when a domain version carries no figure: 一般 7 days, 较大 15 days, 重大 30 days. A more
 * serious hazard usually takes more work to remove (a 重大事故隐患 needs a rectification plan and
 * often a partial stop of work), so it gets longer; its urgency is carried by interim controls,
 * the escalation tiers below and public listing (挂牌), not by a shorter deadline. Domains where
 * the worst cases must be removed at once (gas leaks) set shorter figures in the taxonomy.
 */
export const FALLBACK_DEADLINE_HOURS: DeadlineHours = { general: 168, major: 360, critical: 720 };
/** A deadline further out than this is a typing mistake, not a plan (one year). */
export const MAX_DEADLINE_HOURS = 366 * 24;

export function deadlineHoursFor(
  hours: Partial<DeadlineHours> | null | undefined,
  severity: Severity,
): number {
  const h = hours?.[severity];
  return typeof h === 'number' && Number.isFinite(h) && h > 0 ? h : FALLBACK_DEADLINE_HOURS[severity];
}

/**
 * The default deadline of a rectification assigned at `assignedAt` with `hours` allowed: the end of
 * the local day (next local midnight) that `assignedAt + hours` falls in. 72 h from Friday 10:00
 * gives Monday 24:00 (= Tuesday 00:00 local).
 */
export function defaultDeadline(
  assignedAt: Date,
  hours: number,
  utcOffsetMinutes = CHINA_UTC_OFFSET_MINUTES,
): Date {
  if (!(hours > 0) || !Number.isFinite(hours)) throw new RangeError('hours must be a finite number > 0');
  const off = utcOffsetMinutes * 60_000;
  const reachedLocal = assignedAt.getTime() + hours * HOUR + off;
  const endOfDayLocal = Math.floor(reachedLocal / DAY) * DAY + DAY;
  return new Date(endOfDayLocal - off);
}

/** What deadline logic needs of a hazard. */
export interface DeadlineView {
  state: string;
  /** The rectification deadline in force (after any extension); null before assignment. */
  dueAt: Date | null;
  /** When it was closed out (销号); null while open. */
  closedOutAt: Date | null;
}

/** States in which the rectifying party owes work against a deadline. */
export const RECTIFICATION_STATES: readonly string[] = ['assigned', 'rectifying'];

/**
 * Overdue at `now`: the rectifying party still owes the work (assigned or rectifying) and the
 * deadline has passed (strictly: work delivered at the deadline itself is on time). An item whose
 * evidence awaits verification is not overdue — the rectifier has delivered, the wait is the
 * verifier's; if verification fails it is back in `rectifying` and overdue again when late.
 */
export function isOverdue(h: DeadlineView, now: Date): boolean {
  return RECTIFICATION_STATES.includes(h.state) && h.dueAt !== null && now.getTime() > h.dueAt.getTime();
}

export function countOverdue(items: Iterable<DeadlineView>, now: Date): number {
  let n = 0;
  for (const h of items) if (isOverdue(h, now)) n++;
  return n;
}

/** 督办 tiers: 0 none; 1 the town / department (once overdue); 2 the district safety office; 3 district leaders (a candidate for 挂牌). */
export const MAX_ESCALATION = 3;

/**
 * The escalation tier an overdue item has reached at `now`, from how late it is relative to the time
 * it was given: tier 1 as soon as it is overdue; tier 2 once late by half the allowed time (at least
 * one day); tier 3 once late by the whole allowed time (at least three days). Returns 0 when not overdue.
 */
export function escalationTier(assignedAt: Date, dueAt: Date, now: Date): number {
  const late = now.getTime() - dueAt.getTime();
  if (late <= 0) return 0;
  const allowed = Math.max(0, dueAt.getTime() - assignedAt.getTime());
  if (late >= Math.max(3 * DAY, allowed)) return 3;
  if (late >= Math.max(DAY, allowed / 2)) return 2;
  return 1;
}

/**
 * When an item at `tier` reaches the next one (the first instant escalationTier exceeds `tier`), for the
 * supervision sweep to wake up then; null at MAX_ESCALATION. Tier 1 begins just after the deadline.
 */
export function nextEscalationAt(assignedAt: Date, dueAt: Date, tier: number): Date | null {
  if (tier >= MAX_ESCALATION) return null;
  const due = dueAt.getTime();
  if (tier <= 0) return new Date(due + 1);
  const allowed = Math.max(0, due - assignedAt.getTime());
  const late = tier === 1 ? Math.max(DAY, Math.ceil(allowed / 2)) : Math.max(3 * DAY, allowed);
  return new Date(due + late);
}

/** A half-open period [from, to). */
export interface Period {
  from: Date;
  to: Date;
}

export interface CloseoutMetrics {
  /** Items whose deadline in force falls within the period. */
  due: number;
  /** Of those, closed out before the period ended (early ones included). */
  closedOut: number;
  /** Of those, closed out at or before their own deadline. */
  closedOnTime: number;
  /** Of those, not closed out when the period ended. */
  overdueOpen: number;
  /** closedOut / due; null when nothing fell due (missing, not zero: the index treats it as missing data). */
  closeoutRate: number | null;
  /** closedOnTime / due; null when nothing fell due. */
  onTimeRate: number | null;
}

/**
 * The close-out rate (销号率, `closeout_rate`) of a period [from, to), an indicator of the safety index:
 *
 *   D = { h : h.dueAt ∈ [from, to) }                        items that fell due within the period
 *   closeout_rate = | { h ∈ D : h.closedOutAt < to } | / |D|
 *
 * i.e. of everything due within the period, the share closed out by the period's end (closing before
 * the period started counts: early work is good work). Both terms are about the same items, so the
 * rate lies in [0, 1] — "closed out in the period ÷ due in the period" counted over different items
 * could exceed 1 and would reward clearing an old backlog over meeting deadlines. The deadline is the
 * one in force (approved extensions move it; every extension is on the timeline and audited).
 * Rejected and merged items never get a deadline, so they never count. The town's verification delay
 * counts against it: the index measures the town's loop as a whole, not only the rectifier.
 * `on_time_rate` is the stricter sibling: closed out at or before the item's own deadline.
 */
export function closeoutMetrics(items: Iterable<DeadlineView>, period: Period): CloseoutMetrics {
  const from = period.from.getTime();
  const to = period.to.getTime();
  if (!(to > from)) throw new RangeError('the period must end after it starts');
  let due = 0;
  let closedOut = 0;
  let closedOnTime = 0;
  for (const h of items) {
    if (!h.dueAt) continue;
    const d = h.dueAt.getTime();
    if (d < from || d >= to) continue;
    due++;
    const c = h.closedOutAt?.getTime();
    if (c !== undefined && c < to) {
      closedOut++;
      if (c <= d) closedOnTime++;
    }
  }
  return {
    due,
    closedOut,
    closedOnTime,
    overdueOpen: due - closedOut,
    closeoutRate: due === 0 ? null : closedOut / due,
    onTimeRate: due === 0 ? null : closedOnTime / due,
  };
}

/** The ISO week (local time) an instant falls in, e.g. '2026-W48': the key of the weekly list (汇总). */
export function weeklyBatch(at: Date, utcOffsetMinutes = CHINA_UTC_OFFSET_MINUTES): string {
  const local = new Date(at.getTime() + utcOffsetMinutes * 60_000);
  const day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const dow = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(day + (3 - dow) * DAY);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The instant the local (ISO, Monday-first) week of `at` began: Monday 00:00 local time. */
export function weekStart(at: Date, utcOffsetMinutes = CHINA_UTC_OFFSET_MINUTES): Date {
  const off = utcOffsetMinutes * 60_000;
  const day = Math.floor((at.getTime() + off) / DAY) * DAY;
  const dow = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return new Date(day - dow * DAY - off);
}

export const WEEKLY_BATCH_RE = /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/;
