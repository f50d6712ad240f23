import { describe, expect, it } from 'vitest';
import {
  type Assignee,
  availableActions,
  findRule,
  HAZARD_ACTIONS,
  HAZARD_ROLES,
  HAZARD_STATES,
  type HazardAction,
  type HazardRole,
  type HazardSnapshot,
  type HazardState,
  isTerminal,
  type Route,
  TRANSITIONS,
  type TransitionInput,
  transition,
} from './state-machine.js';

// The loop written out by hand, independently of TRANSITIONS: state → action → next state, who.
type Expected = { to: HazardState; who: HazardRole[] };
const D: HazardRole[] = ['dispatcher'];
const R: HazardRole[] = ['reviewer'];
const X: HazardRole[] = ['rectifier'];
const supervise = (s: HazardState): Expected => ({ to: s, who: ['system', 'dispatcher'] });
const EXPECTED: Record<HazardState, Partial<Record<HazardAction, Expected>>> = {
  reported: {
    triage: { to: 'triaged', who: D },
    reject: { to: 'rejected', who: D },
    merge: { to: 'merged', who: D },
  },
  triaged: {
    triage: { to: 'triaged', who: D },
    confirm: { to: 'confirmed', who: R },
    reject: { to: 'rejected', who: R },
    merge: { to: 'merged', who: ['reviewer', 'dispatcher'] },
  },
  confirmed: { consolidate: { to: 'consolidated', who: ['system', 'reviewer'] } },
  consolidated: { assign: { to: 'assigned', who: R } },
  assigned: {
    reassign: { to: 'assigned', who: R },
    return: { to: 'consolidated', who: X },
    start: { to: 'rectifying', who: X },
    supervise: supervise('assigned'),
  },
  rectifying: {
    extend_deadline: { to: 'rectifying', who: R },
    submit: { to: 'verifying', who: X },
    supervise: supervise('rectifying'),
  },
  verifying: { verify_pass: { to: 'closed_out', who: R }, verify_fail: { to: 'rectifying', who: R } },
  closed_out: {},
  rejected: {},
  merged: {},
};

const HOUR = 3_600_000;
const NOW = new Date('2026-11-20T10:00:00+08:00');
const ASSIGNED_AT = new Date(NOW.getTime() - 12 * 24 * HOUR);
const PAST_DUE = new Date(NOW.getTime() - 5 * 24 * HOUR); // 7 days allowed, 5 days late → tier 2
const IN_A_WEEK = new Date(NOW.getTime() + 7 * 24 * HOUR);
const VILLAGE_7: Assignee = { kind: 'unit', id: 7 };
const PLACE_3: Assignee = { kind: 'place', id: 3 };
const ROUTE: Route = { townId: 11, departmentId: 21 };

function snapshot(state: HazardState, o: Partial<HazardSnapshot> = {}): HazardSnapshot {
  const assigned = ['assigned', 'rectifying', 'verifying', 'closed_out'].includes(state);
  return {
    id: 42,
    state,
    severity: 'major',
    route: state === 'reported' ? null : ROUTE,
    assignee: assigned ? VILLAGE_7 : null,
    assignedAt: assigned ? ASSIGNED_AT : null,
    dueAt: assigned ? PAST_DUE : null,
    escalation: 0,
    ...o,
  };
}

/** An input that satisfies every requirement of any row. */
const FULL: TransitionInput = {
  reason: '属燃气领域，改派住建',
  route: { townId: 12, departmentId: 22 },
  targetHazardId: 41,
  batch: '2026-W47',
  assignee: PLACE_3,
  deadline: new Date(IN_A_WEEK.getTime() + 30 * 24 * HOUR),
  evidence: [501, 502],
};

const pairs = HAZARD_STATES.flatMap((s) => HAZARD_ACTIONS.map((a) => [s, a] as const));

describe('transition table', () => {
  it('covers the cross product: 10 states × 14 actions = 140 pairs, 18 of them allowed', () => {
    expect(pairs).toHaveLength(140);
    const allowed = pairs.filter(([s, a]) => EXPECTED[s][a]);
    expect(allowed).toHaveLength(18);
    expect(TRANSITIONS).toHaveLength(18);
  });

  it.each(pairs)('%s × %s: as the table says', (state, action) => {
    const exp = EXPECTED[state][action];
    const rule = findRule(state, action);
    const r = transition(snapshot(state), action, FULL, HAZARD_ROLES, NOW);
    if (!exp) {
      expect(rule).toBeUndefined();
      expect(r).toEqual({
        ok: false,
        refusal: { code: 'forbidden_transition', message: expect.any(String) },
      });
      return;
    }
    expect(rule?.to).toBe(exp.to);
    expect([...(rule?.who ?? [])].sort()).toEqual([...exp.who].sort());
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.to).toBe(exp.to);
    expect(r.entry).toMatchObject({ at: NOW, action, from: state, to: exp.to });
    expect(exp.who).toContain(r.entry.as);
  });

  it.each(pairs.filter(([s, a]) => EXPECTED[s][a]))(
    '%s × %s: refused to every other role',
    (state, action) => {
      const who = EXPECTED[state][action]!.who;
      for (const role of HAZARD_ROLES.filter((x) => !who.includes(x))) {
        expect(transition(snapshot(state), action, FULL, [role], NOW), role).toMatchObject({
          ok: false,
          refusal: { code: 'forbidden_actor' },
        });
      }
      expect(transition(snapshot(state), action, FULL, [], NOW)).toMatchObject({
        ok: false,
        refusal: { code: 'forbidden_actor' },
      });
      for (const role of who)
        expect(transition(snapshot(state), action, FULL, [role], NOW).ok, role).toBe(true);
    },
  );

  it('the reporter takes no action at all (they follow the timeline)', () => {
    for (const [s, a] of pairs) expect(transition(snapshot(s), a, FULL, ['reporter'], NOW).ok).toBe(false);
  });

  it('leaves closed_out, rejected and merged terminal, and only they', () => {
    for (const s of HAZARD_STATES) {
      const out = HAZARD_ACTIONS.filter((a) => EXPECTED[s][a]);
      expect(isTerminal(s), s).toBe(out.length === 0);
    }
  });

  it('reaches every state from reported', () => {
    const seen = new Set<HazardState>(['reported']);
    for (let changed = true; changed; ) {
      changed = false;
      for (const r of TRANSITIONS) {
        if (seen.has(r.from) && !seen.has(r.to)) {
          seen.add(r.to);
          changed = true;
        }
      }
    }
    expect([...seen].sort()).toEqual([...HAZARD_STATES].sort());
  });

  it('lists the available actions per role', () => {
    expect(availableActions(snapshot('triaged'), ['reviewer'], NOW).sort()).toEqual([
      'confirm',
      'merge',
      'reject',
    ]);
    expect(availableActions(snapshot('rectifying'), ['rectifier'], NOW)).toEqual(['submit']);
    // supervise only shows when a new tier is due
    expect(availableActions(snapshot('rectifying'), ['system'], NOW)).toEqual(['supervise']);
    expect(availableActions(snapshot('rectifying', { dueAt: IN_A_WEEK }), ['system'], NOW)).toEqual([]);
    expect(availableActions(snapshot('closed_out'), HAZARD_ROLES, NOW)).toEqual([]);
  });
});

describe('guards', () => {
  const go = (
    state: HazardState,
    action: HazardAction,
    input: TransitionInput,
    o: Partial<HazardSnapshot> = {},
  ) => transition(snapshot(state, o), action, input, HAZARD_ROLES, NOW);
  const refused = (code: string) => ({ ok: false, refusal: { code, message: expect.any(String) } });

  it('reject, re-triage, reassign, return, extend and verify_fail need a reason (blank is none)', () => {
    expect(go('reported', 'reject', {})).toEqual(refused('missing_reason'));
    expect(go('triaged', 'reject', { reason: '  \n ' })).toEqual(refused('missing_reason'));
    expect(go('triaged', 'triage', { route: ROUTE })).toEqual(refused('missing_reason'));
    expect(go('assigned', 'reassign', { assignee: PLACE_3, deadline: IN_A_WEEK })).toEqual(
      refused('missing_reason'),
    );
    expect(go('assigned', 'return', { reason: '' })).toEqual(refused('missing_reason'));
    expect(go('rectifying', 'extend_deadline', { deadline: FULL.deadline })).toEqual(
      refused('missing_reason'),
    );
    expect(go('verifying', 'verify_fail', { note: '照片不清' })).toEqual(refused('missing_reason'));
    expect(go('triaged', 'reject', { reason: '  非安全隐患，属邻里纠纷 ' })).toMatchObject({
      ok: true,
      to: 'rejected',
      entry: { reason: '非安全隐患，属邻里纠纷' },
    });
  });

  it('triage needs a town and a department; re-triage records the previous route', () => {
    expect(go('reported', 'triage', {})).toEqual(refused('missing_route'));
    expect(go('reported', 'triage', { route: { townId: 0, departmentId: 2 } })).toEqual(
      refused('missing_route'),
    );
    expect(go('reported', 'triage', { route: { townId: 1.5, departmentId: 2 } })).toEqual(
      refused('missing_route'),
    );
    expect(go('reported', 'triage', { route: ROUTE })).toEqual({
      ok: true,
      to: 'triaged',
      entry: { at: NOW, action: 'triage', from: 'reported', to: 'triaged', as: 'dispatcher', route: ROUTE },
      changes: { route: ROUTE },
    });
    const again = go('triaged', 'triage', { route: { townId: 11, departmentId: 23 }, reason: '属住建' });
    expect(again).toMatchObject({ ok: true, entry: { previousRoute: ROUTE, route: { departmentId: 23 } } });
  });

  it('merge needs another existing item', () => {
    expect(go('triaged', 'merge', {})).toEqual(refused('missing_target'));
    expect(go('triaged', 'merge', { targetHazardId: -3 })).toEqual(refused('missing_target'));
    expect(go('triaged', 'merge', { targetHazardId: 42 })).toEqual(refused('self_merge'));
    expect(go('reported', 'merge', { targetHazardId: 40 })).toMatchObject({
      ok: true,
      to: 'merged',
      changes: { mergedInto: 40 },
      entry: { targetHazardId: 40 },
    });
  });

  it('confirm may correct the severity, and records the change only when it changes', () => {
    expect(go('triaged', 'confirm', {})).toMatchObject({ ok: true, changes: {} });
    expect(go('triaged', 'confirm', { severity: 'major' })).toMatchObject({ ok: true, changes: {} });
    expect(go('triaged', 'confirm', { severity: 'critical' })).toMatchObject({
      ok: true,
      to: 'confirmed',
      changes: { severity: 'critical' },
      entry: { severity: 'critical', previousSeverity: 'major' },
    });
    expect(go('triaged', 'confirm', { severity: 'huge' as never })).toEqual(refused('invalid_severity'));
  });

  it('consolidate needs an ISO week list', () => {
    for (const batch of [undefined, '', '2026-48', '2026-W00', '2026-W54', 'W48']) {
      expect(go('confirmed', 'consolidate', { batch }), String(batch)).toEqual(refused('missing_batch'));
    }
    expect(go('confirmed', 'consolidate', { batch: '2026-W53' })).toMatchObject({
      ok: true,
      changes: { batch: '2026-W53' },
    });
  });

  it('assign needs a rectifying party and a deadline in the future (and within a year)', () => {
    expect(go('consolidated', 'assign', { deadline: IN_A_WEEK })).toEqual(refused('missing_assignee'));
    expect(
      go('consolidated', 'assign', { assignee: { kind: 'person', id: 1 } as never, deadline: IN_A_WEEK }),
    ).toEqual(refused('missing_assignee'));
    expect(go('consolidated', 'assign', { assignee: PLACE_3 })).toEqual(refused('missing_deadline'));
    expect(go('consolidated', 'assign', { assignee: PLACE_3, deadline: new Date('nope') })).toEqual(
      refused('missing_deadline'),
    );
    expect(go('consolidated', 'assign', { assignee: PLACE_3, deadline: NOW })).toEqual(
      refused('deadline_not_in_future'),
    );
    expect(
      go('consolidated', 'assign', { assignee: PLACE_3, deadline: new Date(NOW.getTime() - 1) }),
    ).toEqual(refused('deadline_not_in_future'));
    expect(
      go('consolidated', 'assign', {
        assignee: PLACE_3,
        deadline: new Date(NOW.getTime() + 367 * 24 * HOUR),
      }),
    ).toEqual(refused('deadline_too_far'));
    const ok = go('consolidated', 'assign', { assignee: PLACE_3, deadline: new Date(NOW.getTime() + 1) });
    expect(ok).toMatchObject({
      ok: true,
      to: 'assigned',
      changes: { assignee: PLACE_3, assignedAt: NOW, dueAt: new Date(NOW.getTime() + 1), escalation: 0 },
    });
  });

  it('reassign moves the assignment and restarts the deadline; the same party is refused', () => {
    const input = { assignee: VILLAGE_7, deadline: IN_A_WEEK, reason: '换人' };
    expect(go('assigned', 'reassign', input)).toEqual(refused('same_assignee'));
    const ok = go('assigned', 'reassign', { ...input, assignee: PLACE_3 }, { escalation: 2 });
    expect(ok).toMatchObject({
      ok: true,
      entry: {
        assignee: PLACE_3,
        previousAssignee: VILLAGE_7,
        deadline: IN_A_WEEK,
        previousDeadline: PAST_DUE,
      },
      changes: { assignee: PLACE_3, dueAt: IN_A_WEEK, escalation: 0 },
    });
  });

  it('return clears the assignment for the reviewer to assign again', () => {
    expect(go('assigned', 'return', { reason: '不属本村' })).toMatchObject({
      ok: true,
      to: 'consolidated',
      entry: { previousAssignee: VILLAGE_7, reason: '不属本村' },
      changes: { assignee: null, assignedAt: null, dueAt: null, escalation: 0 },
    });
  });

  it('an extension must be later than the deadline in force and in the future', () => {
    const o = { dueAt: IN_A_WEEK };
    const ext = (deadline: Date) =>
      go('rectifying', 'extend_deadline', { deadline, reason: '需停业整改' }, o);
    expect(ext(new Date(NOW.getTime() - HOUR))).toEqual(refused('deadline_not_in_future'));
    expect(ext(IN_A_WEEK)).toEqual(refused('deadline_not_later'));
    expect(ext(new Date(IN_A_WEEK.getTime() - HOUR))).toEqual(refused('deadline_not_later'));
    const later = new Date(IN_A_WEEK.getTime() + 24 * HOUR);
    expect(ext(later)).toMatchObject({
      ok: true,
      to: 'rectifying',
      changes: { dueAt: later, escalation: 0 },
    });
    // an overdue item may be extended to any future date
    expect(go('rectifying', 'extend_deadline', { deadline: IN_A_WEEK, reason: '材料未到' })).toMatchObject({
      ok: true,
    });
  });

  it('submit needs evidence', () => {
    for (const evidence of [undefined, [], [0], [1, 2.5], ['a'] as never]) {
      expect(go('rectifying', 'submit', { evidence }), JSON.stringify(evidence)).toEqual(
        refused('missing_evidence'),
      );
    }
    expect(go('rectifying', 'submit', { evidence: [9], note: '已更换灭火器' })).toMatchObject({
      ok: true,
      to: 'verifying',
      entry: { evidence: [9], note: '已更换灭火器', as: 'rectifier' },
    });
  });

  it('verify: pass closes out; fail goes back with a reason and optionally a new future deadline', () => {
    expect(go('verifying', 'verify_pass', {})).toMatchObject({
      ok: true,
      to: 'closed_out',
      changes: { closedOutAt: NOW },
    });
    expect(go('verifying', 'verify_fail', { reason: '通道仍堵塞' })).toMatchObject({
      ok: true,
      to: 'rectifying',
      changes: {},
    });
    expect(
      go('verifying', 'verify_fail', { reason: '通道仍堵塞', deadline: new Date(NOW.getTime() - 1) }),
    ).toEqual(refused('deadline_not_in_future'));
    expect(go('verifying', 'verify_fail', { reason: '通道仍堵塞', deadline: IN_A_WEEK })).toMatchObject({
      ok: true,
      changes: { dueAt: IN_A_WEEK, escalation: 0 },
      entry: { deadline: IN_A_WEEK, previousDeadline: PAST_DUE },
    });
  });

  it('supervise raises the escalation tier of an overdue item, once per tier', () => {
    const sup = (o: Partial<HazardSnapshot>) =>
      transition(snapshot('rectifying', o), 'supervise', {}, ['system'], NOW);
    expect(sup({ dueAt: IN_A_WEEK })).toEqual(refused('not_overdue'));
    expect(sup({ dueAt: NOW })).toEqual(refused('not_overdue'));
    // 7 days allowed, 5 days late: tier 2 (late ≥ max(1 day, 3.5 days)) but not 3 (late < 7 days)
    expect(sup({})).toMatchObject({
      ok: true,
      to: 'rectifying',
      changes: { escalation: 2 },
      entry: { escalation: 2 },
    });
    expect(sup({ escalation: 1 })).toMatchObject({ ok: true, changes: { escalation: 2 } });
    expect(sup({ escalation: 2 })).toEqual(refused('escalation_not_due'));
    expect(sup({ escalation: 3 })).toEqual(refused('escalation_not_due'));
    // one hour late: tier 1
    expect(sup({ dueAt: new Date(NOW.getTime() - HOUR) })).toMatchObject({
      ok: true,
      changes: { escalation: 1 },
    });
  });
});
