// Pure helpers of the events console: tabs and their queries, action forms, transition bodies, and
// the formatting of times, durations, distances and rates. No React and no I/O, so they are tested alone.
import type {
  EventAction,
  EventListQuery,
  EventState,
  HandlerRef,
  TransitionInput,
  UnitRef,
} from '../../api/events';
import type { Role } from '../../api/types';

/** The platform's local time zone: the server counts days (the daily view, "overdue") in it. */
export const TIME_ZONE = 'Asia/Shanghai';

// ── tabs ─────────────────────────────────────────────────────────────────────────────────────────

export type TabKey = 'submitted' | 'dispatch' | 'handling' | 'queue' | 'done' | 'overdue' | 'all';

export interface TabDef {
  key: TabKey;
  /** The part of the list query the tab fixes. */
  query: Pick<EventListQuery, 'view' | 'state'>;
}

const TAB_QUERIES: Record<TabKey, TabDef['query']> = {
  submitted: { view: 'all', state: 'submitted' },
  dispatch: { view: 'all', state: 'accepted,returned,reopened' },
  handling: { view: 'all', state: 'assigned,in_progress' },
  queue: { view: 'queue', state: 'assigned,in_progress' },
  // the server's queue holds open work only; what was resolved is found in the scope
  done: { view: 'all', state: 'resolved,closed' },
  overdue: { view: 'overdue' },
  all: { view: 'all' },
};

export const DISPATCH_ROLES: readonly Role[] = ['dispatcher', 'admin'];
export const HANDLER_ROLES: readonly Role[] = [
  'town_staff',
  'village_staff',
  'grid_worker',
  'micro_grid_leader',
  'department_staff',
];

export function isDispatcher(roles: readonly Role[]): boolean {
  return roles.some((r) => DISPATCH_ROLES.includes(r));
}
export function isHandler(roles: readonly Role[]): boolean {
  return roles.some((r) => HANDLER_ROLES.includes(r));
}

/**
 * The workbench's tabs for a user: dispatchers sort the intake (待受理, 待派遣, 处理中), handlers work
 * their queue (待办, 已办结); everyone with the page sees what is overdue and everything in scope
 * (the first tab is where the page opens).
 */
export function tabsFor(roles: readonly Role[]): TabDef[] {
  const keys: TabKey[] = [];
  if (isDispatcher(roles)) keys.push('submitted', 'dispatch', 'handling');
  if (isHandler(roles)) keys.push('queue', 'done');
  // those who only look (leaders, the safety office) start from everything in their area
  keys.push(...(keys.length > 0 ? (['overdue', 'all'] as const) : (['all', 'overdue'] as const)));
  return keys.map((key) => ({ key, query: TAB_QUERIES[key] }));
}

export interface Filters {
  category?: string | undefined;
  unit?: number | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
}

/** The list query for a tab, the filters and a page; empty filters are left out. */
export function listQueryFor(tab: TabDef, filters: Filters, page: number, pageSize: number): EventListQuery {
  const query: EventListQuery = { ...tab.query, page, pageSize };
  if (filters.category) query.category = filters.category;
  if (filters.unit !== undefined) query.unit = filters.unit;
  if (filters.from) query.from = filters.from;
  if (filters.to) query.to = filters.to;
  const q = filters.q?.trim();
  if (q) query.q = q;
  return query;
}

// ── actions ──────────────────────────────────────────────────────────────────────────────────────

/** A field an action's form asks for. */
export type ActionField = 'reason' | 'assignee' | 'note' | 'media' | 'target' | 'rating' | 'comment';

export interface ActionSpec {
  /** Fields shown, in order; `required` are those the server refuses the action without. */
  fields: readonly ActionField[];
  required: readonly ActionField[];
  /** Taken with one click (no form); `confirm` asks first. */
  direct?: boolean;
  confirm?: boolean;
  danger?: boolean;
  primary?: boolean;
}

/** What each action needs, mirroring the server's transition table (state-machine.ts). */
export const ACTION_SPECS: Record<EventAction, ActionSpec> = {
  accept: { fields: [], required: [], direct: true, primary: true },
  reject: { fields: ['reason'], required: ['reason'], danger: true },
  assign: { fields: ['assignee'], required: ['assignee'], primary: true },
  reassign: { fields: ['assignee', 'reason'], required: ['assignee', 'reason'] },
  start: { fields: [], required: [], direct: true, primary: true },
  return: { fields: ['reason'], required: ['reason'], danger: true },
  resolve: { fields: ['note', 'media'], required: ['note'], primary: true },
  rate: { fields: ['rating', 'comment'], required: ['rating'] },
  reopen: { fields: ['reason'], required: ['reason'] },
  merge: { fields: ['target'], required: ['target'] },
  close: { fields: [], required: [], direct: true, confirm: true },
};

/** The order of the buttons: the step forward first, refusals and side paths after. */
const BUTTON_ORDER: readonly EventAction[] = [
  'accept',
  'assign',
  'start',
  'resolve',
  'close',
  'rate',
  'reassign',
  'reopen',
  'merge',
  'return',
  'reject',
];

/** The actions to offer as buttons, in display order (only those the server says the viewer may take). */
export function orderedActions(actions: readonly EventAction[]): EventAction[] {
  return BUTTON_ORDER.filter((a) => actions.includes(a));
}

/** What a form collected, before it becomes a request body. */
export interface ActionValues {
  reason?: string | undefined;
  /** "unit:12" or "department:3", as the assignee picker encodes it. */
  assignee?: string | undefined;
  note?: string | undefined;
  mediaIds?: number[] | undefined;
  targetEventId?: number | undefined;
  rating?: number | undefined;
  comment?: string | undefined;
}

export function encodeHandler(h: { kind: 'unit' | 'department'; id: number }): string {
  return `${h.kind}:${h.id}`;
}

export function decodeHandler(value: string | undefined): { kind: 'unit' | 'department'; id: number } | null {
  const m = /^(unit|department):(\d+)$/.exec(value ?? '');
  if (!m) return null;
  return { kind: m[1] as 'unit' | 'department', id: Number(m[2]) };
}

/** The fields the action requires that the form left empty. */
export function missingFields(action: EventAction, values: ActionValues): ActionField[] {
  const has: Record<ActionField, boolean> = {
    reason: Boolean(values.reason?.trim()),
    assignee: decodeHandler(values.assignee) !== null,
    note: Boolean(values.note?.trim()),
    media: (values.mediaIds?.length ?? 0) > 0,
    target: Number.isInteger(values.targetEventId) && (values.targetEventId ?? 0) > 0,
    rating: Number.isInteger(values.rating) && (values.rating ?? 0) >= 1 && (values.rating ?? 0) <= 5,
    comment: Boolean(values.comment?.trim()),
  };
  return ACTION_SPECS[action].required.filter((f) => !has[f]);
}

/**
 * The request body for an action: the version the viewer read, and only the fields the action takes
 * (trimmed; empty ones left out), so a stale form never sends leftovers of another action.
 */
export function buildTransition(action: EventAction, version: number, values: ActionValues): TransitionInput {
  const body: TransitionInput = { action, version };
  const fields = ACTION_SPECS[action].fields;
  const text = (s: string | undefined) => s?.trim() || undefined;
  if (fields.includes('reason') && text(values.reason)) body.reason = text(values.reason);
  if (fields.includes('assignee')) {
    const a = decodeHandler(values.assignee);
    if (a) body.assignee = a;
  }
  if (fields.includes('note') && text(values.note)) body.note = text(values.note);
  if (fields.includes('media') && values.mediaIds?.length) body.mediaIds = [...values.mediaIds];
  if (fields.includes('target') && values.targetEventId) body.targetEventId = values.targetEventId;
  if (fields.includes('rating') && values.rating !== undefined) body.rating = values.rating;
  if (fields.includes('comment') && text(values.comment)) body.comment = text(values.comment);
  return body;
}

// ── who may handle it ────────────────────────────────────────────────────────────────────────────

export interface HandlerOption {
  value: string;
  kind: 'unit' | 'department';
  id: number;
  name: string;
  /** grid, village, town, center or department */
  level: string;
  suggested: boolean;
}

const HANDLING_UNIT_LEVELS = ['grid', 'village', 'town'] as const;

/**
 * The handlers a dispatcher may choose from: the suggested route first, then the units of the
 * event's place that handle matters (grid, village, town, nearest first), the county's center, then
 * the departments. Each handler appears once.
 */
export function handlerOptions(
  route: HandlerRef | null,
  place: readonly UnitRef[],
  center: UnitRef | null,
  departments: readonly { id: number; name: string }[],
): HandlerOption[] {
  const out: HandlerOption[] = [];
  const seen = new Set<string>();
  const add = (o: Omit<HandlerOption, 'value' | 'suggested'>) => {
    const value = encodeHandler(o);
    if (seen.has(value)) return;
    seen.add(value);
    out.push({ ...o, value, suggested: route !== null && value === encodeHandler(route) });
  };
  if (route) add({ kind: route.kind, id: route.id, name: route.name, level: route.level });
  const chain = [...place].reverse(); // nearest first
  for (const u of chain) {
    if ((HANDLING_UNIT_LEVELS as readonly string[]).includes(u.level)) {
      add({ kind: 'unit', id: u.id, name: u.name, level: u.level });
    }
  }
  if (center) add({ kind: 'unit', id: center.id, name: center.name, level: 'center' });
  for (const d of departments) add({ kind: 'department', id: d.id, name: d.name, level: 'department' });
  return out;
}

/** The handler to pre-fill: the route for an assignment; for a reassignment, the route unless it already has it. */
export function defaultHandler(
  action: EventAction,
  route: HandlerRef | null,
  assignee: HandlerRef | null,
): string | undefined {
  if (!route) return undefined;
  if (action === 'reassign' && assignee && encodeHandler(assignee) === encodeHandler(route)) return undefined;
  return encodeHandler(route);
}

// ── time, durations, numbers ─────────────────────────────────────────────────────────────────────

const dateParts = (d: Date, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { y: get('year'), m: get('month'), d: get('day'), hh: get('hour'), mm: get('minute') };
};

/** The local calendar day of an instant, YYYY-MM-DD (the server's days are Asia/Shanghai days). */
export function localDate(d: Date, timeZone = TIME_ZONE): string {
  const p = dateParts(d, timeZone);
  return `${p.y}-${p.m}-${p.d}`;
}

/** "2026-11-23 14:05" in the platform's time zone; "—" for nothing. */
export function formatDateTime(iso: string | null | undefined, timeZone = TIME_ZONE): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const p = dateParts(d, timeZone);
  return `${p.y}-${p.m}-${p.d} ${p.hh}:${p.mm}`;
}

export interface DurationWords {
  day: string;
  hour: string;
  minute: string;
  /** Between a number and its unit, and between the two parts. */
  sep: string;
}

export const DURATION_ZH: DurationWords = { day: '天', hour: '小时', minute: '分钟', sep: '' };
export const DURATION_EN: DurationWords = { day: 'd', hour: 'h', minute: 'min', sep: ' ' };

/**
 * A duration in its two largest units: "2天3小时", "5小时20分钟", "12分钟" (English "2 d 3 h").
 * Negative durations are formatted by their size; under a minute reads "0 minutes".
 */
export function formatDuration(ms: number, words: DurationWords = DURATION_ZH): string {
  const total = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const minutes = total % 60;
  const sep = words.sep;
  const part = (n: number, w: string) => `${n}${sep}${w}`;
  if (days > 0)
    return hours > 0 ? `${part(days, words.day)}${sep}${part(hours, words.hour)}` : part(days, words.day);
  if (hours > 0)
    return minutes > 0
      ? `${part(hours, words.hour)}${sep}${part(minutes, words.minute)}`
      : part(hours, words.hour);
  return part(minutes, words.minute);
}

/** Hours as the daily view shows them: one decimal under 10, whole hours above; "—" when unknown. */
export function formatHours(h: number | null | undefined): string {
  if (h === null || h === undefined || !Number.isFinite(h)) return '—';
  return h < 10 ? (Math.round(h * 10) / 10).toFixed(1) : String(Math.round(h));
}

/** A share 0–1 as a percentage with at most one decimal; "—" when unknown. */
export function formatRate(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '—';
  const pct = Math.round(r * 1000) / 10;
  return `${Number.isInteger(pct) ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

/** Metres below a kilometre, else kilometres with one decimal. */
export function formatDistance(m: number): string {
  if (m < 1000) return `${Math.round(m)} m`;
  return `${(Math.round(m / 100) / 10).toFixed(1)} km`;
}

export type DueStatus =
  | { kind: 'none' }
  | { kind: 'done' }
  | { kind: 'overdue'; byMs: number }
  | { kind: 'soon'; leftMs: number }
  | { kind: 'ok'; leftMs: number };

/** Less than this left of the time limit reads as "due soon". */
export const DUE_SOON_MS = 4 * 3600_000;

const FINISHED: readonly EventState[] = ['resolved', 'closed', 'rejected', 'merged'];

/** How an event stands against its time limit now. The server's `overdue` flag wins over the clock. */
export function dueStatus(
  e: { dueAt: string | null; overdue: boolean; state: EventState },
  now: Date,
): DueStatus {
  if (FINISHED.includes(e.state)) return { kind: 'done' };
  if (!e.dueAt) return e.overdue ? { kind: 'overdue', byMs: 0 } : { kind: 'none' };
  const left = new Date(e.dueAt).getTime() - now.getTime();
  if (e.overdue || left < 0) return { kind: 'overdue', byMs: Math.max(0, -left) };
  return left < DUE_SOON_MS ? { kind: 'soon', leftMs: left } : { kind: 'ok', leftMs: left };
}

// ── states ───────────────────────────────────────────────────────────────────────────────────────

/** A colour per state, for tags (antd preset names) and map points (hex), the same hue in both. */
export const STATE_COLORS: Record<EventState, { tag: string; hex: string }> = {
  submitted: { tag: 'blue', hex: '#1677ff' },
  accepted: { tag: 'cyan', hex: '#13a8a8' },
  returned: { tag: 'orange', hex: '#fa8c16' },
  reopened: { tag: 'magenta', hex: '#eb2f96' },
  assigned: { tag: 'purple', hex: '#722ed1' },
  in_progress: { tag: 'geekblue', hex: '#2f54eb' },
  resolved: { tag: 'green', hex: '#52c41a' },
  closed: { tag: 'default', hex: '#8c8c8c' },
  rejected: { tag: 'default', hex: '#bfbfbf' },
  merged: { tag: 'default', hex: '#bfbfbf' },
};

/** The place chain as one line, town first: "景山街道 / 景山社区 / 第1网格". */
export function placeLine(place: readonly UnitRef[], from = 0): string {
  return place
    .slice(from)
    .map((u) => u.name)
    .join(' / ');
}

/**
 * The part of the place chain that tells places apart in a list: village and grid ("景山社区 / 第1网格");
 * micro-grid names ("第1微网格") say little on their own. Without those levels, the last two names.
 */
export function placeShort(place: readonly UnitRef[]): string {
  const mid = place.filter((u) => u.level === 'village' || u.level === 'grid');
  return mid.length > 0 ? placeLine(mid) : placeLine(place, Math.max(0, place.length - 2));
}
