// Hazard lists in bulk against a real database, through the HTTP edge: the import (all or nothing, every
// defect by row and column, dry run, taxonomy by code or Chinese name, located and suggested like a record,
// reported or closed out, scope) and the streamed CSV export (filters, reach, BOM, formula guard, keyset
// batches, read back by the import).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { login, makeAccount } from '../access/testing.js';
import { type EventsDistrict, insertEventsDistrict } from '../events/testing.js';
import { multipart } from '../media/testing.js';
import type { HazardDetail, HazardDto } from './schema.js';
import { seedHazardTaxonomy } from './taxonomy/seed.js';

let ctx: TestContext;
let app: App;
let d: EventsDistrict;
const cookie: Record<string, string> = {};

const ACCOUNTS = {
  safety: { roles: ['safety_office'], unit: '330304' },
  town: { roles: ['town_staff'], unit: '330304001' },
  fardispatcher: { roles: ['dispatcher'], unit: '330304001001-G2' },
  grid1: { roles: ['grid_worker'], unit: '330304001001-G1' },
  fire: { roles: ['department_staff'], department: '330304-XF' },
} as const;
type Who = keyof typeof ACCOUNTS;

beforeAll(async () => {
  ctx = await createTestContext();
  ctx.clock.set(new Date('2026-11-23T02:00:00Z')); // Monday 10:00 in Shanghai
  d = await insertEventsDistrict(ctx);
  await seedHazardTaxonomy(ctx.services, '330304');
  app = await ctx.app();
  for (const [name, o] of Object.entries(ACCOUNTS)) {
    await makeAccount(ctx, {
      username: `hb-${name}`,
      roles: [...o.roles],
      ...('unit' in o ? { unit: o.unit } : {}),
      ...('department' in o ? { department: o.department } : {}),
    });
    cookie[name] = await login(app, `hb-${name}`);
  }
});
afterAll(async () => {
  await ctx?.close();
});

const count = async (sql: string, params: unknown[] = []) =>
  (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;

const HEADER = ['领域', '类别', '等级', '隐患描述', '经度', '纬度', '来源', '发现日期', '销号日期'];
function csv(rows: (string | number)[][], header: string[] = HEADER): Buffer {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const text = [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${text}\r\n`)]);
}
function upload(as: Who | undefined, data: Buffer, query = '') {
  const body = multipart([{ data, filename: 'hazards.csv', contentType: 'text/csv' }]);
  return app.inject({
    method: 'POST',
    url: `/api/v1/hazards/imports${query}`,
    payload: body.payload,
    headers: { ...body.headers, ...(as ? { cookie: cookie[as] } : {}) },
  });
}
function get(url: string, as: Who) {
  return app.inject({ method: 'GET', url, headers: { cookie: cookie[as]! } });
}
type Problem = { code: string; errors?: { row: number; column?: string; code: string; message: string }[] };

describe('import', () => {
  it('imports a list, all rows, reported or closed out; a dry run checks and stores nothing', async () => {
    const p0 = d.point(0, 0);
    const p3 = d.point(3, 2);
    const file = csv([
      ['fire', 'blocked_exits', '一般', '导入：安全出口堵塞', p0.lng, p0.lat, '', '2026-11-20', ''],
      [
        '消防',
        '消防车通道占用',
        '较大隐患',
        '导入：消防车通道被占',
        p3.lng,
        p3.lat,
        '自查',
        '2026/11/02',
        '2026-11-10',
      ],
    ]);
    const before = await count('hazard');
    const dry = await upload('town', file, '?dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, rows: 2, reported: 1, closedOut: 1, format: 'csv' });
    expect(await count('hazard')).toBe(before);

    const res = await upload('town', file);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ dryRun: false, rows: 2, reported: 1, closedOut: 1 });
    const rows = await ctx.db.query<{
      id: number;
      state: string;
      tracking_no: string;
      aspect_code: string;
      severity: string;
      source: string;
      unit_path: string;
      suggested_town_id: number | null;
      suggested_department_id: number | null;
      created_at: Date;
      closed_out_at: Date | null;
    }>(`SELECT * FROM hazard WHERE description LIKE '导入：%' ORDER BY description`);
    expect(rows).toHaveLength(2);
    const [blocked, lane] = [
      rows.find((r) => r.aspect_code === 'blocked_exits')!,
      rows.find((r) => r.aspect_code === 'fire_lanes')!,
    ];
    expect(blocked).toMatchObject({
      state: 'reported',
      severity: 'general',
      source: 'report',
      closed_out_at: null,
    });
    expect(blocked.tracking_no).toMatch(/^YH20261120-\d{6}$/);
    expect(blocked.created_at.toISOString()).toBe('2026-11-19T16:00:00.000Z'); // local midnight of the found date
    expect(blocked.unit_path.endsWith(`/${d.lattice.microCode(0, 0)}/`)).toBe(true);
    expect(blocked.suggested_town_id).toBe(d.ids.get('330304001'));
    expect(blocked.suggested_department_id).not.toBeNull();
    expect(lane).toMatchObject({ state: 'closed_out', severity: 'major', source: 'self' });
    expect(lane.closed_out_at?.toISOString()).toBe('2026-11-10T15:59:59.000Z'); // the end of that local day
    // each has its first timeline step and audit entry; the import itself is audited once
    expect(
      await count(`hazard_timeline WHERE hazard_id = ANY($1::bigint[]) AND seq = 1 AND kind = 'record'`, [
        rows.map((r) => r.id),
      ]),
    ).toBe(2);
    expect(
      await count(`audit_log WHERE action = 'hazard.record' AND entity_id = ANY($1::text[])`, [
        rows.map((r) => String(r.id)),
      ]),
    ).toBe(2);
    expect(await count(`audit_log WHERE action = 'hazard.import'`)).toBe(1);
    // the imported open item is in the loop like any record: the town sees it and its dispatcher may triage
    const detail = (await get(`/api/v1/hazards/${blocked.id}`, 'town')).json() as HazardDetail;
    expect(detail.actions).toContain('triage');
    expect(detail.timeline[0]).toMatchObject({
      kind: 'record',
      to: 'reported',
      details: expect.objectContaining({ imported: true }),
    });
    const closed = (await get(`/api/v1/hazards/${lane.id}`, 'town')).json() as HazardDetail;
    expect(closed.state).toBe('closed_out');
    expect(closed.actions).toEqual([]);
  });

  it('refuses a file with any defect, listing each by row and column, and stores nothing', async () => {
    const p = d.point(1, 1);
    const before = await count('hazard');
    const file = csv([
      ['fire', 'blocked_exits', '一般', '好的一行', p.lng, p.lat, '', '', ''],
      ['nosuch', 'x', '一般', '未知领域', p.lng, p.lat, '', '', ''],
      ['fire', 'no_such_aspect', '特大', '', p.lng, p.lat, '路过', '2026-13-01', ''],
      ['fire', 'blocked_exits', '一般', '在区外', 120.0, 10.0, '', '2026-12-01', ''],
      ['fire', 'blocked_exits', '一般', '先销号后发现', p.lng, p.lat, '', '2026-11-10', '2026-11-01'],
      ['fire', 'blocked_exits', '一般', '暗访', p.lng, p.lat, '暗访', '', ''],
    ]);
    const res = await upload('town', file);
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json() as Problem;
    expect(body.code).toBe('hazards.import_invalid');
    const got = body.errors!.map((e) => `${e.row}:${e.column}:${e.code}`).sort();
    expect(got).toEqual(
      [
        '3:领域:unknown_domain',
        '4:类别:unknown_aspect',
        '4:等级:invalid_severity',
        '4:隐患描述:missing_value',
        '4:来源:invalid_source',
        '4:发现日期:invalid_date',
        '5:经度:outside_district',
        '5:发现日期:date_in_future',
        '6:销号日期:closed_before_found',
        '7:来源:covert_not_allowed',
      ].sort(),
    );
    for (const e of body.errors!) expect(e.message).toMatch(/[\u4e00-\u9fff].*\/ [a-zA-Z]/);
    expect(await count('hazard')).toBe(before);
    // a missing column refuses the file before any row
    const noCol = await upload(
      'town',
      csv([['fire', '一般', 'x', p.lng, p.lat]], ['领域', '等级', '隐患描述', '经度', '纬度']),
    );
    expect(noCol.statusCode).toBe(422);
    expect((noCol.json() as Problem).errors).toEqual([
      expect.objectContaining({ row: 1, code: 'missing_column', column: '类别' }),
    ]);
  });

  it('refuses rows outside the importer’s reach, and importers who keep no lists', async () => {
    const p = d.point(0, 0); // G1
    const file = csv([['fire', 'blocked_exits', '一般', '范围外', p.lng, p.lat, '', '', '']]);
    const far = await upload('fardispatcher', file);
    expect(far.statusCode).toBe(422);
    expect((far.json() as Problem).errors).toEqual([
      expect.objectContaining({ row: 2, code: 'outside_scope', column: '经度' }),
    ]);
    const grid = await upload('grid1', file);
    expect(grid.statusCode).toBe(403);
    expect((await upload(undefined, file)).statusCode).toBe(401);
    // the safety office records covert findings
    const covert = await upload(
      'safety',
      csv([['fire', 'blocked_exits', '重大', '暗访发现', p.lng, p.lat, '暗访', '', '']]),
    );
    expect(covert.statusCode, covert.body).toBe(201);
  });
});

describe('export', () => {
  it('streams the filtered list as CSV (BOM, formula guard, newest first) that the import reads back', async () => {
    const p = d.point(2, 0);
    // more than one export batch (1,000 rows) so the keyset is crossed
    const rows: (string | number)[][] = [];
    for (let i = 0; i < 1205; i++)
      rows.push([
        'fire',
        'fire_facilities',
        '一般',
        i === 0 ? '=HYPERLINK("x")' : i === 1 ? '逗号, "引号"' : `导出测试 ${i}`,
        p.lng,
        p.lat,
        '',
        '2026-11-21',
        '',
      ]);
    const imp = await upload('safety', csv(rows));
    expect(imp.statusCode, imp.body).toBe(201);

    const res = await get('/api/v1/hazards/export?aspect=fire_facilities&domain=fire', 'town');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('hazards.csv');
    expect(res.body.startsWith('\uFEFF隐患编号,领域,类别,等级,隐患描述')).toBe(true);
    const lines = res.body.trim().split(/\r?\n/);
    expect(lines).toHaveLength(1 + 1205);
    expect(res.body).toContain(`"'=HYPERLINK(""x"")"`);
    expect(res.body).not.toMatch(/,=HYPERLINK/);
    // the database writes the cells (quoting, dates), the service the names (taxonomy, units)
    const quoted = lines.find((l) => l.includes('逗号'))!;
    expect(quoted).toContain(',"逗号, ""引号""",');
    expect(quoted).toMatch(
      /,2026-11-21,,reported,消防,[^,]+,330304\S*,[^,]+,,,,否,1,20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
    // the same rows as the list, in its order
    const list = (
      await get('/api/v1/hazards?aspect=fire_facilities&domain=fire&pageSize=5', 'town')
    ).json() as {
      items: HazardDto[];
      total: number;
    };
    expect(list.total).toBe(1205);
    expect(lines.slice(1, 6).map((l) => l.split(',')[0])).toEqual(list.items.map((h) => h.trackingNo));
    const trackingNos = new Set(lines.slice(1).map((l) => l.split(',')[0]));
    expect(trackingNos.size).toBe(1205);

    // the export is an import file: read back, every row is refused as recorded already
    const back = await upload('safety', Buffer.from(res.body), '?dryRun=true');
    expect(back.statusCode).toBe(422);
    const errs = (back.json() as Problem).errors!;
    expect(errs.filter((e) => e.code === 'already_recorded')).toHaveLength(1000); // the report is capped
    expect(new Set(errs.map((e) => e.code))).toEqual(new Set(['already_recorded']));

    // the viewer's reach applies: a grid worker of G1 sees none of G2's, a stranger nothing
    const g1 = await get('/api/v1/hazards/export?aspect=fire_facilities', 'grid1');
    expect(g1.statusCode).toBe(200);
    expect(g1.body.trim().split(/\r?\n/)).toHaveLength(1);
    expect((await app.inject({ method: 'GET', url: '/api/v1/hazards/export' })).statusCode).toBe(401);
    expect(await count(`audit_log WHERE action = 'hazard.export'`)).toBeGreaterThanOrEqual(2);
  });

  it('lists the routes in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/hazards/export', '/api/v1/hazards/imports']),
    );
  });
});
