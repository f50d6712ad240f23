// The events benchmark, on PGlite and on PostgreSQL (issue 4): intake over HTTP against the real server
// (`anwang serve` in a child process) — its throughput and latency against a bare single-row insert of
// the same row through the same driver —, a crash test (SIGKILL during sustained intake, restart, every
// acknowledged report there exactly once), and the daily view and the metrics at 2 million events
// against a bare GROUP BY over the same rows.
//   npm run bench -- events [--quick] [--backends pglite] [--events 2000000] [--only intake,crash,scale] …
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEMO_PASSWORD, loadConfig } from '../../server/src/config.js';
import { type Db, openDb, openMigratedDb } from '../../server/src/db/index.js';
import type { Actor } from '../../server/src/modules/access/actor.js';
import { createServices, type Services } from '../../server/src/services.js';
import { runChild } from '../lib/child.js';
import { BACKENDS, type BenchTarget, onEachBackend } from '../lib/db.js';
import { type Backend, fmt, Recorder } from '../lib/report.js';
import { crashRun, verifyCrash } from './crash.js';
import { bareInsertFloor, countingDb, serviceIntake, type Throughput } from './floor.js';
import { generateEvents } from './generate.js';
import { type IntakeRun, runIntake } from './intake.js';
import { login, postReport, REPORTER, reportBody } from './reports.js';
import { capturingDb, explain, measureDaily, measureMetrics } from './scale.js';
import type { SeedResult } from './seed-child.js';
import { ServerProcess } from './server.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PARTS = ['intake', 'crash', 'scale'] as const;
type Part = (typeof PARTS)[number];

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: BACKENDS.join(',') },
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: PARTS.join(',') },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    'floor-seconds': { type: 'string' },
    pool: { type: 'string', default: '10' },
    'crash-workers': { type: 'string', default: '20' },
    'crash-seconds': { type: 'string' },
    events: { type: 'string' },
    'pglite-events': { type: 'string' },
    days: { type: 'string', default: '182' },
    'timeline-days': { type: 'string', default: '30' },
    batch: { type: 'string', default: '250000' },
    rounds: { type: 'string', default: '5' },
    'log-level': { type: 'string', default: 'warn' },
  },
});
const quick = values.quick;
const params = {
  quick,
  connections: Number(values.connections),
  rate: Number(values.rate),
  seconds: Number(values.seconds ?? (quick ? 5 : 15)),
  warmupSeconds: Number(values.warmup ?? (quick ? 2 : 5)),
  floorSeconds: Number(values['floor-seconds'] ?? (quick ? 3 : 10)),
  pool: Number(values.pool),
  crashWorkers: Number(values['crash-workers']),
  crashSeconds: Number(values['crash-seconds'] ?? (quick ? 2 : 5)),
  events: Number(values.events ?? (quick ? 200_000 : 2_000_000)),
  // PGlite is one wasm process: 2,000,000 events take it about 7 CPU-minutes to load and measure, more
  // than a run's budget; --pglite-events 2000000 (or --events) asks for them
  pgliteEvents: Number(values['pglite-events'] ?? values.events ?? (quick ? 100_000 : 1_000_000)),
  days: Number(values.days),
  timelineDays: Number(values['timeline-days']),
  batch: Number(values.batch),
  rounds: Number(values.rounds),
  logLevel: values['log-level'],
};
const wanted = values.backends.split(',').filter(Boolean) as Backend[];
for (const b of wanted) if (!BACKENDS.includes(b)) throw new Error(`unknown backend ${b}`);
const parts = new Set(values.only.split(',').filter(Boolean) as Part[]);
for (const p of parts)
  if (!PARTS.includes(p)) throw new Error(`unknown part ${p}; parts: ${PARTS.join(', ')}`);

/** Intake targets: the share of the bare-insert floor the HTTP route must reach. */
const SHARE_TARGET: Record<Backend, number> = { postgres: 60, pglite: 50 };
const P99_TARGET_MS = 50;
const METRICS_RATIO_TARGET = 1.5;

const rec = new Recorder('events', params);
const notes: string[] = [];

const failed = await onEachBackend(wanted, 'events', runBackend);
const resultFile = rec.write();
if (notes.length) {
  // beside the results: bench/results/events-<time>.plans.txt
  const plans = resultFile.replace(/\.json$/, '.plans.txt');
  fs.writeFileSync(plans, `${notes.join('\n\n')}\n`);
  console.log(`\nplans and statement timings: ${path.relative(process.cwd(), plans)}`);
}
console.log(`results: ${path.relative(process.cwd(), resultFile)}`);
process.exit(failed ? 1 : 0);

async function runBackend(backend: Backend, target: BenchTarget) {
  console.log(`seeding the Ouhai district into ${target.label} (child process) …`);
  const seed = await runChild<SeedResult>(path.join(HERE, 'seed-child.ts'), [], target.env);
  console.log(
    `  seeded in ${fmt(seed.seconds)} s; ${seed.points.length} of ${seed.microGrids} micro-grid centroids to report from`,
  );
  // the server's log; kept when something fails (its folder is named in the output)
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'anwang-bench-events-log-'));
  const prefix = `bench-${backend}-${Date.now().toString(36)}`;
  const { server, seconds: firstStart } = await ServerProcess.start({
    env: target.env,
    logFile: path.join(logDir, 'server.log'),
    logLevel: params.logLevel,
    poolSize: params.pool,
  });
  console.log(`  anwang serve on ${server.url} (pid ${server.pid}) in ${fmt(firstStart)} s; log ${logDir}`);
  let sampleTracking: string | null = null;
  let fixed: IntakeRun | null = null;
  let max: IntakeRun | null = null;
  let floorBefore: Throughput | null = null;
  let floorAfter: Throughput | null = null;
  let crash: Awaited<ReturnType<typeof crashRun>> | null = null;
  try {
    const cookie = await login(server.url);
    const probeKey = `${prefix}-probe`;
    const probe = await postReport(
      server.url,
      cookie,
      probeKey,
      JSON.stringify(reportBody(seed.points, 0, probeKey)),
    );
    if (probe.status !== 201) throw new Error(`a report answered ${probe.status}: ${probe.problem}`);
    sampleTracking = probe.trackingNo;

    if (parts.has('intake')) {
      const base = { url: server.url, cookie, points: seed.points, connections: params.connections };
      console.log(`intake: warm-up ${params.warmupSeconds} s …`);
      await runIntake({ ...base, prefix: `${prefix}-w`, seconds: params.warmupSeconds });
      // PostgreSQL: the floor also just before and just after the unthrottled run, while the server
      // idles (PGlite's folder is the server's alone): on a machine shared with other work, the floor
      // measured after the server stops may meet another load than the run did
      const bracket = backend === 'postgres' ? await openBracketDb(target) : null;
      try {
        const sampleId = bracket ? await idOf(bracket, sampleTracking) : 0;
        if (bracket) {
          console.log(
            `floor before: bare single-row INSERT, ${params.connections} concurrent, ${params.floorSeconds} s …`,
          );
          floorBefore = await bareInsertFloor(bracket, sampleId, params.connections, params.floorSeconds);
          console.log(`  ${fmt(floorBefore.rate)} inserts/s`);
        }
        console.log(`intake: unthrottled, ${params.connections} connections, ${params.seconds} s …`);
        max = await runIntake({ ...base, prefix: `${prefix}-m`, seconds: params.seconds });
        console.log(`  ${describeRun(max)}`);
        if (bracket) {
          console.log(
            `floor after: bare single-row INSERT, ${params.connections} concurrent, ${params.floorSeconds} s …`,
          );
          floorAfter = await bareInsertFloor(bracket, sampleId, params.connections, params.floorSeconds);
          console.log(`  ${fmt(floorAfter.rate)} inserts/s`);
        }
      } finally {
        await bracket?.close();
      }
      console.log(`intake: offered ${params.rate} req/s, ${params.seconds} s …`);
      fixed = await runIntake({ ...base, prefix: `${prefix}-r`, seconds: params.seconds, rate: params.rate });
      console.log(`  ${describeRun(fixed)}`);
    }
    if (parts.has('crash')) {
      console.log(
        `crash: ${params.crashWorkers} clients reporting, SIGKILL after ${params.crashSeconds} s, restart …`,
      );
      crash = await crashRun({
        server,
        cookie,
        points: seed.points,
        prefix: `${prefix}-c`,
        workers: params.crashWorkers,
        killAfterSeconds: params.crashSeconds,
        replaySample: 200,
      });
      const c = crash.outcome;
      console.log(
        `  ${c.sent} sent, ${c.acknowledged} acknowledged, ${c.unanswered} without an answer at the kill; ` +
          `restart ${fmt(c.restartSeconds)} s; resent: ${c.resentCreated} made, ${c.resentReplayed} replayed, ` +
          `${c.resentFailed} failed; ${c.replaySample} acknowledged ones replayed, ${c.replayMismatches} mismatches`,
      );
    }
  } finally {
    await server.stop();
  }

  // the rest in this process, on the server's database, through the same driver (the server is stopped)
  const config = loadConfig({
    ...process.env,
    ...target.env,
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: String(params.pool),
  });
  const raw = await openMigratedDb(config);
  try {
    const counting = countingDb(raw);
    const capturing = capturingDb(counting.db);
    const services = createServices(capturing.db, config);
    const [sample] = await raw.query<{ id: number }>('SELECT id FROM event WHERE tracking_no = $1', [
      sampleTracking,
    ]);
    const actor = await actorOf(services, REPORTER);

    if (crash) {
      const check = await verifyCrash(raw, `${prefix}-c`, crash.sent);
      const c = crash.outcome;
      const story =
        `${c.acknowledged} acknowledged before the kill of ${c.sent} sent by ${c.workers} clients; ` +
        `${c.unanswered} unanswered, resent with their keys: ${c.resentReplayed} had committed (replayed), ` +
        `${c.resentCreated} made anew, ${c.resentFailed} failed; ${c.replaySample} acknowledged resent: ` +
        `${c.replayMismatches} not replayed as first answered`;
      rec.add({
        backend,
        group: 'crash',
        name: 'acknowledged reports lost after SIGKILL',
        value: check.lost + c.replayMismatches,
        unit: 'reports',
        target: { op: '<', value: 1 },
        note: `${check.acknowledged} acknowledged in all (after the retries); ${story}`,
      });
      rec.add({
        backend,
        group: 'crash',
        name: 'reports doubled (a key with two events)',
        value: check.doubled + check.strays,
        unit: 'reports',
        target: { op: '<', value: 1 },
        note: `${check.strays} events of the run from no key the client sent; ${check.stuckKeys} keys left claimed without an answer`,
      });
      rec.add({
        backend,
        group: 'crash',
        name: 'restart after SIGKILL (to /healthz)',
        value: c.restartSeconds,
        unit: 's',
        floor: { name: 'first start', value: firstStart },
        note:
          backend === 'pglite'
            ? 'the data folder lock of the killed process is recovered (its pid is gone) and PGlite replays its WAL'
            : 'PostgreSQL kept running; the server reconnects',
      });
    }

    if (parts.has('intake') && max && fixed && sample) {
      const workers = params.connections;
      console.log(`floor: bare single-row INSERT, ${workers} concurrent, ${params.floorSeconds} s …`);
      const floor = await bareInsertFloor(raw, sample.id, workers, params.floorSeconds);
      console.log(
        `  ${fmt(floor.rate)} inserts/s, p50 ${fmt(floor.latency.p50)} ms, p99 ${fmt(floor.latency.p99)} ms`,
      );
      console.log(
        `service: EventsService.create in-process, ${workers} concurrent, ${params.floorSeconds} s …`,
      );
      const svc = await serviceIntake(
        services,
        counting.costs,
        actor,
        seed.points,
        `${prefix}-s`,
        workers,
        params.floorSeconds,
      );
      const seq = svc.sequential;
      const topList = seq.top.map(
        (t) => `${fmt(t.totalMs / seq.count)} ms/report ×${fmt(t.calls / seq.count)} ${t.sql.slice(0, 70)}`,
      );
      notes.push(
        `== ${backend}: statements of EventsService.create, one report at a time (${seq.count} reports, ` +
          `${fmt(seq.latency.p50)} ms each at the median; ${fmt(svc.statementsPerReport)} statements per report)\n` +
          topList.join('\n'),
      );
      const bare = { name: `bare INSERT ×${workers}`, value: floor.rate };
      rec.add({
        backend,
        group: 'intake',
        name: `HTTP intake, unthrottled, ${params.connections} connections`,
        value: max.rate,
        unit: 'req/s',
        better: 'higher',
        floor: bare,
        note: `p50 ${fmt(max.p50)} ms, p99 ${fmt(max.p99)} ms; ${max.ok} made, ${max.non2xx} non-2xx, ${max.errors} errors; floor p50 ${fmt(floor.latency.p50)} ms, p99 ${fmt(floor.latency.p99)} ms`,
      });
      rec.add({
        backend,
        group: 'intake',
        name: 'HTTP intake as a share of the bare-insert floor',
        value: (100 * max.rate) / floor.rate,
        unit: '%',
        better: 'higher',
        target: { op: '>=', value: SHARE_TARGET[backend] },
      });
      if (floorBefore && floorAfter) {
        const around = (floorBefore.rate + floorAfter.rate) / 2;
        rec.add({
          backend,
          group: 'intake',
          name: 'HTTP intake as a share of the floor measured around it',
          value: (100 * max.rate) / around,
          unit: '%',
          better: 'higher',
          target: { op: '>=', value: SHARE_TARGET[backend] },
          note: `the same bare INSERT just before (${fmt(floorBefore.rate)}/s) and just after (${fmt(floorAfter.rate)}/s) the unthrottled run, with the server up and idle: their mean, ${fmt(around)}/s`,
        });
      }
      rec.add({
        backend,
        group: 'intake',
        name: `HTTP intake p99 at an offered ${params.rate} req/s`,
        value: fixed.p99,
        unit: 'ms',
        ...(backend === 'postgres' ? { target: { op: '<', value: P99_TARGET_MS } as const } : {}),
        note: `p50 ${fmt(fixed.p50)}, p90 ${fmt(fixed.p90)}, max ${fmt(fixed.max)} ms (corrected for coordinated omission); ${fixed.non2xx} non-2xx, ${fixed.errors} errors`,
      });
      rec.add({
        backend,
        group: 'intake',
        name: `HTTP intake achieved at an offered ${params.rate} req/s`,
        value: fixed.rate,
        unit: 'req/s',
        better: 'higher',
        ...(backend === 'postgres' ? { target: { op: '>=', value: params.rate * 0.98 } as const } : {}),
        note: `${fixed.ok} made in ${fmt(fixed.seconds)} s`,
      });
      rec.add({
        backend,
        group: 'intake',
        name: `EventsService.create in-process, ${workers} concurrent`,
        value: svc.rate,
        unit: 'req/s',
        better: 'higher',
        floor: bare,
        note: `no HTTP; ${fmt(svc.statementsPerReport)} statements per report; p50 ${fmt(svc.latency.p50)} ms, p99 ${fmt(svc.latency.p99)} ms; one at a time ${fmt(seq.latency.p50)} ms per report, costliest: ${topList.slice(0, 3).join('; ')}`,
      });
    }

    if (parts.has('scale')) await scaleFigures(backend, raw, services, capturing.capture);
  } finally {
    await raw.close();
  }
  fs.rmSync(logDir, { recursive: true, force: true });
}

/** A connection pool of the server's size to the benchmark's PostgreSQL database, beside the running server. */
async function openBracketDb(target: BenchTarget): Promise<Db> {
  const config = loadConfig({
    ...process.env,
    ...target.env,
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: String(params.pool),
  });
  return openDb(config);
}

async function idOf(db: Db, trackingNo: string | null): Promise<number> {
  const [row] = await db.query<{ id: number }>('SELECT id FROM event WHERE tracking_no = $1', [trackingNo]);
  if (!row) throw new Error(`no event ${trackingNo}`);
  return row.id;
}

async function scaleFigures(
  backend: Backend,
  db: Db,
  services: Services,
  capture: ReturnType<typeof capturingDb>['capture'],
) {
  const now = new Date();
  const count = backend === 'pglite' ? params.pgliteEvents : params.events;
  console.log(
    `scale: ${count.toLocaleString('en')} events over ${params.days} days (timelines for the last ${params.timelineDays}) …`,
  );
  const cpu0 = process.cpuUsage();
  const gen = await generateEvents(db, {
    count,
    now,
    days: params.days,
    seed: 1,
    batch: params.batch,
    timelineDays: params.timelineDays,
    onProgress: (done, total) =>
      process.stdout.write(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')}\r`),
  });
  const [counts] = await db.query<{ events: number; timeline: number }>(
    'SELECT (SELECT count(*)::int FROM event) AS events, (SELECT count(*)::int FROM event_timeline) AS timeline',
  );
  rec.add({
    backend,
    group: 'scale',
    name: `load ${count.toLocaleString('en')} events set-based`,
    value: gen.seconds,
    unit: 's',
    note: `${counts!.events.toLocaleString('en')} events, ${counts!.timeline.toLocaleString('en')} timeline rows in all; s: events ${fmt(gen.stages.events)}, timeline ${fmt(gen.stages.timeline)}, indexes ${fmt(gen.stages.indexes)}, analyze ${fmt(gen.stages.analyze)}${backend === 'pglite' ? `; ${fmt(cpuSeconds(cpu0))} CPU s in this process (PGlite runs in it)` : ''}`,
  });
  const leader = await actorOf(services, 'leader');
  const daily = await measureDaily(db, services, capture, leader, now, params.rounds);
  const slow = daily.statements[0]!;
  rec.add({
    backend,
    group: 'scale',
    name: `daily view of the district (median of ${params.rounds})`,
    value: daily.service.median,
    unit: 'ms',
    floor: { name: 'GROUP BY of the day', value: daily.floor.median },
    note: `${daily.date}, ${daily.reported} reported that day; runs ${daily.service.runs.map(fmt).join(' / ')} ms${cpuNote(backend, daily.service, daily.floor)}; slowest statement alone ${fmt(slow.ms)} ms: ${squeeze(slow.sql).slice(0, 60)}`,
  });
  notes.push(
    `== ${backend}: daily view ${daily.date} of ${daily.unitPath}, its statements, each run once more alone\n` +
      daily.statements.map((s) => `${fmt(s.ms).padStart(8)} ms  ${squeeze(s.sql).slice(0, 140)}`).join('\n') +
      `\n\n-- EXPLAIN (ANALYZE, BUFFERS) of the slowest:\n${daily.plan}`,
  );
  const district = leader.kind === 'user' ? (leader.scope.unit?.path ?? '/') : '/';
  // every figure but the median (the safety index's schemes name no median), and every figure. Each is
  // judged against the same figures written by hand as one bare GROUP BY over the same rows (like for
  // like: what the service adds to the SQL that must run); the bare count per unit is measured beside it
  // to show what the figures themselves cost
  for (const median of [false, true]) {
    const m = await measureMetrics(db, services, capture, district, now, params.days, params.rounds, median);
    const what = median ? 'with the exact median' : 'without the median';
    rec.add({
      backend,
      group: 'scale',
      name: `metrics per grid ${what}, every figure and all ${m.groups} category groups, ${m.from}…${m.to} (median of ${params.rounds})`,
      value: m.service.median,
      unit: 'ms',
      floor: { name: 'the same figures, one bare GROUP BY', value: m.sameFloor.median },
      note: `${m.units} grids, ${m.events.toLocaleString('en')} events; runs ${m.service.runs.map(fmt).join(' / ')} ms; floor runs ${m.sameFloor.runs.map(fmt).join(' / ')} ms${cpuNote(backend, m.service, m.sameFloor)}`,
    });
    rec.add({
      backend,
      group: 'scale',
      name: `metrics ${what} ÷ the same figures as one bare GROUP BY over the same rows`,
      value: m.service.median / m.sameFloor.median,
      unit: '×',
      target: { op: '<', value: METRICS_RATIO_TARGET },
    });
    rec.add({
      backend,
      group: 'scale',
      name: `metrics ${what} ÷ a bare count per grid over the same rows (what the figures cost; no target)`,
      value: m.service.median / m.floor.median,
      unit: '×',
      note: `${fmt(m.service.median)} ms ÷ ${fmt(m.floor.median)} ms; count runs ${m.floor.runs.map(fmt).join(' / ')} ms${cpuNote(backend, m.service, m.floor)}`,
    });
    notes.push(`== ${backend}: EXPLAIN (ANALYZE, BUFFERS) of the metrics query ${what}\n${m.plan}`);
    notes.push(
      `== ${backend}: EXPLAIN (ANALYZE, BUFFERS) of the same figures by hand ${what}\n${m.sameFloorPlan}`,
    );
  }

  // what-if: the timeline has no index on its instant, so the daily totals scan all of it
  const steps = daily.statements.find((s) => /FROM event_timeline t JOIN event e/.test(s.sql));
  const hasIndex = await db.query(
    `SELECT 1 FROM pg_indexes WHERE tablename = 'event_timeline' AND indexdef ~ '\\(at\\)'`,
  );
  if (steps && hasIndex.length === 0) {
    console.log('what-if: CREATE INDEX ON event_timeline (at) …');
    const before = await explain(db, steps.sql, steps.params);
    await db.query('CREATE INDEX bench_event_timeline_at ON event_timeline (at)');
    await db.exec('ANALYZE event_timeline');
    const again = await measureDaily(db, services, capture, leader, now, Math.min(3, params.rounds), false);
    const stepsAgain = again.statements.find((s) => s.sql === steps.sql);
    rec.add({
      backend,
      group: 'scale',
      name: 'daily view with an index on event_timeline (at)',
      value: again.service.median,
      unit: 'ms',
      floor: { name: 'GROUP BY of the day', value: again.floor.median },
      note: `the proposed index: the daily totals statement ${fmt(steps.ms)} → ${fmt(stepsAgain?.ms ?? Number.NaN)} ms; slowest statement now ${fmt(again.statements[0]!.ms)} ms: ${squeeze(again.statements[0]!.sql).slice(0, 60)}`,
    });
    notes.push(
      `== ${backend}: the daily totals statement without an index on event_timeline (at)\n${before}\n\n` +
        `-- with it:\n${await explain(db, steps.sql, steps.params)}`,
    );
  }
}

async function actorOf(services: Services, username: string): Promise<Actor> {
  const { token } = await services.access.login({ username, password: DEMO_PASSWORD, ip: '127.0.0.1' });
  return services.access.authenticate({ sessionToken: token });
}

function describeRun(r: IntakeRun): string {
  return (
    `${fmt(r.rate)} req/s made (${r.ok} in ${fmt(r.seconds)} s), p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms, ` +
    `max ${fmt(r.max)} ms; ${r.non2xx} non-2xx, ${r.errors} errors; status ${JSON.stringify(r.statusCodes)}`
  );
}

/** With PGlite the database works in this process: its CPU time per call is what an idle machine would take. */
function cpuNote(backend: Backend, a: { cpuMedian: number }, floor: { cpuMedian: number }): string {
  return backend === 'pglite' ? `; CPU ${fmt(a.cpuMedian)} ms (floor ${fmt(floor.cpuMedian)} ms)` : '';
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

function squeeze(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}
