// The overviews at scale (after generate.ts has loaded the events): the daily view of the district for
// one full past day (EventsService.daily, as the leader sees it) and the safety index's per-grid
// metrics over the whole history (EventsService.metricsFor), each the median of a few calls that
// alternate with their floor — a bare GROUP BY over the same rows, same driver. The daily view's
// statements are captured and timed one by one, and the slowest one's plan (EXPLAIN ANALYZE) is kept.
import type { Db, Row } from '../../server/src/db/index.js';
import { interceptQueries } from '../../server/src/db/intercept.js';
import { type Actor, SYSTEM } from '../../server/src/modules/access/actor.js';
import { localMidnight } from '../../server/src/modules/events/service.js';
import type { Services } from '../../server/src/services.js';
import { median } from '../lib/stats.js';

const DAY_MS = 24 * 3600_000;

/** YYYY-MM-DD of the local (Asia/Shanghai) day that holds the instant. */
export function localDate(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The floor of the daily view: the day's reports in the subtree, counted by category group. */
export const DAILY_FLOOR_SQL = `SELECT category_group, count(*)::int AS n FROM event
  WHERE created_at >= $1 AND created_at < $2 AND unit_path LIKE $3 || '%' GROUP BY 1`;

/** The floor of the metrics: the period's reports in the subtree, counted by the unit at the depth. */
export const METRICS_FLOOR_SQL = `SELECT split_part(unit_path, '/', $4 + 1) AS code, count(*)::int AS n FROM event
  WHERE created_at >= $1 AND created_at < $2 AND unit_path LIKE $3 || '%' GROUP BY 1`;

/**
 * The like-for-like floor of the metrics: the same figures over the same rows, written by hand as one
 * plain GROUP BY — what an analyst would type into psql, with nothing around it. Each figure is its
 * textbook SQL (written here, not taken from the repository, so that a worse query in the service shows
 * as a higher ratio): reports, resolved, the resolution rate's denominator, on time, satisfaction, reopened,
 * filed by staff and resolved within ten minutes, one count per category group ($5 on), and with
 * `median` the exact median hours to the first resolution (percentile_cont; the unresolved, NULL, left out)
 * in the same pass. `figures` leaves out what a caller does not ask for (the index's collect asks only for
 * what its scheme reads); reports and resolved are always counted, as the service counts them.
 */
export function figuresFloorSql(
  groups: number,
  opts: { median: boolean; figures?: readonly string[] } = { median: false },
): string {
  const all = ['resolutionRate', 'onTimeRate', 'satisfaction', 'reopenRate', 'staffQuickShare'];
  const wanted = new Set(opts.figures ?? all);
  const cols = [
    `split_part(unit_path, '/', $4 + 1) AS code`,
    'count(*) AS reported',
    'count(first_resolved_at) AS resolved',
  ];
  if (wanted.has('resolutionRate'))
    cols.push(`count(*) FILTER (WHERE state NOT IN ('rejected', 'merged')) AS counted`);
  if (wanted.has('onTimeRate'))
    cols.push(
      'count(*) FILTER (WHERE resolved_on_time AND resolved_at IS NOT NULL) AS on_time',
      'count(resolved_at) AS resolved_now',
    );
  if (wanted.has('satisfaction')) cols.push('avg(rating) AS satisfaction');
  if (wanted.has('reopenRate'))
    cols.push('count(*) FILTER (WHERE reopen_count > 0 AND first_resolved_at IS NOT NULL) AS reopened');
  if (wanted.has('staffQuickShare'))
    cols.push(
      `count(*) FILTER (WHERE source = 'staff' AND first_resolved_at < created_at + interval '10 minutes') AS staff_quick`,
    );
  for (let i = 0; i < groups; i++) cols.push(`count(*) FILTER (WHERE category_group = $${i + 5}) AS g${i}`);
  if (opts.median)
    cols.push(
      `percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', first_resolved_at - created_at) / 3600) AS median_h`,
    );
  return `SELECT ${cols.join(', ')}
  FROM event WHERE created_at >= $1 AND created_at < $2 AND unit_path LIKE $3 || '%' GROUP BY 1`;
}

export interface Timed {
  /** Milliseconds of each measured call. */
  runs: number[];
  median: number;
  /** CPU milliseconds of this process per call, the median (with PGlite the database runs in it). */
  cpuMedian: number;
}

export interface Statement {
  sql: string;
  params: readonly unknown[];
  /** Milliseconds, the median of a few runs one at a time. */
  ms: number;
}

export interface Capture {
  /** Statements are recorded only while true. */
  on: boolean;
  captured: { sql: string; params: readonly unknown[] }[];
}

/** A Db that records the statements run through it while `capture.on` (to replay and explain them). */
export function capturingDb(db: Db): { db: Db; capture: Capture } {
  const capture: Capture = { on: false, captured: [] };
  const query = (sql: string, params: readonly unknown[], run: () => Promise<Row[]>) => {
    if (capture.on) capture.captured.push({ sql, params });
    return run();
  };
  return { db: interceptQueries(db, { query }), capture };
}

/** The statements `fn` runs through the capturing Db. */
async function captureOf(
  capture: Capture,
  fn: () => Promise<unknown>,
): Promise<{ sql: string; params: readonly unknown[] }[]> {
  capture.captured = [];
  capture.on = true;
  try {
    await fn();
  } finally {
    capture.on = false;
  }
  return capture.captured;
}

async function ms(fn: () => Promise<unknown>, cpu?: number[]): Promise<number> {
  const c = process.cpuUsage();
  const t = performance.now();
  await fn();
  const took = performance.now() - t;
  const u = process.cpuUsage(c);
  cpu?.push((u.user + u.system) / 1000);
  return took;
}

/** `rounds` calls of each, the order rotating each round (no warm-up). */
async function rotate(rounds: number, fns: (() => Promise<unknown>)[]): Promise<Timed[]> {
  const runs = fns.map(() => [] as number[]);
  const cpu = fns.map(() => [] as number[]);
  for (let i = 0; i < rounds; i++)
    for (let k = 0; k < fns.length; k++) {
      const j = (i + k) % fns.length;
      runs[j]!.push(await ms(fns[j]!, cpu[j]));
    }
  return runs.map((r, j) => ({ runs: r, median: median(r), cpuMedian: median(cpu[j]!) }));
}

/** `rounds` calls of each, alternating (the order flips each round), after one warm-up call of each. */
async function alternate(
  rounds: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  warm = true,
): Promise<{ a: Timed; b: Timed }> {
  if (warm) {
    await a();
    await b();
  }
  const ra: number[] = [];
  const rb: number[] = [];
  const ca: number[] = [];
  const cb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      ra.push(await ms(a, ca));
      rb.push(await ms(b, cb));
    } else {
      rb.push(await ms(b, cb));
      ra.push(await ms(a, ca));
    }
  }
  return {
    a: { runs: ra, median: median(ra), cpuMedian: median(ca) },
    b: { runs: rb, median: median(rb), cpuMedian: median(cb) },
  };
}

export interface DailyResult {
  date: string;
  unitPath: string;
  /** Reports of that day in the subtree. */
  reported: number;
  service: Timed;
  floor: Timed;
  /** The view's statements, slowest first (each run once more, alone). */
  statements: Statement[];
  /** EXPLAIN (ANALYZE, BUFFERS) of the slowest statement. */
  plan: string;
}

export async function measureDaily(
  db: Db,
  services: Services,
  capture: Capture,
  actor: Actor,
  now: Date,
  rounds: number,
  warm = true,
): Promise<DailyResult> {
  const date = localDate(new Date(now.getTime() - DAY_MS)); // yesterday: a whole day
  const start = localMidnight(date);
  const end = new Date(start.getTime() + DAY_MS);
  const unitPath = actor.kind === 'user' ? (actor.scope.unit?.path ?? '/') : '/';
  let reported = 0;
  const r = await alternate(
    rounds,
    async () => {
      reported = (await services.events.daily(actor, { date })).totals.reported;
    },
    () => db.query(DAILY_FLOOR_SQL, [start, end, unitPath]),
    warm,
  );
  const captured = await captureOf(capture, () => services.events.daily(actor, { date }));
  const statements = await timeEach(db, captured, 1);
  const slowest = statements[0]!;
  return {
    date,
    unitPath,
    reported,
    service: r.a,
    floor: r.b,
    statements,
    plan: await explain(db, slowest.sql, slowest.params),
  };
}

/** Each distinct statement run alone, `runs` times; the median, slowest first. */
export async function timeEach(
  db: Db,
  statements: { sql: string; params: readonly unknown[] }[],
  runs: number,
): Promise<Statement[]> {
  const seen = new Set<string>();
  const out: Statement[] = [];
  for (const s of statements) {
    const key = `${s.sql}\u0000${JSON.stringify(s.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await ms(() => db.query(s.sql, s.params)));
    out.push({ sql: s.sql, params: s.params, ms: median(times) });
  }
  return out.sort((a, b) => b.ms - a.ms);
}

export async function explain(db: Db, sql: string, params: readonly unknown[]): Promise<string> {
  const rows = await db.query<Record<string, string>>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  return rows.map((r) => Object.values(r)[0]).join('\n');
}

export interface MetricsResult {
  from: string;
  to: string;
  level: 'grid';
  /** Whether the median hours to resolve was asked for (it sorts every resolved event). */
  median: boolean;
  units: number;
  events: number;
  /** The category groups counted (every top-level category, as the service counts without `groups`). */
  groups: number;
  service: Timed;
  /** The bare count per unit (METRICS_FLOOR_SQL): what the figures cost on top of reading the rows. */
  floor: Timed;
  /** The same figures in one hand-written GROUP BY (figuresFloorSql): the floor of like for like. */
  sameFloor: Timed;
  /** EXPLAIN (ANALYZE, BUFFERS) of the repository's one query (the service adds the units of the level). */
  plan: string;
  /** EXPLAIN (ANALYZE, BUFFERS) of the hand-written same-figures floor. */
  sameFloorPlan: string;
}

export async function measureMetrics(
  db: Db,
  services: Services,
  capture: Capture,
  withinPath: string,
  now: Date,
  days: number,
  rounds: number,
  median: boolean,
): Promise<MetricsResult> {
  const query = { from: localDate(new Date(now.getTime() - (days + 1) * DAY_MS)), to: localDate(now) };
  const from = localMidnight(query.from);
  const to = new Date(localMidnight(query.to).getTime() + DAY_MS);
  const depth = 5; // grid
  let units = 0;
  let events = 0;
  const params = [from, to, withinPath, depth];
  // the service, asked without `groups`, counts every top-level category: so does the floor
  const categories = await services.categories.list(SYSTEM, {
    includeInactive: true,
    page: 1,
    pageSize: 10_000,
  });
  const groups = categories.items.filter((c) => !c.parentCode).map((c) => c.code);
  const sameSql = figuresFloorSql(groups.length, { median });
  const sameParams = [...params, ...groups];
  // no warm-up: each call reads the whole period, so the first warms the pages for the rest
  const [service, floor, sameFloor] = await rotate(rounds, [
    async () => {
      const m = await services.events.metricsFor(withinPath, { ...query, level: 'grid' }, { median });
      units = m.items.length;
      events = m.items.reduce((s, i) => s + i.reported, 0);
    },
    () => db.query(METRICS_FLOOR_SQL, params),
    () => db.query(sameSql, sameParams),
  ]);
  const captured = await captureOf(capture, () =>
    services.events.metricsFor(withinPath, { ...query, level: 'grid' }, { median }),
  );
  const own = captured.find((s) => /split_part\(e\.unit_path/.test(s.sql));
  if (!own) throw new Error('the metrics query was not captured');
  return {
    ...query,
    level: 'grid',
    median,
    units,
    events,
    groups: groups.length,
    service: service!,
    floor: floor!,
    sameFloor: sameFloor!,
    plan: await explain(db, own.sql, own.params),
    sameFloorPlan: await explain(db, sameSql, sameParams),
  };
}
