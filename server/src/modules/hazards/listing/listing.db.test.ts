// Listing (挂牌整治), admonition (约谈) and the ranking board (晾晒) against a real database, through the
// HTTP edge: listing a hazard and a place, the hazard's flag in step, one listing in force, delisting with
// evidence and the safety office's sign-off, the public list (no login, no personal data), admonition
// records and their follow-up (overdue ones), scope 403, stale versions 409, validation 400/422, the
// append-only history and the audit; the ranking board's figures against the loop's metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/context.js';
import type { App } from '../../../http/types.js';
import { SYSTEM } from '../../access/actor.js';
import { login, makeAccount } from '../../access/testing.js';
import { type EventsDistrict, insertEventsDistrict } from '../../events/testing.js';
import type { HazardDetail } from '../schema.js';
import { seedHazardTaxonomy } from '../taxonomy/seed.js';
import type { AdmonitionDto, ListingDetail, PublicListing, RankingResult } from './schema.js';

let ctx: TestContext;
let app: App;
let d: EventsDistrict;
let placeId: number;
const cookie: Record<string, string> = {};

const ACCOUNTS = {
  safety: { roles: ['safety_office'], unit: '330304' },
  leader: { roles: ['leader'], unit: '330304' },
  town: { roles: ['town_staff'], unit: '330304001' },
  grid1: { roles: ['grid_worker'], unit: '330304001001-G1' },
  fire: { roles: ['department_staff'], department: '330304-XF' },
  outsider: { roles: ['town_staff'], unit: '330304001001-G2' },
} as const;
type Who = keyof typeof ACCOUNTS;

beforeAll(async () => {
  ctx = await createTestContext({ sessionHours: 24 * 365 }); // the clock travels weeks
  ctx.clock.set(new Date('2026-11-23T02:00:00Z'));
  d = await insertEventsDistrict(ctx);
  await seedHazardTaxonomy(ctx.services, '330304');
  placeId = (
    await ctx.services.places.create(SYSTEM, {
      name: '某化工有限公司',
      creditCode: null,
      kind: 'enterprise',
      address: '工业路 8 号',
      location: { ...d.point(1, 0), crs: 'wgs84' },
      contactName: '张三',
      contactPhone: '13800001111',
    })
  ).id;
  app = await ctx.app();
  for (const [name, o] of Object.entries(ACCOUNTS)) {
    await makeAccount(ctx, {
      username: `ls-${name}`,
      roles: [...o.roles],
      ...('unit' in o ? { unit: o.unit } : {}),
      ...('department' in o ? { department: o.department } : {}),
    });
    cookie[name] = await login(app, `ls-${name}`);
  }
});
afterAll(async () => {
  await ctx?.close();
});

const count = async (sql: string, params: unknown[] = []) =>
  (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;

function send(method: 'GET' | 'POST', url: string, as?: Who, payload?: unknown) {
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers: as ? { cookie: cookie[as]! } : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}
function expectProblem(res: Awaited<ReturnType<typeof send>>, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toMatchObject({ status, code });
}

async function record(description: string, at = d.point(0, 0)): Promise<HazardDetail> {
  const res = await send('POST', '/hazards', 'town', {
    domainCode: 'fire',
    aspectCode: 'blocked_exits',
    severity: 'critical',
    description,
    location: at,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as HazardDetail;
}

/** A closed-out hazard, through the import (a row with a close-out date). */
async function closedHazard(description: string): Promise<number> {
  const p = d.point(0, 1);
  const csv = `领域,类别,等级,隐患描述,经度,纬度,发现日期,销号日期\r\nfire,blocked_exits,重大,${description},${p.lng},${p.lat},2026-11-01,2026-11-20\r\n`;
  await ctx.services.hazards.importFile(SYSTEM, async () => Buffer.from(csv));
  return (
    await ctx.db.query<{ id: number }>('SELECT id FROM hazard WHERE description = $1', [description])
  )[0]!.id;
}

const listingBody = (
  subject: { kind: 'hazard' | 'place'; id: number },
  extra: Record<string, unknown> = {},
) => ({
  subject,
  reason: '重大火灾隐患，逾期未整改',
  responsible: { kind: 'unit', id: d.ids.get('330304001')! },
  deadline: '2026-12-31',
  criteria: '疏散通道全部清空并经消防部门复查合格',
  ...extra,
});

describe('listing', () => {
  it('lists a hazard: the flag follows, one listing in force, history and audit', async () => {
    const h = await record('挂牌测试：安全出口锁闭');
    const res = await send('POST', '/hazards/listings', 'town', listingBody({ kind: 'hazard', id: h.id }));
    expect(res.statusCode, res.body).toBe(201);
    const l = res.json() as ListingDetail;
    expect(l).toMatchObject({
      state: 'listed',
      version: 1,
      overdue: false,
      subject: { kind: 'hazard', id: h.id },
      responsible: { kind: 'unit', name: expect.any(String) },
      deadline: '2026-12-31T16:00:00.000Z',
    });
    expect(l.subject.title).toContain(h.trackingNo);
    expect(l.history).toEqual([expect.objectContaining({ seq: 1, kind: 'list' })]);
    const after = (await send('GET', `/hazards/${h.id}`, 'town')).json() as HazardDetail;
    expect(after.listed).toBe(true);
    expect(after.version).toBe(h.version + 1);
    expect(after.timeline.at(-1)).toMatchObject({ kind: 'list', details: { listingId: l.id } });
    expect(
      (await send('GET', '/hazards?listed=true', 'town')).json().items.map((x: { id: number }) => x.id),
    ).toContain(h.id);
    expectProblem(
      await send('POST', '/hazards/listings', 'safety', listingBody({ kind: 'hazard', id: h.id })),
      409,
      'hazards.already_listed',
    );
    expect(
      await count(`audit_log WHERE action = 'hazard_listing.list' AND entity_id = $1`, [String(l.id)]),
    ).toBe(1);
    // an open hazard is not taken off
    expectProblem(
      await send('POST', `/hazards/listings/${l.id}/delist`, 'safety', { version: 1, evidence: '已整改' }),
      409,
      'hazards.hazard_not_closed_out',
    );
  });

  it('refuses outsiders (403), bad input (400/422), and keeps the history append-only', async () => {
    const h = await record('挂牌测试：范围');
    expectProblem(
      await send('POST', '/hazards/listings', 'grid1', listingBody({ kind: 'hazard', id: h.id })),
      403,
      'http.forbidden',
    );
    expectProblem(
      await send('POST', '/hazards/listings', 'outsider', listingBody({ kind: 'hazard', id: h.id })),
      403,
      'http.forbidden',
    );
    expectProblem(
      await send('POST', '/hazards/listings', undefined, listingBody({ kind: 'hazard', id: h.id })),
      401,
      'http.unauthenticated',
    );
    expectProblem(
      await send(
        'POST',
        '/hazards/listings',
        'town',
        listingBody({ kind: 'hazard', id: h.id }, { reason: '' }),
      ),
      400,
      'http.validation_failed',
    );
    expectProblem(
      await send(
        'POST',
        '/hazards/listings',
        'town',
        listingBody({ kind: 'hazard', id: h.id }, { deadline: '2026-01-01' }),
      ),
      422,
      'hazards.invalid_listing_deadline',
    );
    expectProblem(
      await send(
        'POST',
        '/hazards/listings',
        'town',
        listingBody(
          { kind: 'hazard', id: h.id },
          { responsible: { kind: 'unit', id: d.ids.get('330304001001-G2')! } },
        ),
      ),
      422,
      'hazards.unknown_party',
    );
    expectProblem(
      await send('POST', '/hazards/listings', 'town', listingBody({ kind: 'hazard', id: 99999999 })),
      422,
      'hazards.unknown_subject',
    );
    expect(await count('hazard_listing WHERE hazard_id = $1', [h.id])).toBe(0);
    await expect(ctx.db.query('UPDATE hazard_listing_history SET by_name = $1', ['x'])).rejects.toThrow(
      /append-only/,
    );
  });

  it('lists a place and a closed-out hazard, delists them with the safety office’s sign-off; the public list', async () => {
    const place = await send('POST', '/hazards/listings', 'fire', {
      ...listingBody({ kind: 'place', id: placeId }),
      responsible: { kind: 'place', id: placeId },
    });
    expect(place.statusCode, place.body).toBe(201);
    const pl = place.json() as ListingDetail;
    expect(pl.subject.title).toBe('某化工有限公司');

    const hid = await closedHazard('挂牌测试：已销号');
    const hl = (
      await send('POST', '/hazards/listings', 'safety', listingBody({ kind: 'hazard', id: hid }))
    ).json() as ListingDetail;

    // the public list: no login, listings in force, no person
    const pub = await send('GET', '/hazards/public/listings?pageSize=100');
    expect(pub.statusCode, pub.body).toBe(200);
    const items = pub.json().items as PublicListing[];
    expect(items.map((i) => i.id)).toEqual(expect.arrayContaining([pl.id, hl.id]));
    expect(items.find((i) => i.id === pl.id)).toMatchObject({
      kind: 'place',
      title: '某化工有限公司',
      town: expect.any(String),
    });
    expect(pub.body).not.toContain('张三');
    expect(pub.body).not.toContain('13800001111');
    expect(pub.body).not.toContain('ls-');

    // delisting: the town may not sign off; a stale version is 409; the safety office does it
    expectProblem(
      await send('POST', `/hazards/listings/${hl.id}/delist`, 'town', { version: 1, evidence: '已整改' }),
      403,
      'http.forbidden',
    );
    expectProblem(
      await send('POST', `/hazards/listings/${hl.id}/delist`, 'safety', { version: 7, evidence: '已整改' }),
      409,
      'hazards.listing_version_conflict',
    );
    expectProblem(
      await send('POST', `/hazards/listings/${hl.id}/delist`, 'safety', { version: 1 }),
      400,
      'http.validation_failed',
    );
    const off = await send('POST', `/hazards/listings/${hl.id}/delist`, 'safety', {
      version: 1,
      evidence: '复查合格，现场照片存档',
    });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({
      state: 'delisted',
      version: 2,
      delistedBy: 'ls-safety',
      evidence: '复查合格，现场照片存档',
      history: [expect.objectContaining({ kind: 'list' }), expect.objectContaining({ kind: 'delist' })],
    });
    const h = (await send('GET', `/hazards/${hid}`, 'safety')).json() as HazardDetail;
    expect(h.listed).toBe(false);
    expectProblem(
      await send('POST', `/hazards/listings/${hl.id}/delist`, 'safety', { version: 2, evidence: 'x' }),
      409,
      'hazards.already_delisted',
    );
    const pub2 = (await send('GET', '/hazards/public/listings?pageSize=100')).json().items as PublicListing[];
    expect(pub2.map((i) => i.id)).not.toContain(hl.id);
    // listed again after delisting: a new listing
    expect(
      (await send('POST', '/hazards/listings', 'safety', listingBody({ kind: 'hazard', id: hid })))
        .statusCode,
    ).toBe(201);
    // the staff list: in force, overdue after the deadline
    ctx.clock.set(new Date('2027-01-05T02:00:00Z'));
    const overdue = (await send('GET', '/hazards/listings?overdue=true&pageSize=100', 'safety')).json();
    expect(overdue.items.map((i: { id: number }) => i.id)).toContain(pl.id);
    expect(overdue.items.every((i: { overdue: boolean }) => i.overdue)).toBe(true);
    ctx.clock.set(new Date('2026-11-23T02:00:00Z'));
    expect(await count(`audit_log WHERE action = 'hazard_listing.delist'`)).toBe(1);
  });
});

describe('admonition', () => {
  it('records a talk, its follow-up once, and shows overdue follow-ups', async () => {
    const h = await record('约谈测试');
    const body = {
      party: { kind: 'place', id: placeId },
      heldAt: '2026-11-22T06:00:00Z',
      heldBy: '区安委办、区消防救援大队',
      subject: '重大火灾隐患整改不力',
      hazardIds: [h.id],
      commitments: '十日内完成疏散通道整改并报验',
      followUpDue: '2026-12-03',
    };
    expectProblem(await send('POST', '/hazards/admonitions', 'grid1', body), 403, 'http.forbidden');
    expectProblem(
      await send('POST', '/hazards/admonitions', 'town', { ...body, hazardIds: [99999999] }),
      422,
      'hazards.unknown_linked',
    );
    expectProblem(
      await send('POST', '/hazards/admonitions', 'town', { ...body, commitments: '' }),
      400,
      'http.validation_failed',
    );
    const res = await send('POST', '/hazards/admonitions', 'town', body);
    expect(res.statusCode, res.body).toBe(201);
    const a = res.json() as AdmonitionDto;
    expect(a).toMatchObject({
      party: { kind: 'place', id: placeId, name: '某化工有限公司' },
      hazards: [{ id: h.id, trackingNo: h.trackingNo }],
      followUp: { state: 'pending', overdue: false, due: '2026-12-03T16:00:00.000Z' },
      version: 1,
    });
    // past the due date: overdue
    ctx.clock.set(new Date('2026-12-05T02:00:00Z'));
    const late = (await send('GET', '/hazards/admonitions?followUp=overdue', 'safety')).json();
    expect(late.items.map((i: AdmonitionDto) => i.id)).toContain(a.id);
    expect(late.items.find((i: AdmonitionDto) => i.id === a.id).followUp.overdue).toBe(true);
    expectProblem(
      await send('POST', `/hazards/admonitions/${a.id}/follow-up`, 'town', { version: 1, done: false }),
      422,
      'hazards.follow_up_note_required',
    );
    expectProblem(
      await send('POST', `/hazards/admonitions/${a.id}/follow-up`, 'outsider', { version: 1, done: true }),
      403,
      'http.forbidden',
    );
    expectProblem(
      await send('POST', `/hazards/admonitions/${a.id}/follow-up`, 'town', { version: 3, done: true }),
      409,
      'hazards.admonition_version_conflict',
    );
    const done = await send('POST', `/hazards/admonitions/${a.id}/follow-up`, 'town', {
      version: 1,
      done: false,
      note: '仅完成一半',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      version: 2,
      followUp: { state: 'not_done', overdue: false, note: '仅完成一半', by: 'ls-town' },
    });
    expectProblem(
      await send('POST', `/hazards/admonitions/${a.id}/follow-up`, 'town', { version: 2, done: true }),
      409,
      'hazards.follow_up_recorded',
    );
    const late2 = (await send('GET', '/hazards/admonitions?followUp=overdue', 'safety')).json();
    expect(late2.items.map((i: AdmonitionDto) => i.id)).not.toContain(a.id);
    ctx.clock.set(new Date('2026-11-23T02:00:00Z'));
    expect(await count(`audit_log WHERE entity_type = 'admonition' AND entity_id = $1`, [String(a.id)])).toBe(
      2,
    );
  });

  it('lists the talks about one listing (listing=<id>)', async () => {
    const h = await record('约谈按挂牌筛选');
    const l = (
      await send('POST', '/hazards/listings', 'safety', listingBody({ kind: 'hazard', id: h.id }))
    ).json();
    const talk = {
      party: { kind: 'place', id: placeId },
      // held before the ranking board's period, which counts the talks of November
      heldAt: '2026-10-20T08:00:00Z',
      heldBy: '区安委办',
      subject: '挂牌隐患整改约谈',
      commitments: '月底前完成整改',
      followUpDue: '2026-12-10',
    };
    const about = (await send('POST', '/hazards/admonitions', 'safety', { ...talk, listingId: l.id })).json();
    const other = (await send('POST', '/hazards/admonitions', 'safety', talk)).json();
    const page = (await send('GET', `/hazards/admonitions?listing=${l.id}`, 'safety')).json();
    expect(page.items.map((i: AdmonitionDto) => i.id)).toEqual([about.id]);
    expect(page.total).toBe(1);
    const all = (await send('GET', '/hazards/admonitions?pageSize=100', 'safety')).json();
    expect(all.items.map((i: AdmonitionDto) => i.id)).toEqual(expect.arrayContaining([about.id, other.id]));
    expectProblem(
      await send('GET', '/hazards/admonitions?listing=abc', 'safety'),
      400,
      'http.validation_failed',
    );
  });
});

describe('ranking board', () => {
  it('ranks the towns with the loop’s metrics, listings in force and talks held', async () => {
    expectProblem(
      await send('GET', '/hazards/ranking?from=2026-11-01&to=2026-11-30', 'grid1'),
      403,
      'http.forbidden',
    );
    const res = await send('GET', '/hazards/ranking?from=2026-11-01&to=2026-11-30', 'leader');
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as RankingResult;
    const metrics = (
      await send('GET', '/hazards/metrics?from=2026-11-01&to=2026-11-30&level=town', 'leader')
    ).json();
    expect(r.items.map((i) => i.party.code).sort()).toEqual(
      metrics.items.map((m: { unit: { code: string } }) => m.unit.code).sort(),
    );
    const town = r.items.find((i) => i.party.code === '330304001')!;
    const m = metrics.items.find((x: { unit: { code: string } }) => x.unit.code === '330304001');
    expect(town).toMatchObject({
      found: m.found,
      closedOut: m.closedOut,
      closeoutRate: m.closeoutRate,
      overdueOpen: m.overdueOpen,
    });
    expect(town.listed).toBe(
      await count(`hazard_listing WHERE state = 'listed' AND unit_path LIKE '%/330304001/%'`),
    );
    expect(town.admonitions).toBe(
      await count(
        `admonition WHERE unit_path LIKE '%/330304001/%' AND held_at >= '2026-10-31T16:00:00Z' AND held_at < '2026-11-30T16:00:00Z'`,
      ),
    );
    expect(town.listed).toBeGreaterThan(0);
    expect(town.admonitions).toBe(1);
    expect(r.items.map((i) => i.rank)).toEqual(r.items.map((_, i) => i + 1));
  });

  it('ranks the departments the hazards were routed to', async () => {
    const h = await record('排名测试：分流到消防');
    const t = await send('POST', `/hazards/${h.id}/transitions`, 'town', {
      action: 'triage',
      version: h.version,
    });
    expect(t.statusCode, t.body).toBe(200);
    const res = await send('GET', '/hazards/ranking?from=2026-11-01&to=2026-11-30&by=department', 'safety');
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json() as RankingResult;
    const fire = r.items.find((i) => i.party.code === '330304-XF')!;
    expect(fire.party.kind).toBe('department');
    expect(fire.found).toBe(
      await count(
        `hazard h JOIN department d ON d.id = h.department_id WHERE d.code = '330304-XF' AND h.state NOT IN ('rejected', 'merged') AND h.created_at >= '2026-10-31T16:00:00Z' AND h.created_at < '2026-11-30T16:00:00Z'`,
      ),
    );
    expect(fire.found).toBeGreaterThan(0);
    expect(r.items.map((i) => i.rank)).toEqual(r.items.map((_, i) => i + 1));
  });
});
