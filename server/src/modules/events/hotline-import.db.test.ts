// The 12345 hotline import against a real database, through the HTTP edge: a good file files every row
// (source hotline, the caller on whose behalf, one import audit entry without personal data); one bad row
// stores nothing and is reported by its spreadsheet row; a second import of the same tickets is refused
// row by row; a dry run stores nothing; who may import; size and type refusals.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { multipart } from '../media/testing.js';
import { MAX_IMPORT_ROWS, type RowError } from './hotline-import.js';
import { type EventsAccount, type EventsDistrict, eventsAccounts, insertEventsDistrict } from './testing.js';

let ctx: TestContext;
let app: App;
let d: EventsDistrict;
let cookie: Record<EventsAccount, string>;

beforeAll(async () => {
  ctx = await createTestContext();
  ctx.clock.set(new Date('2026-11-23T02:00:00Z')); // Monday 10:00 in Shanghai
  d = await insertEventsDistrict(ctx);
  app = await ctx.app();
  ({ cookie } = await eventsAccounts(ctx, app));
});
afterAll(async () => {
  await ctx?.close();
});

const count = async (sql: string, params: unknown[] = []) =>
  (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;

function upload(as: EventsAccount | undefined, data: Buffer, query = '', filename = 'hotline.csv') {
  const body = multipart([{ data, filename, contentType: 'text/csv' }]);
  return app.inject({
    method: 'POST',
    url: `/api/v1/events/imports${query}`,
    payload: body.payload,
    headers: { ...body.headers, ...(as ? { cookie: cookie[as] } : {}) },
  });
}

const HEADER = [
  '工单编号',
  '来电时间',
  '事件类别',
  '诉求内容',
  '事发地址',
  '经度',
  '纬度',
  '坐标系',
  '来电人',
  '联系电话',
  'answer:where',
];

/** A CSV file (UTF-8 with a BOM, as Excel saves "CSV UTF-8") from rows of cells. */
function csv(rows: (string | number)[][]): Buffer {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const text = [HEADER, ...rows].map((r) => r.map(cell).join(',')).join('\r\n');
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${text}\r\n`)]);
}

let seq = 0;
/** Good rows: an e-bike (answer by its Chinese label), a neighbour dispute by name, a blocked exit (department). */
function goodRows(prefix = `T${++seq}`): (string | number)[][] {
  const p = (c: number, r: number) => d.point(c, r);
  return [
    [
      `${prefix}-1`,
      '2026-11-23 09:15',
      'fire.ebike_charging',
      '楼道里电动车充电，"飞线"',
      '景山路1号',
      p(0, 0).lng,
      p(0, 0).lat,
      '',
      '张三',
      '13800000001',
      '楼道',
    ],
    [
      `${prefix}-2`,
      '2026/11/22 18:30:00',
      '邻里纠纷',
      '楼上漏水，协商不成',
      '',
      p(1, 1).lng,
      p(1, 1).lat,
      'wgs84',
      '李四',
      '',
      '',
    ],
    [
      `${prefix}-3`,
      '2026-11-21 08:00',
      'fire.blocked_exit',
      '安全出口被杂物堵住',
      '',
      p(3, 3).lng,
      p(3, 3).lat,
      '',
      '',
      '',
      '',
    ],
  ];
}

describe('a good file', () => {
  it('files every row as a hotline event, in one go, with one import audit entry', async () => {
    const before = await count('event');
    const res = await upload('dispatcher', csv(goodRows('GOOD')));
    expect(res.statusCode, res.body).toBe(201);
    const out = res.json();
    expect(out).toMatchObject({ dryRun: false, rows: 3, imported: 3, format: 'csv', encoding: 'utf-8-bom' });
    expect(out.firstTrackingNo).toMatch(/^20261123-\d{6}$/);
    expect(out.lastTrackingNo).toMatch(/^20261121-\d{6}$/); // dated by the call, not the import
    expect(await count('event')).toBe(before + 3);

    const rows = await ctx.db.query<{
      external_id: string;
      source: string;
      category_code: string;
      answers: Record<string, unknown>;
      reporter_name: string | null;
      reporter_phone: string | null;
      anonymous: boolean;
      created_at: Date;
      tracking_no: string;
      route_kind: string;
      created_by: string;
    }>(`SELECT * FROM event WHERE external_id LIKE 'GOOD-%' ORDER BY external_id`);
    expect(rows.map((r) => [r.external_id, r.source, r.category_code])).toEqual([
      ['GOOD-1', 'hotline', 'fire.ebike_charging'],
      ['GOOD-2', 'hotline', 'disputes.neighbour'],
      ['GOOD-3', 'hotline', 'fire.blocked_exit'],
    ]);
    expect(rows[0]).toMatchObject({
      answers: { where: 'stairwell' },
      reporter_name: '张三',
      reporter_phone: '13800000001',
      anonymous: false,
      created_at: new Date('2026-11-23T01:15:00Z'),
      tracking_no: out.firstTrackingNo,
      created_by: 'dispatcher',
    });
    expect(rows[1]).toMatchObject({ reporter_name: '李四', reporter_phone: null });
    expect(rows[2]).toMatchObject({ anonymous: true, reporter_name: null, route_kind: 'department' });
    expect(rows[2]?.tracking_no).toBe(out.lastTrackingNo);

    const audit = await ctx.db.query<{ actor_name: string; after: Record<string, unknown> }>(
      `SELECT actor_name, after FROM audit_log WHERE action = 'event.import'`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor_name).toBe('dispatcher');
    expect(audit[0]?.after).toMatchObject({ source: 'hotline', imported: 3, format: 'csv' });
    expect(JSON.stringify(audit[0]?.after)).not.toMatch(/张三|李四|13800000001/);
    expect(await count(`audit_log WHERE action = 'event.create' AND after->>'source' = 'hotline'`)).toBe(3);
  });

  it('reads an Excel workbook with date cells and a title row', async () => {
    const p = d.point(2, 0);
    const xlsx = await writeXlsxFile([
      ['12345热线工单', null, null, null, null, null, null],
      ['工单编号', '来电时间', '事件类别', '诉求内容', '经度', '纬度', 'answer:where'],
      [
        { value: 'XL-1', type: String },
        { value: new Date(Date.UTC(2026, 10, 23, 8, 5)), type: Date, format: 'yyyy/mm/dd hh:mm' },
        '电动自行车违规停放充电',
        '门厅里停了三辆电动车',
        p.lng,
        p.lat,
        'lobby',
      ],
    ]).toBuffer();
    const res = await upload('dispatcher', xlsx, '', 'export.csv'); // the name lies; the content decides
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ imported: 1, format: 'xlsx', encoding: null });
    const [row] = await ctx.db.query<{ created_at: Date; anonymous: boolean; unit_path: string }>(
      `SELECT created_at, anonymous, unit_path FROM event WHERE source = 'hotline' AND external_id = 'XL-1'`,
    );
    expect(row?.created_at).toEqual(new Date('2026-11-23T00:05:00Z'));
    expect(row?.anonymous).toBe(true);
    expect(row?.unit_path).toContain('-G2-');
  });
});

describe('all or nothing', () => {
  it('one bad row: 422 naming it, and nothing stored', async () => {
    const rows = goodRows('BAD');
    rows[1]![5] = ''; // no coordinates on spreadsheet row 3
    rows[1]![6] = '';
    const before = await count('event');
    const auditBefore = await count('audit_log');
    const res = await upload('dispatcher', csv(rows));
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const p = res.json();
    expect(p.code).toBe('events.import_invalid');
    expect(p.errors).toEqual([
      {
        row: 3,
        column: '经度',
        code: 'missing_coordinates',
        message: expect.stringMatching(/cannot be located/),
      },
    ]);
    expect(p.errorCount).toBe(1);
    expect(await count('event')).toBe(before);
    expect(await count('audit_log')).toBe(auditBefore);
  });

  it('reports every defect of every row in one pass', async () => {
    const rows = [
      ...goodRows('MANY'),
      [
        'MANY-1',
        '2026-11-23 09:00',
        'fire.ebike_charging',
        '重复的工单',
        '',
        d.point(0, 1).lng,
        d.point(0, 1).lat,
        '',
        '',
        '',
        '',
      ],
      ['MANY-5', '2026-11-23 09:00', '不存在的类别', '类别不对', '', 1, 1, '', '', '', ''],
      [
        'MANY-6',
        '2026-11-23 09:00',
        'fire.ebike_charging',
        '答案不对',
        '',
        d.point(0, 2).lng,
        d.point(0, 2).lat,
        '',
        '',
        '',
        '天台',
      ],
      [
        'MANY-7',
        '2026-11-23 09:00',
        'disputes.neighbour',
        '经纬度写反了',
        '',
        d.point(0, 2).lat,
        d.point(0, 2).lng,
        '',
        '',
        '',
        '',
      ],
    ];
    const before = await count('event');
    const res = await upload('dispatcher', csv(rows));
    expect(res.statusCode).toBe(422);
    const errors = res.json().errors as RowError[];
    expect(errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [5, '工单编号', 'duplicate_in_file'],
      [5, 'answer:where', 'missing_answer'],
      [6, '事件类别', 'unknown_category'],
      [6, '经度', 'outside_district'],
      [7, 'answer:where', 'invalid_answer'],
      [8, '纬度', 'invalid_coordinates'],
    ]);
    expect(errors[0]?.message).toMatch(/row 2/);
    expect(errors[1]?.message).toMatch(/位置 \(where\)/);
    expect(errors[5]?.message).toMatch(/swapped/);
    expect(await count('event')).toBe(before);
  });

  it('a second import of the same file reports every row as already imported', async () => {
    const file = csv(goodRows('AGAIN'));
    expect((await upload('dispatcher', file)).statusCode).toBe(201);
    const before = await count('event');
    const res = await upload('dispatcher', file);
    expect(res.statusCode).toBe(422);
    const errors = res.json().errors as RowError[];
    expect(errors.map((e) => [e.row, e.code])).toEqual([
      [2, 'already_imported'],
      [3, 'already_imported'],
      [4, 'already_imported'],
    ]);
    expect(errors[0]?.message).toMatch(/as event \d{8}-\d{6}/);
    expect(await count('event')).toBe(before);
  });

  it('a dry run checks and reports but stores nothing', async () => {
    const before = await count('event');
    const auditBefore = await count('audit_log');
    const res = await upload('dispatcher', csv(goodRows('DRY')), '?dryRun=true');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ dryRun: true, rows: 3, imported: 0, firstTrackingNo: null });
    const bad = goodRows('DRY2');
    bad[0]![2] = 'nonsense';
    const refused = await upload('dispatcher', csv(bad), '?dryRun=true');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors[0]).toMatchObject({ row: 2, code: 'unknown_category' });
    expect(await count('event')).toBe(before);
    expect(await count('audit_log')).toBe(auditBefore);
    // and the checked file imports for real afterwards
    expect((await upload('dispatcher', csv(goodRows('DRY')))).statusCode).toBe(201);
  });
});

describe('who and what', () => {
  it('a resident gets 403, nobody 401; a dispatcher only within their area', async () => {
    const file = csv(goodRows('WHO'));
    const resident = await upload('resident', file);
    expect(resident.statusCode).toBe(403);
    expect(resident.json().code).toBe('http.forbidden');
    expect((await upload(undefined, file)).statusCode).toBe(401);
    const far = await upload('farDispatcher', file); // scope: grid G2 (columns 2–3)
    expect(far.statusCode).toBe(422);
    expect((far.json().errors as RowError[]).map((e) => [e.row, e.code])).toEqual([
      [2, 'outside_scope'],
      [3, 'outside_scope'],
    ]);
    expect(await count(`event WHERE external_id LIKE 'WHO-%'`)).toBe(0);
  });

  it('refuses 25 MB (413), a non-multipart request and a legacy .xls (415), and no file (400)', async () => {
    const big = Buffer.alloc(25 * 1024 * 1024, 0x41);
    const res = await upload('dispatcher', big);
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('events.import_too_large');
    const json = await app.inject({
      method: 'POST',
      url: '/api/v1/events/imports',
      payload: { rows: [] },
      headers: { cookie: cookie.dispatcher },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json().code).toBe('events.import_not_multipart');
    const xls = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(1024),
    ]);
    const old = await upload('dispatcher', xls, '', 'old.xls');
    expect(old.statusCode).toBe(415);
    expect(old.json().code).toBe('events.import_unsupported_type');
    const boundary = '----anwangnofile';
    const none = await app.inject({
      method: 'POST',
      url: '/api/v1/events/imports',
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`,
      headers: { cookie: cookie.dispatcher, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().code).toBe('events.import_no_file');
  });

  it(`refuses more than ${MAX_IMPORT_ROWS} rows (413) before checking any`, async () => {
    const p = d.point(0, 0);
    const rows = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => [
      `MAXROWS-${i}`,
      '2026-11-23 09:00',
      'disputes.neighbour',
      '吵架',
      '',
      p.lng,
      p.lat,
      '',
      '',
      '',
      '',
    ]);
    const res = await upload('dispatcher', csv(rows));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'events.import_too_large', limitRows: MAX_IMPORT_ROWS });
  });

  it('a file without the needed columns is refused on its header row', async () => {
    const res = await upload('dispatcher', Buffer.from('工单编号,来电时间,诉求内容\nA,2026-11-23 09:00,x\n'));
    expect(res.statusCode).toBe(422);
    expect((res.json().errors as RowError[]).map((e) => [e.row, e.column, e.code])).toEqual([
      [1, '事件类别', 'missing_column'],
      [1, '经度', 'missing_column'],
      [1, '纬度', 'missing_column'],
    ]);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/openapi.json' })).json();
    expect(doc.paths['/api/v1/events/imports'].post.summary).toMatch(/12345/);
  });
});
