import { describe, expect, it } from 'vitest';
import {
  type Assignee,
  availableActions,
  EVENT_ACTIONS,
  EVENT_ROLES,
  EVENT_STATES,
  type EventAction,
  type EventRole,
  type EventSnapshot,
  type EventState,
  findRule,
  isTerminal,
  RATING_WINDOW_MS,
  TRANSITIONS,
  type TransitionInput,
  transition,
} from './state-machine.js';

// The table, written out by hand and independently of TRANSITIONS: state → action → next
// state ('by_rating' = closed for ≥ 3, reopened for ≤ 2) and who may take it.
type Expected = { to: EventState | 'by_rating'; who: EventRole[] };
const D: EventRole[] = ['dispatcher'];
const H: EventRole[] = ['handler'];
const merge: Expected = { to: 'merged', who: D };
const EXPECTED: Record<EventState, Partial<Record<EventAction, Expected>>> = {
  submitted: { accept: { to: 'accepted', who: D }, reject: { to: 'rejected', who: D }, merge },
  accepted: { assign: { to: 'assigned', who: D }, merge },
  rejected: {},
  assigned: {
    reassign: { to: 'assigned', who: D },
    start: { to: 'in_progress', who: H },
    return: { to: 'returned', who: H },
    merge,
  },
  in_progress: { resolve: { to: 'resolved', who: H }, merge },
  returned: { assign: { to: 'assigned', who: D }, merge },
  resolved: {
    rate: { to: 'by_rating', who: ['reporter'] },
    reopen: { to: 'reopened', who: ['reporter', 'dispatcher'] },
    close: { to: 'closed', who: ['system', 'dispatcher'] },
  },
  closed: {},
  reopened: { assign: { to: 'assigned', who: D }, merge },
  merged: {},
};

const NOW = new Date('2026-11-20T10:00:00+08:00');
const LONG_AGO = new Date(NOW.getTime() - RATING_WINDOW_MS - 1);
const UNIT_7: Assignee = { kind: 'unit', id: 7 };
const DEPT_3: Assignee = { kind: 'department', id: 3 };

function snapshot(state: EventState, o: Partial<EventSnapshot> = {}): EventSnapshot {
  const assigned = ['assigned', 'in_progress', 'returned', 'resolved', 'reopened'].includes(state);
  return {
    id: 42,
    state,
    assignee: assigned ? UNIT_7 : null,
    resolvedAt: state === 'resolved' ? LONG_AGO : null,
    ...o,
  };
}

/** An input that satisfies every requirement of any row. */
const FULL: TransitionInput = {
  reason: '不属于本单位职责',
  assignee: DEPT_3,
  note: '已清理楼道并告知住户',
  rating: 4,
  comment: '很快',
  targetEventId: 41,
};

const pairs = EVENT_STATES.flatMap((s) => EVENT_ACTIONS.map((a) => [s, a] as const));

describe('transition table', () => {
  it('covers the cross product: 10 states × 11 actions = 110 pairs', () => {
    expect(pairs).toHaveLength(110);
    const allowed = pairs.filter(([s, a]) => EXPECTED[s][a]);
    expect(allowed).toHaveLength(TRANSITIONS.length);
    expect(allowed).toHaveLength(18);
  });

  it.each(pairs)('%s × %s: as the table says', (state, action) => {
    const exp = EXPECTED[state][action];
    const rule = findRule(state, action);
    const r = transition(snapshot(state), action, FULL, EVENT_ROLES, NOW);
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
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.to).toBe(exp.to === 'by_rating' ? 'closed' : exp.to);
    expect(r.entry).toMatchObject({ at: NOW, action, from: state, to: r.to });
    expect(exp.who).toContain(r.entry.as);
  });

  it.each(pairs.filter(([s, a]) => EXPECTED[s][a]))(
    '%s × %s: refused to every role that may not take it',
    (state, action) => {
      const who = EXPECTED[state][action]!.who;
      for (const role of EVENT_ROLES.filter((x) => !who.includes(x))) {
        const r = transition(snapshot(state), action, FULL, [role], NOW);
        expect(r, role).toMatchObject({ ok: false, refusal: { code: 'forbidden_actor' } });
      }
      const none = transition(snapshot(state), action, FULL, [], NOW);
      expect(none).toMatchObject({ ok: false, refusal: { code: 'forbidden_actor' } });
      for (const role of who)
        expect(transition(snapshot(state), action, FULL, [role], NOW).ok, role).toBe(true);
    },
  );

  it('leaves rejected, closed and merged terminal, and only they', () => {
    for (const s of EVENT_STATES) {
      const out = EVENT_ACTIONS.filter((a) => EXPECTED[s][a]);
      expect(isTerminal(s), s).toBe(out.length === 0);
    }
  });

  it('every state is reachable from submitted', () => {
    const seen = new Set<EventState>(['submitted']);
    for (let changed = true; changed; ) {
      changed = false;
      for (const r of TRANSITIONS) {
        const tos: EventState[] = r.to === 'by_rating' ? ['closed', 'reopened'] : [r.to];
        for (const t of tos) {
          if (seen.has(r.from) && !seen.has(t)) {
            seen.add(t);
            changed = true;
          }
        }
      }
    }
    expect([...seen].sort()).toEqual([...EVENT_STATES].sort());
  });
});

describe('guards', () => {
  const go = (
    state: EventState,
    action: EventAction,
    input: TransitionInput,
    o: Partial<EventSnapshot> = {},
  ) => transition(snapshot(state, o), action, input, EVENT_ROLES, NOW);
  const refusedWith = (code: string) => ({ ok: false, refusal: { code, message: expect.any(String) } });

  it('reject, return, reassign and reopen need a reason (blank is none)', () => {
    expect(go('submitted', 'reject', {})).toEqual(refusedWith('missing_reason'));
    expect(go('submitted', 'reject', { reason: '   ' })).toEqual(refusedWith('missing_reason'));
    expect(go('assigned', 'return', { reason: '' })).toEqual(refusedWith('missing_reason'));
    expect(go('assigned', 'reassign', { assignee: DEPT_3 })).toEqual(refusedWith('missing_reason'));
    expect(go('resolved', 'reopen', { comment: '没修好' })).toEqual(refusedWith('missing_reason'));
    const ok = go('submitted', 'reject', { reason: '  重复上报  ' });
    expect(ok).toMatchObject({ ok: true, to: 'rejected', entry: { reason: '重复上报' } });
  });

  it('assign and reassign need a well-formed assignee; reassign to the same one is refused', () => {
    expect(go('accepted', 'assign', {})).toEqual(refusedWith('missing_assignee'));
    expect(go('accepted', 'assign', { assignee: { kind: 'unit', id: 0 } })).toEqual(
      refusedWith('missing_assignee'),
    );
    expect(go('accepted', 'assign', { assignee: { kind: 'person', id: 1 } as unknown as Assignee })).toEqual(
      refusedWith('missing_assignee'),
    );
    expect(go('assigned', 'reassign', { assignee: UNIT_7, reason: '换人' })).toEqual(
      refusedWith('same_assignee'),
    );
    const re = go('assigned', 'reassign', { assignee: DEPT_3, reason: '属消防职责' });
    expect(re).toMatchObject({
      ok: true,
      to: 'assigned',
      entry: { assignee: DEPT_3, previousAssignee: UNIT_7, reason: '属消防职责' },
    });
    // after a return, the dispatcher may insist on the same handler
    expect(go('returned', 'assign', { assignee: UNIT_7 })).toMatchObject({ ok: true, to: 'assigned' });
  });

  it('resolve needs a result note', () => {
    expect(go('in_progress', 'resolve', { comment: 'x' })).toEqual(refusedWith('missing_note'));
    expect(go('in_progress', 'resolve', { note: '已修复路灯' })).toMatchObject({
      ok: true,
      to: 'resolved',
      entry: { note: '已修复路灯', as: 'handler' },
    });
  });

  it('rate: 3–5 closes, 1–2 reopens, anything else is refused', () => {
    const rate = (rating: number | undefined) => go('resolved', 'rate', { rating, comment: '  好 ' });
    for (const r of [3, 4, 5])
      expect(rate(r)).toMatchObject({ ok: true, to: 'closed', entry: { rating: r } });
    for (const r of [1, 2]) expect(rate(r)).toMatchObject({ ok: true, to: 'reopened', entry: { rating: r } });
    expect(rate(3)).toMatchObject({ entry: { comment: '好' } });
    expect(rate(undefined)).toEqual(refusedWith('missing_rating'));
    for (const r of [0, 6, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(rate(r), String(r)).toEqual(refusedWith('invalid_rating'));
    }
  });

  it('a rating is taken at any time while resolved, even the same minute', () => {
    const fresh = { resolvedAt: new Date(NOW.getTime() - 1000) };
    expect(go('resolved', 'rate', { rating: 5 }, fresh)).toMatchObject({ ok: true, to: 'closed' });
  });

  it('close only once the 7-day rating window is over', () => {
    const at = (ms: number) => ({ resolvedAt: new Date(NOW.getTime() - ms) });
    expect(go('resolved', 'close', {}, at(RATING_WINDOW_MS - 1))).toEqual(refusedWith('rating_window_open'));
    expect(go('resolved', 'close', {}, at(RATING_WINDOW_MS))).toMatchObject({ ok: true, to: 'closed' });
    expect(go('resolved', 'close', {}, { resolvedAt: null })).toEqual(refusedWith('rating_window_open'));
    const sys = transition(snapshot('resolved'), 'close', {}, ['system'], NOW);
    expect(sys).toMatchObject({ ok: true, entry: { as: 'system' } });
  });

  it('merge needs another event as its target', () => {
    expect(go('submitted', 'merge', {})).toEqual(refusedWith('missing_target'));
    expect(go('submitted', 'merge', { targetEventId: -3 })).toEqual(refusedWith('missing_target'));
    expect(go('submitted', 'merge', { targetEventId: 42 })).toEqual(refusedWith('self_merge'));
    expect(go('in_progress', 'merge', { targetEventId: 7 })).toMatchObject({
      ok: true,
      to: 'merged',
      entry: { targetEventId: 7 },
    });
  });

  it('checks the pair before the actor, and the actor before the fields', () => {
    expect(transition(snapshot('closed'), 'reject', {}, [], NOW)).toEqual(
      refusedWith('forbidden_transition'),
    );
    expect(transition(snapshot('submitted'), 'reject', {}, ['reporter'], NOW)).toEqual(
      refusedWith('forbidden_actor'),
    );
  });

  it('the entry keeps only what the row asks for', () => {
    const r = go('submitted', 'accept', FULL);
    expect(r.ok && r.entry).toEqual({
      at: NOW,
      action: 'accept',
      from: 'submitted',
      to: 'accepted',
      as: 'dispatcher',
    });
  });

  it('offers the actions an actor may take now', () => {
    expect(availableActions(snapshot('submitted'), ['dispatcher'], NOW).sort()).toEqual([
      'accept',
      'merge',
      'reject',
    ]);
    expect(availableActions(snapshot('assigned'), ['handler'], NOW).sort()).toEqual(['return', 'start']);
    expect(availableActions(snapshot('resolved'), ['reporter'], NOW).sort()).toEqual(['rate', 'reopen']);
    const fresh = snapshot('resolved', { resolvedAt: NOW });
    expect(availableActions(fresh, ['dispatcher'], NOW)).toEqual(['reopen']);
    expect(availableActions(snapshot('resolved'), ['system'], NOW)).toEqual(['close']);
    expect(availableActions(snapshot('closed'), EVENT_ROLES, NOW)).toEqual([]);
  });

  it('walks the issue loop: report, assign, resolve, rate 1, reopen, resolve, close', () => {
    let e = snapshot('submitted');
    const steps: [EventAction, TransitionInput, EventRole][] = [
      ['accept', {}, 'dispatcher'],
      ['assign', { assignee: UNIT_7 }, 'dispatcher'],
      ['start', {}, 'handler'],
      ['resolve', { note: '已处理' }, 'handler'],
      ['rate', { rating: 1, comment: '没修好' }, 'reporter'],
      ['assign', { assignee: UNIT_7 }, 'dispatcher'],
      ['start', {}, 'handler'],
      ['resolve', { note: '再次处理' }, 'handler'],
      ['rate', { rating: 5 }, 'reporter'],
    ];
    const path: EventState[] = [e.state];
    for (const [action, input, role] of steps) {
      const r = transition(e, action, input, [role], NOW);
      if (!r.ok) throw new Error(`${action}: ${r.refusal.code}`);
      e = {
        ...e,
        state: r.to,
        assignee: r.entry.assignee ?? e.assignee,
        resolvedAt: r.to === 'resolved' ? NOW : e.resolvedAt,
      };
      path.push(r.to);
    }
    expect(path).toEqual([
      'submitted',
      'accepted',
      'assigned',
      'in_progress',
      'resolved',
      'reopened',
      'assigned',
      'in_progress',
      'resolved',
      'closed',
    ]);
  });
});
