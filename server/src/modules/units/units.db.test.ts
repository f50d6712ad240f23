// The units service and its HTTP routes over a real database: hierarchy reads, subtree queries,
// pagination, GeoJSON, edits with version checks, people, departments and police beats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { SYSTEM } from '../access/actor.js';
import type { UnitsService } from './service.js';
import { buildUnitsTestApp } from './test-app.js';
import { buildActor, buildLattice } from './test-factories.js';

let ctx: TestContext;
let units: UnitsService;
let app: App;
const lattice = buildLattice({ cols: 4, rows: 4, gridCols: 2 });
const { codes } = lattice;
const villagePath = `/${codes.city}/${codes.county}/${codes.town}/${codes.village}/`;
const grid1Path = `${villagePath}${codes.grids[0]}/`;
const grid2Path = `${villagePath}${codes.grids[1]}/`;
const actors = {
  admin: buildActor(['admin'], '/'),
  villageStaff: buildActor(['village_staff'], villagePath),
  grid1Worker: buildActor(['grid_worker'], grid1Path),
  grid2Worker: buildActor(['grid_worker'], grid2Path),
  resident: buildActor(['resident'], null),
};
const idOf = async (code: string) => (await units.findByCode(code))!.id;

beforeAll(async () => {
  ctx = await createTestContext();
  units = ctx.services.units;
  await units.insertUnits(SYSTEM, lattice.units);
  await units.insertDepartments(SYSTEM, [
    { code: 'D-PS', name: '区公安分局', unitCode: codes.county },
    { code: 'D-MR', name: '区市场监管局', unitCode: codes.county },
  ]);
  await units.insertPoliceBeats(SYSTEM, [
    {
      code: 'PB1',
      name: '景山一警格',
      stationName: '景山派出所',
      unitCode: codes.town,
      gridCodes: [codes.grids[0]!],
    },
    {
      code: 'PB2',
      name: '景山二警格',
      stationName: '景山派出所',
      unitCode: codes.town,
      gridCodes: codes.grids,
    },
  ]);
  await units.insertPeople(SYSTEM, [
    {
      name: '张三',
      phone: '13800000001',
      assignments: [{ unitCode: codes.grids[0]!, duty: 'grid_worker', rank: 1 }],
    },
    {
      name: '李四',
      phone: '13800000002',
      assignments: [{ unitCode: codes.grids[0]!, duty: 'grid_worker', rank: 2 }],
    },
    {
      name: '王五',
      assignments: [{ unitCode: lattice.microCode(0, 0), duty: 'micro_grid_leader', rank: 1 }],
    },
  ]);
  app = await buildUnitsTestApp(units, actors);
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

describe('hierarchy reads', () => {
  it('derives path, county, area, centroid and bbox on insert', async () => {
    const m = await units.get(actors.resident, await idOf(lattice.microCode(1, 2)));
    expect(m).toMatchObject({
      level: 'micro_grid',
      countyCode: codes.county,
      population: 53,
      households: 20,
    });
    expect(m.areaM2).toBeGreaterThan(1_000_000); // 0.01° × 0.01° near 28° N ≈ 1.09 km²
    expect(m.areaM2).toBeLessThan(1_200_000);
    expect(m.centroid![0]).toBeCloseTo(lattice.x(1) + 0.005, 9);
    expect(m.centroid![1]).toBeCloseTo(lattice.y(2) + 0.005, 9);
    expect(m.bbox).toEqual([lattice.x(1), lattice.y(2), lattice.x(2), lattice.y(3)]);
    expect(m.ancestors.map((a) => a.code)).toEqual([
      codes.city,
      codes.county,
      codes.town,
      codes.village,
      codes.grids[0],
    ]);
    expect(m.childCount).toBe(0);
    const city = await units.get(actors.resident, await idOf(codes.city));
    expect(city).toMatchObject({ parentId: null, countyCode: null, ancestors: [], childCount: 1 });
  });

  it('lists by level, parent, subtree, name substring and code prefix', async () => {
    const page = { page: 1, pageSize: 50 };
    expect((await units.list(actors.resident, { level: 'micro_grid', ...page })).total).toBe(16);
    const grid1 = await idOf(codes.grids[0]!);
    const children = await units.list(actors.resident, { parent: grid1, ...page });
    expect(children.items.map((u) => u.code)).toEqual(
      [0, 1].flatMap((c) => [0, 1, 2, 3].map((r) => lattice.microCode(c, r))).sort(),
    );
    const subtree = await units.list(actors.resident, { within: await idOf(codes.town), ...page });
    expect(subtree.total).toBe(1 + 1 + 2 + 16);
    expect((await units.list(actors.resident, { q: '景山', ...page })).items.map((u) => u.code)).toEqual([
      codes.town,
      codes.village,
    ]);
    expect((await units.list(actors.resident, { q: `${codes.village}-G2`, ...page })).total).toBe(9);
    expect((await units.list(actors.resident, { q: '%', ...page })).total).toBe(0);
  });

  it('paginates within bounds and refuses a page size above 200 at the edge', async () => {
    const p2 = await units.list(actors.resident, { level: 'micro_grid', page: 2, pageSize: 5 });
    expect(p2).toMatchObject({ total: 16, page: 2, pageSize: 5 });
    expect(p2.items).toHaveLength(5);
    expect((await units.list(actors.resident, { level: 'micro_grid', page: 9, pageSize: 5 })).items).toEqual(
      [],
    );
    const h = { 'x-test-actor': 'resident' };
    const big = await app.inject({ url: '/api/v1/units?pageSize=201', headers: h });
    expect(big.statusCode).toBe(400);
    expect(big.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(big.json()).toMatchObject({ status: 400, code: 'http.validation_failed' });
    expect((await app.inject({ url: '/api/v1/units?page=0', headers: h })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/v1/units?level=hamlet', headers: h })).statusCode).toBe(400);
    const ok = await app.inject({ url: '/api/v1/units?level=grid&pageSize=200', headers: h });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ total: 2, page: 1, pageSize: 200 });
  });

  it('answers GET /units/{id} with ancestors, and 404 problem+json for an unknown id', async () => {
    const h = { 'x-test-actor': 'resident' };
    const village = await app.inject({ url: `/api/v1/units/${await idOf(codes.village)}`, headers: h });
    expect(village.statusCode).toBe(200);
    expect(village.json()).toMatchObject({ code: codes.village, level: 'village', childCount: 2 });
    expect(village.json().ancestors).toHaveLength(3);
    const missing = await app.inject({ url: '/api/v1/units/999999', headers: h });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(missing.json()).toMatchObject({ status: 404, code: 'units.not_found' });
    expect((await app.inject({ url: '/api/v1/units/abc', headers: h })).statusCode).toBe(400);
  });

  it('serves GeoJSON by level and subtree as application/geo+json', async () => {
    const res = await app.inject({
      url: `/api/v1/units/geojson?level=micro_grid&within=${await idOf(codes.grids[1]!)}`,
      headers: { 'x-test-actor': 'resident' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    const fc = res.json();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(8);
    const f = fc.features.find(
      (x: { properties: { code: string } }) => x.properties.code === lattice.microCode(2, 0),
    );
    expect(f.geometry.type).toBe('Polygon');
    expect(Object.keys(f.properties).sort()).toEqual(
      ['centroid', 'code', 'gridKind', 'households', 'id', 'level', 'name', 'parentId', 'population'].sort(),
    );
    const grids = await units.geojson(actors.resident, { level: 'grid' });
    expect(grids.features.map((g) => g.properties?.gridKind)).toEqual(['general', 'dedicated']);
  });
});

describe('edits', () => {
  it('updates name and figures with a version check, and audits the change', async () => {
    const id = await idOf(lattice.microCode(0, 1));
    const before = await units.get(actors.admin, id);
    const after = await units.update(actors.villageStaff, id, {
      name: '新名字',
      population: 77,
      version: before.version,
    });
    expect(after).toMatchObject({ name: '新名字', population: 77, households: before.households });
    expect((await units.get(actors.admin, id)).version).toBe(before.version + 1);
    const audit = await ctx.db.query<{ action: string; before: { name: string }; after: { name: string } }>(
      `SELECT action, before, after FROM audit_log WHERE entity_type = 'unit' AND entity_id = $1`,
      [String(id)],
    );
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'unit.update',
        before: expect.objectContaining({ name: before.name }),
      }),
    ]);
  });

  it('answers 409 problem+json on a stale version and changes nothing', async () => {
    const id = await idOf(lattice.microCode(0, 2));
    const { version, name } = await units.get(actors.admin, id);
    await units.update(actors.admin, id, { population: 1, version });
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/v1/units/${id}`,
      headers: { 'x-test-actor': 'admin' },
      payload: { name: '过期', version },
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 409, code: 'units.version_conflict' });
    expect((await units.get(actors.admin, id)).name).toBe(name);
  });

  it('validates the patch at the edge (400) and answers 404 for an unknown unit', async () => {
    const h = { 'x-test-actor': 'admin' };
    const id = await idOf(lattice.microCode(0, 3));
    const bad = await app.inject({
      method: 'PATCH',
      url: `/api/v1/units/${id}`,
      headers: h,
      payload: { population: -1, version: 1 },
    });
    expect(bad.statusCode).toBe(400);
    const extra = await app.inject({
      method: 'PATCH',
      url: `/api/v1/units/${id}`,
      headers: h,
      payload: { level: 'city', version: 1 },
    });
    expect(extra.statusCode).toBe(400);
    const missing = await app.inject({
      method: 'PATCH',
      url: '/api/v1/units/999999',
      headers: h,
      payload: { name: 'x', version: 1 },
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('people, departments and police beats', () => {
  it('lists the people of a unit in order of succession', async () => {
    const res = await units.people(actors.grid1Worker, await idOf(codes.grids[0]!), {
      page: 1,
      pageSize: 20,
    });
    expect(res.total).toBe(2);
    expect(res.items.map((p) => [p.name, p.phone, p.duty, p.rank])).toEqual([
      ['张三', '13800000001', 'grid_worker', 1],
      ['李四', '13800000002', 'grid_worker', 2],
    ]);
    const micro = await units.people(actors.villageStaff, await idOf(lattice.microCode(0, 0)), {
      page: 1,
      pageSize: 20,
    });
    expect(micro.items).toEqual([
      expect.objectContaining({ name: '王五', phone: null, duty: 'micro_grid_leader' }),
    ]);
  });

  it('lists departments and police beats, filtered by grid', async () => {
    const deps = await units.listDepartments(actors.resident, { page: 1, pageSize: 20 });
    expect(deps.items.map((d) => d.code)).toEqual(['D-MR', 'D-PS']);
    expect(await units.findDepartmentByCode('D-PS')).toMatchObject({ name: '区公安分局' });
    const scopeDep = await units.getScopeDepartment(deps.items[1]!.id);
    expect(scopeDep).toMatchObject({ code: 'D-PS', unitPath: `/${codes.city}/${codes.county}/` });
    const grid2 = await idOf(codes.grids[1]!);
    const res = await app.inject({
      url: `/api/v1/police-beats?grid=${grid2}`,
      headers: { 'x-test-actor': 'resident' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      expect.objectContaining({
        code: 'PB2',
        stationName: '景山派出所',
        gridIds: expect.arrayContaining([grid2]),
      }),
    ]);
    expect((await units.listPoliceBeats(actors.resident, { page: 1, pageSize: 20 })).total).toBe(2);
  });

  it('refuses bulk writes with unknown references, writing nothing', async () => {
    await expect(
      units.insertPeople(SYSTEM, [
        { name: '赵六', assignments: [{ unitCode: 'nowhere', duty: 'grid_worker', rank: 1 }] },
      ]),
    ).rejects.toMatchObject({
      code: 'units.invalid_records',
      extras: { errors: [expect.objectContaining({ index: 0 })] },
    });
    await expect(
      units.insertPoliceBeats(SYSTEM, [
        { code: 'PB3', name: 'x', stationName: 'y', unitCode: codes.town, gridCodes: [codes.town] },
      ]),
    ).rejects.toMatchObject({ code: 'units.invalid_records' });
    const [{ n }] = (await ctx.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM person WHERE name = '赵六'",
    )) as [{ n: number }];
    expect(n).toBe(0);
  });

  it('caches scope units and answers null for unknown ids', async () => {
    const id = await idOf(codes.town);
    expect(await units.getScopeUnit(id)).toEqual({
      id,
      code: codes.town,
      name: '景山街道',
      level: 'town',
      path: `/${codes.city}/${codes.county}/${codes.town}/`,
    });
    expect(await units.getScopeUnit(999999)).toBeNull();
    expect(await units.hasAnyUnit()).toBe(true);
  });
});
