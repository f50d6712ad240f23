// The monthly run against a real database, over HTTP: collect (platform metrics and imported values,
// with what is missing), compute, correct with a reason (original kept), confirm, publish (public,
// immutable), the explanation of a score, and the accountability ladder over consecutive months.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/node';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { SYSTEM } from '../access/actor.js';
import { login, makeAccount } from '../access/testing.js';
import { seedEventCategories } from '../events/categories/seed.js';
import { makeJpeg, makePdf, multipart } from '../media/testing.js';
import type { NewUnit } from '../units/service.js';
import { DEPARTMENT_SUFFIXES, rect } from '../units/test-factories.js';

let ctx: TestContext;
let app: App;
const cookie: Record<string, string> = {};
const towns = ['330304001', '330304002', '330304003', '330304004'];
let townIds: number[] = [];

/** County 330304 of four towns side by side, each one village, grid and micro-grid over its whole area. */
function fourTowns(): NewUnit[] {
  const x = (i: number) => 120.6 + i * 0.01;
  const units: NewUnit[] = [
    {
      code: '3303',
      name: '温州市',
      level: 'city',
      parentCode: null,
      boundary: rect(x(0), 27.95, x(4), 27.96),
    },
    {
      code: '330304',
      name: '瓯海区',
      level: 'county',
      parentCode: '3303',
      boundary: rect(x(0), 27.95, x(4), 27.96),
    },
  ];
  for (const [i, t] of towns.entries()) {
    const b = rect(x(i), 27.95, x(i + 1), 27.96);
    units.push(
      {
        code: t,
        name: `第${i + 1}街道`,
        level: 'town',
        parentCode: '330304',
        boundary: b,
        population: 10_000,
      },
      {
        code: `${t}001`,
        name: `第${i + 1}社区`,
        level: 'village',
        parentCode: t,
        boundary: b,
        population: 10_000,
      },
      {
        code: `${t}001-G1`,
        name: '网格',
        level: 'grid',
        parentCode: `${t}001`,
        boundary: b,
        gridKind: 'general',
      },
      {
        code: `${t}001-G1-M1`,
        name: '微网格',
        level: 'micro_grid',
        parentCode: `${t}001-G1`,
        boundary: b,
        population: 10_000,
      },
    );
  }
  return units;
}

beforeAll(async () => {
  ctx = await createTestContext({ sessionHours: 24 * 365 });
  ctx.clock.set(new Date('2026-10-10T02:00:00Z'));
  await ctx.services.units.insertUnits(SYSTEM, fourTowns());
  await ctx.services.units.insertDepartments(
    SYSTEM,
    DEPARTMENT_SUFFIXES.map((s) => ({ code: `330304-${s}`, name: `部门${s}`, unitCode: '330304' })),
  );
  await seedEventCategories(ctx.services, '330304');
  await ctx.services.safetyIndex.seedDefaultScheme();
  const refs = await ctx.services.units.refsByCodes(towns);
  townIds = towns.map((c) => refs.get(c)!.id);
  await makeAccount(ctx, { username: 'office', roles: ['safety_office'], unit: '330304' });
  await makeAccount(ctx, { username: 'leader', roles: ['leader'], unit: '330304' });
  await makeAccount(ctx, { username: 'town4', roles: ['town_staff'], unit: towns[3]! });
  await makeAccount(ctx, { username: 'resident', roles: ['resident'] });
  app = await ctx.app();
  for (const u of ['office', 'leader', 'town4', 'resident']) cookie[u] = await login(app, u);

  // October: events in every town, town 4 answers none of them; resolved elsewhere, with ratings
  for (const [i] of towns.entries()) {
    for (let k = 0; k < 3 + i; k++) {
      const { event } = await ctx.services.events.create(SYSTEM, {
        categoryCode: 'disputes.neighbour',
        description: `纠纷 ${i}-${k}`,
        location: { lng: 120.605 + i * 0.01, lat: 27.955, crs: 'wgs84' },
        answers: {},
        mediaIds: [],
        anonymous: false,
      });
      if (i === 3) continue;
      let v = (
        await ctx.services.events.transition(SYSTEM, event.id, { action: 'accept', version: 1, mediaIds: [] })
      ).version;
      const assignee = { kind: 'unit' as const, id: event.route!.id };
      v = (
        await ctx.services.events.transition(SYSTEM, event.id, {
          action: 'assign',
          version: v,
          assignee,
          mediaIds: [],
        })
      ).version;
      const handler = {
        kind: 'user' as const,
        id: -1,
        username: 'h',
        displayName: '处置人',
        roles: ['village_staff' as const],
        scope: { unit: (await ctx.services.units.getScopeUnit(event.route!.id))!, department: null },
      };
      v = (
        await ctx.services.events.transition(handler, event.id, { action: 'start', version: v, mediaIds: [] })
      ).version;
      await ctx.services.events.transition(handler, event.id, {
        action: 'resolve',
        version: v,
        note: '已调解',
        mediaIds: [],
      });
    }
  }
});
afterAll(async () => {
  await ctx?.close();
});

const send = (method: 'GET' | 'POST' | 'PUT', url: string, as?: string, payload?: unknown) =>
  app.inject({
    method,
    url,
    headers: as ? { cookie: cookie[as]! } : {},
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

/** External values of a month: town 4 has by far the most police incidents, fires and petitions. */
async function importMonth(period: string, skipTown?: number) {
  const rows = towns.flatMap((code, i) =>
    i === skipTown
      ? []
      : [
          { unitCode: code, indicator: 'police_incidents', value: i === 3 ? 40 : 10 + i, source: '公安分局' },
          { unitCode: code, indicator: 'major_cases', value: i === 3 ? 3 : 0, source: '公安分局' },
          { unitCode: code, indicator: 'fire_incidents', value: i === 3 ? 4 : i % 2, source: '消防救援大队' },
          { unitCode: code, indicator: 'traffic_deaths', value: i === 3 ? 2 : 0, source: '交警大队' },
          { unitCode: code, indicator: 'petitions', value: i === 3 ? 30 : 5 + i, source: '信访局' },
          {
            unitCode: code,
            indicator: 'awareness_rate',
            value: i === 3 ? 0.7 : 0.95 - i * 0.01,
            source: '统计局调查',
          },
          {
            unitCode: code,
            indicator: 'survey_satisfaction',
            value: i === 3 ? 0.72 : 0.96 - i * 0.01,
            source: '统计局调查',
          },
        ],
  );
  const res = await send('POST', '/api/v1/index/external', 'office', { period, rows });
  expect(res.statusCode, res.body).toBe(200);
}

describe('the monthly run', () => {
  it('refuses bad external data as a whole', async () => {
    const res = await send('POST', '/api/v1/index/external', 'office', {
      period: '2026-10',
      rows: [
        { unitCode: towns[0], indicator: 'police_incidents', value: 1, source: 'x' },
        { unitCode: 'nowhere', indicator: 'police_incidents', value: 1, source: 'x' },
      ],
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().problems).toEqual([{ row: 2, column: 'unitCode', message: 'unknown unit nowhere' }]);
    // an indicator no scheme reads is most likely a typo
    const typo = await send('POST', '/api/v1/index/external', 'office', {
      period: '2026-10',
      rows: [{ unitCode: towns[0], indicator: 'polic_incidents', value: 1, source: 'x' }],
    });
    expect(typo.statusCode).toBe(422);
    expect(typo.json().problems[0].message).toContain('no index scheme takes polic_incidents');
    const [n] = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM index_external_value');
    expect(n?.n).toBe(0);
    expect(
      (
        await send('POST', '/api/v1/index/external', 'leader', {
          period: '2026-10',
          rows: [{ unitCode: towns[0], indicator: 'x', value: 1, source: 'x' }],
        })
      ).statusCode,
    ).toBe(403);
  });

  it('imports external values from a CSV (wide, by names) and an Excel file (long), all or nothing', async () => {
    const upload = (data: Buffer, query: string, as = 'office') => {
      const body = multipart([{ data, filename: 'data.csv', contentType: 'text/csv' }]);
      return app.inject({
        method: 'POST',
        url: `/api/v1/index/external/file?${query}`,
        payload: body.payload,
        headers: { ...body.headers, cookie: cookie[as]! },
      });
    };
    // a wide sheet as the statistics bureau sends it: a title row, Chinese names, percentages
    const csv = [
      '2026年9月 平安三率调查结果,,,',
      '单位代码,单位名称,平安建设满意率,平安建设知晓率',
      `${towns[0]},第1街道,96%,0.93`,
      `${towns[1]},第2街道,95.5%,`,
    ].join('\r\n');
    const dry = await upload(Buffer.from(`\ufeff${csv}`), 'period=2026-09&source=统计局&dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ imported: 3, dryRun: true, layout: 'wide', format: 'csv', units: 2 });
    expect(dry.json().indicators.sort()).toEqual(['awareness_rate', 'survey_satisfaction']);
    const count = async () =>
      (
        await ctx.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM index_external_value WHERE period = '2026-09'",
        )
      )[0]!.n;
    expect(await count()).toBe(0);
    // one bad cell and one unknown unit: nothing is stored, both reported by row and column
    const bad = await upload(
      Buffer.from(`${csv}\r\n${towns[2]},第3街道,很高,0.9\r\nnowhere,?,90%,0.9`),
      'period=2026-09',
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('safety_index.import_invalid');
    expect(bad.json().errors).toEqual([
      { row: 5, column: '平安建设满意率', code: 'value', message: 'Not a number: 很高' },
    ]);
    const unknown = await upload(Buffer.from(`${csv}\r\nnowhere,?,90%,0.9`), 'period=2026-09');
    expect(unknown.json().errors).toEqual([
      { row: 5, column: 'unitCode', code: 'unknown_unit', message: 'unknown unit nowhere' },
    ]);
    expect(await count()).toBe(0);
    const ok = await upload(Buffer.from(csv), 'period=2026-09&source=统计局');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await count()).toBe(3);
    const [v] = await ctx.db.query<{ value: number; source: string }>(
      "SELECT value, source FROM index_external_value WHERE period = '2026-09' AND indicator = 'survey_satisfaction' ORDER BY value DESC LIMIT 1",
    );
    expect(v).toEqual({ value: 0.96, source: '统计局' });
    // a long Excel sheet from the police: one value per row
    const xlsx = await writeXlsxFile([
      ['单位代码', '指标', '数值', '来源'],
      [towns[0]!, 'police_incidents', 12, '公安分局'],
      [towns[1]!, '万人刑事治安警情', 9, null],
    ]).toBuffer();
    const long = await upload(xlsx, 'period=2026-09&source=公安');
    expect(long.statusCode, long.body).toBe(200);
    expect(long.json()).toMatchObject({ imported: 2, layout: 'long', format: 'xlsx' });
    expect((await upload(Buffer.from(csv), 'period=2026-09', 'leader')).statusCode).toBe(403);
    expect(
      (await upload(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'period=2026-09')).statusCode,
    ).toBe(415);
    expect((await upload(Buffer.from(csv), 'period=2026-13')).statusCode).toBe(400);
    const notMultipart = await send('POST', '/api/v1/index/external/file?period=2026-09', 'office', {
      rows: [],
    });
    expect(notMultipart.statusCode).toBe(415);
    await ctx.db.query("DELETE FROM index_external_value WHERE period = '2026-09'");
  });

  it('collects, computes, takes a correction with its reason, confirms and publishes', async () => {
    ctx.clock.set(new Date('2026-11-05T02:00:00Z'));
    await importMonth('2026-10', 0);
    expect(
      (await send('POST', '/api/v1/index/runs', 'office', { period: '2026-11', level: 'town' })).statusCode,
    ).toBe(422);
    expect(
      (await send('POST', '/api/v1/index/runs', 'leader', { period: '2026-10', level: 'town' })).statusCode,
    ).toBe(403);
    const started = await send('POST', '/api/v1/index/runs', 'office', { period: '2026-10', level: 'town' });
    expect(started.statusCode, started.body).toBe(201);
    let run = started.json();
    expect(run.state).toBe('computed');
    expect(run.results).toHaveLength(4);
    // town 1's external values were not imported: listed as missing, left out and reweighted
    const missing1 = run.missing
      .filter((m: { unitId: number }) => m.unitId === townIds[0])
      .map((m: { indicator: string }) => m.indicator);
    expect(missing1).toContain('police_incidents');
    // town 3's five reports were all filed by staff and resolved at once: flagged for review; town 1 has too few
    const flagged = run.anomalies
      .filter((a: { kind: string }) => a.kind === 'self_closed')
      .map((a: { unitId: number }) => a.unitId);
    expect(flagged).toEqual([townIds[2]]);
    const byId = (r: typeof run, id: number) => r.results.find((x: { unitId: number }) => x.unitId === id);
    expect(byId(run, townIds[3]!).rank).toBe(4);
    expect(byId(run, townIds[3]!).color).toBe('red');
    expect(new Set(run.results.map((x: { color: string }) => x.color)).size).toBeGreaterThan(1);
    // the Monte Carlo analysis ran with the scheme's settings: town 4 is last in every replication
    expect(run.uncertainty).toMatchObject({ runs: 1000, weightNoise: 0.25, seed: 1 });
    expect(run.uncertainty.sensitivity.length).toBeGreaterThan(0);
    expect(byId(run, townIds[3]!).rankInterval).toEqual({ median: 4, p05: 4, p95: 4 });
    for (const r of run.results) {
      expect(r.rankInterval.p05).toBeLessThanOrEqual(r.rankInterval.median);
      expect(r.rankInterval.median).toBeLessThanOrEqual(r.rankInterval.p95);
    }

    // the platform's own metric came from the events: town 4 resolved nothing
    const explain = (await send('GET', `/api/v1/index/runs/${run.id}/units/${townIds[3]}`, 'leader')).json();
    expect(explain.indicators.find((i: { code: string }) => i.code === 'resolution_rate').input).toBe(0);
    expect(explain.indicators.find((i: { code: string }) => i.code === 'disputes_rate').input).toBeCloseTo(
      0.6,
      6,
    );
    expect(explain.rankInterval).toEqual({ median: 4, p05: 4, p95: 4 });
    const sum = explain.indicators.reduce((s: number, i: { contribution: number }) => s + i.contribution, 0);
    expect(sum).toBeCloseTo(explain.score, 2);

    const before = byId(run, townIds[1]!).score;
    const bad = await send('POST', `/api/v1/index/runs/${run.id}/corrections`, 'office', {
      unitId: townIds[1],
      indicator: 'police_incidents',
      value: 30,
      reason: '',
      version: run.version,
    });
    expect(bad.statusCode).toBe(400);
    const corrected = await send('POST', `/api/v1/index/runs/${run.id}/corrections`, 'office', {
      unitId: townIds[1],
      indicator: 'police_incidents',
      value: 30,
      reason: '公安分局更正：重复统计',
      version: run.version,
    });
    expect(corrected.statusCode, corrected.body).toBe(200);
    run = corrected.json();
    expect(run.corrections).toEqual([
      expect.objectContaining({
        unitId: townIds[1],
        indicator: 'police_incidents',
        original: 11,
        value: 30,
        reason: '公安分局更正：重复统计',
      }),
    ]);
    expect(byId(run, townIds[1]!).score).toBeLessThan(before);
    const stale = await send('POST', `/api/v1/index/runs/${run.id}/confirm`, 'office', {
      version: run.version - 1,
    });
    expect(stale.statusCode).toBe(409);
    expect((await send('GET', '/api/v1/public/index?period=2026-10&level=town')).statusCode).toBe(404);
    run = (
      await send('POST', `/api/v1/index/runs/${run.id}/confirm`, 'office', { version: run.version })
    ).json();
    expect(run.state).toBe('confirmed');
    expect(
      (
        await send('POST', `/api/v1/index/runs/${run.id}/corrections`, 'office', {
          unitId: townIds[1],
          indicator: 'police_incidents',
          value: 1,
          reason: 'x',
          version: run.version,
        })
      ).statusCode,
    ).toBe(409);
    run = (
      await send('POST', `/api/v1/index/runs/${run.id}/publish`, 'office', { version: run.version })
    ).json();
    expect(run.state).toBe('published');

    const pub = await send('GET', '/api/v1/public/index?period=2026-10&level=town');
    expect(pub.statusCode).toBe(200);
    expect(pub.json().items).toHaveLength(4);
    expect(Object.keys(pub.json().items[0]).sort()).toEqual([
      'change',
      'code',
      'color',
      'name',
      'rank',
      'score',
      'unitId',
    ]);
    expect((await send('GET', '/api/v1/public/index/periods')).json()).toEqual({ periods: ['2026-10'] });
    // a month is offered publicly once every level published so far is published for it: here, towns only
    expect((await send('GET', `/api/v1/public/index/runs/${run.id}/units/${townIds[3]}`)).statusCode).toBe(
      200,
    );
    // a red month: a warning to town 4, answered by it
    const items = (await send('GET', '/api/v1/index/accountability', 'leader')).json();
    expect(items.items.map((i: { action: string; unitId: number }) => [i.action, i.unitId])).toEqual([
      ['warning', townIds[3]],
    ]);
    const item = items.items[0];
    const answered = await send('POST', `/api/v1/index/accountability/${item.id}`, 'town4', {
      action: 'answer',
      version: item.version,
      text: '已召开专题会，制定整改措施',
    });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json().state).toBe('answered');
  });

  it('climbs the ladder over consecutive red months: warning, copy-notice, supervision', async () => {
    for (const [k, period] of ['2026-07', '2026-08', '2026-09'].entries()) {
      await importMonth(period);
      const r = (await send('POST', '/api/v1/index/runs', 'office', { period, level: 'town' })).json();
      expect(r.results.find((x: { unitId: number }) => x.unitId === townIds[3]).color, period).toBe('red');
      const c = (
        await send('POST', `/api/v1/index/runs/${r.id}/confirm`, 'office', { version: r.version })
      ).json();
      const p = await send('POST', `/api/v1/index/runs/${r.id}/publish`, 'office', { version: c.version });
      expect(p.statusCode, `${k} ${p.body}`).toBe(200);
    }
    // published out of order (Oct first): each month looks back from itself over consecutive months
    const actions = (await send('GET', `/api/v1/index/accountability?unit=${townIds[3]}`, 'office'))
      .json()
      .items.map((i: { action: string; period: string }) => `${i.period}:${i.action}`);
    expect(actions.sort()).toEqual([
      '2026-07:warning',
      '2026-08:copy_notice',
      '2026-09:supervision',
      '2026-10:warning',
    ]);
    const explain = (await send('GET', `/api/v1/index/runs/1/units/${townIds[3]}`, 'leader')).json();
    expect(explain.trend.map((t: { period: string }) => t.period)).toEqual([
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
    ]);
    // a second publication for the same month is refused
    const again = (
      await send('POST', '/api/v1/index/runs', 'office', { period: '2026-09', level: 'town' })
    ).json();
    const conf = (
      await send('POST', `/api/v1/index/runs/${again.id}/confirm`, 'office', { version: again.version })
    ).json();
    expect(
      (await send('POST', `/api/v1/index/runs/${again.id}/publish`, 'office', { version: conf.version }))
        .statusCode,
    ).toBe(409);
    expect((await send('GET', '/api/v1/index/runs', 'resident')).statusCode).toBe(403);
    expect((await send('GET', '/api/v1/public/index/periods')).json().periods).toEqual([
      '2026-10',
      '2026-09',
      '2026-08',
      '2026-07',
    ]);
    // once villages are published for October, only October is published at both levels
    const v = (
      await send('POST', '/api/v1/index/runs', 'office', { period: '2026-10', level: 'village' })
    ).json();
    const vc = (
      await send('POST', `/api/v1/index/runs/${v.id}/confirm`, 'office', { version: v.version })
    ).json();
    expect(
      (await send('POST', `/api/v1/index/runs/${v.id}/publish`, 'office', { version: vc.version }))
        .statusCode,
    ).toBe(200);
    expect((await send('GET', '/api/v1/public/index/periods')).json().periods).toEqual(['2026-10']);
  });

  it('writes the monthly analysis report as a printable page, for the published month', async () => {
    const res = await send('GET', '/api/v1/index/runs/1/report', 'leader');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('2026-10 平安治理指数分析报告（镇街）');
    expect(res.body).toContain('第4街道'); // the red town among the hot spots
    const data = (await send('GET', '/api/v1/index/runs/1/report?format=json', 'leader')).json();
    expect(data.hotSpots.map((h: { unit: { id: number } }) => h.unit.id)).toContain(townIds[3]);
    expect(data.accountability.map((a: { action: string }) => a.action)).toEqual(['warning']);
    expect((await send('GET', '/api/v1/index/runs/1/report', 'resident')).statusCode).toBe(403);
  });

  it('previews a scheme edit on last month without saving, and versions saved schemes', async () => {
    const current = (await send('GET', '/api/v1/index/schemes/default', 'office')).json();
    const edited = { ...current.body, dimensionWeights: { problems: 1, needs: 1, effects: 1 } };
    const preview = await send('POST', '/api/v1/index/schemes/preview', 'office', {
      scheme: edited,
      level: 'town',
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().period).toBe('2026-10');
    expect(preview.json().results).toHaveLength(4);
    const broken = await send('POST', '/api/v1/index/schemes/preview', 'office', {
      scheme: { ...edited, indicators: [] },
    });
    expect(broken.statusCode).toBe(422);
    const saved = await send('PUT', '/api/v1/index/schemes/default', 'office', {
      version: current.version,
      scheme: edited,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().version).toBe(current.version + 1);
    expect(
      (
        await send('PUT', '/api/v1/index/schemes/default', 'office', {
          version: current.version,
          scheme: edited,
        })
      ).statusCode,
    ).toBe(409);
    const old = (
      await send('GET', `/api/v1/index/schemes/default?version=${current.version}`, 'office')
    ).json();
    expect(old.body.dimensionWeights).toEqual(current.body.dimensionWeights);
  });

  it("follows the ladder of the run's scheme version, and refuses a ladder out of order", async () => {
    const current = (await send('GET', '/api/v1/index/schemes/default', 'office')).json();
    const disordered = {
      ...current.body,
      ladder: {
        ...current.body.ladder,
        rungs: [...current.body.ladder.rungs].reverse(),
      },
    };
    const refused = await send('PUT', '/api/v1/index/schemes/default', 'office', {
      version: current.version,
      scheme: disordered,
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail).toContain('ladder.rungs');
    // this district supervises at the first red month, with 15 days to answer
    const strict = {
      ...current.body,
      ladder: {
        rungs: [{ action: 'supervision', when: [{ color: 'red', periods: 1 }], answerDays: 15 }],
        delisting: { atOrBetter: 'green', periods: 3, answerDays: 10 },
      },
      uncertainty: { runs: 0 },
    };
    const saved = await send('PUT', '/api/v1/index/schemes/default', 'office', {
      version: current.version,
      scheme: strict,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    await importMonth('2026-05');
    const r = (
      await send('POST', '/api/v1/index/runs', 'office', { period: '2026-05', level: 'town' })
    ).json();
    expect(r.scheme.version).toBe(saved.json().version);
    expect(r.uncertainty).toBeNull();
    expect(r.results[0].rankInterval).toBeNull();
    const c = (
      await send('POST', `/api/v1/index/runs/${r.id}/confirm`, 'office', { version: r.version })
    ).json();
    ctx.clock.set(new Date('2026-11-06T02:00:00Z'));
    expect(
      (await send('POST', `/api/v1/index/runs/${r.id}/publish`, 'office', { version: c.version })).statusCode,
    ).toBe(200);
    const items = (await send('GET', `/api/v1/index/accountability?unit=${townIds[3]}`, 'office'))
      .json()
      .items.filter((i: { period: string }) => i.period === '2026-05');
    expect(items.map((i: { action: string }) => i.action)).toEqual(['supervision']);
    expect(items[0].dueAt).toBe('2026-11-21T02:00:00.000Z');
  });

  it("lists 六无平安村社 candidates from imported values and the platform's events", async () => {
    const villages = towns.map((t) => `${t}001`);
    const rows = villages.flatMap((code, i) =>
      i === 2
        ? [] // village 3: nothing imported yet
        : ['major_cases', 'traffic_deaths', 'irregular_petitions'].map((indicator) => ({
            unitCode: code,
            indicator,
            value: i === 3 && indicator === 'major_cases' ? 1 : 0,
            source: '公安分局',
          })),
    );
    expect(
      (await send('POST', '/api/v1/index/external', 'office', { period: '2026-08', rows })).statusCode,
    ).toBe(200);
    // a gambling report in village 2 (filed this year, not rejected)
    await ctx.services.events.create(SYSTEM, {
      categoryCode: 'public_order.gambling',
      description: '棋牌室聚众赌博',
      location: { lng: 120.615, lat: 27.955, crs: 'wgs84' },
      answers: {},
      mediaIds: [],
      anonymous: false,
    });
    const res = await send('GET', '/api/v1/index/safe-villages?year=2026', 'leader');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.checks).toHaveLength(6);
    expect(body).toMatchObject({
      year: 2026,
      to: '2026-11-06',
      villages: 4,
      candidates: 1,
      waitingForData: 1,
    });
    const status = (i: number) =>
      Object.fromEntries(
        body.items
          .find((x: { unit: { code: string } }) => x.unit.code === villages[i])
          .checks.map((c: { code: string; status: string }) => [c.code, c.status]),
      );
    expect(
      body.items
        .filter((x: { candidate: boolean }) => x.candidate)
        .map((x: { unit: { code: string } }) => x.unit.code),
    ).toEqual([villages[0]]);
    expect(status(1).no_vice).toBe('fail');
    expect(status(2).no_major_crime).toBe('no_data');
    expect(status(3).no_major_crime).toBe('fail');
    expect(body.items[0].town.code).toBe(towns[0]);
    // a town's staff see their own villages; a resident nothing
    const mine = (await send('GET', '/api/v1/index/safe-villages?year=2026', 'town4')).json();
    expect(mine.items.map((x: { unit: { code: string } }) => x.unit.code)).toEqual([villages[3]]);
    expect(
      (await send('GET', `/api/v1/index/safe-villages?year=2026&within=${townIds[0]}`, 'town4')).statusCode,
    ).toBe(403);
    expect((await send('GET', '/api/v1/index/safe-villages?year=2026', 'resident')).statusCode).toBe(403);
    expect((await send('GET', '/api/v1/index/safe-villages?year=2027', 'leader')).statusCode).toBe(400);
  });

  it('tracks an item: returned with a reason, overdue and escalated to the superior, answered with a document, accepted', async () => {
    const [first] = (
      await send('GET', `/api/v1/index/accountability?unit=${townIds[3]}&state=answered`, 'office')
    ).json().items as { id: number; version: number; action: string }[];
    expect(first).toBeDefined();
    const url = `/api/v1/index/accountability/${first!.id}`;
    let item = (await send('GET', url, 'town4')).json();
    expect(item.history.map((h: { kind: string }) => h.kind)).toEqual(['created', 'answered']);
    expect(item.unit.id).toBe(townIds[3]);
    // the unit may not judge its own answer; a resident sees nothing
    expect((await send('POST', url, 'town4', { action: 'accept', version: item.version })).statusCode).toBe(
      403,
    );
    expect((await send('GET', url, 'resident')).statusCode).toBe(404);
    expect((await send('POST', url, 'office', { action: 'return', version: item.version })).statusCode).toBe(
      422,
    );
    const returned = await send('POST', url, 'office', {
      action: 'return',
      version: item.version,
      text: '整改措施不具体，请补充责任人和时间表',
      days: 5,
    });
    expect(returned.statusCode, returned.body).toBe(200);
    item = returned.json();
    expect(item.state).toBe('open');
    const dueAt = new Date(item.dueAt).getTime();
    expect(dueAt - ctx.clock.now().getTime()).toBe(5 * 86_400_000);

    // the deadline passes: overdue, escalated to the district, which is told
    ctx.clock.set(new Date(dueAt + 3600_000));
    const marked = await ctx.db.tx((q) => ctx.services.safetyIndex.markOverdue(q, ctx.clock.now()));
    expect(marked).toBeGreaterThanOrEqual(1);
    item = (await send('GET', url, 'office')).json();
    expect(item.state).toBe('overdue');
    const county = await ctx.services.units.findByCode('330304');
    expect(item.escalatedTo).toBe(county!.id);
    expect(item.history.map((h: { kind: string }) => h.kind)).toEqual([
      'created',
      'answered',
      'returned',
      'overdue',
      'escalated',
    ]);
    const told = await ctx.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM notification WHERE entity_type = 'accountability_item' AND entity_id = $1 AND kind = 'safety_index.item_overdue'",
      [first!.id],
    );
    expect(told[0]!.n).toBeGreaterThan(0);

    // answered late, with the rectification report attached, and accepted
    const body = multipart([
      { data: await makeJpeg(64, 48), filename: 'report.jpg', contentType: 'image/jpeg' },
      { data: makePdf(), filename: '整改报告.pdf', contentType: 'application/pdf' },
    ]);
    const up = await app.inject({
      method: 'POST',
      url: '/api/v1/media',
      payload: body.payload,
      headers: { ...body.headers, cookie: cookie.town4! },
    });
    expect(up.statusCode, up.body).toBe(201);
    const [mediaId, pdfId] = up.json().items.map((m: { id: number }) => m.id);
    const answered = await send('POST', url, 'town4', {
      action: 'answer',
      version: item.version,
      text: '已明确责任人，每周通报整改进度',
      mediaIds: [mediaId, pdfId],
    });
    expect(answered.statusCode, answered.body).toBe(200);
    // a photo and the signed report as a PDF
    expect(answered.json().documents.map((d: { id: number; kind: string }) => [d.id, d.kind])).toEqual([
      [mediaId, 'image'],
      [pdfId, 'document'],
    ]);
    // the superior's leader reads the document
    expect((await send('GET', `/api/v1/media/${mediaId}`, 'leader')).statusCode).toBe(200);
    const accepted = await send('POST', url, 'office', {
      action: 'accept',
      version: answered.json().version,
    });
    expect(accepted.json().state).toBe('accepted');
    expect(accepted.json().history.at(-1)).toMatchObject({ kind: 'accepted', by: expect.any(String) });
    await expect(ctx.db.query('DELETE FROM accountability_history')).rejects.toThrow(/append-only/);
  });
});
