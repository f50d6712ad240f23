// The policy as the service and the HTTP routes apply it: 403 problem+json out of scope or role,
// 401 for the anonymous (through the real app, whose anonymous requests carry no session).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { ANONYMOUS, SYSTEM } from '../access/actor.js';
import type { UnitsService } from './service.js';
import { buildUnitsTestApp } from './test-app.js';
import { buildActor, buildLattice } from './test-factories.js';

let ctx: TestContext;
let units: UnitsService;
let app: App;
const lattice = buildLattice({ cols: 2, rows: 2, gridCols: 1 });
const { codes } = lattice;
const villagePath = `/${codes.city}/${codes.county}/${codes.town}/${codes.village}/`;
const actors = {
  g1: buildActor(['grid_worker'], `${villagePath}${codes.grids[0]}/`),
  g1Staff: buildActor(['village_staff'], `${villagePath}${codes.grids[0]}/`),
  g1Admin: buildActor(['admin'], `${villagePath}${codes.grids[0]}/`),
  resident: buildActor(['resident'], null),
  leader: buildActor(['leader'], '/'),
};
let grid1: number;
let grid2: number;

beforeAll(async () => {
  ctx = await createTestContext();
  units = ctx.services.units;
  await units.insertUnits(SYSTEM, lattice.units);
  grid1 = (await units.findByCode(codes.grids[0]!))!.id;
  grid2 = (await units.findByCode(codes.grids[1]!))!.id;
  app = await buildUnitsTestApp(units, actors);
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

const expectProblem = (
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
  code: string,
) => {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({
    status,
    code,
    type: expect.stringContaining(code),
    title: expect.any(String),
  });
};

describe('service', () => {
  const page = { page: 1, pageSize: 20 };

  it('reads people in scope, refuses them out of scope (403) and to residents and the anonymous', async () => {
    await expect(units.people(actors.g1, grid1, page)).resolves.toMatchObject({ total: 0 });
    await expect(units.people(actors.g1, grid2, page)).rejects.toMatchObject({
      code: 'http.forbidden',
      status: 403,
    });
    await expect(units.people(actors.resident, grid1, page)).rejects.toMatchObject({ status: 403 });
    await expect(units.people(ANONYMOUS, grid1, page)).rejects.toMatchObject({
      code: 'http.unauthenticated',
      status: 401,
    });
  });

  it('edits in scope, refuses out of scope and out of role (403), and the anonymous (401)', async () => {
    const v1 = (await units.get(actors.g1, grid1)).version;
    await expect(units.update(actors.g1Staff, grid1, { name: '一格', version: v1 })).resolves.toMatchObject({
      name: '一格',
    });
    const v2 = (await units.get(actors.g1, grid2)).version;
    await expect(units.update(actors.g1Staff, grid2, { name: 'x', version: v2 })).rejects.toMatchObject({
      status: 403,
    });
    await expect(units.update(actors.g1, grid1, { name: 'x', version: v1 + 1 })).rejects.toMatchObject({
      status: 403,
    });
    await expect(units.update(actors.leader, grid1, { name: 'x', version: v1 + 1 })).rejects.toMatchObject({
      status: 403,
    });
    await expect(units.update(ANONYMOUS, grid1, { name: 'x', version: v1 + 1 })).rejects.toMatchObject({
      status: 401,
    });
    expect((await units.get(actors.g1, grid2)).name).not.toBe('x');
  });

  it('lets only admins import and export, within their scope', async () => {
    const csv = `code,name,level,parent_code\n${codes.grids[0]}-M9,新微网格,micro_grid,${codes.grids[0]}\n`;
    const other = `code,name,level,parent_code\n${codes.grids[1]}-M9,新微网格,micro_grid,${codes.grids[1]}\n`;
    await expect(units.importFile(actors.g1Staff, { format: 'csv', content: csv })).rejects.toMatchObject({
      status: 403,
    });
    await expect(units.importFile(actors.g1Admin, { format: 'csv', content: other })).rejects.toMatchObject({
      status: 403,
    });
    await expect(units.importFile(actors.g1Admin, { format: 'csv', content: csv })).resolves.toEqual({
      inserted: 1,
    });
    await expect(units.exportCsv(actors.g1Admin, grid2)).rejects.toMatchObject({ status: 403 });
    await expect(units.exportCsv(actors.leader)).rejects.toMatchObject({ status: 403 });
    const mine = await units.exportCsv(actors.g1Admin);
    expect(mine.trim().split('\n')).toHaveLength(1 + 1 + 2 + 1); // header, grid, its 2 micro-grids, the new one
    await expect(units.exportCsv(ANONYMOUS)).rejects.toMatchObject({ status: 401 });
  });

  it('lets anyone logged in view, and nobody else', async () => {
    await expect(units.list(actors.resident, { page: 1, pageSize: 5 })).resolves.toMatchObject({
      total: expect.any(Number),
    });
    await expect(units.list(ANONYMOUS, { page: 1, pageSize: 5 })).rejects.toMatchObject({ status: 401 });
    await expect(units.get(ANONYMOUS, grid1)).rejects.toMatchObject({ status: 401 });
    await expect(units.locate(ANONYMOUS, { lng: 120.6, lat: 27.95, crs: 'wgs84' })).rejects.toMatchObject({
      status: 401,
    });
  });
});

describe('HTTP', () => {
  it('answers 403 problem+json for people and edits out of scope', async () => {
    const h = { 'x-test-actor': 'g1' };
    expect((await app.inject({ url: `/api/v1/units/${grid1}/people`, headers: h })).statusCode).toBe(200);
    expectProblem(
      await app.inject({ url: `/api/v1/units/${grid2}/people`, headers: h }),
      403,
      'http.forbidden',
    );
    expectProblem(
      await app.inject({ url: `/api/v1/units/${grid1}/people`, headers: { 'x-test-actor': 'resident' } }),
      403,
      'http.forbidden',
    );
    const v = (await units.get(actors.g1, grid2)).version;
    expectProblem(
      await app.inject({
        method: 'PATCH',
        url: `/api/v1/units/${grid2}`,
        headers: { 'x-test-actor': 'g1Staff' },
        payload: { name: 'x', version: v },
      }),
      403,
      'http.forbidden',
    );
    expectProblem(
      await app.inject({
        method: 'POST',
        url: '/api/v1/units/import',
        headers: h,
        payload: { format: 'csv', content: 'code' },
      }),
      403,
      'http.forbidden',
    );
    expectProblem(await app.inject({ url: '/api/v1/units/export', headers: h }), 403, 'http.forbidden');
  });

  it('answers 401 problem+json to the anonymous on every units route of the real app', async () => {
    const real = await ctx.app();
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/v1/units'],
      ['GET', `/api/v1/units/${grid1}`],
      ['GET', '/api/v1/units/geojson'],
      ['GET', '/api/v1/units/locate?lng=120.605&lat=27.955'],
      ['GET', `/api/v1/units/${grid1}/people`],
      ['PATCH', `/api/v1/units/${grid1}`, { name: 'x', version: 1 }],
      ['POST', '/api/v1/units/import', { format: 'csv', content: 'code,name,level,parent_code\n' }],
      ['GET', '/api/v1/units/export'],
      ['GET', '/api/v1/departments'],
      ['GET', '/api/v1/police-beats'],
    ];
    for (const [method, url, payload] of routes) {
      const res = await real.inject({
        method: method as 'GET',
        url,
        ...(payload ? { payload: payload as object } : {}),
      });
      expectProblem(res, 401, 'http.unauthenticated');
    }
  });
});
