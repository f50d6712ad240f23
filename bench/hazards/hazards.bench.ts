// The hazards benchmark, on PGlite and on PostgreSQL (issue 6): 100,000 hazards (bulk SQL, spread over a
// year, every state of the loop) in the Ouhai district, then a filtered list page through the service
// against the bare SQL for the same rows (and, beside it, against that page plus its capped count, bare),
// the close-out-rate aggregate (HazardsService.metricsFor) against a bare GROUP BY over the same rows, and
// the streamed CSV export of all 100,000 rows against the same keyset batches read bare (and, beside it,
// against the export's own statement read bare), with the RSS growth while it streams.
//   npm run bench -- hazards [--backends pglite] [--hazards 100000] [--rounds 7]
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/src/config.js';
import { type Db, openMigratedDb } from '../../server/src/db/index.js';
import type { Actor } from '../../server/src/modules/access/actor.js';
import { exportLines } from '../../server/src/modules/hazards/repository.js';
import type { ListQuery } from '../../server/src/modules/hazards/schema.js';
import { LIST_COUNT_CAP } from '../../server/src/modules/hazards/service.js';
import { seedDemo } from '../../server/src/seed/index.js';
import { createServices, type Services } from '../../server/src/services.js';
import { BACKENDS, type BenchTarget, onEachBackend } from '../lib/db.js';
import { type Backend, fmt, Recorder } from '../lib/report.js';
import { median } from '../lib/stats.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: BACKENDS.join(',') },
    hazards: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '7' },
    explain: { type: 'boolean', default: false },
  },
});
const params = { hazards: Number(values.hazards), rounds: Number(values.rounds) };
const wanted = values.backends.split(',').filter(Boolean) as Backend[];
for (const b of wanted) if (!BACKENDS.includes(b)) throw new Error(`unknown backend ${b}`);

const RATIO_TARGET = 1.5;
/** The columns the export writes (its floor reads the same). */
const EXPORT_COLS = `h.id, h.tracking_no, h.domain_id, h.domain_version, h.domain_code, h.aspect_code, h.severity,
  h.description, h.rule_broken, h.source, h.lng, h.lat, h.address, h.place_id, h.created_at, h.closed_out_at,
  h.state, h.unit_path, h.town_path, h.department_id, h.due_at, h.listed, h.version, h.updated_at`;
const PAGE_TARGET_MS = 50;
const EXPORT_TARGET_S = 5;
/** The export's batch (HazardsService's EXPORT_BATCH): the floors read the same batches. */
const EXPORT_BATCH = 1000;

const rec = new Recorder('hazards', params);
const failed = await onEachBackend(wanted, 'hazards', runBackend);
const file = rec.write();
console.log(`results: ${file}`);
process.exit(failed ? 1 : 0);

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/**
 * 100,000 hazards in one INSERT … SELECT: each in a micro-grid (a multiplicative hash of its number, so
 * every grid gets some), a domain and its first aspect in turn, created over the past year, its state by
 * the hash (10 % reported, 10 % triaged, 5 % confirmed, 5 % consolidated, 10 % assigned, 10 % rectifying,
 * 5 % verifying, 40 % closed out, 5 % rejected), routed (town and department) from triage on, due 15 days
 * after recording once assigned, closed out 0–29 days after recording.
 */
async function generate(db: Db, n: number): Promise<void> {
  await db.query(
    `WITH mg AS (
       SELECT row_number() OVER (ORDER BY u.id) AS rn, u.id, u.path, t.id AS town_id, t.path AS town_path
       FROM unit u JOIN unit t ON t.code = split_part(u.path, '/', 4)
       WHERE u.level = 'micro_grid'),
     mgn AS (SELECT count(*) AS c FROM mg),
     dm AS (
       SELECT row_number() OVER (ORDER BY d.id) AS rn, d.id, d.code, v.version,
              v.aspects -> 0 ->> 'code' AS aspect, dep.id AS dep_id
       FROM hazard_domain d
       JOIN hazard_domain_version v ON v.domain_id = d.id AND v.version = d.current_version
       LEFT JOIN department dep ON dep.code = v.department_code),
     dmn AS (SELECT count(*) AS c FROM dm),
     g AS (
       SELECT s::bigint AS g, (s::bigint * 2654435761) % 1000003 AS h,
              now() - make_interval(days => (s % 365)::int, secs => (s * 37 % 86400)::int) AS at
       FROM generate_series(1, $1::int) s),
     x AS (
       SELECT g.*, mg.id AS unit_id, mg.path, mg.town_id, mg.town_path, dm.id AS domain_id, dm.code,
              dm.version, dm.aspect, dm.dep_id,
              CASE WHEN g.h % 100 < 10 THEN 'reported' WHEN g.h % 100 < 20 THEN 'triaged'
                   WHEN g.h % 100 < 25 THEN 'confirmed' WHEN g.h % 100 < 30 THEN 'consolidated'
                   WHEN g.h % 100 < 40 THEN 'assigned' WHEN g.h % 100 < 50 THEN 'rectifying'
                   WHEN g.h % 100 < 55 THEN 'verifying' WHEN g.h % 100 < 95 THEN 'closed_out'
                   ELSE 'rejected' END AS state
       FROM g
       JOIN mg ON mg.rn = 1 + g.h % (SELECT c FROM mgn)
       JOIN dm ON dm.rn = 1 + g.g % (SELECT c FROM dmn))
     INSERT INTO hazard (county_code, tracking_no, unit_id, unit_path, lng, lat, domain_id, domain_version,
       domain_code, aspect_code, severity, description, source, state, suggested_town_id,
       suggested_department_id, town_id, town_path, department_id, triaged_at, assignee_kind, assignee_id,
       assignee_path, assigned_at, due_at, closed_out_at, created_by, created_at, updated_at)
     SELECT split_part(path, '/', 3), 'YHB' || g, unit_id, path, 120.6, 27.9, domain_id, version, code,
       aspect, CASE WHEN h % 10 < 7 THEN 'general' WHEN h % 10 < 9 THEN 'major' ELSE 'critical' END,
       '基准测试隐患 ' || g, 'report', state, town_id, dep_id,
       CASE WHEN state <> 'reported' AND dep_id IS NOT NULL THEN town_id END,
       CASE WHEN state <> 'reported' AND dep_id IS NOT NULL THEN town_path END,
       CASE WHEN state <> 'reported' AND dep_id IS NOT NULL THEN dep_id END,
       CASE WHEN state <> 'reported' THEN at + interval '1 hour' END,
       CASE WHEN state IN ('assigned', 'rectifying', 'verifying') THEN 'unit' END,
       CASE WHEN state IN ('assigned', 'rectifying', 'verifying') THEN unit_id END,
       CASE WHEN state IN ('assigned', 'rectifying', 'verifying') THEN path END,
       CASE WHEN state IN ('assigned', 'rectifying', 'verifying', 'closed_out') THEN at + interval '1 day' END,
       CASE WHEN state IN ('assigned', 'rectifying', 'verifying', 'closed_out') THEN at + interval '15 days' END,
       CASE WHEN state = 'closed_out' THEN at + make_interval(days => (h % 30)::int) END,
       'bench', at, at
     FROM x`,
    [n],
  );
  await db.query(`SELECT setval(pg_get_serial_sequence('hazard', 'id'), (SELECT max(id) FROM hazard))`);
  await db.query('ANALYZE hazard');
}

async function runBackend(backend: Backend, target: BenchTarget) {
  const config = loadConfig({ ...process.env, ...target.env, LOG_LEVEL: 'silent' });
  let t = performance.now();
  const db = await openMigratedDb(config);
  try {
    const services: Services = createServices(db, config);
    await seedDemo(services, { scale: 'ouhai', seed: 1, eventDays: 0, indexMonths: 0, placeCount: 0 });
    console.log(`  seeded Ouhai in ${fmt((performance.now() - t) / 1000)} s`);
    t = performance.now();
    await generate(db, params.hazards);
    const n = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM hazard'))[0]!.n;
    console.log(`  ${n} hazards generated in ${fmt((performance.now() - t) / 1000)} s`);
    const county = (
      await db.query<{ id: number; code: string; name: string; path: string }>(
        `SELECT id, code, name, path FROM unit WHERE level = 'county' ORDER BY id LIMIT 1`,
      )
    )[0]!;
    const actor: Actor = {
      kind: 'user',
      id: 1,
      username: 'bench',
      displayName: 'bench',
      roles: ['safety_office'],
      scope: {
        unit: { id: county.id, code: county.code, name: county.name, level: 'county', path: county.path },
        department: null,
      },
    };
    await measureList(backend, db, services, actor, county.path);
    await measureMetrics(backend, db, services, county.path);
    await measureExport(backend, db, services, actor, county.path, n);
  } finally {
    await db.close();
  }
}

/** The list's filtered page (what a town's desk asks: open items of a domain, newest first). */
async function measureList(backend: Backend, db: Db, services: Services, actor: Actor, path: string) {
  const cases: { name: string; query: Partial<ListQuery>; sql: string; params: unknown[] }[] = [
    {
      name: 'list: open fire items (state+domain)',
      query: { state: ['assigned', 'rectifying'], domain: 'fire' },
      sql: `SELECT h.* FROM hazard h WHERE h.unit_path LIKE $1 || '%' AND h.state = ANY($2::text[]) AND h.domain_code = $3
            ORDER BY h.created_at DESC, h.id DESC LIMIT 20`,
      params: [path, ['assigned', 'rectifying'], 'fire'],
    },
    {
      name: 'list: everything in scope, page 1',
      query: {},
      sql: `SELECT h.* FROM hazard h WHERE h.unit_path LIKE $1 || '%' ORDER BY h.created_at DESC, h.id DESC LIMIT 20`,
      params: [path],
    },
    {
      name: 'list: critical ones, page 5',
      query: { severity: ['critical'], page: 5 },
      sql: `SELECT h.* FROM hazard h WHERE h.unit_path LIKE $1 || '%' AND h.severity = ANY($2::text[])
            ORDER BY h.created_at DESC, h.id DESC LIMIT 20 OFFSET 80`,
      params: [path, ['critical']],
    },
  ];
  for (const c of cases) {
    const query = { view: 'all', page: 1, pageSize: 20, ...c.query } as ListQuery;
    // the like-for-like floor: the same page and the same capped count (LIST_COUNT_CAP + 1), bare
    const where = c.sql.slice(c.sql.indexOf('WHERE'), c.sql.indexOf('ORDER BY'));
    const countSql = `SELECT count(*)::int AS n FROM (SELECT 1 FROM hazard h ${where} LIMIT ${LIST_COUNT_CAP + 1}) c`;
    const svc: number[] = [];
    const svcPage: number[] = [];
    const floor: number[] = [];
    const floorCounted: number[] = [];
    let total: number | null = 0;
    const pageOnly = { ...query, count: 'none' } as ListQuery;
    await services.hazards.list(actor, query); // warm-up
    await services.hazards.list(actor, pageOnly);
    await db.query(c.sql, c.params);
    await db.query(countSql, c.params);
    for (let i = 0; i < params.rounds; i++) {
      svc.push(await timed(async () => (total = (await services.hazards.list(actor, query)).total)));
      floor.push(await timed(() => db.query(c.sql, c.params)));
      svcPage.push(await timed(() => services.hazards.list(actor, pageOnly)));
      floorCounted.push(
        await timed(async () => {
          await db.query(c.sql, c.params);
          await db.query(countSql, c.params);
        }),
      );
    }
    const value = median(svc);
    rec.add({
      backend,
      group: 'list',
      name: c.name,
      value,
      unit: 'ms',
      target: { op: '<', value: PAGE_TARGET_MS },
      floor: { name: 'bare page SQL', value: median(floor) },
      note: `×floor target ${RATIO_TARGET}; total ${total}`,
    });
    rec.add({
      backend,
      group: 'list',
      name: `${c.name} ÷ page + count`,
      value,
      unit: 'ms',
      floor: { name: 'bare page SQL + bare capped count', value: median(floorCounted) },
      note: 'like for like: the floor also counts the matches up to the cap, as the list does',
    });
    rec.add({
      backend,
      group: 'list',
      name: `${c.name}, turning the page (count=none)`,
      value: median(svcPage),
      unit: 'ms',
      target: { op: '<', value: PAGE_TARGET_MS },
      floor: { name: 'bare page SQL', value: median(floor) },
      note: `×floor target ${RATIO_TARGET}: the page and its presentation, without the count the workbench already holds`,
    });
  }
}

/** The close-out-rate aggregate per town over the past year (what the safety index asks). */
async function measureMetrics(backend: Backend, db: Db, services: Services, path: string) {
  const now = new Date();
  const to = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const from = new Date(now.getTime() + 8 * 3600_000 - 364 * 86_400_000).toISOString().slice(0, 10);
  const fromAt = new Date(Date.parse(`${from}T00:00:00Z`) - 8 * 3600_000);
  const toAt = new Date(Date.parse(`${to}T00:00:00Z`) - 8 * 3600_000 + 86_400_000);
  const floorSql = `SELECT split_part(unit_path, '/', 4) AS code,
      count(*) FILTER (WHERE created_at >= $1 AND created_at < $2 AND state NOT IN ('rejected', 'merged'))::int AS found,
      count(*) FILTER (WHERE closed_out_at >= $1 AND closed_out_at < $2)::int AS closed_out,
      count(*) FILTER (WHERE due_at >= $1 AND due_at < $2)::int AS due
    FROM hazard WHERE unit_path LIKE $3 || '%' GROUP BY 1`;
  const svc: number[] = [];
  const floor: number[] = [];
  await services.hazards.metricsFor(path, { from, to, level: 'town' });
  for (let i = 0; i < params.rounds; i++) {
    svc.push(await timed(() => services.hazards.metricsFor(path, { from, to, level: 'town' })));
    floor.push(await timed(() => db.query(floorSql, [fromAt, toAt, path])));
  }
  rec.add({
    backend,
    group: 'metrics',
    name: 'metricsFor: per town and domain, a year',
    value: median(svc),
    unit: 'ms',
    floor: { name: 'bare GROUP BY town', value: median(floor) },
    note: `×floor target ${RATIO_TARGET}`,
  });
}

/** The export of every hazard: the CSV consumed as it streams, RSS sampled between chunks. */
async function measureExport(
  backend: Backend,
  db: Db,
  services: Services,
  actor: Actor,
  path: string,
  n: number,
) {
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  let peakFirstHalf = rss0;
  let bytes = 0;
  let lines = 0;
  const t = performance.now();
  const chunks = await services.hazards.exportCsv(actor, { view: 'all' } as ListQuery);
  for await (const c of chunks) {
    bytes += Buffer.byteLength(c);
    for (let i = c.indexOf('\n'); i >= 0; i = c.indexOf('\n', i + 1)) lines++;
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
    // the peak over the first half of the rows: a streamed export's peak does not grow in the second half
    if (lines <= n / 2) peakFirstHalf = peak;
  }
  const seconds = (performance.now() - t) / 1000;
  // the floor: the same rows read by the same keyset, bare (no names, no CSV)
  const tf = performance.now();
  let before: [Date, number] | null = null;
  for (;;) {
    const rows: { id: number; created_at: Date }[] = await db.query(
      `SELECT ${EXPORT_COLS} FROM hazard h WHERE h.unit_path LIKE $1 || '%' ${before ? 'AND (h.created_at, h.id) < ($3, $4)' : ''}
       ORDER BY h.created_at DESC, h.id DESC LIMIT $2`,
      before ? [path, EXPORT_BATCH, ...before] : [path, EXPORT_BATCH],
    );
    if (!rows.length) break;
    before = [rows.at(-1)!.created_at, Number(rows.at(-1)!.id)];
    if (rows.length < EXPORT_BATCH) break;
  }
  const floorSeconds = (performance.now() - tf) / 1000;
  // like for like: the export's own statement (the database writes the cells), read bare: no names, no lines
  const tl = performance.now();
  const labels = { general: '一般', major: '较大', critical: '重大' };
  let after: { at: string; id: number } | null = null;
  for (;;) {
    const rows = await exportLines(db, { unitPath: path }, after, EXPORT_BATCH, labels, 480);
    if (!rows.length) break;
    after = { at: rows.at(-1)!.key_at, id: Number(rows.at(-1)!.id) };
    if (rows.length < EXPORT_BATCH) break;
  }
  const linesSeconds = (performance.now() - tl) / 1000;
  if (values.explain) {
    // the plan of one keyset batch from the middle of the list (--explain)
    const mid = (
      await db.query<{ created_at: Date; id: number }>(
        'SELECT created_at, id FROM hazard ORDER BY created_at DESC, id DESC OFFSET $1 LIMIT 1',
        [Math.floor(n / 2)],
      )
    )[0]!;
    const plan = await db.query<Record<string, string>>(
      `EXPLAIN ANALYZE SELECT ${EXPORT_COLS} FROM hazard h WHERE h.unit_path LIKE $1 || '%'
       AND (h.created_at, h.id) < ($3, $4) ORDER BY h.created_at DESC, h.id DESC LIMIT $2`,
      [path, EXPORT_BATCH, mid.created_at, mid.id],
    );
    console.log(plan.map((r) => Object.values(r)[0]).join('\n'));
  }
  rec.add({
    backend,
    group: 'export',
    name: `export of ${n} rows`,
    value: seconds,
    unit: 's',
    target: { op: '<', value: EXPORT_TARGET_S },
    floor: { name: 'bare keyset reads', value: floorSeconds },
    note: `${lines - 1} rows, ${fmt(bytes / 2 ** 20)} MiB CSV`,
  });
  rec.add({
    backend,
    group: 'export',
    name: `export of ${n} rows ÷ its own SQL`,
    value: seconds,
    unit: 's',
    floor: { name: 'the export statement (cells by the database) read bare', value: linesSeconds },
    note: 'like for like: the same statement and batches, without naming units and domains or joining lines',
  });
  rec.add({
    backend,
    group: 'export',
    name: 'RSS growth while exporting',
    value: (peak - rss0) / 2 ** 20,
    unit: 'MiB',
    note: `RSS ${fmt(rss0 / 2 ** 20)} → peak ${fmt(peakFirstHalf / 2 ** 20)} MiB over the first half of the rows, ${fmt(peak / 2 ** 20)} MiB over all (with PGlite the database is in the process); CSV ${fmt(bytes / 2 ** 20)} MiB`,
  });
}
