// The hazard loop against a real database, through the HTTP edge: recording (locate, suggest, scope,
// evidence), every allowed transition at least once and forbidden ones 409, scope 403, stale versions
// 409, missing fields 422, merge, the weekly consolidation job, supervision with a controllable clock,
// the list's filters and the close-out metrics.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { JobRunner } from '../../jobs/index.js';
import { SYSTEM } from '../access/actor.js';
import { login, makeAccount } from '../access/testing.js';
import { type EventsDistrict, insertEventsDistrict } from '../events/testing.js';
import { makeJpeg, multipart } from '../media/testing.js';
import { closeoutMetrics } from './domain/deadlines.js';
import { HAZARD_ACTIONS, type HazardAction, type HazardState, TRANSITIONS } from './domain/state-machine.js';
import type { HazardDetail, HazardDto, MetricsResult } from './schema.js';
import { seedHazardTaxonomy } from './taxonomy/seed.js';

let ctx: TestContext;
let app: App;
let d: EventsDistrict;
let dataDir: string;
let placeId: number;
const cookie: Record<string, string> = {};
const accountId: Record<string, number> = {};

const ACCOUNTS = {
  dispatcher: { roles: ['dispatcher'], unit: '330304' },
  safety: { roles: ['safety_office'], unit: '330304' },
  leader: { roles: ['leader'], unit: '330304' },
  town: { roles: ['town_staff'], unit: '330304001' },
  village: { roles: ['village_staff'], unit: '330304001001' },
  grid1: { roles: ['grid_worker'], unit: '330304001001-G1' },
  grid2: { roles: ['grid_worker'], unit: '330304001001-G2' },
  fire: { roles: ['department_staff'], department: '330304-XF' },
  police: { roles: ['department_staff'], department: '330304-GA' },
  resident: { roles: ['resident'] },
} as const;
type Who = keyof typeof ACCOUNTS;

/** The (state, action) pairs a test walked successfully; every row of the table must appear. */
const walked = new Set<string>();

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anwang-hazards-'));
  ctx = await createTestContext({ sessionHours: 24 * 365, dataDir }); // the clock travels weeks
  ctx.clock.set(new Date('2026-11-23T02:00:00Z')); // Monday 10:00 in Shanghai
  d = await insertEventsDistrict(ctx);
  await seedHazardTaxonomy(ctx.services, '330304');
  const place = await ctx.services.places.create(SYSTEM, {
    name: '景山某电动车行',
    creditCode: null,
    kind: 'shop',
    address: '景山路 1 号',
    location: { ...d.point(0, 1), crs: 'wgs84' },
    contactName: null,
    contactPhone: null,
  });
  placeId = place.id;
  app = await ctx.app();
  for (const [name, o] of Object.entries(ACCOUNTS)) {
    const a = await makeAccount(ctx, {
      username: `hz-${name}`,
      roles: [...o.roles],
      ...('unit' in o ? { unit: o.unit } : {}),
      ...('department' in o ? { department: o.department } : {}),
    });
    accountId[name] = a.id;
    cookie[name] = await login(app, `hz-${name}`);
  }
});
afterAll(async () => {
  await ctx?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const count = async (sql: string, params: unknown[] = []) =>
  (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;

function send(method: 'GET' | 'POST', url: string, as?: Who, payload?: unknown) {
  return app.inject({
    method,
    url,
    headers: as ? { cookie: cookie[as]! } : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

async function upload(as: Who): Promise<number> {
  const body = multipart([{ data: await makeJpeg(64, 48) }]);
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/media',
    headers: { cookie: cookie[as]!, ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { items: { id: number }[] }).items[0]!.id;
}

async function record(as: Who, body: Record<string, unknown> = {}): Promise<HazardDetail> {
  const res = await send('POST', '/api/v1/hazards', as, {
    domainCode: 'fire',
    aspectCode: 'blocked_exits',
    severity: 'general',
    description: '安全出口被货物堵塞',
    ruleBroken: '《消防法》第二十八条',
    location: d.point(0, 0),
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as HazardDetail;
}

function act(as: Who, h: { id: number; version: number }, body: Record<string, unknown>) {
  return send('POST', `/api/v1/hazards/${h.id}/transitions`, as, { version: h.version, ...body });
}

async function step(
  as: Who,
  h: { id: number; version: number; state: HazardState },
  body: Record<string, unknown>,
): Promise<HazardDetail> {
  const res = await act(as, h, body);
  expect(res.statusCode, res.body).toBe(200);
  walked.add(`${h.state}:${body.action}`);
  const out = res.json() as HazardDetail;
  expect(out.version).toBe(h.version + 1);
  return out;
}

const get = async (as: Who, id: number) => {
  const res = await send('GET', `/api/v1/hazards/${id}`, as);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as HazardDetail;
};

/** Walks a fresh hazard (recorded by grid1 in G1) up to `state`. */
async function hazardIn(
  state: 'reported' | 'triaged' | 'confirmed' | 'consolidated' | 'assigned' | 'rectifying' | 'verifying',
) {
  let h = await record('grid1', { description: `走到 ${state}` });
  if (state === 'reported') return h;
  h = await step('dispatcher', h, { action: 'triage' });
  if (state === 'triaged') return h;
  h = await step('town', h, { action: 'confirm' });
  if (state === 'confirmed') return h;
  h = await step('town', h, { action: 'consolidate' });
  if (state === 'consolidated') return h;
  h = await step('town', h, {
    action: 'assign',
    assignee: { kind: 'unit', id: d.ids.get('330304001001-G1') },
  });
  if (state === 'assigned') return h;
  h = await step('grid1', h, { action: 'start' });
  if (state === 'rectifying') return h;
  return step('grid1', h, { action: 'submit', mediaIds: [await upload('grid1')] });
}

describe('recording', () => {
  it('locates the hazard, suggests the town and the department, attaches the evidence and audits', async () => {
    const photo = await upload('grid1');
    const h = await record('grid1', { mediaIds: [photo], placeId, location: d.point(0, 1) });
    expect(h.state).toBe('reported');
    expect(h.version).toBe(1);
    expect(h.trackingNo).toMatch(/^YH20261123-\d{6}$/);
    // at the place, in the micro-grid at column 0, row 1
    expect(h.units.map((u) => u.level)).toEqual(['town', 'village', 'grid', 'micro_grid']);
    expect(h.units.at(-1)?.code).toBe(d.lattice.microCode(0, 1));
    expect(h.place).toEqual({ id: placeId, name: '景山某电动车行' });
    expect(h.suggestion.town?.code).toBe('330304001');
    expect(h.suggestion.department?.code).toBe('330304-XF');
    expect(h.route).toBeNull();
    expect(h.domain).toMatchObject({ code: 'fire', version: 1, name: { zh: '消防' } });
    expect(h.aspect.code).toBe('blocked_exits');
    expect(h.media.map((m) => m.id)).toEqual([photo]);
    expect(h.timeline).toEqual([
      expect.objectContaining({ seq: 1, kind: 'record', to: 'reported', as: 'reporter' }),
    ]);
    expect(h.roles).toEqual(['reporter']);
    expect(await count(`audit_log WHERE action = 'hazard.record' AND entity_id = $1`, [String(h.id)])).toBe(
      1,
    );
    // the town's hub hears of it
    expect(await count(`feed WHERE kind = 'hazards.reported' AND entity_id = $1`, [h.id])).toBe(1);
    // the evidence is readable by the town's staff (the media owner policy) and not by another grid
    expect((await send('GET', `/api/v1/media/${photo}`, 'town')).statusCode).toBe(200);
    expect((await send('GET', `/api/v1/media/${photo}`, 'grid2')).statusCode).toBe(403);
  });

  it('refuses out-of-scope recorders and bad input with a clear 4xx, storing nothing', async () => {
    const before = await count('hazard');
    const post = (as: Who, body: Record<string, unknown>) =>
      send('POST', '/api/v1/hazards', as, {
        domainCode: 'fire',
        aspectCode: 'blocked_exits',
        severity: 'general',
        description: 'x',
        location: d.point(0, 0),
        ...body,
      });
    const cases: [Who | undefined, Record<string, unknown>, number, string?][] = [
      [undefined, {}, 401],
      ['resident', {}, 403],
      // G2's grid worker records in G1
      ['grid2', {}, 403, 'hazards.outside_scope'],
      ['grid1', { source: 'covert' }, 403, 'hazards.covert_not_allowed'],
      ['grid1', { domainCode: 'no_such' }, 422, 'hazards.unknown_domain'],
      ['grid1', { aspectCode: 'no_such' }, 422, 'hazards.unknown_domain'],
      ['grid1', { placeId: 999999 }, 422, 'hazards.unknown_place'],
      ['grid1', { location: { lng: 116.4, lat: 39.9 } }, 422, 'hazards.outside_district'],
      ['grid1', { location: undefined }, 422, 'hazards.location_required'],
      ['grid1', { severity: 'huge' }, 400],
      ['grid1', { description: '' }, 400],
      ['grid1', { extra: 1 }, 400],
      ['grid1', { mediaIds: [999999] }, 422, 'media.not_attachable'],
    ];
    for (const [as, body, status, code] of cases) {
      const res = await post(as as Who, body);
      expect(res.statusCode, `${JSON.stringify(body)} ${res.body}`).toBe(status);
      if (code) expect(res.json().code).toBe(code);
    }
    expect(await count('hazard')).toBe(before);
    // the fire department's inspector records in the department's territory; the safety office covertly
    expect((await post('fire', { source: 'inspection' })).statusCode).toBe(201);
    expect((await post('safety', { source: 'covert' })).statusCode).toBe(201);
  });
});

describe('the loop', () => {
  it('goes report → triage → confirm → consolidate → assign → return → assign → start → extend → submit → fail → submit → pass', async () => {
    let h = await record('grid1');
    h = await step('dispatcher', h, { action: 'triage' }); // the suggestion
    expect(h.route).toMatchObject({ town: { code: '330304001' }, department: { code: '330304-XF' } });
    expect(h.roles).toContain('reviewer'); // a county dispatcher reviews for every town
    // the town and the fire department review it; severity corrected
    h = await step('fire', h, { action: 'confirm', severity: 'major' });
    expect(h.severity).toBe('major');
    h = await step('town', h, { action: 'consolidate' });
    expect(h.batch).toBe('2026-W48');
    // assigned to grid G1 with the default deadline: fire, major = 7 days, to the end of that local day
    const g1 = d.ids.get('330304001001-G1')!;
    h = await step('town', h, { action: 'assign', assignee: { kind: 'unit', id: g1 } });
    expect(h.assignee).toMatchObject({ kind: 'unit', id: g1 });
    expect(h.dueAt).toBe('2026-11-30T16:00:00.000Z'); // Monday 10:00 + 7 d → Monday 30 Nov, 24:00 local
    expect(await count(`feed WHERE kind = 'hazards.assigned' AND entity_id = $1`, [h.id])).toBe(1);
    // not theirs to fix: back on the list
    expect((await act('grid1', h, { action: 'return' })).statusCode).toBe(422);
    h = await step('grid1', h, { action: 'return', reason: '不属于本网格' });
    expect(h.state).toBe('consolidated');
    expect(h.assignee).toBeNull();
    const village = d.ids.get('330304001001')!;
    h = await step('town', h, {
      action: 'assign',
      assignee: { kind: 'unit', id: village },
      deadline: '2026-11-27',
    });
    expect(h.dueAt).toBe('2026-11-27T16:00:00.000Z');
    h = await step('village', h, { action: 'start' });
    expect(h.state).toBe('rectifying');
    // an extension must move the deadline later
    expect(
      (await act('town', h, { action: 'extend_deadline', reason: '需要施工', deadline: '2026-11-26' })).json()
        .reason,
    ).toBe('deadline_not_later');
    h = await step('town', h, { action: 'extend_deadline', reason: '需要施工', deadline: '2026-12-04' });
    expect(h.dueAt).toBe('2026-12-04T16:00:00.000Z');
    // no evidence, no submission
    expect((await act('village', h, { action: 'submit' })).json().reason).toBe('missing_evidence');
    h = await step('village', h, { action: 'submit', mediaIds: [await upload('village')] });
    expect(h.state).toBe('verifying');
    expect(h.media).toHaveLength(1);
    h = await step('town', h, { action: 'verify_fail', reason: '仍有杂物' });
    expect(h.state).toBe('rectifying');
    h = await step('village', h, { action: 'submit', mediaIds: [await upload('village')] });
    h = await step('fire', h, { action: 'verify_pass', note: '已清理' });
    expect(h.state).toBe('closed_out');
    expect(h.closedOutAt).not.toBeNull();
    expect(h.actions).toEqual([]);
    expect(h.timeline.map((t) => t.kind)).toEqual([
      'record',
      'triage',
      'confirm',
      'consolidate',
      'assign',
      'return',
      'assign',
      'start',
      'extend_deadline',
      'submit',
      'verify_fail',
      'submit',
      'verify_pass',
    ]);
    expect(h.timeline[2]).toMatchObject({ by: expect.stringContaining('department_staff'), as: 'reviewer' });
    expect(h.timeline[5]!.details).toMatchObject({ reason: '不属于本网格', previousAssignee: { id: g1 } });
    expect(h.timeline[8]!.details).toMatchObject({
      deadline: '2026-12-04T16:00:00.000Z',
      previousDeadline: '2026-11-27T16:00:00.000Z',
    });
    expect(h.media).toHaveLength(2);
    // one audit entry per step
    expect(
      await count(`audit_log WHERE entity_type = 'hazard' AND entity_id = $1 AND action LIKE 'hazard.%'`, [
        String(h.id),
      ]),
    ).toBe(13);
    // the timeline is append-only
    await expect(
      ctx.db.query('UPDATE hazard_timeline SET kind = $1 WHERE hazard_id = $2', ['x', h.id]),
    ).rejects.toThrow(/append-only/);
    await expect(ctx.db.query('DELETE FROM hazard_timeline WHERE hazard_id = $1', [h.id])).rejects.toThrow(
      /append-only/,
    );
  });

  it('re-triages, rejects, merges and reassigns', async () => {
    // rejected by the dispatcher on arrival, and by the reviewer after triage
    let a = await record('grid1', { description: '误报 A' });
    expect((await act('dispatcher', a, { action: 'reject' })).statusCode).toBe(422);
    a = await step('dispatcher', a, { action: 'reject', reason: '不是隐患' });
    expect(a.state).toBe('rejected');
    let b = await hazardIn('triaged');
    b = await step('fire', b, { action: 'reject', reason: '已整改' });
    expect(b.state).toBe('rejected');

    // re-triage to another department with a reason; the reviewer changes with it
    let c = await hazardIn('triaged');
    const police = await d.departmentId('GA');
    const town = d.ids.get('330304001')!;
    expect(
      (await act('dispatcher', c, { action: 'triage', route: { townId: town, departmentId: police } })).json()
        .reason,
    ).toBe('missing_reason');
    // a village is not a town
    const bad = await act('dispatcher', c, {
      action: 'triage',
      reason: '归口公安',
      route: { townId: d.ids.get('330304001001'), departmentId: police },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('hazards.unknown_route');
    c = await step('dispatcher', c, {
      action: 'triage',
      reason: '归口公安',
      route: { townId: town, departmentId: police },
    });
    expect(c.route?.department?.code).toBe('330304-GA');
    expect((await act('fire', c, { action: 'confirm' })).statusCode).toBe(403);
    expect(c.timeline.at(-1)!.details).toMatchObject({
      previousRoute: { department: { code: '330304-XF' } },
    });

    // merged into an existing item: on arrival by the dispatcher, after triage by the reviewer
    const survivor = await hazardIn('confirmed');
    let m1 = await record('grid1', { description: '同一处 1' });
    expect((await act('dispatcher', m1, { action: 'merge', targetHazardId: m1.id })).json().reason).toBe(
      'self_merge',
    );
    expect((await act('dispatcher', m1, { action: 'merge', targetHazardId: a.id })).json().code).toBe(
      'hazards.unknown_target',
    ); // a finished item
    m1 = await step('dispatcher', m1, { action: 'merge', targetHazardId: survivor.id });
    expect(m1.mergedInto).toEqual({ id: survivor.id, trackingNo: survivor.trackingNo });
    let m2 = await hazardIn('triaged');
    m2 = await step('town', m2, { action: 'merge', targetHazardId: survivor.id });
    expect(m2.state).toBe('merged');
    const s = await get('town', survivor.id);
    expect(s.timeline.filter((t) => t.kind === 'merged_in').map((t) => t.details.mergedHazardId)).toEqual([
      m1.id,
      m2.id,
    ]);

    // reassigned to a registered place (the rectifier is who follows the place up: its grid's workers)
    let r = await hazardIn('assigned');
    expect(
      (
        await act('town', r, {
          action: 'reassign',
          reason: '责任主体',
          assignee: { kind: 'unit', id: d.ids.get('330304001001-G1') },
        })
      ).json().reason,
    ).toBe('same_assignee');
    r = await step('town', r, {
      action: 'reassign',
      reason: '由店主整改',
      assignee: { kind: 'place', id: placeId },
    });
    expect(r.assignee).toEqual({ kind: 'place', id: placeId, name: '景山某电动车行' });
    expect((await get('grid1', r.id)).actions).toEqual(expect.arrayContaining(['start', 'return']));
    expect((await send('GET', `/api/v1/hazards/${r.id}`, 'grid2')).statusCode).toBe(403);
    r = await step('grid1', r, { action: 'start' });
    expect(r.state).toBe('rectifying');
  });

  it('answers a stale version 409, an action the state forbids 409, an actor without the role 403, out of scope 403', async () => {
    const h = await hazardIn('confirmed');
    // stale version: nothing changes
    const stale = await act('town', { id: h.id, version: h.version - 1 }, { action: 'consolidate' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('hazards.version_conflict');
    expect((await get('town', h.id)).version).toBe(h.version);
    // seen but not theirs: the village's staff may not consolidate
    const notYours = await act('village', h, { action: 'consolidate' });
    expect(notYours.statusCode).toBe(403);
    expect(notYours.json().code).toBe('hazards.action_not_yours');
    // out of scope: another grid's worker and another department do not even see it
    for (const who of ['grid2', 'police'] as const) {
      expect((await send('GET', `/api/v1/hazards/${h.id}`, who)).statusCode).toBe(403);
      expect((await act(who, h, { action: 'consolidate' })).statusCode).toBe(403);
    }
    expect((await send('GET', `/api/v1/hazards/${h.id}`)).statusCode).toBe(401);
    expect((await get('town', h.id)).version).toBe(h.version);
  });

  it('refuses every action the table does not allow from each state with 409', async () => {
    const allowed = new Map<string, Set<string>>();
    for (const t of TRANSITIONS) {
      const s = allowed.get(t.from) ?? new Set();
      s.add(t.action);
      allowed.set(t.from, s);
    }
    const samples: HazardDetail[] = [
      await hazardIn('reported'),
      await hazardIn('triaged'),
      await hazardIn('confirmed'),
      await hazardIn('consolidated'),
      await hazardIn('assigned'),
      await hazardIn('rectifying'),
      await hazardIn('verifying'),
    ];
    const closed = await step('town', samples[6]!, { action: 'verify_pass' });
    const rejected = await step('dispatcher', await hazardIn('reported'), {
      action: 'reject',
      reason: '重复',
    });
    const merged = await step('dispatcher', await hazardIn('reported'), {
      action: 'merge',
      targetHazardId: samples[2]!.id,
    });
    let refused = 0;
    let expected = 0;
    for (const h of [...samples.slice(0, 6), closed, rejected, merged]) {
      const fresh = await get('dispatcher', h.id);
      expected += HAZARD_ACTIONS.length - (allowed.get(fresh.state)?.size ?? 0);
      for (const action of HAZARD_ACTIONS) {
        if (allowed.get(fresh.state)?.has(action)) continue;
        // the system actor holds every role: only the state can refuse it
        const res = await ctx.services.hazards
          .transition(SYSTEM, fresh.id, { action, version: fresh.version, mediaIds: [] })
          .then(() => null)
          .catch((e: { status?: number; code?: string }) => ({ status: e.status, code: e.code }));
        expect(res, `${fresh.state}:${action}`).toMatchObject({
          status: 409,
          code: 'hazards.transition_not_allowed',
        });
        refused++;
      }
      expect((await get('dispatcher', h.id)).version).toBe(fresh.version);
    }
    // every state but 'verifying' (it became closed_out), each against every action it does not allow
    expect(new Set([...samples.slice(0, 6), closed, rejected, merged].map((h) => h.id)).size).toBe(9);
    expect(refused).toBe(expected);
    expect(expected).toBeGreaterThan(100);
  });
});

describe('supervision (督办)', () => {
  it('reminds before the deadline, then escalates tier by tier through the shared sweep; the manual 督办 waits for a tier', async () => {
    ctx.clock.set(new Date('2026-11-23T02:00:00Z'));
    let h = await hazardIn('assigned');
    // fire, general: 3 days from Monday 10:00 → Thursday 24:00 local
    expect(h.dueAt).toBe('2026-11-26T16:00:00.000Z');
    const sweep = () => ctx.db.tx((q) => ctx.services.hazards.supervise(q, ctx.clock.now()));
    // the reminder at 75 % of the time given (86 h of 86 h → 2026-11-25T18:30Z)
    ctx.clock.set(new Date('2026-11-25T18:00:00Z'));
    await sweep();
    expect((await get('town', h.id)).timeline.some((t) => t.kind === 'remind')).toBe(false);
    ctx.clock.set(new Date('2026-11-25T19:00:00Z'));
    expect((await sweep()).reminded).toBeGreaterThanOrEqual(1);
    h = await get('town', h.id);
    expect(h.timeline.filter((t) => t.kind === 'remind')).toHaveLength(1);
    expect(await count(`feed WHERE kind = 'hazards.reminder' AND entity_id = $1`, [h.id])).toBe(1);
    // not overdue yet: the dispatcher's 督办 is refused
    expect((await act('dispatcher', h, { action: 'supervise' })).json().reason).toBe('not_overdue');
    // just after the deadline: tier 1 (the town and the department)
    ctx.clock.set(new Date('2026-11-26T16:00:01Z'));
    await sweep();
    h = await get('town', h.id);
    expect(h.overdue).toBe(true);
    expect(h.escalation).toBe(1);
    const overdue = (await send('GET', '/api/v1/hazards?view=overdue', 'dispatcher')).json();
    expect(overdue.items.map((x: HazardDto) => x.id)).toContain(h.id);
    // a second sweep a minute later does nothing more
    ctx.clock.set(new Date('2026-11-26T16:01:01Z'));
    await sweep();
    expect((await get('town', h.id)).escalation).toBe(1);
    expect((await act('dispatcher', h, { action: 'supervise' })).json().reason).toBe('escalation_not_due');
    // tier 2 once late by half the 86 hours given (43 h, more than a day): not at 38 h, at 44 h
    ctx.clock.set(new Date('2026-11-28T06:00:00Z'));
    await sweep();
    expect((await get('town', h.id)).escalation).toBe(1);
    ctx.clock.set(new Date('2026-11-28T12:00:00Z'));
    await sweep();
    h = await get('town', h.id);
    expect(h.escalation).toBe(2);
    // tier 3 once late by the whole time given (86 h): by the dispatcher's hand, before the sweep gets there
    ctx.clock.set(new Date('2026-11-30T04:00:00Z'));
    expect((await act('dispatcher', h, { action: 'supervise' })).json().reason).toBe('escalation_not_due');
    ctx.clock.set(new Date('2026-11-30T07:00:00Z'));
    h = await step('dispatcher', h, { action: 'supervise' });
    expect(h.escalation).toBe(3);
    expect(h.state).toBe('assigned');
    // at the top: later sweeps leave it (the timeline below has no fourth step)
    ctx.clock.set(new Date('2026-12-10T00:00:00Z'));
    await sweep();
    h = await get('town', h.id);
    expect(h.timeline.filter((t) => t.kind === 'supervise').map((t) => [t.as, t.details.escalation])).toEqual(
      [
        ['system', 1],
        ['system', 2],
        ['dispatcher', 3],
      ],
    );
    expect(await count(`feed WHERE kind = 'hazards.escalated' AND entity_id = $1`, [h.id])).toBe(3);
    expect(
      await count(`audit_log WHERE action = 'hazard.supervise' AND entity_id = $1`, [String(h.id)]),
    ).toBe(3);
    // the rectifier starts late; the escalation stays until a new deadline resets it
    h = await step('grid1', h, { action: 'start' });
    h = await step('town', h, { action: 'extend_deadline', reason: '延期', deadline: '2026-12-20' });
    expect(h.escalation).toBe(0);
    expect(h.overdue).toBe(false);

    // the same through the job queue: the schedule's sweep escalates a second item
    ctx.clock.set(new Date('2026-12-10T00:00:00Z'));
    const other = await hazardIn('rectifying');
    ctx.clock.set(new Date(new Date(other.dueAt!).getTime() + 60_000));
    const runner = new JobRunner(ctx.services.jobs.queue, ctx.services.jobs.schedules, { workerId: 't' });
    await ctx.services.jobs.schedules.ensure('hazards.supervise');
    ctx.clock.advance(61_000);
    await runner.runDue();
    await runner.runDue();
    const escalated = await get('town', other.id);
    expect(escalated.escalation).toBe(1);
    expect(escalated.timeline.at(-1)).toMatchObject({ kind: 'supervise', by: 'system', from: 'rectifying' });
    // and the dispatcher's 督办 of a rectifying item once tier 2 is due (late by half of its 88 hours)
    ctx.clock.set(new Date('2026-12-15T13:00:00Z'));
    expect((await step('dispatcher', escalated, { action: 'supervise' })).escalation).toBe(2);
    ctx.clock.set(new Date('2026-11-23T02:00:00Z'));
  });
});

describe('the weekly consolidation (汇总)', () => {
  it('puts last week’s confirmed items on the lists of their week, one per domain and town, leaving this week’s', async () => {
    ctx.clock.set(new Date('2026-12-14T02:00:00Z')); // Monday of 2026-W51
    const fire1 = await hazardIn('confirmed');
    ctx.clock.set(new Date('2026-12-16T02:00:00Z'));
    const fire2 = await hazardIn('confirmed');
    let gas = await record('grid1', { domainCode: 'gas', aspectCode: 'hoses', description: '软管老化' });
    gas = await step('dispatcher', gas, { action: 'triage' });
    gas = await step('town', gas, { action: 'confirm' });
    ctx.clock.set(new Date('2026-12-21T01:00:00Z')); // Monday of W52, 09:00 local: confirmed this week
    const late = await hazardIn('confirmed');
    // the job runs Monday 01:00 local; run it for the Monday of W52 (17:00 UTC on Sunday)
    const runner = new JobRunner(ctx.services.jobs.queue, ctx.services.jobs.schedules, { workerId: 'w' });
    ctx.clock.set(new Date('2026-12-20T16:30:00Z'));
    await ctx.services.jobs.schedules.ensure('hazards.consolidate');
    ctx.clock.set(new Date('2026-12-21T01:30:00Z'));
    await runner.runDue();
    await runner.runDue();
    for (const h of [fire1, fire2, gas]) {
      const now = await get('town', h.id);
      expect(now.state).toBe('consolidated');
      expect(now.batch).toBe('2026-W51');
      expect(now.timeline.at(-1)).toMatchObject({ kind: 'consolidate', by: 'system', as: 'system' });
      expect(now.version).toBe(h.version + 1);
    }
    expect((await get('town', late.id)).state).toBe('confirmed');
    const lists = await ctx.db.query<{ entity_id: string; after: { count: number } }>(
      `SELECT entity_id, after FROM audit_log WHERE action = 'hazard.consolidate' AND entity_id LIKE '2026-W51/%'
       ORDER BY entity_id`,
    );
    expect(lists.map((l) => [l.entity_id, l.after.count])).toEqual([
      ['2026-W51/fire/330304001', 2],
      ['2026-W51/gas/330304001', 1],
    ]);
    expect(await count(`feed WHERE kind = 'hazards.consolidated'`)).toBeGreaterThanOrEqual(2);
    // the list of a week, domain and town
    const page = (
      await send('GET', `/api/v1/hazards?batch=2026-W51&domain=fire&town=${d.ids.get('330304001')}`, 'town')
    ).json();
    expect(page.items.map((x: HazardDto) => x.id).sort()).toEqual([fire1.id, fire2.id].sort());
    walked.add('confirmed:consolidate');
    ctx.clock.set(new Date('2026-11-23T02:00:00Z'));
  });
});

describe('lists and metrics', () => {
  it('filters and pages within the viewer’s scope', async () => {
    const all = (await send('GET', '/api/v1/hazards?pageSize=200', 'dispatcher')).json();
    expect(all.total).toBeGreaterThan(20);
    const p1 = (await send('GET', '/api/v1/hazards?pageSize=5', 'dispatcher')).json();
    const p2 = (await send('GET', '/api/v1/hazards?pageSize=5&page=2', 'dispatcher')).json();
    expect(p1.total).toBe(all.total);
    expect(p1.items).toHaveLength(5);
    expect(p2.items[0].id).toBe(all.items[5].id);
    // turning a page without counting again: the same page, total null; the exact count agrees
    const p2Only = (await send('GET', '/api/v1/hazards?pageSize=5&page=2&count=none', 'dispatcher')).json();
    expect(p2Only.items.map((h: { id: number }) => h.id)).toEqual(p2.items.map((h: { id: number }) => h.id));
    expect(p2Only).toMatchObject({ total: null, totalCapped: false, page: 2, pageSize: 5 });
    // the page names each item's place (read for the whole page at once)
    const atPlace = all.items.filter((h: { place: { id: number } | null }) => h.place?.id === placeId);
    expect(atPlace.length).toBeGreaterThan(0);
    expect(atPlace[0].place).toEqual({ id: placeId, name: '景山某电动车行' });
    const exact = (await send('GET', '/api/v1/hazards?pageSize=1&count=exact', 'dispatcher')).json();
    expect(exact).toMatchObject({ total: all.total, totalCapped: false });
    expect((await send('GET', '/api/v1/hazards?count=some', 'dispatcher')).statusCode).toBe(400);
    const closed = (await send('GET', '/api/v1/hazards?state=closed_out&pageSize=200', 'dispatcher')).json();
    expect(closed.items.length).toBeGreaterThan(0);
    expect(closed.items.every((x: HazardDto) => x.state === 'closed_out')).toBe(true);
    const gas = (await send('GET', '/api/v1/hazards?domain=gas', 'dispatcher')).json();
    expect(gas.items.every((x: HazardDto) => x.domain.code === 'gas')).toBe(true);
    // another grid's worker sees none of G1's; the fire department sees what was routed to it
    expect((await send('GET', '/api/v1/hazards', 'grid2')).json().total).toBe(0);
    const fire = (await send('GET', '/api/v1/hazards?pageSize=200', 'fire')).json();
    expect(fire.items.length).toBeGreaterThan(0);
    expect(
      fire.items.every(
        (x: HazardDto) =>
          x.route?.department?.code === '330304-XF' ||
          x.assignee?.kind === 'department' ||
          x.roles.includes('reporter'),
      ),
    ).toBe(true);
    // queues: the town's review queue and grid1's rectification queue
    const review = (await send('GET', '/api/v1/hazards?view=review&pageSize=200', 'town')).json();
    expect(
      review.items.every((x: HazardDto) =>
        ['triaged', 'confirmed', 'consolidated', 'verifying'].includes(x.state),
      ),
    ).toBe(true);
    const mine = (await send('GET', '/api/v1/hazards?view=rectify&pageSize=200', 'grid1')).json();
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((x: HazardDto) => x.actions.length > 0 || x.state === 'verifying')).toBe(true);
    expect((await send('GET', '/api/v1/hazards?severity=huge', 'dispatcher')).statusCode).toBe(400);
  });

  it('counts found, closed out, close-out rate and overdue per unit and domain, as the pure definition does', async () => {
    const res = await send(
      'GET',
      '/api/v1/hazards/metrics?from=2026-11-01&to=2026-12-31&level=grid',
      'leader',
    );
    expect(res.statusCode, res.body).toBe(200);
    const m = res.json() as MetricsResult;
    expect(m.items.map((i) => i.unit.code)).toEqual(['330304001001-G1', '330304001001-G2']);
    const g1 = m.items[0]!;
    const g2 = m.items[1]!;
    expect(g2).toMatchObject({ found: 0, due: 0, closeoutRate: null });
    // the same numbers from the rows themselves and the domain's definition
    const rows = await ctx.db.query<{
      state: string;
      due_at: Date | null;
      closed_out_at: Date | null;
      created_at: Date;
      domain_code: string;
    }>(
      `SELECT state, due_at, closed_out_at, created_at, domain_code FROM hazard WHERE unit_path LIKE '%/330304001001-G1/%'`,
    );
    const period = { from: new Date('2026-10-31T16:00:00Z'), to: new Date('2026-12-31T16:00:00Z') };
    const view = (r: (typeof rows)[number]) => ({
      state: r.state,
      dueAt: r.due_at,
      closedOutAt: r.closed_out_at,
    });
    const pure = closeoutMetrics(rows.map(view), period);
    expect(pure.due).toBeGreaterThan(2);
    expect(pure.closedOut).toBeGreaterThan(0);
    expect(g1).toMatchObject({
      due: pure.due,
      dueClosedOut: pure.closedOut,
      closedOnTime: pure.closedOnTime,
      overdueOpen: pure.overdueOpen,
      closeoutRate: Math.round(pure.closeoutRate! * 10000) / 10000,
      onTimeRate: Math.round(pure.onTimeRate! * 10000) / 10000,
      found: rows.filter((r) => !['rejected', 'merged'].includes(r.state)).length,
      closedOut: rows.filter((r) => r.closed_out_at).length,
    });
    const fireRows = rows.filter((r) => r.domain_code === 'fire');
    expect(g1.byDomain.fire).toMatchObject({ due: closeoutMetrics(fireRows.map(view), period).due });
    expect(Object.keys(g1.byDomain).sort()).toEqual([...new Set(rows.map((r) => r.domain_code))].sort());
    // a narrower period, one domain, another level
    const town = (
      await send(
        'GET',
        '/api/v1/hazards/metrics?from=2026-11-23&to=2026-11-23&level=town&domain=gas',
        'leader',
      )
    ).json() as MetricsResult;
    expect(town.items).toHaveLength(1);
    expect(Object.keys(town.items[0]!.byDomain).every((k) => k === 'gas')).toBe(true);
    // scope: a grid worker sees no metrics, a town's staff none of another subtree
    expect(
      (await send('GET', '/api/v1/hazards/metrics?from=2026-11-01&to=2026-11-30', 'grid1')).statusCode,
    ).toBe(403);
    expect(
      (await send('GET', '/api/v1/hazards/metrics?from=2026-11-30&to=2026-11-01', 'leader')).statusCode,
    ).toBe(400);
  });

  it('documents the routes in the OpenAPI document, the deadline as a date or a time', async () => {
    const doc = (await send('GET', '/api/docs/openapi.json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/hazards',
        '/api/v1/hazards/metrics',
        '/api/v1/hazards/{id}',
        '/api/v1/hazards/{id}/transitions',
      ]),
    );
    const body =
      doc.paths['/api/v1/hazards/{id}/transitions'].post.requestBody.content['application/json'].schema;
    expect(JSON.stringify(body.properties.deadline)).toContain('date-time');
  });

  it('walked every row of the transition table at least once', () => {
    const rows = TRANSITIONS.map((t) => `${t.from}:${t.action}`);
    expect(rows.filter((r) => !walked.has(r))).toEqual([]);
    const actions = new Set(TRANSITIONS.map((t) => t.action as HazardAction));
    expect(actions.size).toBe(HAZARD_ACTIONS.length);
  });
});
