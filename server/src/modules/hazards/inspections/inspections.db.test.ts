// Inspections against a real database, through the HTTP edge: seeded checklists and their versions, a
// covert campaign's reproducible draw (same seed → same targets, the seed and candidates recorded, the
// draw re-verified), "四不两直" (the draw hidden from the units inspected until it closes), check-in with
// the distance flag, failed items → hazards in one transaction (and nothing on a refusal), a
// self-inspection's completion and overdue targets, scope 403 and stale versions 409.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../../test/context.js';
import type { App } from '../../../http/types.js';
import { login, makeAccount } from '../../access/testing.js';
import { type EventsDistrict, insertEventsDistrict } from '../../events/testing.js';
import { makeJpeg, multipart } from '../../media/testing.js';
import { makePlace } from '../places/testing.js';
import type { HazardDetail } from '../schema.js';
import { seedHazardTaxonomy } from '../taxonomy/seed.js';
import type { CampaignDetail, InspectionDto, ProgressDto, TemplateDto, VerifyResult } from './schema.js';
import { seedInspectionTemplates } from './seed.js';
import { SEED_TEMPLATES } from './seed-data.js';

let ctx: TestContext;
let app: App;
let d: EventsDistrict;
let dataDir: string;
let countyId: number;
const cookie: Record<string, string> = {};
const accountId: Record<string, number> = {};
/** Place ids by name. */
const place: Record<string, { id: number; lng: number; lat: number }> = {};

const ACCOUNTS = {
  safety: { roles: ['safety_office'], unit: '330304' },
  inspector: { roles: ['safety_office'], unit: '330304' },
  safetyVillage: { roles: ['safety_office'], unit: '330304001001' },
  town: { roles: ['town_staff'], unit: '330304001' },
  village: { roles: ['village_staff'], unit: '330304001001' },
  grid1: { roles: ['grid_worker'], unit: '330304001001-G1' },
  grid2: { roles: ['grid_worker'], unit: '330304001001-G2' },
} as const;
type Who = keyof typeof ACCOUNTS;

const P = '/api/v1/hazards/inspections';

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anwang-inspections-'));
  ctx = await createTestContext({ sessionHours: 24 * 365, dataDir });
  ctx.clock.set(new Date('2026-11-23T02:00:00Z')); // Monday 10:00 in Shanghai
  d = await insertEventsDistrict(ctx);
  countyId = d.ids.get('330304')!;
  await seedHazardTaxonomy(ctx.services, '330304');
  expect(await seedInspectionTemplates(ctx.services)).toEqual({
    created: SEED_TEMPLATES.length,
    existing: 0,
  });
  expect(await seedInspectionTemplates(ctx.services)).toEqual({
    created: 0,
    existing: SEED_TEMPLATES.length,
  });
  // six "three-in-one" places over both grids, two enterprises (one per grid)
  const cells: [string, 'three_in_one' | 'enterprise', number, number][] = [
    ['t00', 'three_in_one', 0, 0],
    ['t11', 'three_in_one', 1, 1],
    ['t22', 'three_in_one', 2, 2],
    ['t33', 'three_in_one', 3, 3],
    ['t03', 'three_in_one', 0, 3],
    ['t30', 'three_in_one', 3, 0],
    ['e01', 'enterprise', 0, 1],
    ['e21', 'enterprise', 2, 1],
  ];
  for (const [name, kind, c, r] of cells) {
    const p = await makePlace(ctx, {
      name: `场所${name}`,
      kind,
      location: { ...d.point(c, r), crs: 'wgs84' },
    });
    place[name] = { id: p.id, ...d.point(c, r) };
  }
  app = await ctx.app();
  for (const [name, o] of Object.entries(ACCOUNTS)) {
    const a = await makeAccount(ctx, {
      username: `in-${name.toLowerCase()}`,
      roles: [...o.roles],
      unit: o.unit,
    });
    accountId[name] = a.id;
    cookie[name] = await login(app, `in-${name.toLowerCase()}`);
  }
});
afterAll(async () => {
  await ctx?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const count = async (sql: string, params: unknown[] = []) =>
  (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;

function send(method: 'GET' | 'POST' | 'PUT', url: string, as?: Who, payload?: unknown) {
  return app.inject({
    method,
    url,
    headers: as ? { cookie: cookie[as]! } : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

async function ok<T>(res: Awaited<ReturnType<typeof send>>, status = 200): Promise<T> {
  expect(res.statusCode, res.body).toBe(status);
  return res.json() as T;
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

const covertPlan = (o: Record<string, unknown> = {}) => ({
  name: '12 月"三合一"场所暗访',
  kind: 'covert',
  unitId: countyId,
  startsOn: '2026-11-23',
  endsOn: '2026-11-30',
  templates: ['covert_three_in_one'],
  sampleSize: 3,
  inspectorIds: [accountId.inspector],
  ...o,
});

async function drawn(plan: Record<string, unknown>, seed: string): Promise<CampaignDetail> {
  const c = await ok<CampaignDetail>(await send('POST', `${P}/campaigns`, 'safety', plan), 201);
  return ok<CampaignDetail>(
    await send('POST', `${P}/campaigns/${c.id}/draw`, 'safety', { version: c.version, seed }),
  );
}

/** Every active item of a template passing, with some overridden. */
function results(t: TemplateDto, over: Record<string, Record<string, unknown>> = {}) {
  return t.items.filter((i) => i.active).map((i) => ({ code: i.code, outcome: 'pass', ...over[i.code] }));
}

describe('checklist templates', () => {
  it('are listed for staff and written only by the safety office, mapping to existing aspects', async () => {
    const list = await ok<{ total: number; items: TemplateDto[] }>(
      await send('GET', `${P}/templates`, 'village'),
    );
    expect(list.total).toBe(SEED_TEMPLATES.length);
    const body = {
      code: 'covert_hotel',
      name: { zh: '宾馆暗访检查表', en: 'Covert visit: hotel' },
      kind: 'covert',
      subjectType: 'place',
      subject: 'hotel',
      items: [
        {
          code: 'h1',
          text: { zh: '是否落实住宿登记', en: 'Are guests registered?' },
          domainCode: 'rental_housing',
          aspectCode: 'tenant_registration',
        },
      ],
    };
    expect((await send('POST', `${P}/templates`, 'village', body)).statusCode).toBe(403);
    const bad = await send('POST', `${P}/templates`, 'safety', {
      ...body,
      items: [{ ...body.items[0], aspectCode: 'no_such_aspect' }],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('inspections.unknown_aspect');
    const badSubject = await send('POST', `${P}/templates`, 'safety', { ...body, subject: 'castle' });
    expect(badSubject.json().code).toBe('inspections.unknown_subject');
    const t = await ok<TemplateDto>(await send('POST', `${P}/templates`, 'safety', body), 201);
    expect(t).toMatchObject({
      version: 1,
      currentVersion: 1,
      items: [{ severity: 'general', photoRequired: false }],
    });
    expect((await send('POST', `${P}/templates`, 'safety', body)).json().code).toBe(
      'inspections.template_exists',
    );
    expect(
      await count(`audit_log WHERE action = 'inspection_template.create' AND entity_id = 'covert_hotel'`),
    ).toBe(1);
  });
});

describe('a covert campaign (暗访)', () => {
  let a: CampaignDetail;
  let tpl: TemplateDto;

  it('is planned by the safety office in its area only (403), with safety-office inspectors', async () => {
    expect((await send('POST', `${P}/campaigns`, 'town', covertPlan())).statusCode).toBe(403);
    expect((await send('POST', `${P}/campaigns`, 'safetyVillage', covertPlan())).statusCode).toBe(403);
    const wrongInspector = await send(
      'POST',
      `${P}/campaigns`,
      'safety',
      covertPlan({ inspectorIds: [accountId.village] }),
    );
    expect(wrongInspector.statusCode).toBe(422);
    expect(wrongInspector.json().code).toBe('inspections.unknown_inspector');
    const wrongKind = await send(
      'POST',
      `${P}/campaigns`,
      'safety',
      covertPlan({ templates: ['self_enterprise'] }),
    );
    expect(wrongKind.json().code).toBe('inspections.template_unusable');
  });

  it('draws reproducibly: the same seed and candidates give the same targets; the seed is recorded and re-verified', async () => {
    const planned = await ok<CampaignDetail>(
      await send('POST', `${P}/campaigns`, 'safety', covertPlan()),
      201,
    );
    expect(planned).toMatchObject({
      state: 'planned',
      draw: null,
      targets: [],
      templates: [{ code: 'covert_three_in_one', version: 1 }],
    });
    const stale = await send('POST', `${P}/campaigns/${planned.id}/draw`, 'safety', {
      version: 2,
      seed: 's',
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('inspections.campaign_version_conflict');
    expect(await count('inspection_target WHERE campaign_id = $1', [planned.id])).toBe(0);

    a = await ok<CampaignDetail>(
      await send('POST', `${P}/campaigns/${planned.id}/draw`, 'safety', {
        version: 1,
        seed: '2026-12-暗访-01',
      }),
    );
    expect(a.state).toBe('drawn');
    expect(a.draw).toMatchObject({
      seed: '2026-12-暗访-01',
      algorithm: 'stratified-sfc32-v1',
      candidates: 6,
    });
    expect(a.targets).toHaveLength(3);
    const sixPlaces = ['t00', 't11', 't22', 't33', 't03', 't30'].map((n) => place[n]!.id);
    for (const t of a.targets) {
      expect(sixPlaces).toContain(t.placeId);
      expect(t).toMatchObject({
        type: 'place',
        kind: 'three_in_one',
        state: 'pending',
        template: { version: 1 },
      });
    }
    const again = await send('POST', `${P}/campaigns/${a.id}/draw`, 'safety', {
      version: a.version,
      seed: 'x',
    });
    expect(again.json().code).toBe('inspections.campaign_state');

    // the same plan and seed on another campaign: the same places in the same order
    const b = await drawn(covertPlan(), '2026-12-暗访-01');
    expect(b.targets.map((t) => t.placeId)).toEqual(a.targets.map((t) => t.placeId));
    // the recorded seed and snapshot give the recorded draw again
    const v = await ok<VerifyResult>(await send('GET', `${P}/campaigns/${a.id}/verify`, 'safety'));
    expect(v).toMatchObject({ matches: true, seed: '2026-12-暗访-01', candidates: 6 });
    expect(v.recorded).toEqual(a.targets.map((t) => `p:${t.placeId}`));
    expect(v.recomputed).toEqual(v.recorded);
    // a target changed behind the draw's back no longer verifies
    const other = sixPlaces.find((id) => !b.targets.some((t) => t.placeId === id))!;
    await ctx.db.query('UPDATE inspection_target SET place_id = $2 WHERE id = $1', [b.targets[0]!.id, other]);
    const tampered = await ok<VerifyResult>(await send('GET', `${P}/campaigns/${b.id}/verify`, 'safety'));
    expect(tampered.matches).toBe(false);
    expect(tampered.recorded[0]).toBe(`p:${other}`);
    // and a seed the planner did not give is made and recorded
    const c = await drawn(covertPlan(), undefined as unknown as string);
    expect(c.draw?.seed).toMatch(/^[0-9a-f]{24}$/);
    const snap = await ctx.db.query<{ seed: string; n: number }>(
      'SELECT seed, jsonb_array_length(candidates)::int AS n FROM inspection_campaign WHERE id = $1',
      [c.id],
    );
    expect(snap[0]).toEqual({ seed: c.draw?.seed, n: 6 });
    const audit = await ctx.db.query<{ after: { seed: string; selected: string[] } }>(
      `SELECT after FROM audit_log WHERE action = 'inspection_campaign.draw' AND entity_id = $1`,
      [String(a.id)],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after.seed).toBe('2026-12-暗访-01');
    expect(audit[0]!.after.selected).toEqual(v.recorded);
  });

  it('is hidden from the units inspected until it closes (四不两直): 404 for their staff', async () => {
    for (const who of ['village', 'grid1', 'town', 'safetyVillage'] as const) {
      expect((await send('GET', `${P}/campaigns/${a.id}`, who)).statusCode, who).toBe(404);
      expect((await send('GET', `${P}/campaigns/${a.id}/progress`, who)).statusCode, who).toBe(404);
      expect((await send('GET', `${P}/campaigns/${a.id}/verify`, who)).statusCode, who).toBe(404);
      const list = await ok<{ items: { id: number }[] }>(await send('GET', `${P}/campaigns`, who));
      expect(list.items.map((c) => c.id)).not.toContain(a.id);
    }
    const target = a.targets[0]!;
    const res = await send('POST', `${P}/targets/${target.id}/check-in`, 'grid1', {
      location: d.point(0, 0),
    });
    expect(res.statusCode).toBe(404);
    // the inspector sees it, with its targets
    const seen = await ok<CampaignDetail>(await send('GET', `${P}/campaigns/${a.id}`, 'inspector'));
    expect(seen.targets).toHaveLength(3);
    const listed = await ok<{ items: { id: number }[] }>(await send('GET', `${P}/campaigns`, 'inspector'));
    expect(listed.items.map((c) => c.id)).toContain(a.id);
  });

  it('checks in with a location: more than 300 m from the place is flagged, not refused', async () => {
    const [t0, t1, t2] = a.targets as [
      CampaignDetail['targets'][0],
      CampaignDetail['targets'][0],
      CampaignDetail['targets'][0],
    ];
    expect(
      (await send('POST', `${P}/targets/${t0.id}/check-in`, 'safety', { location: t0.location })).statusCode,
    ).toBe(403);
    const noLoc = await send('POST', `${P}/targets/${t2.id}/check-in`, 'inspector', {});
    expect(noLoc.json().code).toBe('inspections.location_required');
    const far = { lng: t0.location!.lng + 0.005, lat: t0.location!.lat + 0.004 };
    const i0 = await ok<InspectionDto>(
      await send('POST', `${P}/targets/${t0.id}/check-in`, 'inspector', { location: far }),
      201,
    );
    expect(i0.locationFlag).toBe('too_far');
    expect(i0.distanceM).toBeGreaterThan(300);
    expect(i0).toMatchObject({
      state: 'checked_in',
      version: 1,
      template: { code: 'covert_three_in_one', version: 1 },
    });
    const near = { lng: t1.location!.lng + 0.001, lat: t1.location!.lat + 0.001 };
    const photo = await upload('inspector');
    const i1 = await ok<InspectionDto>(
      await send('POST', `${P}/targets/${t1.id}/check-in`, 'inspector', {
        location: near,
        mediaIds: [photo],
      }),
      201,
    );
    expect(i1.locationFlag).toBeNull();
    expect(i1.distanceM).toBeGreaterThan(100);
    expect(i1.distanceM).toBeLessThan(300);
    expect(i1.media.map((m) => m.id)).toEqual([photo]);
    const twice = await send('POST', `${P}/targets/${t0.id}/check-in`, 'inspector', { location: far });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('inspections.already_started');
  });

  it('turns every failed item into a hazard in one transaction, and records nothing on a refusal', async () => {
    const t0 = a.targets[0]!;
    const detail = await ok<CampaignDetail>(await send('GET', `${P}/campaigns/${a.id}`, 'inspector'));
    const inspectionId = detail.targets[0]!.inspectionId!;
    const form = await ok<InspectionDto>(await send('GET', `${P}/visits/${inspectionId}`, 'inspector'));
    tpl = form.template;
    const hazards = () => count('hazard');
    const before = await hazards();
    const submit = (body: Record<string, unknown>) =>
      send('POST', `${P}/visits/${inspectionId}/submit`, 'inspector', body);

    // a missing item, an unknown one, a failed item without its required photo: 422, nothing recorded
    const missing = await submit({ version: 1, results: results(tpl).slice(1) });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().code).toBe('inspections.invalid_results');
    expect(
      (await submit({ version: 1, results: [...results(tpl), { code: 'zz', outcome: 'pass' }] })).statusCode,
    ).toBe(422);
    expect(
      (await submit({ version: 1, results: results(tpl, { t1: { outcome: 'fail' } }) })).statusCode,
    ).toBe(422);

    // the second failed item's photo is not the inspector's: the first item's hazard is rolled back too
    const photo = await upload('inspector');
    const foreign = await upload('safety');
    const refused = await submit({
      version: 1,
      results: results(tpl, {
        t1: { outcome: 'fail', mediaIds: [photo] },
        t2: { outcome: 'fail', mediaIds: [foreign] },
      }),
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().code).toBe('media.not_attachable');
    expect(await hazards()).toBe(before);
    expect(await count('media WHERE id = $1 AND owner_type IS NULL', [photo])).toBe(1);
    expect(await count(`inspection WHERE id = $1 AND state = 'checked_in'`, [inspectionId])).toBe(1);

    const stale = await submit({ version: 2, results: results(tpl) });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('inspections.inspection_version_conflict');

    const done = await ok<InspectionDto>(
      await submit({
        version: 1,
        results: results(tpl, {
          t1: { outcome: 'fail', mediaIds: [photo], note: '二楼仓库内搭床住人' },
          t4: { outcome: 'fail', severity: 'major' },
          t5: { outcome: 'na' },
        }),
      }),
    );
    expect(done).toMatchObject({ state: 'submitted', version: 2 });
    expect(await hazards()).toBe(before + 2);
    const failed = done.results!.filter((r) => r.outcome === 'fail');
    expect(failed.map((r) => r.code)).toEqual(['t1', 't4']);
    expect(done.results!.filter((r) => r.outcome !== 'fail').every((r) => r.hazardId === null)).toBe(true);

    const h1 = await ok<HazardDetail>(await send('GET', `/api/v1/hazards/${failed[0]!.hazardId}`, 'safety'));
    expect(h1).toMatchObject({
      state: 'reported',
      source: 'covert',
      severity: 'major',
      domain: { code: 'rental_housing' },
      aspect: { code: 'three_in_one' },
      place: { id: t0.placeId },
      location: t0.location,
    });
    expect(h1.description).toContain('人员住宿与生产经营储存是否分隔');
    expect(h1.description).toContain('二楼仓库内搭床住人');
    expect(h1.ruleBroken).toContain('covert_three_in_one');
    expect(h1.ruleBroken).toContain('t1');
    expect(h1.media.map((m) => m.id)).toEqual([photo]);
    const h4 = await ok<HazardDetail>(await send('GET', `/api/v1/hazards/${failed[1]!.hazardId}`, 'safety'));
    expect(h4).toMatchObject({
      severity: 'major',
      domain: { code: 'rental_housing' },
      aspect: { code: 'detectors_extinguishers' },
    });

    expect((await submit({ version: 2, results: results(tpl) })).json().code).toBe(
      'inspections.already_submitted',
    );
    expect(
      await count(`audit_log WHERE action = 'inspection.submit' AND entity_id = $1`, [String(inspectionId)]),
    ).toBe(1);

    const p = await ok<ProgressDto>(await send('GET', `${P}/campaigns/${a.id}/progress`, 'safety'));
    expect(p).toMatchObject({ total: 3, done: 1, pending: 2, overdue: 0, findings: 2, locationFlags: 1 });
    expect(p.hazards).toMatchObject({ total: 2, open: 2, closedOut: 0, byState: { reported: 2 } });
    expect(p.hazards.items.map((h) => h.targetId)).toEqual([t0.id, t0.id]);
  });

  it('keeps its template version when the template is edited; an edit makes a new version (409 when stale)', async () => {
    const t1 = tpl.items.find((i) => i.code === 't1')!;
    const edited = {
      name: tpl.name,
      kind: tpl.kind,
      subjectType: tpl.subjectType,
      subject: tpl.subject,
      active: true,
      items: tpl.items.map((i) =>
        i.code === 't1'
          ? { ...i, text: { zh: '住宿与经营储存是否完全分隔（防火分隔）', en: t1.text.en } }
          : i,
      ),
    };
    const v2 = await ok<TemplateDto>(
      await send('PUT', `${P}/templates/covert_three_in_one`, 'safety', { version: 1, ...edited }),
    );
    expect(v2).toMatchObject({ version: 2, currentVersion: 2 });
    const stale = await send('PUT', `${P}/templates/covert_three_in_one`, 'safety', {
      version: 1,
      ...edited,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('inspections.template_version_conflict');
    const removed = await send('PUT', `${P}/templates/covert_three_in_one`, 'safety', {
      version: 2,
      ...edited,
      items: edited.items.slice(1),
    });
    expect(removed.json().code).toBe('inspections.item_removed');
    const v1 = await ok<TemplateDto>(
      await send('GET', `${P}/templates/covert_three_in_one?version=1`, 'village'),
    );
    expect(v1.items[0]!.text.zh).toBe(t1.text.zh);
    expect(await count('inspection_template_version WHERE template_id = $1', [v2.id])).toBe(2);

    // the running campaign's forms stay at version 1
    const detail = await ok<CampaignDetail>(await send('GET', `${P}/campaigns/${a.id}`, 'inspector'));
    expect(detail.templates[0]!.version).toBe(1);
    const form = await ok<InspectionDto>(
      await send('GET', `${P}/visits/${detail.targets[1]!.inspectionId}`, 'inspector'),
    );
    expect(form.template).toMatchObject({ version: 1, currentVersion: 2 });
    expect(form.template.items[0]!.text.zh).toBe(t1.text.zh);
    const i2 = await ok<InspectionDto>(
      await send('POST', `${P}/targets/${detail.targets[2]!.id}/check-in`, 'inspector', {
        location: detail.targets[2]!.location,
      }),
      201,
    );
    expect(i2.template.version).toBe(1);
    // a new campaign takes version 2
    const fresh = await ok<CampaignDetail>(await send('POST', `${P}/campaigns`, 'safety', covertPlan()), 201);
    expect(fresh.templates[0]!.version).toBe(2);
  });

  it('closes (planners of its area only, 409 when stale), and then the units inspected see it', async () => {
    // a safety office below the campaign's scope neither sees nor closes it
    expect(
      (await send('POST', `${P}/campaigns/${a.id}/close`, 'safetyVillage', { version: a.version }))
        .statusCode,
    ).toBe(404);
    expect(
      (await send('POST', `${P}/campaigns/${a.id}/close`, 'village', { version: a.version })).statusCode,
    ).toBe(404);
    const stale = await send('POST', `${P}/campaigns/${a.id}/close`, 'safety', { version: 1 });
    expect(stale.json().code).toBe('inspections.campaign_version_conflict');
    const closed = await ok<CampaignDetail>(
      await send('POST', `${P}/campaigns/${a.id}/close`, 'safety', { version: a.version }),
    );
    expect(closed).toMatchObject({ state: 'closed', version: a.version + 1 });
    const seen = await ok<CampaignDetail>(await send('GET', `${P}/campaigns/${a.id}`, 'village'));
    expect(seen.targets).toHaveLength(3);
    // no more visits once closed
    const late = await send('POST', `${P}/targets/${a.targets[2]!.id}/check-in`, 'inspector', {
      location: d.point(0, 0),
    });
    expect(late.json().code).toBe('inspections.campaign_state');
  });

  it('visits units too: a town’s police station and the village, checked in inside or outside the unit', async () => {
    const c = await drawn(
      covertPlan({
        name: '派出所和村社暗访',
        templates: ['covert_police_station', 'covert_village'],
        sampleSize: undefined,
      }),
      'units',
    );
    expect(c.targets.map((t) => [t.type, t.kind]).sort()).toEqual([
      ['unit', 'town'],
      ['unit', 'village'],
    ]);
    const village = c.targets.find((t) => t.kind === 'village')!;
    const inside = await ok<InspectionDto>(
      await send('POST', `${P}/targets/${village.id}/check-in`, 'inspector', { location: d.point(1, 1) }),
      201,
    );
    expect(inside.locationFlag).toBeNull();
    const town = c.targets.find((t) => t.kind === 'town')!;
    const outside = await ok<InspectionDto>(
      await send('POST', `${P}/targets/${town.id}/check-in`, 'inspector', {
        location: { lng: 121.5, lat: 29 },
      }),
      201,
    );
    expect(outside.locationFlag).toBe('outside_unit');
  });
});

describe('a self-inspection (自查)', () => {
  it('assigns the form to every place drawn, is filled by the staff of its area, and tracks completion', async () => {
    const s = await drawn(
      {
        name: '企业安全生产自查',
        kind: 'self',
        unitId: countyId,
        startsOn: '2026-11-23',
        endsOn: '2026-11-30',
        templates: ['self_enterprise'],
      },
      'self-1',
    );
    expect(s.targets.map((t) => t.placeId).sort()).toEqual([place.e01!.id, place.e21!.id].sort());
    const g1Target = s.targets.find((t) => t.placeId === place.e01!.id)!;
    const g2Target = s.targets.find((t) => t.placeId === place.e21!.id)!;
    // the village sees both; a grid worker only those of their grid
    expect(
      (await ok<CampaignDetail>(await send('GET', `${P}/campaigns/${s.id}`, 'village'))).targets,
    ).toHaveLength(2);
    const mine = await ok<CampaignDetail>(await send('GET', `${P}/campaigns/${s.id}`, 'grid1'));
    expect(mine.targets.map((t) => t.id)).toEqual([g1Target.id]);
    expect(mine.draw).toBeNull();
    expect((await send('POST', `${P}/targets/${g1Target.id}/check-in`, 'grid2', {})).statusCode).toBe(403);

    const form = await ok<InspectionDto>(
      await send('POST', `${P}/targets/${g1Target.id}/check-in`, 'grid1', {}),
      201,
    );
    expect(form.locationFlag).toBe('no_location');
    const done = await ok<InspectionDto>(
      await send('POST', `${P}/visits/${form.id}/submit`, 'grid1', {
        version: form.version,
        results: results(form.template, { e2: { outcome: 'fail', note: '灭火器过期' } }),
      }),
    );
    const hazardId = done.results!.find((r) => r.code === 'e2')!.hazardId!;
    const h = await ok<HazardDetail>(await send('GET', `/api/v1/hazards/${hazardId}`, 'grid1'));
    expect(h).toMatchObject({
      source: 'self',
      place: { id: place.e01!.id },
      domain: { code: 'fire' },
      aspect: { code: 'fire_facilities' },
    });

    let p = await ok<ProgressDto>(await send('GET', `${P}/campaigns/${s.id}/progress`, 'safety'));
    expect(p).toMatchObject({
      total: 2,
      done: 1,
      pending: 1,
      overdue: 0,
      findings: 1,
      hazards: { total: 1 },
    });
    // past the last day (2026-11-30 in Shanghai), the place not done is overdue
    ctx.clock.set(new Date('2026-11-30T15:59:00Z'));
    expect(
      (await ok<ProgressDto>(await send('GET', `${P}/campaigns/${s.id}/progress`, 'safety'))).overdue,
    ).toBe(0);
    ctx.clock.set(new Date('2026-11-30T16:00:00Z'));
    p = await ok<ProgressDto>(await send('GET', `${P}/campaigns/${s.id}/progress`, 'safety'));
    expect(p).toMatchObject({ done: 1, overdue: 1 });
    expect(p.overdueTargets.map((t) => t.id)).toEqual([g2Target.id]);
    // a grid worker's progress counts their own grid
    const g2 = await ok<ProgressDto>(await send('GET', `${P}/campaigns/${s.id}/progress`, 'grid2'));
    expect(g2).toMatchObject({ total: 1, done: 0, overdue: 1, findings: 0 });
    ctx.clock.set(new Date('2026-11-23T02:00:00Z'));
  });
});

describe('OpenAPI', () => {
  it('documents the inspections routes', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json();
    for (const path of [
      '/templates',
      '/templates/{code}',
      '/campaigns',
      '/campaigns/{id}',
      '/campaigns/{id}/draw',
      '/campaigns/{id}/verify',
      '/campaigns/{id}/progress',
      '/campaigns/{id}/close',
      '/targets/{id}/check-in',
      '/visits/{id}',
      '/visits/{id}/submit',
    ])
      expect(Object.keys(doc.paths)).toContain(`/api/v1/hazards/inspections${path}`);
    expect(doc.paths['/api/v1/hazards/inspections/visits/{id}/submit'].post.requestBody).toBeDefined();
  });
});
