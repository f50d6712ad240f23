import { describe, expect, it } from 'vitest';
import type { Hazard, MetricsRow } from '../../api/hazards';
import {
  buildHazardTransition,
  decodeParty,
  defaultDeadlineDate,
  defaultParty,
  formatDeadline,
  hazardQueryFor,
  hazardTabsFor,
  needsReason,
  orderedHazardActions,
  partyOptions,
  ratesByDomain,
  tabTakesState,
  totals,
} from './model';

const keys = (roles: Parameters<typeof hazardTabsFor>[0]) => hazardTabsFor(roles).map((t) => t.key);

describe('the queues per role', () => {
  it('gives each role its own queue first', () => {
    expect(keys(['dispatcher'])).toEqual(['triage', 'review', 'assign', 'verify', 'mine', 'overdue', 'all']);
    expect(keys(['town_staff'])).toEqual([
      'triage',
      'review',
      'assign',
      'verify',
      'rectify',
      'mine',
      'overdue',
      'all',
    ]);
    expect(keys(['department_staff'])).toEqual([
      'review',
      'assign',
      'verify',
      'rectify',
      'mine',
      'overdue',
      'all',
    ]);
    expect(keys(['grid_worker'])).toEqual(['rectify', 'mine', 'overdue', 'all']);
  });
  it('lets leaders and the safety office start from everything', () => {
    expect(keys(['leader'])).toEqual(['all', 'mine', 'overdue']);
    expect(keys(['safety_office'])[0]).toBe('all');
    expect(keys(['safety_office'])).toContain('triage');
  });
});

describe('the list query', () => {
  const tabs = Object.fromEntries(hazardTabsFor(['town_staff']).map((t) => [t.key, t]));
  it('fixes the queue’s view and states and adds the filters', () => {
    expect(
      hazardQueryFor(tabs.review!, { domain: 'fire', severity: 'major,critical', town: 4, q: ' YH ' }, 2, 20),
    ).toEqual({
      view: 'review',
      state: 'triaged',
      domain: 'fire',
      severity: 'major,critical',
      town: 4,
      q: 'YH',
      page: 2,
      pageSize: 20,
    });
  });
  it('applies the state filter only where the tab fixes none', () => {
    expect(tabTakesState(tabs.review!)).toBe(false);
    expect(hazardQueryFor(tabs.review!, { state: 'closed_out' }, 1, 20).state).toBe('triaged');
    expect(tabTakesState(tabs.all!)).toBe(true);
    expect(hazardQueryFor(tabs.all!, { state: 'closed_out', listed: 'true' }, 1, 20)).toEqual({
      view: 'all',
      state: 'closed_out',
      listed: 'true',
      page: 1,
      pageSize: 20,
    });
  });
});

const hazard: Pick<Hazard, 'place' | 'units' | 'route' | 'assignee'> = {
  place: { id: 7, name: '景山小吃店' },
  units: [
    { id: 2, code: '330304001', name: '景山街道', level: 'town' },
    { id: 3, code: '330304001003', name: '景山社区', level: 'village' },
    { id: 4, code: '330304001003001', name: '景山社区第1网格', level: 'grid' },
  ],
  route: {
    town: { id: 2, code: '330304001', name: '景山街道', level: 'town' },
    department: { id: 9, code: 'XF', name: '消防' },
  },
  assignee: null,
};

describe('actions', () => {
  it('orders the step forward first and refusals last', () => {
    expect(orderedHazardActions(['reject', 'merge', 'confirm'])).toEqual(['confirm', 'merge', 'reject']);
    expect(orderedHazardActions(['verify_fail', 'verify_pass'])).toEqual(['verify_pass', 'verify_fail']);
  });
  it('asks a reason of a re-triage but not of the first', () => {
    expect(needsReason('triage', 'reported')).toBe(false);
    expect(needsReason('triage', 'triaged')).toBe(true);
    expect(needsReason('reject', 'reported')).toBe(true);
    expect(needsReason('start', 'assigned')).toBe(false);
  });
  it('sends only what the action takes, trimmed', () => {
    expect(
      buildHazardTransition('assign', 3, {
        assignee: 'unit:4',
        deadline: '2026-12-01',
        note: '  ',
        reason: 'ignored',
        townId: 2,
        departmentId: 9,
      }),
    ).toEqual({ action: 'assign', version: 3, assignee: { kind: 'unit', id: 4 }, deadline: '2026-12-01' });
    expect(buildHazardTransition('triage', 1, { townId: 2, departmentId: 9, reason: ' 不归本镇 ' })).toEqual({
      action: 'triage',
      version: 1,
      route: { townId: 2, departmentId: 9 },
      reason: '不归本镇',
    });
    expect(buildHazardTransition('confirm', 2, { severity: 'general' }, { severity: 'general' })).toEqual({
      action: 'confirm',
      version: 2,
    });
    expect(buildHazardTransition('confirm', 2, { severity: 'major' }, { severity: 'general' }).severity).toBe(
      'major',
    );
    expect(buildHazardTransition('submit', 5, { mediaIds: [11, 12], note: '已整改' })).toEqual({
      action: 'submit',
      version: 5,
      mediaIds: [11, 12],
      note: '已整改',
    });
  });
  it('offers the place, the chain below the county (smallest first) and the department', () => {
    expect(partyOptions(hazard).map((o) => o.value)).toEqual([
      'place:7',
      'unit:4',
      'unit:3',
      'unit:2',
      'department:9',
    ]);
    expect(defaultParty(hazard, 'assign')).toBe('unit:4');
    expect(defaultParty(hazard, 'reassign')).toBeUndefined();
    expect(decodeParty('department:9')).toEqual({ kind: 'department', id: 9 });
    expect(decodeParty('x:1')).toBeNull();
  });
});

describe('the default deadline', () => {
  it('is the local day the domain’s hours for the severity reach', () => {
    const domain = { deadlineHours: { general: 720, major: 168, critical: 72 } };
    // Friday 2026-11-20 10:00 in Shanghai (02:00 UTC) + 72 h = Monday 10:00 → Monday, end of day
    const now = new Date('2026-11-20T02:00:00Z');
    expect(defaultDeadlineDate(now, 'critical', domain)).toBe('2026-11-23');
    expect(defaultDeadlineDate(now, 'major', domain)).toBe('2026-11-27');
    // 20:00 UTC is 04:00 the next day in Shanghai
    expect(defaultDeadlineDate(new Date('2026-11-20T20:00:00Z'), 'critical', domain)).toBe('2026-11-24');
  });
  it('falls back on the server’s hours when the domain is not loaded', () => {
    expect(defaultDeadlineDate(new Date('2026-11-20T02:00:00Z'), 'critical')).toBe('2026-11-27');
  });
});

describe('deadlines as people say them', () => {
  it('shows the end of a day as 24:00 of that day', () => {
    // 2026-12-10 00:00 in Shanghai is 2026-12-09 16:00 UTC
    expect(formatDeadline('2026-12-09T16:00:00.000Z')).toBe('2026-12-09 24:00');
    expect(formatDeadline('2026-12-09T08:30:00.000Z')).toBe('2026-12-09 16:30');
    expect(formatDeadline(null)).toBe('—');
  });
});

describe('close-out figures', () => {
  const counts = (due: number, dueClosedOut: number, found = due) => ({
    found,
    closedOut: dueClosedOut,
    due,
    dueClosedOut,
    closedOnTime: dueClosedOut,
    overdueOpen: due - dueClosedOut,
    closeoutRate: due > 0 ? dueClosedOut / due : null,
    onTimeRate: null,
  });
  const rows: MetricsRow[] = [
    {
      unit: { id: 1, code: 'a', name: 'A', level: 'town' },
      ...counts(4, 3),
      byDomain: { fire: counts(4, 3) },
    },
    {
      unit: { id: 2, code: 'b', name: 'B', level: 'town' },
      ...counts(6, 3, 8),
      byDomain: { fire: counts(2, 0), gas: counts(4, 3, 7) },
    },
  ];
  it('recomputes each domain’s rate from the summed counts, not as a mean of rates', () => {
    const d = ratesByDomain(rows);
    expect(d.map((x) => x.code)).toEqual(['gas', 'fire']);
    expect(d.find((x) => x.code === 'fire')?.rate).toBeCloseTo(3 / 6);
    expect(d.find((x) => x.code === 'gas')?.rate).toBeCloseTo(3 / 4);
  });
  it('totals the area', () => {
    expect(totals(rows)).toMatchObject({ found: 12, due: 10, dueClosedOut: 6, overdueOpen: 4, rate: 0.6 });
    expect(totals([]).rate).toBeNull();
  });
});
