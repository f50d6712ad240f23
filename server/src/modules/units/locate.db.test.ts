// Locate through the service and HTTP: the lattice tiles, GCJ-02 input, outside → 422, the index
// reloading after this process's writes and noticing other processes' writes.
import gcoordModule from 'gcoord';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { SYSTEM } from '../access/actor.js';
import { CHECK_INTERVAL_MS } from './locator.js';
import { SCOPE_TTL_MS, UnitsService } from './service.js';
import { buildUnitsTestApp } from './test-app.js';
import { buildActor, buildLattice, rect } from './test-factories.js';

const gcoord = gcoordModule as unknown as (typeof gcoordModule)['default'];
let ctx: TestContext;
let units: UnitsService;
let app: App;
const lattice = buildLattice({ cols: 4, rows: 4, gridCols: 2 });
const { x, y, codes } = lattice;
const resident = buildActor(['resident'], null);

beforeAll(async () => {
  ctx = await createTestContext();
  units = ctx.services.units;
  await units.insertUnits(SYSTEM, lattice.units);
  app = await buildUnitsTestApp(units, { resident });
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
  vi.restoreAllMocks();
});

describe('locate', () => {
  it('puts every cell centre in its micro-grid with the chain of ancestors', async () => {
    for (let c = 0; c < 4; c++) {
      for (let r = 0; r < 4; r++) {
        const got = await units.locate(resident, { lng: x(c) + 0.005, lat: y(r) + 0.005, crs: 'wgs84' });
        expect(got.unit.code).toBe(lattice.microCode(c, r));
        expect(got.unit.level).toBe('micro_grid');
        expect(got.ancestors.map((a) => a.code)).toEqual([
          codes.city,
          codes.county,
          codes.town,
          codes.village,
          codes.grids[c < 2 ? 0 : 1],
        ]);
      }
    }
  });

  it('resolves a shared border to the smallest code', async () => {
    const got = await units.locate(resident, { lng: x(2), lat: y(1) + 0.005, crs: 'wgs84' });
    expect(got.unit.code).toBe(lattice.microCode(1, 1));
  });

  it('converts GCJ-02 input when asked', async () => {
    // 1 m west of the border between columns 1 and 2: GCJ-02 shifts it ~380 m east, into column 2
    const wgs: [number, number] = [x(2) - 0.00001, y(1) + 0.005];
    const gcj = gcoord.transform(wgs, gcoord.WGS84, gcoord.GCJ02) as [number, number];
    expect(gcj[0]).toBeGreaterThan(x(2));
    const asGcj = await units.locate(resident, { lng: gcj[0], lat: gcj[1], crs: 'gcj02' });
    expect(asGcj.unit.code).toBe(lattice.microCode(1, 1));
    const asWgs = await units.locate(resident, { lng: gcj[0], lat: gcj[1], crs: 'wgs84' });
    expect(asWgs.unit.code).not.toBe(lattice.microCode(1, 1));
    const res = await app.inject({
      url: `/api/v1/units/locate?lng=${gcj[0]}&lat=${gcj[1]}&crs=gcj02`,
      headers: { 'x-test-actor': 'resident' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().unit.code).toBe(lattice.microCode(1, 1));
    expect(res.json().ancestors).toHaveLength(5);
  });

  it('answers 422 problem+json outside the district and 400 for coordinates out of range', async () => {
    const h = { 'x-test-actor': 'resident' };
    const out = await app.inject({ url: `/api/v1/units/locate?lng=${x(0) - 0.01}&lat=${y(0)}`, headers: h });
    expect(out.statusCode).toBe(422);
    expect(out.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(out.json()).toMatchObject({ status: 422, code: 'units.outside_district' });
    for (const q of [
      'lng=181&lat=28',
      'lng=120&lat=-91',
      'lng=abc&lat=28',
      'lat=28',
      'lng=120&lat=28&crs=bd09',
    ]) {
      const bad = await app.inject({ url: `/api/v1/units/locate?${q}`, headers: h });
      expect(bad.statusCode, q).toBe(400);
      expect(bad.json().code).toBe('http.validation_failed');
    }
    expect(await units.resolvePoint(0, 0)).toBeNull();
  });

  it('sees units this process adds at once', async () => {
    const east = `${codes.village}-G3`;
    const far = (lng: number) => ({ lng, lat: y(0) + 0.005, crs: 'wgs84' as const });
    await expect(units.locate(resident, far(x(4) + 0.005))).rejects.toMatchObject({
      code: 'units.outside_district',
    });
    await units.insertUnits(SYSTEM, [
      { code: east, name: '第3网格', level: 'grid', parentCode: codes.village, boundary: null },
      {
        code: `${east}-M1`,
        name: '东',
        level: 'micro_grid',
        parentCode: east,
        boundary: rect(x(4), y(0), x(5), y(1)),
      },
    ]);
    expect((await units.locate(resident, far(x(4) + 0.005))).unit.code).toBe(`${east}-M1`);
  });

  it("notices another process's change within the check interval", async () => {
    const other = new UnitsService(ctx.db, ctx.services.audit); // a second server process, in effect
    const code = `${codes.village}-G4`;
    const point = { lng: x(6) + 0.005, lat: y(0) + 0.005, crs: 'wgs84' as const };
    await expect(units.locate(resident, point)).rejects.toMatchObject({ status: 422 });
    await other.insertUnits(SYSTEM, [
      { code, name: '第4网格', level: 'grid', parentCode: codes.village, boundary: null },
      {
        code: `${code}-M1`,
        name: '远',
        level: 'micro_grid',
        parentCode: code,
        boundary: rect(x(6), y(0), x(7), y(1)),
      },
    ]);
    const now = Date.now();
    const spy = vi.spyOn(Date, 'now').mockReturnValue(now + CHECK_INTERVAL_MS + 1);
    try {
      expect((await units.locate(resident, point)).unit.code).toBe(`${code}-M1`);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('resolvePointCached (intake)', () => {
  const centre = (c: number, r: number) => [x(c) + 0.005, y(r) + 0.005] as const;
  const names = (l: Awaited<ReturnType<UnitsService['resolvePoint']>>) =>
    l ? [...l.ancestors, l.unit].map((u) => `${u.code}:${u.name}`) : null;

  it('answers what resolvePoint answers, GCJ-02 and outside included', async () => {
    for (let c = 0; c < 4; c++) {
      for (let r = 0; r < 4; r++) {
        const [lng, lat] = centre(c, r);
        expect(await units.resolvePointCached(lng, lat)).toEqual(await units.resolvePoint(lng, lat));
        const gcj = gcoord.transform([lng, lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
        expect(await units.resolvePointCached(gcj[0], gcj[1], 'gcj02')).toEqual(
          await units.resolvePoint(gcj[0], gcj[1], 'gcj02'),
        );
      }
    }
    expect(await units.resolvePointCached(0, 0)).toBeNull();
    await expect(units.resolvePointCached(181, 0)).rejects.toMatchObject({ status: 400 });
  });

  it('asks the database nothing for a point it located before', async () => {
    const [lng, lat] = centre(3, 3);
    await units.resolvePointCached(lng, lat);
    const spy = vi.spyOn(ctx.db, 'query');
    try {
      for (let c = 0; c < 4; c++) await units.resolvePointCached(...centre(c, 2));
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it("shows this process's edit at once, and another process's within the time it keeps names", async () => {
    const [lng, lat] = centre(0, 1);
    const before = await units.resolvePointCached(lng, lat);
    const micro = before!.unit;
    const row = await units.get(SYSTEM, micro.id);
    await units.update(SYSTEM, micro.id, { name: '改名的微网格', version: row.version });
    expect((await units.resolvePointCached(lng, lat))?.unit.name).toBe('改名的微网格');

    const other = new UnitsService(ctx.db, ctx.services.audit); // another server process, in effect
    const grid = before!.ancestors.at(-1)!;
    const gridRow = await units.get(SYSTEM, grid.id);
    await other.update(SYSTEM, grid.id, { name: '别处改名的网格', version: gridRow.version });
    expect(names(await units.resolvePointCached(lng, lat))).toEqual(
      names(before)!.map((n, i, all) => (i === all.length - 1 ? `${micro.code}:改名的微网格` : n)),
    );
    const now = Date.now();
    const spy = vi.spyOn(Date, 'now').mockReturnValue(now + 2 * SCOPE_TTL_MS + 1);
    try {
      const after = await units.resolvePointCached(lng, lat);
      expect(after?.ancestors.at(-1)?.name).toBe('别处改名的网格');
      expect(after).toEqual(await units.resolvePoint(lng, lat));
    } finally {
      spy.mockRestore();
    }
  });
});
