// The per-unit metrics (for the safety index) and the daily view's counts, pinned on a small set of
// events whose every figure is worked out by hand below. The events are written as rows (a factory),
// so that each one's instants, state and rating are exactly what the figures assume.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { makeAccount, TEST_PASSWORD } from '../access/testing.js';
import type { EventState } from './domain/state-machine.js';
import { type EventsDistrict, insertEventsDistrict } from './testing.js';

let ctx: TestContext;
let d: EventsDistrict;
let seq = 0;

const H = 3600_000;
/** An instant given in Shanghai local time, e.g. local('11-10 09:00'). */
const local = (s: string) => new Date(`2026-${s.replace(' ', 'T')}:00+08:00`);
const after = (t: Date, hours: number) => new Date(t.getTime() + hours * H);

const CATEGORY = { fire: 'fire.ebike_charging', disputes: 'disputes.neighbour', city: 'city.facilities' };

interface Row {
  /** 'G1' or 'G2' (a micro-grid of that grid), or 'village' (the village itself). */
  at: 'G1' | 'G2' | 'village';
  group: keyof typeof CATEGORY;
  created: Date;
  state: EventState;
  /** Hours after `created`. */
  firstResolved?: number;
  resolved?: number;
  closed?: number;
  updated?: number;
  due?: number;
  onTime?: boolean;
  rating?: number;
  reopens?: number;
  source?: 'app' | 'staff';
  /** The grid that handles it (assignee). */
  assignee?: 'G1' | 'G2';
}

async function insertRow(r: Row): Promise<void> {
  const units = ctx.services.units;
  const place = r.at === 'village' ? d.lattice.codes.village : d.lattice.microCode(r.at === 'G1' ? 0 : 2, 0);
  const unit = (await units.getScopeUnit(d.ids.get(place)!))!;
  const [cat] = await ctx.db.query<{ id: number; version: number }>(
    'SELECT id, current_version AS version FROM event_category WHERE code = $1',
    [CATEGORY[r.group]],
  );
  const assignee = r.assignee
    ? (await units.getScopeUnit(d.ids.get(`${d.lattice.codes.village}-${r.assignee}`)!))!
    : null;
  const at = (h: number | undefined) => (h === undefined ? null : after(r.created, h));
  const point = d.point(r.at === 'G2' ? 2 : 0, 0);
  await ctx.db.query(
    `INSERT INTO event (county_code, tracking_no, category_id, category_version, category_code, category_group,
       priority, state, source, description, lng, lat, unit_id, unit_path, assignee_kind, assignee_id,
       assignee_level, assignee_path, assigned_at, due_at, first_resolved_at, resolved_at, resolved_on_time,
       closed_at, rating, reopen_count, created_by, created_at, updated_at)
     VALUES ('330304', $1, $2, $3, $4, $5, 'normal', $6, $7, 'pinned', $8, $9, $10, $11, $12, $13, $14, $15,
       $16, $17, $18, $19, $20, $21, $22, $23, 'test', $24, $25)`,
    [
      `PIN-${++seq}`,
      cat!.id,
      cat!.version,
      CATEGORY[r.group],
      r.group,
      r.state,
      r.source ?? 'app',
      point.lng,
      point.lat,
      unit.id,
      unit.path,
      assignee ? 'unit' : null,
      assignee?.id ?? null,
      assignee?.level ?? null,
      assignee?.path ?? null,
      assignee ? at(1) : null,
      at(r.due),
      at(r.firstResolved ?? r.resolved),
      at(r.resolved),
      r.onTime ?? null,
      at(r.closed),
      r.rating ?? null,
      r.reopens ?? 0,
      r.created,
      at(r.updated ?? r.closed ?? r.resolved ?? 0),
    ],
  );
}

beforeAll(async () => {
  ctx = await createTestContext();
  ctx.clock.set(new Date('2026-11-23T02:00:00Z'));
  d = await insertEventsDistrict(ctx);
  const rows: Row[] = [
    // grid G1
    // a: resolved in 2 h on time, rated 5, closed the next day
    {
      at: 'G1',
      group: 'fire',
      created: local('11-02 10:00'),
      state: 'closed',
      resolved: 2,
      closed: 26,
      onTime: true,
      rating: 5,
      assignee: 'G1',
    },
    // b: resolved in 4 h, late, rated 3
    {
      at: 'G1',
      group: 'fire',
      created: local('11-03 09:00'),
      state: 'closed',
      resolved: 4,
      closed: 48,
      onTime: false,
      rating: 3,
      assignee: 'G1',
    },
    // c: resolved in 10 h, late, rated 1 and reopened (open since)
    {
      at: 'G1',
      group: 'disputes',
      created: local('11-04 08:00'),
      state: 'reopened',
      resolved: 10,
      updated: 24,
      onTime: false,
      rating: 1,
      reopens: 1,
      assignee: 'G1',
    },
    // d: rejected on 11-11 (so still open at the end of 11-10)
    { at: 'G1', group: 'disputes', created: local('11-10 09:00'), state: 'rejected', updated: 24 },
    // e: filed by staff and resolved 5 minutes later, on 11-10
    {
      at: 'G1',
      group: 'city',
      created: local('11-10 10:00'),
      state: 'resolved',
      resolved: 1 / 12,
      onTime: true,
      source: 'staff',
      assignee: 'G1',
    },
    // m: in progress, due 11-11 12:00 (not overdue at the end of 11-10)
    { at: 'G1', group: 'fire', created: local('11-09 12:00'), state: 'in_progress', due: 48, assignee: 'G1' },
    // grid G2
    // f: resolved in 1 h on 11-10, closed by the system a week later without a rating
    {
      at: 'G2',
      group: 'city',
      created: local('11-10 11:00'),
      state: 'closed',
      resolved: 1,
      closed: 169,
      onTime: true,
      assignee: 'G2',
    },
    // g: assigned, due 11-10 12:00: overdue
    { at: 'G2', group: 'city', created: local('11-09 15:00'), state: 'assigned', due: 21, assignee: 'G2' },
    // h: reported late on 11-10, resolved the next morning (14 h), rated 4
    {
      at: 'G2',
      group: 'fire',
      created: local('11-10 20:00'),
      state: 'closed',
      resolved: 14,
      closed: 40,
      onTime: true,
      rating: 4,
      assignee: 'G2',
    },
    // i: resolved after 96 h, late, not rated yet
    {
      at: 'G2',
      group: 'fire',
      created: local('11-08 09:00'),
      state: 'resolved',
      resolved: 96,
      onTime: false,
      assignee: 'G2',
    },
    // the village itself (no grid): j, still submitted
    { at: 'village', group: 'disputes', created: local('11-10 12:00'), state: 'submitted' },
    // outside November: k on 10-31 (local), l on 12-01 (local)
    {
      at: 'G1',
      group: 'fire',
      created: local('10-31 23:30'),
      state: 'closed',
      resolved: 1,
      closed: 30,
      onTime: true,
      rating: 5,
    },
    { at: 'G1', group: 'fire', created: local('12-01 00:30'), state: 'submitted' },
  ];
  for (const r of rows) await insertRow(r);
});
afterAll(async () => {
  await ctx?.close();
});

const NOVEMBER = { from: '2026-11-01', to: '2026-11-30' } as const;

describe('metrics', () => {
  it('computes each grid’s figures of a period as worked out by hand', async () => {
    const m = await ctx.services.events.metricsFor('/3303/330304/', { ...NOVEMBER, level: 'grid' });
    const byCode = new Map(m.items.map((i) => [i.unit.code, i]));
    expect(m.items.map((i) => i.unit.code).sort()).toEqual(d.lattice.codes.grids);
    // G1: a b c d e m (k and l are outside the period); d was rejected
    expect(byCode.get(`${d.lattice.codes.village}-G1`)).toMatchObject({
      population: 0,
      reported: 6,
      perThousand: null,
      resolved: 4, // a b c e
      resolutionRate: 0.8, // 4 of the 5 not rejected or merged
      onTimeRate: 0.5, // a e of a b c e
      medianResolveHours: 3, // 1/12, 2, 4, 10
      satisfaction: 3, // 5, 3, 1
      reopenRate: 0.25, // c of 4 resolved
      staffQuickShare: 0.1667, // e of 6
      byCategory: { fire: 3, disputes: 2, city: 1 },
    });
    // G2: f g h i
    expect(byCode.get(`${d.lattice.codes.village}-G2`)).toMatchObject({
      reported: 4,
      resolved: 3, // f h i
      resolutionRate: 0.75,
      onTimeRate: 0.6667, // f h of f h i
      medianResolveHours: 14, // 1, 14, 96
      satisfaction: 4,
      reopenRate: 0,
      staffQuickShare: 0,
      byCategory: { city: 2, fire: 2 },
    });
  });

  it('leaves the median out when the caller does not need it, and only the median', async () => {
    const query = { ...NOVEMBER, level: 'grid' } as const;
    const full = await ctx.services.events.metricsFor('/3303/330304/', query);
    const lean = await ctx.services.events.metricsFor('/3303/330304/', query, { median: false });
    expect(lean.items.map((i) => i.medianResolveHours)).toEqual([null, null]);
    expect(lean.items).toEqual(full.items.map((i) => ({ ...i, medianResolveHours: null })));
  });

  it('computes only the figures and category groups a caller names, the others null', async () => {
    const query = { ...NOVEMBER, level: 'grid' } as const;
    const full = await ctx.services.events.metricsFor('/3303/330304/', query);
    const some = await ctx.services.events.metricsFor('/3303/330304/', query, {
      figures: ['onTimeRate', 'staffQuickShare'],
      groups: ['fire', 'traffic'],
    });
    expect(some.items).toEqual(
      full.items.map((i) => ({
        ...i,
        resolutionRate: null,
        medianResolveHours: null,
        satisfaction: null,
        reopenRate: null,
        // traffic is asked for but has no reports: left out, as in the full answer
        byCategory: i.byCategory.fire ? { fire: i.byCategory.fire } : {},
      })),
    );
    expect(some.items.map((i) => [i.onTimeRate, i.staffQuickShare, i.byCategory])).toEqual([
      [0.5, 0.1667, { fire: 3 }],
      [0.6667, 0, { fire: 2 }],
    ]);
    // nothing but the counts
    const bare = await ctx.services.events.metricsFor('/3303/330304/', query, { figures: [], groups: [] });
    expect(bare.items.map((i) => [i.reported, i.resolved, i.onTimeRate, i.byCategory])).toEqual([
      [6, 4, null, {}],
      [4, 3, null, {}],
    ]);
  });

  it('counts an event at a unit above the level only where it belongs', async () => {
    const [village] = (await ctx.services.events.metricsFor('/3303/', { ...NOVEMBER, level: 'village' }))
      .items;
    // everything of November, j (filed at the village itself) included
    expect(village).toMatchObject({
      population: 1000,
      reported: 11,
      perThousand: 11,
      resolved: 7,
      medianResolveHours: 4, // 1/12, 1, 2, 4, 10, 14, 96
      satisfaction: 3.25, // 5, 3, 1, 4
      byCategory: { fire: 5, disputes: 3, city: 3 },
    });
    // a period with no events: zeros and no rates
    const [empty] = (
      await ctx.services.events.metricsFor('/3303/', {
        from: '2026-09-01',
        to: '2026-09-30',
        level: 'village',
      })
    ).items;
    expect(empty).toMatchObject({
      reported: 0,
      resolved: 0,
      resolutionRate: null,
      onTimeRate: null,
      medianResolveHours: null,
      satisfaction: null,
      byCategory: {},
    });
  });
});

describe('daily view', () => {
  it('counts what was open and overdue at the end of a past day, per grid and per handler', async () => {
    await makeAccount(ctx, { username: 'pin-leader', roles: ['leader'], unit: '330304' });
    const { token } = await ctx.services.access.login({
      username: 'pin-leader',
      password: TEST_PASSWORD,
      ip: '127.0.0.1',
    });
    const actor = await ctx.services.access.authenticate({ sessionToken: token });
    const view = await ctx.services.events.daily(actor, {
      date: '2026-11-10',
      unit: d.ids.get(d.lattice.codes.village),
    });
    // reported on 11-10: d e f h j
    expect(view.totals.reported).toBe(5);
    // open at its end: c (reopened), d (rejected the day after), m, g, h (resolved the day after),
    // i (resolved two days after), j
    expect(view.totals.open).toBe(7);
    expect(view.totals.overdue).toBe(1); // g
    expect(view.byUnit.map((u) => [u.unit.code, u.reported, u.resolved, u.open, u.overdue])).toEqual([
      [`${d.lattice.codes.village}-G1`, 2, 1, 3, 0],
      [`${d.lattice.codes.village}-G2`, 2, 1, 3, 1],
    ]);
    expect(
      view.handlers
        .map((h) => [h.handler.code, h.open, h.resolved])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      [`${d.lattice.codes.village}-G1`, 1, 1], // m open, e resolved
      [`${d.lattice.codes.village}-G2`, 1, 1], // g open, f resolved
    ]);
    // resolved that day: e in 5 minutes and f in 1 hour, both on time
    expect(view.resolveHours.median).toBe(0.5);
    expect(view.onTimeRate).toBe(1);
    expect(view.overdueList.map((o) => o.trackingNo)).toHaveLength(1);
    // and for the district as a whole on the same day: the same events, under the one town
    const district = await ctx.services.events.daily(actor, { date: '2026-11-10' });
    expect(district.totals).toMatchObject({ reported: 5, open: 7, overdue: 1 });
    expect(district.byUnit.map((u) => [u.unit.code, u.reported, u.resolved, u.open, u.overdue])).toEqual([
      [d.lattice.codes.town, 5, 2, 7, 1],
    ]);
  });
});
