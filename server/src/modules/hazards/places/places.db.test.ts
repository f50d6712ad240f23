// The places registry against a real database, through the HTTP edge: registering (locate, GCJ-02, a
// given unit, credit codes checked and unique), scope (401/403, lists limited to one's area), the masked
// contact phone, editing with a version check (409), black/white listing with its append-only history and
// audit, lists and filters, the CSV/Excel import (all or nothing, every defect by row and column, dry run,
// duplicates refused or updated) and the streamed export.
import gcoordModule from 'gcoord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { createTestContext, type TestContext } from '../../../../test/context.js';
import type { App } from '../../../http/types.js';
import { login, makeAccount } from '../../access/testing.js';
import { multipart } from '../../media/testing.js';
import type { PlaceDetail, PlaceDto } from './schema.js';
import { insertPlacesDistrict, makePlace, nextCreditCode, type PlacesDistrict } from './testing.js';

const gcoord = gcoordModule as unknown as (typeof gcoordModule)['default'];

let ctx: TestContext;
let app: App;
let d: PlacesDistrict;
const cookie: Record<string, string> = {};

const ACCOUNTS = {
  grid1: { roles: ['grid_worker'], unit: '330304001001-G1' },
  grid2: { roles: ['grid_worker'], unit: '330304001001-G2' },
  town: { roles: ['town_staff'], unit: '330304001' },
  safety: { roles: ['safety_office'], unit: '330304' },
  safetyG2: { roles: ['safety_office'], unit: '330304001001-G2' },
  market: { roles: ['department_staff'], department: '330304-SJ' },
  leader: { roles: ['leader'], unit: '330304' },
  resident: { roles: ['resident'] },
} as const;
type Who = keyof typeof ACCOUNTS;

beforeAll(async () => {
  ctx = await createTestContext({ sessionHours: 24 * 365 }); // the clock travels days
  ctx.clock.set(new Date('2026-11-23T02:00:00Z'));
  d = await insertPlacesDistrict(ctx);
  app = await ctx.app();
  for (const [name, o] of Object.entries(ACCOUNTS)) {
    await makeAccount(ctx, {
      username: name.toLowerCase(),
      roles: [...o.roles],
      ...('unit' in o ? { unit: o.unit } : {}),
      ...('department' in o ? { department: o.department } : {}),
    });
    cookie[name] = await login(app, name.toLowerCase());
  }
});
afterAll(async () => {
  await ctx?.close();
});

const count = async (sql: string, params: unknown[] = []) =>
  (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;

function send(method: 'GET' | 'POST' | 'PATCH', url: string, as?: Who, payload?: unknown) {
  return app.inject({
    method,
    url: `/api/v1${url}`,
    headers: as ? { cookie: cookie[as]! } : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

function expectProblem(res: Awaited<ReturnType<typeof send>>, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code });
}

const G1 = '330304001001-G1';
const micro = (c: number, r: number) => d.lattice.microCode(c, r);

describe('registering', () => {
  it('locates the place to its micro-grid and answers it with its unit chain and version 1', async () => {
    const code = nextCreditCode();
    const res = await send('POST', '/hazards/places', 'grid1', {
      name: '景山五金店',
      creditCode: code.toLowerCase(),
      kind: 'three_in_one',
      address: '景山路 8 号',
      location: d.point(0, 1),
      contactName: '陈伟',
      contactPhone: '170-0000-0001',
    });
    expect(res.statusCode, res.body).toBe(201);
    const p = res.json() as PlaceDetail;
    expect(p).toMatchObject({
      name: '景山五金店',
      creditCode: code,
      kind: 'three_in_one',
      kindName: { zh: '三合一场所' },
      unit: { code: micro(0, 1), level: 'micro_grid' },
      contact: { name: '陈伟', phone: '170-0000-0001', masked: false },
      listStatus: 'none',
      listHistory: [],
      version: 1,
      createdBy: 'grid1',
      can: { edit: true, changeListStatus: false },
    });
    expect(p.units.map((u) => u.level)).toEqual(['town', 'village', 'grid', 'micro_grid']);
    const [row] = await ctx.db.query<{ county_code: string; unit_path: string }>(
      'SELECT county_code, unit_path FROM place WHERE id = $1',
      [p.id],
    );
    expect(row).toEqual({
      county_code: '330304',
      unit_path: `/3303/330304/330304001/330304001001/${G1}/${micro(0, 1)}/`,
    });
    // audited, without the phone (personal data)
    const [audit] = await ctx.db.query<{ actor_name: string; after: Record<string, unknown> }>(
      "SELECT actor_name, after FROM audit_log WHERE action = 'place.create' AND entity_id = $1",
      [String(p.id)],
    );
    expect(audit).toMatchObject({
      actor_name: 'grid1',
      after: { name: '景山五金店', hasContactPhone: true },
    });
    expect(JSON.stringify(audit)).not.toContain('0000-0001');
  });

  it('takes GCJ-02 coordinates (map apps) and stores WGS84', async () => {
    const wgs = d.point(1, 2);
    const [lng, lat] = gcoord.transform([wgs.lng, wgs.lat], gcoord.WGS84, gcoord.GCJ02);
    expect(Math.abs(lng - wgs.lng)).toBeGreaterThan(0.001); // the offset is real here
    const res = await send('POST', '/hazards/places', 'grid1', {
      name: '出租房 12 幢',
      kind: 'rental_housing',
      location: { lng, lat, crs: 'gcj02' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const p = res.json() as PlaceDto;
    expect(p.unit.code).toBe(micro(1, 2));
    expect(p.location.lng).toBeCloseTo(wgs.lng, 5);
    expect(p.location.lat).toBeCloseTo(wgs.lat, 5);
  });

  it('uses a given unit when the point lies in it; 422 when it does not, or outside the district', async () => {
    const g1 = d.ids.get(G1)!;
    const ok = await send('POST', '/hazards/places', 'grid1', {
      name: '网格内工地',
      kind: 'construction_site',
      location: d.point(1, 0),
      unitId: g1,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().unit).toMatchObject({ code: G1, level: 'grid' });
    const before = await count('place');
    expectProblem(
      await send('POST', '/hazards/places', 'safety', {
        name: '错位',
        kind: 'shop',
        location: d.point(3, 0),
        unitId: g1,
      }),
      422,
      'hazards.place_location_mismatch',
    );
    expectProblem(
      await send('POST', '/hazards/places', 'safety', {
        name: '海上',
        kind: 'port',
        location: { lng: 121.5, lat: 27.5 },
      }),
      422,
      'hazards.place_outside_district',
    );
    expectProblem(
      await send('POST', '/hazards/places', 'safety', {
        name: '无此单位',
        kind: 'shop',
        location: d.point(0, 0),
        unitId: 999999,
      }),
      422,
      'hazards.place_unknown_unit',
    );
    expect(await count('place')).toBe(before);
  });

  it('checks the credit code (400 naming the check character) and keeps it unique (409)', async () => {
    const before = await count('place');
    const bad = await send('POST', '/hazards/places', 'grid1', {
      name: '错码企业',
      creditCode: '91350100M000100Y44',
      kind: 'enterprise',
      location: d.point(0, 0),
    });
    expectProblem(bad, 400, 'http.validation_failed');
    expect(bad.body).toContain('校验位错误（应为 3）');
    const code = nextCreditCode();
    const first = await send('POST', '/hazards/places', 'grid1', {
      name: '甲公司',
      creditCode: code,
      kind: 'enterprise',
      location: d.point(0, 0),
    });
    expect(first.statusCode, first.body).toBe(201);
    const again = await send('POST', '/hazards/places', 'safety', {
      name: '乙公司',
      creditCode: code,
      kind: 'enterprise',
      location: d.point(2, 0),
    });
    expectProblem(again, 409, 'hazards.credit_code_taken');
    expect(again.json().placeId).toBe(first.json().id);
    expect(await count('place')).toBe(before + 1);
  });

  it('answers 400 for bad input: unknown kind, bad phone, unknown fields; nothing stored', async () => {
    const before = await count('place');
    const base = { name: '某店', kind: 'shop', location: d.point(0, 0) };
    for (const body of [
      { ...base, kind: 'airport' },
      { ...base, contactPhone: 'call me' },
      { ...base, name: '' },
      { ...base, colour: 'red' },
      { ...base, location: { lng: 200, lat: 27 } },
    ])
      expectProblem(await send('POST', '/hazards/places', 'grid1', body), 400, 'http.validation_failed');
    expect(await count('place')).toBe(before);
  });
});

describe('scope', () => {
  let inG1: PlaceDetail;
  beforeAll(async () => {
    inG1 = await makePlace(ctx, {
      name: '范围测试店',
      location: d.point(0, 3),
      contactName: '林芳',
      contactPhone: '13812345678',
    });
  });

  it('401 for nobody, 403 for residents and for staff of another area; nothing changed', async () => {
    expectProblem(await send('GET', '/hazards/places'), 401, 'http.unauthenticated');
    expectProblem(await send('GET', '/hazards/places', 'resident'), 403, 'http.forbidden');
    expectProblem(await send('GET', `/hazards/places/${inG1.id}`, 'grid2'), 403, 'http.forbidden');
    expectProblem(await send('GET', `/hazards/places/${inG1.id}`), 401, 'http.unauthenticated');
    expectProblem(await send('GET', '/hazards/places/999999'), 401, 'http.unauthenticated');
    expectProblem(await send('GET', `/hazards/places/${inG1.id}`, 'resident'), 403, 'http.forbidden');
    expectProblem(await send('GET', '/hazards/places/999999', 'grid2'), 404, 'hazards.place_not_found');
    expectProblem(
      await send('PATCH', `/hazards/places/${inG1.id}`, 'grid2', { name: '改名', version: inG1.version }),
      403,
      'http.forbidden',
    );
    expectProblem(
      await send('POST', '/hazards/places', 'grid2', { name: '越界', kind: 'shop', location: d.point(0, 0) }),
      403,
      'http.forbidden',
    );
    expectProblem(await send('GET', `/hazards/places?unit=${d.ids.get(G1)}`, 'grid2'), 403, 'http.forbidden');
    expect((await ctx.services.places.facts(inG1.id))?.name).toBe('范围测试店');
  });

  it('lists only the places of one’s area', async () => {
    const g2 = await makePlace(ctx, { name: '乙网格店', location: d.point(3, 3) });
    const mine = (await send('GET', '/hazards/places?pageSize=200', 'grid2')).json();
    expect(mine.items.map((p: PlaceDto) => p.id)).toContain(g2.id);
    expect(mine.items.every((p: PlaceDto) => p.unit.code.includes('-G2-'))).toBe(true);
    const all = (await send('GET', '/hazards/places?pageSize=200', 'town')).json();
    expect(all.total).toBe(await count('place'));
  });

  it('shows the contact phone in full inside the place’s unit subtree, masked to departments', async () => {
    for (const who of ['grid1', 'town', 'leader', 'safety'] as const) {
      const p = (await send('GET', `/hazards/places/${inG1.id}`, who)).json();
      expect(p.contact, who).toEqual({ name: '林芳', phone: '13812345678', masked: false });
    }
    const seen = await send('GET', `/hazards/places/${inG1.id}`, 'market');
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json().contact).toEqual({ name: '林芳', phone: '138****5678', masked: true });
    const listed = (await send('GET', '/hazards/places?q=范围测试', 'market')).json();
    expect(listed.items[0].contact.phone).toBe('138****5678');
    const csv = (await send('GET', '/hazards/places/export?q=范围测试', 'market')).body;
    expect(csv).toContain('138****5678');
    expect(csv).not.toContain('13812345678');
    expect((await send('GET', '/hazards/places/export?q=范围测试', 'grid1')).body).toContain('13812345678');
  });
});

describe('editing', () => {
  it('changes fields with the version read; a stale version gets 409; moving relocates the unit', async () => {
    const p = await makePlace(ctx, { name: '旧名', location: d.point(0, 0), contactPhone: '170-0000-0009' });
    const res = await send('PATCH', `/hazards/places/${p.id}`, 'grid1', {
      name: '新名',
      address: '新地址',
      contactPhone: null,
      version: 1,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      name: '新名',
      address: '新地址',
      contact: { phone: null },
      version: 2,
    });
    expectProblem(
      await send('PATCH', `/hazards/places/${p.id}`, 'grid1', { name: '又一名', version: 1 }),
      409,
      'hazards.place_version_conflict',
    );
    expect((await ctx.services.places.facts(p.id))?.name).toBe('新名');
    const moved = await send('PATCH', `/hazards/places/${p.id}`, 'town', {
      location: d.point(3, 1),
      version: 2,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ unit: { code: micro(3, 1) }, version: 3 });
    // grid1 may not move it out of its area
    expectProblem(
      await send('PATCH', `/hazards/places/${moved.json().id}`, 'grid1', { name: 'x', version: 3 }),
      403,
      'http.forbidden',
    );
    expectProblem(
      await send('PATCH', '/hazards/places/999999', 'town', { name: 'x', version: 1 }),
      404,
      'hazards.place_not_found',
    );
    const audit = await ctx.db.query<{ before: Record<string, unknown>; after: Record<string, unknown> }>(
      "SELECT before, after FROM audit_log WHERE action = 'place.update' AND entity_id = $1 ORDER BY id",
      [String(p.id)],
    );
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({
      before: { name: '旧名', hasContactPhone: true, version: 1 },
      after: { name: '新名', hasContactPhone: false, contactPhoneChanged: true, version: 2 },
    });
    expect(JSON.stringify(audit)).not.toContain('0000-0009');
  });
});

describe('black and white lists', () => {
  it('only the safety office in scope or a department changes them, with a reason; history and audit kept', async () => {
    const p = await makePlace(ctx, { name: '名单测试厂', kind: 'enterprise', location: d.point(1, 1) });
    const body = { status: 'black', reason: '多次暗访发现消防通道堵塞，拒不整改', version: 1 };
    for (const who of ['grid1', 'town', 'leader', 'safetyG2'] as const)
      expectProblem(
        await send('POST', `/hazards/places/${p.id}/list-status`, who, body),
        403,
        'http.forbidden',
      );
    expectProblem(
      await send('POST', `/hazards/places/${p.id}/list-status`, undefined, body),
      401,
      'http.unauthenticated',
    );
    expectProblem(
      await send('POST', `/hazards/places/${p.id}/list-status`, 'safety', { ...body, reason: '' }),
      400,
      'http.validation_failed',
    );
    expect(await count('place_list_history')).toBe(0);

    const black = await send('POST', `/hazards/places/${p.id}/list-status`, 'safety', body);
    expect(black.statusCode, black.body).toBe(200);
    expect(black.json()).toMatchObject({
      listStatus: 'black',
      listReason: body.reason,
      listedAt: '2026-11-23T02:00:00.000Z',
      version: 2,
      can: { changeListStatus: true },
    });
    expectProblem(
      await send('POST', `/hazards/places/${p.id}/list-status`, 'market', {
        ...body,
        status: 'white',
        version: 1,
      }),
      409,
      'hazards.place_version_conflict',
    );
    expectProblem(
      await send('POST', `/hazards/places/${p.id}/list-status`, 'market', { ...body, version: 2 }),
      422,
      'hazards.list_status_unchanged',
    );
    ctx.clock.advance(24 * 3600_000);
    const white = await send('POST', `/hazards/places/${p.id}/list-status`, 'market', {
      status: 'white',
      reason: '整改到位，连续三个月检查无隐患',
      version: 2,
    });
    expect(white.statusCode, white.body).toBe(200);
    const none = await send('POST', `/hazards/places/${p.id}/list-status`, 'safety', {
      status: 'none',
      reason: '年度复核，移出白名单',
      version: 3,
    });
    expect(none.json()).toMatchObject({ listStatus: 'none', listReason: null, listedAt: null, version: 4 });
    expect(none.json().listHistory).toEqual([
      {
        from: 'none',
        to: 'black',
        reason: body.reason,
        by: 'safety',
        asRole: 'safety_office',
        at: '2026-11-23T02:00:00.000Z',
      },
      {
        from: 'black',
        to: 'white',
        reason: '整改到位，连续三个月检查无隐患',
        by: 'market',
        asRole: 'department_staff',
        at: '2026-11-24T02:00:00.000Z',
      },
      {
        from: 'white',
        to: 'none',
        reason: '年度复核，移出白名单',
        by: 'safety',
        asRole: 'safety_office',
        at: '2026-11-24T02:00:00.000Z',
      },
    ]);
    const audit = await ctx.db.query<{
      actor_name: string;
      before: { listStatus: string };
      after: { listStatus: string };
    }>(
      "SELECT actor_name, before, after FROM audit_log WHERE action = 'place.list_status' AND entity_id = $1 ORDER BY id",
      [String(p.id)],
    );
    expect(audit.map((a) => [a.actor_name, a.before.listStatus, a.after.listStatus])).toEqual([
      ['safety', 'none', 'black'],
      ['market', 'black', 'white'],
      ['safety', 'white', 'none'],
    ]);
  });

  it('keeps the history append-only: the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    expect(await count('place_list_history')).toBeGreaterThan(0);
    await expect(ctx.db.query("UPDATE place_list_history SET reason = 'rewritten'")).rejects.toThrow(
      /append-only/,
    );
    await expect(ctx.db.query('DELETE FROM place_list_history')).rejects.toThrow(/append-only/);
    await expect(ctx.db.query('TRUNCATE place_list_history')).rejects.toThrow(/append-only/);
  });
});

describe('lists', () => {
  it('filters by kind, list status, text (name words or credit code start) and unit subtree, paginated', async () => {
    const code = nextCreditCode();
    const gas = await makePlace(ctx, {
      name: '中石化景山加油站',
      kind: 'gas_station',
      creditCode: code,
      location: d.point(2, 2),
    });
    await ctx.services.places.setListStatus((await import('../../access/actor.js')).SYSTEM, gas.id, {
      status: 'white',
      reason: '标准化建设示范站',
      version: 1,
    });
    const get = async (qs: string) => (await send('GET', `/hazards/places?${qs}`, 'safety')).json();
    expect((await get('kind=gas_station')).items.map((p: PlaceDto) => p.id)).toEqual([gas.id]);
    expect((await get('listStatus=white')).items.map((p: PlaceDto) => p.id)).toEqual([gas.id]);
    expect((await get('q=景山加油')).items.map((p: PlaceDto) => p.id)).toEqual([gas.id]);
    expect((await get(`q=${code.slice(0, 12).toLowerCase()}`)).items.map((p: PlaceDto) => p.id)).toContain(
      gas.id,
    );
    expect((await get('q=%25')).total).toBe(0); // a LIKE wildcard is a plain character
    const inG1 = await get(`unit=${d.ids.get(G1)}&pageSize=200`);
    expect(inG1.items.length).toBeGreaterThan(0);
    expect(inG1.items.every((p: PlaceDto) => p.units.some((u) => u.code === G1))).toBe(true);
    const all = await get('pageSize=2');
    const page2 = await get('pageSize=2&page=2');
    expect(all.total).toBe(await count('place'));
    expect(page2.items.map((p: PlaceDto) => p.id).every((id: number) => id < all.items[1].id)).toBe(true);
    expectProblem(await send('GET', '/hazards/places?kind=airport', 'safety'), 400, 'http.validation_failed');
    const kinds = (await send('GET', '/hazards/places/kinds', 'safety')).json();
    expect(kinds.items.find((k: { code: string }) => k.code === 'three_in_one').name.zh).toBe('三合一场所');
  });
});

describe('import', () => {
  const HEADER = ['名称', '统一社会信用代码', '类型', '地址', '经度', '纬度', '坐标系', '联系人', '联系电话'];
  function csv(rows: (string | number)[][], header = HEADER): Buffer {
    const cell = (v: string | number) => {
      const s = String(v);
      return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    };
    const text = [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n');
    return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${text}\r\n`)]);
  }
  function upload(as: Who | undefined, data: Buffer, query = '', filename = 'places.csv') {
    const body = multipart([{ data, filename, contentType: 'text/csv' }]);
    return app.inject({
      method: 'POST',
      url: `/api/v1/hazards/places/imports${query}`,
      payload: body.payload,
      headers: { ...body.headers, ...(as ? { cookie: cookie[as] } : {}) },
    });
  }
  const p = (c: number, r: number) => d.point(c, r);

  it('imports a good file, all rows; a dry run checks and stores nothing', async () => {
    const codes = [nextCreditCode(), nextCreditCode()];
    const file = csv([
      [
        '瓯海精密机械厂',
        codes[0]!,
        '企业',
        '娄桥工业区 3 号',
        p(0, 0).lng,
        p(0, 0).lat,
        '',
        '陈伟',
        '170-0000-0101',
      ],
      ['景山三合一小店', codes[1]!.toLowerCase(), '三合一', '', p(1, 3).lng, p(1, 3).lat, 'wgs84', '', ''],
      ['"阳光"出租房', '', '出租房屋', '新桥 5 幢', p(2, 1).lng, p(2, 1).lat, '', '黄丽', '13900001111'],
    ]);
    const before = await count('place');
    const dry = await upload('town', file, '?dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({
      dryRun: true,
      rows: 3,
      created: 3,
      updated: 0,
      format: 'csv',
      encoding: 'utf-8-bom',
    });
    expect(await count('place')).toBe(before);

    const res = await upload('town', file);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ dryRun: false, rows: 3, created: 3, updated: 0 });
    expect(await count('place')).toBe(before + 3);
    const rows = await ctx.db.query<{
      name: string;
      kind: string;
      credit_code: string | null;
      unit_path: string;
      created_by: string;
    }>('SELECT name, kind, credit_code, unit_path, created_by FROM place ORDER BY id DESC LIMIT 3');
    expect(
      rows.reverse().map((r) => [r.name, r.kind, r.credit_code, r.unit_path.split('/').at(-2), r.created_by]),
    ).toEqual([
      ['瓯海精密机械厂', 'enterprise', codes[0], micro(0, 0), 'town'],
      ['景山三合一小店', 'three_in_one', codes[1], micro(1, 3), 'town'],
      ['"阳光"出租房', 'rental_housing', null, micro(2, 1), 'town'],
    ]);
    expect(await count("audit_log WHERE action = 'place.create' AND actor_name = 'town'")).toBe(3);
    expect(await count("audit_log WHERE action = 'place.import'")).toBe(1);
  });

  it('refuses a file with bad rows, listing every defect by row and column, and stores nothing', async () => {
    const dup = nextCreditCode();
    const file = csv([
      ['好的一行', dup, 'shop', '', p(0, 0).lng, p(0, 0).lat, '', '', ''],
      ['校验位错', '91350100M000100Y44', 'shop', '', p(0, 0).lng, p(0, 0).lat, '', '', ''],
      ['未知类型', '', '飞机场', '', p(0, 0).lng, p(0, 0).lat, '', '', ''],
      ['无坐标', '', 'shop', '', '', '', '', '', ''],
      ['区外', '', 'shop', '', 121.5, 27.5, '', '', ''],
      ['填反', '', 'shop', '', p(0, 0).lat, p(0, 0).lng, '', '', ''],
      ['重复', dup, 'shop', '', p(1, 0).lng, p(1, 0).lat, '', '', ''],
      ['坏电话', '', 'shop', '', p(1, 0).lng, p(1, 0).lat, '', '', '打我电话'],
      ['', '', 'shop', '', p(1, 0).lng, p(1, 0).lat, '', '', ''],
    ]);
    const before = await count('place');
    const auditBefore = await count('audit_log');
    const res = await upload('safety', file);
    expectProblem(res, 422, 'hazards.import_invalid');
    const errors = res.json().errors as { row: number; column?: string; code: string; message: string }[];
    expect(errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [3, '统一社会信用代码', 'invalid_credit_code'],
      [4, '类型', 'unknown_kind'],
      [5, '经度', 'missing_coordinates'],
      [6, '经度', 'outside_district'],
      [7, '纬度', 'invalid_coordinates'],
      [8, '统一社会信用代码', 'duplicate_in_file'],
      [9, '联系电话', 'invalid_phone'],
      [10, '名称', 'missing_value'],
    ]);
    expect(errors.find((e) => e.row === 8)?.message).toContain('第 2 行');
    expect(errors.find((e) => e.row === 7)?.message).toContain('填反');
    expect(res.json()).toMatchObject({ errorCount: 8, rows: 9 });
    expect(await count('place')).toBe(before);
    expect(await count('audit_log')).toBe(auditBefore);
  });

  it('reads the columns by their headings, in any order', async () => {
    const file = csv([['纬经倒序', 'shop', p(2, 3).lat, p(2, 3).lng]], ['名称', '类型', '纬度', '经度']);
    const res = await upload('safety', file);
    expect(res.statusCode, res.body).toBe(201);
    expect(
      (await ctx.db.query<{ unit_path: string }>("SELECT unit_path FROM place WHERE name = '纬经倒序'"))[0]
        ?.unit_path,
    ).toContain(micro(2, 3));
  });

  it('refuses a registered credit code unless onExisting=update, which updates that place', async () => {
    const code = nextCreditCode();
    const existing = await makePlace(ctx, {
      name: '老字号',
      creditCode: code,
      location: d.point(0, 2),
      contactName: '吴强',
      contactPhone: '170-0000-0202',
    });
    const file = csv(
      [['老字号（新址）', code, 'restaurant', '新地址 1 号', p(1, 2).lng, p(1, 2).lat]],
      ['名称', '统一社会信用代码', '类型', '地址', '经度', '纬度'],
    );
    const refused = await upload('town', file);
    expectProblem(refused, 422, 'hazards.import_invalid');
    expect(refused.json().errors).toMatchObject([
      { row: 2, column: '统一社会信用代码', code: 'already_registered' },
    ]);
    expect(refused.json().errors[0].message).toContain(`#${existing.id}`);

    const res = await upload('town', file, '?onExisting=update');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ created: 0, updated: 1 });
    const after = await ctx.services.places.get((await import('../../access/actor.js')).SYSTEM, existing.id);
    expect(after).toMatchObject({
      name: '老字号（新址）',
      kind: 'restaurant',
      address: '新地址 1 号',
      unit: { code: micro(1, 2) },
      // columns the file lacks keep their values
      contact: { name: '吴强', phone: '170-0000-0202' },
      version: 2,
    });
  });

  it('reads Excel files; rows outside the importer’s area are refused; grid workers may not import', async () => {
    const xlsx = await writeXlsxFile([
      ['名称', '类型', '经度', '纬度', '所属单位'],
      ['乙网格工地', '建筑工地', p(3, 3).lng, p(3, 3).lat, null],
      ['甲网格工地', 'construction_site', p(0, 3).lng, p(0, 3).lat, G1],
    ]).toBuffer();
    const bySafetyG2 = await upload('safetyG2', xlsx, '', 'places.xlsx');
    expectProblem(bySafetyG2, 422, 'hazards.import_invalid');
    expect(bySafetyG2.json().errors).toMatchObject([{ row: 3, code: 'outside_scope' }]);
    const ok = await upload('safety', xlsx, '', 'places.xlsx');
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ format: 'xlsx', created: 2 });
    expectProblem(await upload('grid1', xlsx), 403, 'http.forbidden');
    expectProblem(await upload(undefined, xlsx), 401, 'http.unauthenticated');
    expectProblem(
      await upload('safety', Buffer.from('名称,地址\n某店,某路\n')),
      422,
      'hazards.import_invalid',
    );
    expectProblem(
      await upload('safety', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])),
      415,
      'hazards.import_unsupported_type',
    );
  });
});

describe('export', () => {
  it('streams the filtered list as CSV that imports back', async () => {
    const res = await send('GET', '/hazards/places/export?kind=construction_site', 'safety');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('places.csv');
    expect(
      res.body.startsWith('\uFEFF编号,名称,统一社会信用代码,类型,类型名称,地址,经度,纬度,所属单位'),
    ).toBe(true);
    const lines = res.body.trim().split('\n');
    expect(lines.length - 1).toBe(await count("place WHERE kind = 'construction_site'"));
    expect(lines.slice(1).every((l) => l.includes(',construction_site,建筑工地,'))).toBe(true);
    // the export is an import file: a dry run with onExisting=update reads every row back
    const body = multipart([
      { data: Buffer.from(res.body), filename: 'places.csv', contentType: 'text/csv' },
    ]);
    const back = await app.inject({
      method: 'POST',
      url: '/api/v1/hazards/places/imports?dryRun=true&onExisting=update',
      payload: body.payload,
      headers: { ...body.headers, cookie: cookie.safety! },
    });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ rows: lines.length - 1 });
    expect(back.json().ignoredColumns).toEqual([
      '编号',
      '类型名称',
      '所属单位名称',
      '名单',
      '名单原因',
      '列入时间',
      '版本',
      '更新时间',
    ]);
    expectProblem(await send('GET', '/hazards/places/export', 'resident'), 403, 'http.forbidden');
    expect(await count("audit_log WHERE action = 'place.export'")).toBeGreaterThan(0);
  });
});

describe('OpenAPI', () => {
  it('documents the places routes', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json();
    for (const p of [
      '/api/v1/hazards/places',
      '/api/v1/hazards/places/{id}',
      '/api/v1/hazards/places/{id}/list-status',
      '/api/v1/hazards/places/imports',
      '/api/v1/hazards/places/export',
      '/api/v1/hazards/places/kinds',
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    expect(doc.paths['/api/v1/hazards/places/{id}'].patch.requestBody).toBeDefined();
  });
});
