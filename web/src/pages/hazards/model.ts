// Pure helpers of the hazard pages: the queues each role works from, what each action's form asks for,
// the transition body, the default rectification deadline, and the close-out figures for the charts.
// No React and no I/O, so they are tested alone.
import type {
  Hazard,
  HazardAction,
  HazardDomain,
  HazardListQuery,
  HazardState,
  HazardTransitionInput,
  HazardView,
  MetricsRow,
  Severity,
} from '../../api/hazards';
import type { Role } from '../../api/types';
import { formatDateTime, localDate, TIME_ZONE } from '../events/model';

// ── queues ───────────────────────────────────────────────────────────────────────────────────────

export type HazardTabKey = 'triage' | 'review' | 'assign' | 'verify' | 'rectify' | 'mine' | 'overdue' | 'all';

export interface HazardTab {
  key: HazardTabKey;
  query: { view: HazardView; state?: string };
}

const TAB_QUERIES: Record<HazardTabKey, HazardTab['query']> = {
  triage: { view: 'all', state: 'reported' },
  review: { view: 'review', state: 'triaged' },
  assign: { view: 'review', state: 'confirmed,consolidated' },
  verify: { view: 'review', state: 'verifying' },
  rectify: { view: 'rectify', state: 'assigned,rectifying' },
  mine: { view: 'mine' },
  overdue: { view: 'overdue' },
  all: { view: 'all' },
};

/** 分流: the dispatchers, the town hubs and the safety office (policy.ts DISPATCH_ROLES). */
export const TRIAGE_ROLES: readonly Role[] = ['dispatcher', 'town_staff', 'safety_office', 'admin'];
/** 审核 / 交办 / 验收: the town it was routed to, or the department. */
export const REVIEW_ROLES: readonly Role[] = ['town_staff', 'dispatcher', 'department_staff'];
/** 整改: the units and departments a hazard is assigned to. */
export const RECTIFY_ROLES: readonly Role[] = [
  'grid_worker',
  'micro_grid_leader',
  'village_staff',
  'town_staff',
  'department_staff',
];
/** Those who record hazards in the field (the record page is their home). */
export const RECORD_ROLES: readonly Role[] = [
  'grid_worker',
  'micro_grid_leader',
  'village_staff',
  'town_staff',
  'department_staff',
  'dispatcher',
  'safety_office',
  'leader',
  'admin',
];

const any = (roles: readonly Role[], of: readonly Role[]) => roles.some((r) => of.includes(r));

/** The queues a user works from, their own first; everyone has theirs, the overdue and all in scope. */
export function hazardTabsFor(roles: readonly Role[]): HazardTab[] {
  const keys: HazardTabKey[] = [];
  if (any(roles, TRIAGE_ROLES)) keys.push('triage');
  if (any(roles, REVIEW_ROLES)) keys.push('review', 'assign', 'verify');
  if (any(roles, RECTIFY_ROLES)) keys.push('rectify');
  keys.push('mine', 'overdue', 'all');
  // leaders and the safety office look at everything first
  if (!any(roles, [...REVIEW_ROLES, ...RECTIFY_ROLES, 'dispatcher'])) {
    keys.splice(keys.indexOf('all'), 1);
    keys.unshift('all');
  }
  return keys.map((key) => ({ key, query: TAB_QUERIES[key] }));
}

export interface HazardFilters {
  state?: string | undefined;
  domain?: string | undefined;
  severity?: string | undefined;
  source?: string | undefined;
  town?: number | undefined;
  listed?: 'true' | 'false' | undefined;
  q?: string | undefined;
}

/** Whether the state filter applies: the queues fix their own states. */
export const tabTakesState = (tab: HazardTab) => tab.query.state === undefined;

/** The list query of a tab under the filters (the state filter only where the tab fixes none). */
export function hazardQueryFor(
  tab: HazardTab,
  filters: HazardFilters,
  page: number,
  pageSize: number,
): HazardListQuery {
  const query: HazardListQuery = { view: tab.query.view, page, pageSize };
  const state = tab.query.state ?? filters.state;
  if (state) query.state = state;
  if (filters.domain) query.domain = filters.domain;
  if (filters.severity) query.severity = filters.severity;
  if (filters.source) query.source = filters.source;
  if (filters.town !== undefined) query.town = filters.town;
  if (filters.listed) query.listed = filters.listed;
  const q = filters.q?.trim();
  if (q) query.q = q;
  return query;
}

// ── actions ──────────────────────────────────────────────────────────────────────────────────────

export type HazardField =
  | 'route'
  | 'reason'
  | 'optionalReason'
  | 'note'
  | 'target'
  | 'assignee'
  | 'deadline'
  | 'optionalDeadline'
  | 'severity'
  | 'media';

export interface HazardActionSpec {
  fields: readonly HazardField[];
  /** Taken with one tap (a confirmation for the weighty ones), no form. */
  direct?: boolean;
  confirm?: boolean;
  primary?: boolean;
  danger?: boolean;
}

export const HAZARD_ACTION_SPECS: Record<HazardAction, HazardActionSpec> = {
  triage: { fields: ['route', 'optionalReason'], primary: true },
  confirm: { fields: ['severity', 'note'], primary: true },
  reject: { fields: ['reason'], danger: true },
  merge: { fields: ['target', 'optionalReason'] },
  consolidate: { fields: [], direct: true, confirm: true, primary: true },
  assign: { fields: ['assignee', 'deadline', 'note'], primary: true },
  reassign: { fields: ['assignee', 'deadline', 'reason'] },
  return: { fields: ['reason'], danger: true },
  start: { fields: [], direct: true, primary: true },
  extend_deadline: { fields: ['deadline', 'reason'] },
  submit: { fields: ['media', 'note'], primary: true },
  verify_pass: { fields: ['note'], primary: true },
  verify_fail: { fields: ['reason', 'optionalDeadline'], danger: true },
  supervise: { fields: ['note'] },
};

const ORDER: readonly HazardAction[] = [
  'triage',
  'confirm',
  'consolidate',
  'assign',
  'start',
  'submit',
  'verify_pass',
  'verify_fail',
  'extend_deadline',
  'reassign',
  'supervise',
  'merge',
  'return',
  'reject',
];

/** The actions in the order the buttons show them: the step forward first, refusals last. */
export function orderedHazardActions(actions: readonly HazardAction[]): HazardAction[] {
  return ORDER.filter((a) => actions.includes(a));
}

/** Re-triage (the item was triaged already) needs a reason. */
export function needsReason(action: HazardAction, state: HazardState): boolean {
  const f = HAZARD_ACTION_SPECS[action].fields;
  return f.includes('reason') || (action === 'triage' && state === 'triaged');
}

export interface HazardActionValues {
  townId?: number | undefined;
  departmentId?: number | undefined;
  reason?: string | undefined;
  note?: string | undefined;
  targetHazardId?: number | undefined;
  /** "unit:12", "department:3", "place:7" */
  assignee?: string | undefined;
  deadline?: string | undefined;
  severity?: Severity | undefined;
  mediaIds?: number[] | undefined;
}

export function encodeParty(p: { kind: 'unit' | 'department' | 'place'; id: number }): string {
  return `${p.kind}:${p.id}`;
}
export function decodeParty(
  v: string | undefined,
): { kind: 'unit' | 'department' | 'place'; id: number } | null {
  const m = /^(unit|department|place):(\d+)$/.exec(v ?? '');
  return m ? { kind: m[1] as 'unit' | 'department' | 'place', id: Number(m[2]) } : null;
}

/** The transition body: only what the action takes, trimmed, empty values left out. */
export function buildHazardTransition(
  action: HazardAction,
  version: number,
  v: HazardActionValues,
  original?: { severity: Severity },
): HazardTransitionInput {
  const f = HAZARD_ACTION_SPECS[action].fields;
  const body: HazardTransitionInput = { action, version };
  const reason = v.reason?.trim();
  if (reason && (f.includes('reason') || f.includes('optionalReason'))) body.reason = reason;
  const note = v.note?.trim();
  if (note && f.includes('note')) body.note = note;
  if (f.includes('route') && v.townId !== undefined && v.departmentId !== undefined)
    body.route = { townId: v.townId, departmentId: v.departmentId };
  if (f.includes('target') && v.targetHazardId !== undefined) body.targetHazardId = v.targetHazardId;
  const party = decodeParty(v.assignee);
  if (f.includes('assignee') && party) body.assignee = party;
  if ((f.includes('deadline') || f.includes('optionalDeadline')) && v.deadline) body.deadline = v.deadline;
  if (f.includes('severity') && v.severity && v.severity !== original?.severity) body.severity = v.severity;
  if (f.includes('media') && v.mediaIds?.length) body.mediaIds = v.mediaIds;
  return body;
}

/** The parties a hazard may be assigned to: its place, the units of its chain below the county, the department. */
export function partyOptions(h: Pick<Hazard, 'place' | 'units' | 'route' | 'assignee'>): {
  value: string;
  label: string;
  kind: 'unit' | 'department' | 'place';
}[] {
  const out: { value: string; label: string; kind: 'unit' | 'department' | 'place' }[] = [];
  if (h.place)
    out.push({ value: encodeParty({ kind: 'place', id: h.place.id }), label: h.place.name, kind: 'place' });
  for (const u of [...h.units].reverse()) {
    if (u.level === 'city' || u.level === 'county') continue;
    out.push({ value: encodeParty({ kind: 'unit', id: u.id }), label: u.name, kind: 'unit' });
  }
  const d = h.route?.department;
  if (d)
    out.push({ value: encodeParty({ kind: 'department', id: d.id }), label: d.name, kind: 'department' });
  return out;
}

/**
 * The default rectifying party: the smallest unit of the chain (the grid or micro-grid that follows the
 * place up), else the department; a reassignment proposes nothing (it must change).
 */
export function defaultParty(
  h: Pick<Hazard, 'place' | 'units' | 'route' | 'assignee'>,
  action: HazardAction,
) {
  if (action === 'reassign') return undefined;
  return partyOptions(h).find((o) => o.kind === 'unit')?.value ?? partyOptions(h)[0]?.value;
}

/** 72 h etc. by severity from the domain; the server's fallbacks when the domain is not known. */
export const FALLBACK_HOURS: Record<Severity, number> = { general: 720, major: 360, critical: 168 };

/**
 * The default deadline the server would give (the domain's hours for the severity, to the end of the
 * local day they reach), as the local date YYYY-MM-DD that means the end of that day.
 */
export function defaultDeadlineDate(
  now: Date,
  severity: Severity,
  domain?: Pick<HazardDomain, 'deadlineHours'> | undefined,
  timeZone = TIME_ZONE,
): string {
  const hours = domain?.deadlineHours[severity] ?? FALLBACK_HOURS[severity];
  return localDate(new Date(now.getTime() + hours * 3600_000), timeZone);
}

/**
 * A deadline as people say it: the end of a day is "2026-12-09 24:00", not "2026-12-10 00:00"
 * (the server stores the next local midnight).
 */
export function formatDeadline(iso: string | null | undefined, timeZone = TIME_ZONE): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const full = formatDateTime(iso, timeZone);
  if (!full.endsWith(' 00:00')) return full;
  return `${localDate(new Date(d.getTime() - 1), timeZone)} 24:00`;
}

// ── states ───────────────────────────────────────────────────────────────────────────────────────

export const HAZARD_STATE_COLORS: Record<HazardState, string> = {
  reported: 'blue',
  triaged: 'cyan',
  confirmed: 'geekblue',
  consolidated: 'purple',
  assigned: 'magenta',
  rectifying: 'orange',
  verifying: 'gold',
  closed_out: 'green',
  rejected: 'default',
  merged: 'default',
};
export const SEVERITY_COLORS: Record<Severity, string> = {
  general: 'default',
  major: 'orange',
  critical: 'red',
};

export const FINISHED_STATES: readonly HazardState[] = ['closed_out', 'rejected', 'merged'];

// ── metrics ──────────────────────────────────────────────────────────────────────────────────────

export interface DomainRate {
  code: string;
  due: number;
  dueClosedOut: number;
  found: number;
  closedOut: number;
  overdueOpen: number;
  rate: number | null;
}

/** The units' per-domain counts summed over the units, each domain's close-out rate recomputed from the sums. */
export function ratesByDomain(rows: readonly MetricsRow[]): DomainRate[] {
  const by = new Map<string, DomainRate>();
  for (const r of rows) {
    for (const [code, c] of Object.entries(r.byDomain)) {
      const d = by.get(code) ?? {
        code,
        due: 0,
        dueClosedOut: 0,
        found: 0,
        closedOut: 0,
        overdueOpen: 0,
        rate: null,
      };
      d.due += c.due;
      d.dueClosedOut += c.dueClosedOut;
      d.found += c.found;
      d.closedOut += c.closedOut;
      d.overdueOpen += c.overdueOpen;
      by.set(code, d);
    }
  }
  return [...by.values()]
    .map((d) => ({ ...d, rate: d.due > 0 ? d.dueClosedOut / d.due : null }))
    .sort((a, b) => b.found - a.found || a.code.localeCompare(b.code));
}

/** The whole area's totals and rate. */
export function totals(rows: readonly MetricsRow[]): Omit<DomainRate, 'code'> {
  const t = { due: 0, dueClosedOut: 0, found: 0, closedOut: 0, overdueOpen: 0 };
  for (const r of rows) {
    t.due += r.due;
    t.dueClosedOut += r.dueClosedOut;
    t.found += r.found;
    t.closedOut += r.closedOut;
    t.overdueOpen += r.overdueOpen;
  }
  return { ...t, rate: t.due > 0 ? t.dueClosedOut / t.due : null };
}

/** A horizontal bar chart of close-out rates (percent), with each bar's "closed / due" in the tooltip. */
export function rateChartOption(
  rows: readonly { name: string; rate: number | null; dueClosedOut: number; due: number; found: number }[],
  seriesName: string,
) {
  const shown = rows.filter((r) => r.found > 0 || r.due > 0);
  const pct = (r: number | null) => (r === null ? 0 : Math.round(r * 1000) / 10);
  return {
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params: { dataIndex: number }[]) => {
        const r = shown[params[0]?.dataIndex ?? 0];
        return r
          ? `${r.name}<br/>${seriesName} ${r.rate === null ? '—' : `${pct(r.rate)}%`} (${r.dueClosedOut}/${r.due})`
          : '';
      },
    },
    xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', inverse: true, data: shown.map((r) => r.name) },
    series: [
      {
        name: seriesName,
        type: 'bar',
        barMaxWidth: 18,
        data: shown.map((r) => ({
          value: pct(r.rate),
          itemStyle: {
            color:
              r.rate === null ? '#d9d9d9' : r.rate >= 0.9 ? '#52c41a' : r.rate >= 0.6 ? '#faad14' : '#f5222d',
          },
        })),
        label: {
          show: true,
          position: 'right',
          formatter: (p: { dataIndex: number }) => {
            const r = shown[p.dataIndex];
            return r && r.rate !== null ? `${pct(r.rate)}%` : '—';
          },
        },
      },
    ],
  };
}
