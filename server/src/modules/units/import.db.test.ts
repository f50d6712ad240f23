// Import and export against a real database: all or nothing, every defect reported over HTTP as
// problem+json, the three body forms, and export → import into an empty database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { SYSTEM } from '../access/actor.js';
import { buildUnitsTestApp } from './test-app.js';
import { buildActor, buildLattice, rect } from './test-factories.js';

let ctx: TestContext;
let app: App;
const lattice = buildLattice({ cols: 4, rows: 4, gridCols: 2 });
const { codes } = lattice;
const admin = buildActor(['admin'], '/');
const fcOf = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
const feature = (properties: Record<string, unknown>, geometry: unknown = null) => ({
  type: 'Feature',
  properties,
  geometry,
});
const counts = async (c: TestContext) => {
  const [r] = await c.db.query<{ units: number; audits: number; version: number }>(
    `SELECT (SELECT count(*)::int FROM unit) AS units, (SELECT count(*)::int FROM audit_log) AS audits,
            (SELECT version FROM unit_tree_version) AS version`,
  );
  return r!;
};

beforeAll(async () => {
  ctx = await createTestContext();
  app = await buildUnitsTestApp(ctx.services.units, { admin });
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

describe('import', () => {
  it('imports a GeoJSON file parents-last in one go, audited once', async () => {
    const features = [...lattice.units].reverse().map((u) =>
      feature(
        {
          code: u.code,
          name: u.name,
          level: u.level,
          parent_code: u.parentCode,
          population: u.population ?? null,
          grid_kind: u.gridKind,
        },
        u.boundary,
      ),
    );
    const before = await counts(ctx);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/units/import',
      headers: { 'x-test-actor': 'admin', 'content-type': 'application/geo+json' },
      payload: fcOf(features),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ inserted: lattice.units.length });
    const after = await counts(ctx);
    expect(after.units).toBe(before.units + lattice.units.length);
    expect(after.audits).toBe(before.audits + 1);
    expect(after.version).toBe(before.version + 1);
    const [audit] = await ctx.db.query<{ action: string; after: { inserted: number } }>(
      'SELECT action, after FROM audit_log ORDER BY id DESC LIMIT 1',
    );
    expect(audit).toMatchObject({ action: 'unit.import', after: { inserted: lattice.units.length } });
  });

  it('writes nothing when any feature is defective, and lists every defect in a 422 problem', async () => {
    const before = await counts(ctx);
    const g1 = codes.grids[0]!;
    const content = fcOf([
      feature(
        { code: `${g1}-M900`, name: '好的', level: 'micro_grid', parent_code: g1 },
        rect(120.601, 27.951, 120.602, 27.952),
      ),
      feature(
        { code: `${g1}-M901`, name: '在外面', level: 'micro_grid', parent_code: g1 },
        rect(121, 28, 121.01, 28.01),
      ),
      feature({ code: lattice.microCode(0, 0), name: '重复', level: 'micro_grid', parent_code: g1 }),
      feature({ code: `${g1}-M902`, name: '无父', level: 'micro_grid', parent_code: 'nobody' }),
    ]);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/units/import',
      headers: { 'x-test-actor': 'admin' },
      payload: { format: 'geojson', content },
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({ status: 422, code: 'units.import_invalid' });
    expect(body.errors.map((e: { feature: number }) => e.feature)).toEqual([1, 2, 3]);
    expect(body.errors[0].message).toMatch(/outside its parent/);
    expect(body.errors[1].message).toMatch(/already exists/);
    expect(body.errors[2].message).toMatch(/unknown parent nobody/);
    expect(await counts(ctx)).toEqual(before);
    expect(await ctx.services.units.findByCode(`${g1}-M900`)).toBeNull();
  });

  it('takes raw CSV bodies and reports CSV defects by line', async () => {
    const g2 = codes.grids[1]!;
    const csv = `code,name,level,parent_code,population,households,grid_kind\n${g2}-M800,甲,micro_grid,${g2},10,4,\n${g2}-M801,乙,micro_grid,${g2},,,dedicated\n`;
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/units/import',
      headers: { 'x-test-actor': 'admin', 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors).toEqual([expect.objectContaining({ line: 3, field: 'grid_kind' })]);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/units/import',
      headers: { 'x-test-actor': 'admin', 'content-type': 'text/csv; charset=utf-8' },
      payload: csv.replace(',dedicated', ','),
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ inserted: 2 });
    expect(await ctx.services.units.findByCode(`${g2}-M800`)).toMatchObject({ level: 'micro_grid' });
  });

  it('takes a FeatureCollection sent as plain application/json', async () => {
    const g2 = codes.grids[1]!;
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/units/import',
      headers: { 'x-test-actor': 'admin' },
      payload: {
        type: 'FeatureCollection',
        features: [feature({ code: `${g2}-M700`, name: '丙', level: 'micro_grid', parent_code: g2 })],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ inserted: 1 });
  });

  it('refuses an empty or unreadable file with 422', async () => {
    const post = (payload: object) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/units/import',
        headers: { 'x-test-actor': 'admin' },
        payload,
      });
    expect((await post({ format: 'csv', content: 'code,name,level,parent_code\n' })).json()).toMatchObject({
      code: 'units.import_invalid',
    });
    expect((await post({ format: 'geojson', content: '{not json' })).statusCode).toBe(422);
    expect((await post({ format: 'kml', content: 'x' })).statusCode).toBe(400);
  });

  it('refuses insertUnits with defects the same way, writing nothing', async () => {
    const before = await counts(ctx);
    await expect(
      ctx.services.units.insertUnits(SYSTEM, [
        { code: 'X1', name: 'ok', level: 'city', parentCode: null },
        { code: 'X1-1', name: 'skips a level', level: 'town', parentCode: 'X1' },
      ]),
    ).rejects.toMatchObject({
      code: 'units.import_invalid',
      extras: { errors: [expect.objectContaining({ index: 1, field: 'level' })] },
    });
    expect(await counts(ctx)).toEqual(before);
  });
});

describe('export', () => {
  it('round-trips GeoJSON and CSV into an empty database', async () => {
    const units = ctx.services.units;
    const geo = await app.inject({
      url: '/api/v1/units/export?format=geojson',
      headers: { 'x-test-actor': 'admin' },
    });
    expect(geo.statusCode).toBe(200);
    expect(geo.headers['content-type']).toMatch(/^application\/geo\+json/);
    const csv = await units.exportCsv(SYSTEM);
    const source = await units.list(SYSTEM, { page: 1, pageSize: 200 });

    for (const [format, content] of [
      ['geojson', geo.body],
      ['csv', csv],
    ] as const) {
      const fresh = await createTestContext();
      try {
        const r = await fresh.services.units.importFile(SYSTEM, { format, content });
        expect(r.inserted).toBe(source.total);
        const copy = await fresh.services.units.list(SYSTEM, { page: 1, pageSize: 200 });
        const strip = (u: (typeof source.items)[number]) => {
          const { id: _id, parentId: _p, ...rest } = u;
          return format === 'csv' ? { ...rest, areaM2: null, centroid: null } : rest;
        };
        expect(copy.items.map(strip)).toEqual(source.items.map(strip));
        const again = await fresh.services.units.exportUnits(SYSTEM, format);
        if (format === 'geojson') expect(again.text).toBe(content);
        else expect(again.text).toBe(csv);
      } finally {
        await fresh.close();
      }
    }
  });

  it('exports a subtree with its root first', async () => {
    const units = ctx.services.units;
    const g1 = await units.findByCode(codes.grids[0]!);
    const res = await app.inject({
      url: `/api/v1/units/export?format=csv&within=${g1!.id}`,
      headers: { 'x-test-actor': 'admin' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe('code,name,level,parent_code,population,households,grid_kind');
    expect(lines[1]).toMatch(new RegExp(`^${codes.grids[0]},第1网格,grid,${codes.village},,,general$`));
    expect(lines).toHaveLength(2 + 8);
  });
});
