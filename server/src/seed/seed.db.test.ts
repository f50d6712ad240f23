import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { DEMO_PASSWORD } from '../config.js';
import { SYSTEM } from '../modules/access/actor.js';
import { checkCreditCode } from '../modules/hazards/places/credit-code.js';
import { DEMO_ACCOUNTS, SeedRefusedError, type SeedSummary, seedDemo } from './index.js';

let ctx: TestContext;
let summary: SeedSummary;
let seedSeconds = 0;

beforeAll(async () => {
  ctx = await createTestContext();
  const t = performance.now();
  summary = await seedDemo(ctx.services, {
    scale: 'ouhai',
    seed: 1,
    eventDays: 2,
    indexMonths: 3,
    now: new Date('2026-11-23T04:00:00Z'),
  });
  seedSeconds = (performance.now() - t) / 1000;
}, 180_000);
afterAll(async () => {
  await ctx?.close();
});

const q = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  ctx.db.query<T>(sql, params);

describe('seedDemo at the Ouhai scale', () => {
  it('reports what it wrote', () => {
    console.info(`Ouhai seed on ${ctx.db.kind}: ${seedSeconds.toFixed(1)} s`);
    expect(summary.units).toEqual({
      city: 1,
      county: 1,
      town: 13,
      village: 197,
      grid: 1000,
      micro_grid: 5173,
    });
    expect(summary.population).toBe(1_000_000);
    expect(summary.accounts).toBe(DEMO_ACCOUNTS.length);
  });

  it('walks two days of events through the loop, each step on the timeline', async () => {
    expect(summary.events).toBeGreaterThan(30);
    const states = await q<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM event WHERE created_at >= '2026-11-20T16:00:00Z' GROUP BY 1`,
    );
    const by = Object.fromEntries(states.map((r) => [r.state, r.n]));
    expect(Object.values(by).reduce((a, b) => a + b, 0)).toBe(summary.events);
    expect(by.resolved ?? 0).toBeGreaterThan(0);
    expect((by.assigned ?? 0) + (by.in_progress ?? 0)).toBeGreaterThan(0);
    // every event's timeline starts with its report, and every report lies in the demo district
    const [bad] = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM event e WHERE e.unit_path NOT LIKE '/3303/330304/%'
         OR NOT EXISTS (SELECT 1 FROM event_timeline t WHERE t.event_id = e.id AND t.seq = 1 AND t.kind = 'submit')`,
    );
    expect(bad?.n).toBe(0);
    const [late] = await q<{ n: number }>('SELECT count(*)::int AS n FROM event WHERE created_at > $1', [
      new Date('2026-11-23T04:00:00Z'),
    ]);
    expect(late?.n).toBe(0);
  });

  it('publishes the safety index of the months before, leaving the last month that is over to run', async () => {
    expect(summary.indexRuns).toBe(4);
    // the months before carry an archive of finished events, so the platform's own metrics have a history
    const [archived] = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM event WHERE created_at < '2026-11-01T00:00:00+08:00'`,
    );
    expect(archived?.n).toBeGreaterThan(1000);
    const { periods } = await ctx.services.safetyIndex.publicPeriods();
    expect(periods).toEqual(['2026-09', '2026-08']);
    const run = await ctx.services.safetyIndex.startRun(SYSTEM, { period: '2026-10', level: 'town' });
    // its external data are in; only the platform's own metrics of a month without events are missing
    const external = [
      'police_incidents',
      'major_cases',
      'fire_incidents',
      'traffic_deaths',
      'petitions',
      'awareness_rate',
      'survey_satisfaction',
    ];
    expect(run.missing.filter((m) => external.includes(m.indicator))).toEqual([]);
    expect(run.missing.filter((m) => m.indicator === 'resolution_rate')).toEqual([]);
    expect(run.results).toHaveLength(13);
    const villages = await ctx.services.safetyIndex.publicIndex('2026-09', 'village');
    expect(villages.items).toHaveLength(197);
    const colors = new Set(villages.items.map((i) => i.color));
    expect(colors.size).toBeGreaterThanOrEqual(3);
    expect(villages.items.every((i) => i.score !== null && i.color !== null)).toBe(true);
  });

  it('registers 400 places in the micro-grids of the district, a handful black or white listed', async () => {
    expect(summary.places).toBe(400);
    const kinds = await q<{ kind: string; n: number }>(
      'SELECT kind, count(*)::int AS n FROM place GROUP BY 1',
    );
    const by = Object.fromEntries(kinds.map((r) => [r.kind, r.n]));
    expect(Object.values(by).reduce((a, b) => a + b, 0)).toBe(400);
    for (const k of [
      'shop',
      'rental_housing',
      'three_in_one',
      'enterprise',
      'construction_site',
      'gas_station',
    ])
      expect(by[k] ?? 0, k).toBeGreaterThan(0);
    const [outside] = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM place p WHERE p.unit_path NOT LIKE '/3303/330304/%'
         OR NOT EXISTS (SELECT 1 FROM unit u WHERE u.id = p.unit_id AND u.level = 'micro_grid')`,
    );
    expect(outside?.n).toBe(0);
    const codes = await q<{ credit_code: string }>(
      'SELECT credit_code FROM place WHERE credit_code IS NOT NULL',
    );
    expect(codes.length).toBeGreaterThan(200);
    expect(codes.filter((c) => !checkCreditCode(c.credit_code).ok)).toEqual([]);
    const lists = await q<{ list_status: string; n: number }>(
      `SELECT list_status, count(*)::int AS n FROM place WHERE list_status <> 'none' GROUP BY 1 ORDER BY 1`,
    );
    expect(lists.map((l) => l.list_status)).toEqual(['black', 'white']);
    for (const l of lists) expect(l.n).toBeGreaterThanOrEqual(3);
    const history = await q<{ by_name: string; at: Date }>('SELECT by_name, at FROM place_list_history');
    expect(history.length).toBe(lists.reduce((s, l) => s + l.n, 0) + 2); // one came off the black list
    expect(history.every((h) => h.at < new Date('2026-11-23T04:00:00Z'))).toBe(true);
    expect(new Set(history.map((h) => h.by_name))).toContain('safety_office');
  });

  it('plans a covert campaign under way and a self-inspection, and lists two places with their talks', async () => {
    expect(summary).toMatchObject({ campaigns: 2, listings: 2 });
    const campaigns = await q<{ kind: string; state: string; seed: string; targets: number }>(
      `SELECT c.kind, c.state, c.seed, (SELECT count(*)::int FROM inspection_target t WHERE t.campaign_id = c.id) AS targets
         FROM inspection_campaign c ORDER BY c.id`,
    );
    expect(campaigns.map((c) => [c.kind, c.state, c.seed])).toEqual([
      ['covert', 'drawn', 'anwang-demo-1'],
      ['self', 'drawn', 'anwang-demo-self-1'],
    ]);
    expect(campaigns[0]?.targets).toBe(6);
    expect(campaigns[1]?.targets).toBeGreaterThan(0);
    // the covert visit made: submitted, its failed item a covert hazard at the place
    const hazards = await q<{ source: string; place_id: number | null }>(
      'SELECT source, place_id FROM hazard',
    );
    expect(hazards).toHaveLength(1);
    expect(hazards[0]).toMatchObject({ source: 'covert' });
    expect(hazards[0]?.place_id).not.toBeNull();
    const listings = await q<{ state: string; talks: number; follow_up: string }>(
      `SELECT l.state, count(a.id)::int AS talks, min(a.follow_up_state) AS follow_up
         FROM hazard_listing l LEFT JOIN admonition a ON a.listing_id = l.id GROUP BY l.id, l.state ORDER BY l.id`,
    );
    expect(listings).toEqual([
      { state: 'listed', talks: 1, follow_up: 'pending' },
      { state: 'delisted', talks: 1, follow_up: 'done' },
    ]);
  });

  it('creates Wenzhou as the root and Ouhai under it with its 13 real towns', async () => {
    const roots = await q<{ code: string; name: string; level: string }>(
      'SELECT code, name, level FROM unit WHERE parent_id IS NULL',
    );
    expect(roots).toEqual([{ code: '3303', name: '温州市', level: 'city' }]);
    const towns = await ctx.services.units.list(SYSTEM, { level: 'town', page: 1, pageSize: 50 });
    expect(towns.total).toBe(13);
    expect(towns.items.map((t) => t.name).sort()).toEqual(
      [
        '景山街道',
        '梧田街道',
        '南白象街道',
        '茶山街道',
        '娄桥街道',
        '新桥街道',
        '三垟街道',
        '瞿溪街道',
        '郭溪街道',
        '潘桥街道',
        '丽岙街道',
        '仙岩街道',
        '泽雅镇',
      ].sort(),
    );
  });

  it('has the 197 villages with their official 12-digit codes', async () => {
    const villages = await q<{ code: string; name: string; path: string }>(
      "SELECT code, name, path FROM unit WHERE level = 'village' ORDER BY code",
    );
    expect(villages).toHaveLength(197);
    for (const v of villages) {
      expect(v.code).toMatch(/^330304\d{6}$/);
      expect(v.path).toBe(`/3303/330304/${v.code.slice(0, 9)}/${v.code}/`);
    }
    expect(villages.find((v) => v.code === '330304108298')?.name).toBe('金岗村');
  });

  it('has about 1,000 grids (some dedicated), 5,173 micro-grids and a million residents', async () => {
    const rows = await q<{ level: string; n: number; pop: number }>(
      'SELECT level, count(*)::int AS n, sum(population)::int AS pop FROM unit GROUP BY level',
    );
    const by = Object.fromEntries(rows.map((r) => [r.level, r]));
    expect(by.grid?.n).toBe(1000);
    expect(by.micro_grid?.n).toBe(5173);
    expect(by.micro_grid?.pop).toBe(1_000_000);
    expect(by.county?.pop).toBe(1_000_000);
    const [dedicated] = await q<{ n: number }>(
      "SELECT count(*)::int AS n FROM unit WHERE grid_kind = 'dedicated'",
    );
    expect(dedicated?.n).toBe(50);
    const [noShape] = await q<{ n: number }>(
      "SELECT count(*)::int AS n FROM unit WHERE level <> 'city' AND (boundary IS NULL OR area_m2 <= 0)",
    );
    expect(noShape?.n).toBe(0);
  });

  it('assigns 2–3 people to every micro-grid, led by a rank-1 micro-grid leader', async () => {
    const rows = await q<{ n: number; leaders: number }>(
      `SELECT count(a.id)::int AS n, count(*) FILTER (WHERE a.duty = 'micro_grid_leader' AND a.rank = 1)::int AS leaders
         FROM unit u LEFT JOIN assignment a ON a.unit_id = u.id
        WHERE u.level = 'micro_grid' GROUP BY u.id`,
    );
    expect(rows).toHaveLength(5173);
    for (const r of rows) {
      expect(r.n).toBeGreaterThanOrEqual(2);
      expect(r.n).toBeLessThanOrEqual(3);
      expect(r.leaders).toBe(1);
    }
    const [gridsWithoutWorker] = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM unit u WHERE u.level = 'grid' AND NOT EXISTS
         (SELECT 1 FROM assignment a WHERE a.unit_id = u.id AND a.duty = 'grid_worker' AND a.rank = 1)`,
    );
    expect(gridsWithoutWorker?.n).toBe(0);
  });

  it('creates the departments and links every grid to a police beat', async () => {
    const deps = await q<{ code: string }>('SELECT code FROM department ORDER BY code');
    expect(deps).toHaveLength(12);
    expect(deps.map((d) => d.code)).toContain('330304-GA');
    const [unlinked] = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM unit u WHERE u.level = 'grid'
          AND NOT EXISTS (SELECT 1 FROM police_beat_grid b WHERE b.grid_id = u.id)`,
    );
    expect(unlinked?.n).toBe(0);
  });

  it('creates every demo account with its role and scope; each logs in with the demo password', async () => {
    for (const a of DEMO_ACCOUNTS) {
      const { user } = await ctx.services.access.login({
        username: a.username,
        password: DEMO_PASSWORD,
        ip: '127.0.0.1',
      });
      expect(user.username).toBe(a.username);
      expect(user.roles).toEqual([a.role]);
      expect(user.scope.unit?.code ?? null, a.username).toBe(a.scopeUnitCode ?? null);
      expect(user.scope.department?.code ?? null, a.username).toBe(a.scopeDepartmentCode ?? null);
    }
  });

  it('links the grid worker and micro-grid leader accounts to the people on the roster there', async () => {
    for (const a of DEMO_ACCOUNTS.filter((x) => x.person)) {
      const rows = await q<{ duty: string; rank: number; code: string }>(
        `SELECT s.duty, s.rank, u.code FROM account c
           JOIN assignment s ON s.person_id = c.person_id JOIN unit u ON u.id = s.unit_id
          WHERE c.username = $1`,
        [a.username],
      );
      expect(rows, a.username).toContainEqual({
        duty: a.person!.duty,
        rank: a.person!.rank,
        code: a.person!.unitCode,
      });
    }
  });

  it('refuses to seed a database that already has units, and changes nothing', async () => {
    const [before] = await q<{ n: number }>('SELECT count(*)::int AS n FROM unit');
    await expect(seedDemo(ctx.services, { scale: 'ouhai', seed: 2 })).rejects.toBeInstanceOf(
      SeedRefusedError,
    );
    const [after] = await q<{ n: number }>('SELECT count(*)::int AS n FROM unit');
    expect(after?.n).toBe(before?.n);
  });
});
