// The safety index benchmark (issue 5): a whole monthly run — collect → compute → confirm → publish, for
// the villages and for the towns, as the monthly job does — on the Wenzhou scale on PostgreSQL (about
// 60,000 micro-grids, 3,685 villages, 2 million events in the month) and on the Ouhai scale on PGlite;
// the collect step against the bare SQL aggregation of the same data; the engine's whole pipeline and
// 1,000 Monte Carlo weight replications on the run's own inputs, each against a hand-rolled floor.
//   npm run bench -- index [--quick] [--backends postgres] [--events 2000000] …
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ManualClock } from '../../server/src/clock.js';
import { loadConfig } from '../../server/src/config.js';
import { type Db, openMigratedDb } from '../../server/src/db/index.js';
import { schemeBodySchema } from '../../server/src/modules/safety-index/domain/scheme.js';
import type { Scale } from '../../server/src/seed/layout.js';
import { createServices, type Services } from '../../server/src/services.js';
import { BACKENDS, type BenchTarget, onEachBackend } from '../lib/db.js';
import { type Backend, fmt, Recorder } from '../lib/report.js';
import { median } from '../lib/stats.js';
import { engineInput, measureEngine, measureMonteCarlo } from './engine.js';
import { instrument, measureCollect, monthlyRun, type RunSteps } from './run.js';
import { BENCH_SCHEME, BENCH_SCHEME_CODE, setupMonth } from './setup.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: BACKENDS.join(',') },
    quick: { type: 'boolean', default: false },
    'pg-scale': { type: 'string', default: 'wenzhou' },
    'pglite-scale': { type: 'string', default: 'ouhai' },
    events: { type: 'string' },
    'pglite-events': { type: 'string' },
    period: { type: 'string', default: '2026-10' },
    batch: { type: 'string', default: '250000' },
    rounds: { type: 'string' },
    replications: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    history: { type: 'string' },
  },
});
const quick = values.quick;
const params = {
  quick,
  pgScale: values['pg-scale'] as Scale,
  pgliteScale: values['pglite-scale'] as Scale,
  // the month's events: Wenzhou's 2 million; Ouhai holds 5,173 of its 60,000 micro-grids, so ~170,000
  events: Number(values.events ?? (quick ? 200_000 : 2_000_000)),
  pgliteEvents: Number(values['pglite-events'] ?? (quick ? 50_000 : 170_000)),
  period: values.period,
  batch: Number(values.batch),
  rounds: Number(values.rounds ?? (quick ? 3 : 5)),
  replications: Number(values.replications),
  seed: Number(values.seed),
  // published months before the measured one (the anomaly flags and the accountability ladder read them)
  history: Number(values.history ?? (quick ? 1 : 2)),
};
const wanted = values.backends.split(',').filter(Boolean) as Backend[];
for (const b of wanted) if (!BACKENDS.includes(b)) throw new Error(`unknown backend ${b}`);
if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(params.period)) throw new Error('--period YYYY-MM');

const TARGET = {
  collectRatio: 1.5,
  engineMs: 80,
  monteCarloMs: 2000,
  monthlyRunS: 10,
} as const;

const rec = new Recorder('index', params);

const failed = await onEachBackend(wanted, 'index', runBackend);
console.log(`\nresults: ${path.relative(process.cwd(), rec.write())}`);
process.exit(failed ? 1 : 0);

/** The first instant of the month after `period`, in Shanghai local time. */
function monthEnd(period: string): Date {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 1) - 8 * 3600_000);
}

async function runBackend(backend: Backend, target: BenchTarget) {
  const scale = backend === 'postgres' ? params.pgScale : params.pgliteScale;
  const count = backend === 'postgres' ? params.events : params.pgliteEvents;
  const end = monthEnd(params.period);
  const days = Math.round((end.getTime() - monthEnd(prevPeriod(params.period)).getTime()) / 86_400_000);
  // the monthly job's moment: the 3rd of the next month, 02:00 local
  const clock = new ManualClock(new Date(end.getTime() + 2 * 86_400_000 + 2 * 3600_000));
  const config = loadConfig({
    ...process.env,
    ...target.env,
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: '10',
  });
  const db = await openMigratedDb(config);
  try {
    const services = createServices(db, config, clock);
    console.log(
      `setup: the ${scale} scale and ${count.toLocaleString('en')} events in ${params.period} into ${target.label} …`,
    );
    const cpu0 = process.cpuUsage();
    let last = '';
    const earlier: string[] = [];
    for (let k = 0; k < params.history; k++) earlier.unshift(prevPeriod(earlier[0] ?? params.period));
    const setup = await setupMonth(db, services, {
      scale,
      seed: params.seed,
      period: params.period,
      earlier,
      monthEnd: end,
      days,
      events: count,
      batch: params.batch,
      onProgress: (stage, done, total) => {
        const line =
          done === undefined
            ? stage
            : `${stage} ${done.toLocaleString('en')} / ${total?.toLocaleString('en')}`;
        if (line !== last) process.stdout.write(`  ${line}\x1b[K\r`);
        last = line;
      },
    });
    const setupSeconds = Object.values(setup.stages).reduce((a, b) => a + b, 0);
    rec.add({
      backend,
      group: 'setup',
      name: `${scale}: ${setup.units.toLocaleString('en')} units, ${setup.events.toLocaleString('en')} events, ${setup.externalValues.toLocaleString('en')} external values`,
      value: setupSeconds - (setup.stages['events: rows'] ?? 0) - (setup.stages['events: indexes'] ?? 0),
      unit: 's',
      note: `${setup.villages} villages, ${setup.towns} towns; s: ${Object.entries(setup.stages)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')}${backend === 'pglite' ? `; ${fmt(cpuSeconds(cpu0))} CPU s in this process` : ''}`,
    });
    if (earlier.length) {
      // the months before, published (collect → compute → confirm → publish) with their external values
      // and no events: the measured run then has a history to compare with and a ladder to climb
      const t = performance.now();
      const times = { collect: [], computeRun: [], applyLadder: [] };
      for (const p of earlier)
        for (const level of ['village', 'town'] as const) {
          process.stdout.write(`  history: ${p} ${level}\x1b[K\r`);
          await monthlyRun(services, times, setup.actor, p, level, BENCH_SCHEME_CODE);
        }
      rec.add({
        backend,
        group: 'setup',
        name: `history: ${earlier.join(', ')} published (villages and towns)`,
        value: (performance.now() - t) / 1000,
        unit: 's',
        note: 'external values only (no events in those months): not measured, the measured run reads them',
      });
    }
    await measure(backend, scale, db, services, setup.actor, setup.rootPath);
  } finally {
    await db.close();
  }
}

async function measure(
  backend: Backend,
  scale: Scale,
  db: Db,
  services: Services,
  actor: Awaited<ReturnType<typeof setupMonth>>['actor'],
  rootPath: string,
) {
  const { times, missing } = instrument(services.safetyIndex);
  const scheme = schemeBodySchema.parse(BENCH_SCHEME);
  const wenzhou = backend === 'postgres' && scale === 'wenzhou';

  console.log(`collect: ${params.rounds} rounds rotating with its floors (after one of each to warm up) …`);
  const collect = await measureCollect(db, services, times, actor, {
    period: params.period,
    level: 'village',
    rootPath,
    scheme,
    rounds: params.rounds + 1,
  });
  // the first round warmed all three up
  const svc = collect.service.slice(1);
  const flo = collect.floor.slice(1);
  const cnt = collect.countFloor.slice(1);
  const svcMedian = median(svc);
  const floorMedian = median(flo);
  const countMedian = median(cnt);
  const reads = `${collect.figures.length} figures and ${collect.groups.length} category groups`;
  rec.add({
    backend,
    group: 'collect',
    name: `collect, villages (median of ${svc.length})`,
    value: svcMedian,
    unit: 'ms',
    floor: {
      name: `the scheme's ${reads} as one bare GROUP BY + read of the external values`,
      value: floorMedian,
    },
    note: `runs ${svc.map(fmt).join(' / ')} ms; floor runs ${flo.map(fmt).join(' / ')} ms; the floor aggregated ${collect.floorEvents.toLocaleString('en')} events (${collect.figures.join(', ')}; ${collect.groups.join(', ')}) and read ${collect.floorExternal.toLocaleString('en')} external values`,
  });
  rec.add({
    backend,
    group: 'collect',
    name: 'collect ÷ its SQL floor (the same figures, one bare GROUP BY)',
    value: svcMedian / floorMedian,
    unit: '×',
    target: { op: '<', value: TARGET.collectRatio },
  });
  rec.add({
    backend,
    group: 'collect',
    name: 'collect ÷ a bare count per village + the external values (what the figures cost; no target)',
    value: svcMedian / countMedian,
    unit: '×',
    note: `${fmt(svcMedian)} ÷ ${fmt(countMedian)} ms; count runs ${cnt.map(fmt).join(' / ')} ms`,
  });

  const runs: RunSteps[] = [];
  for (const level of ['village', 'town'] as const) {
    console.log(`the ${level} run of ${params.period}: collect → compute → confirm → publish …`);
    const r = await monthlyRun(services, times, actor, params.period, level, BENCH_SCHEME_CODE);
    runs.push(r);
    const colors = Object.entries(r.colors)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    rec.add({
      backend,
      group: `run ${level}`,
      name: `${level} run: collect, compute (startRun)`,
      value: r.startMs,
      unit: 'ms',
      note: `${r.units} units; collect ${fmt(r.collectMs)} ms${r.computeMs === null ? '' : `, compute and save ${fmt(r.computeMs)} ms`}; ${r.missing} inputs missing, ${r.warnings} warnings, ${r.anomalies} anomalies flagged`,
    });
    rec.add({
      backend,
      group: `run ${level}`,
      name: `${level} run: confirm`,
      value: r.confirmMs,
      unit: 'ms',
    });
    rec.add({
      backend,
      group: `run ${level}`,
      name: `${level} run: publish`,
      value: r.publishMs,
      unit: 'ms',
      note: `${r.ladderMs === null ? '' : `the accountability ladder ${fmt(r.ladderMs)} ms; `}colors: ${colors}`,
    });
    rec.add({
      backend,
      group: `run ${level}`,
      name: `${level} run, end to end`,
      value: r.totalMs,
      unit: 'ms',
    });
  }
  const whole = runs.reduce((s, r) => s + r.totalMs, 0) / 1000;
  rec.add({
    backend,
    group: 'run',
    name: `the whole monthly run (villages and towns), ${scale}`,
    value: whole,
    unit: 's',
    ...(wenzhou ? { target: { op: '<', value: TARGET.monthlyRunS } as const } : {}),
    note:
      runs.map((r) => `${r.level} ${fmt(r.totalMs / 1000)} s`).join(', ') +
      (missing.length ? `; not timed apart: ${missing.join(', ')}` : ''),
  });

  // the engine on the village run's own inputs
  const [village] = await db.query<{ id: number }>(
    `SELECT id FROM index_run WHERE period = $1 AND level = 'village' AND state = 'published'`,
    [params.period],
  );
  const inputs = await db.query<{ unit_id: number; indicator: string; value: number | null }>(
    'SELECT unit_id, indicator, value FROM index_input WHERE run_id = $1',
    [village!.id],
  );
  const input = engineInput(scheme, inputs);
  const size = `${input.units.length.toLocaleString('en')} units × ${scheme.indicators.length} indicators`;
  console.log(`engine: ${size}, ${params.rounds} rounds; ${params.replications} Monte Carlo replications …`);
  const engine = measureEngine(scheme, input, params.rounds);
  rec.add({
    backend,
    group: 'engine',
    name: `engine pipeline, ${size} (median of ${params.rounds})`,
    value: engine.median,
    unit: 'ms',
    ...(wenzhou ? { target: { op: '<', value: TARGET.engineMs } as const } : {}),
    floor: { name: 'min-max + weighted means + rank', value: engine.floorMedian },
    note: `runs ${engine.runs.map(fmt).join(' / ')} ms; floor ${engine.floorRuns.map(fmt).join(' / ')} ms; CPU ${fmt(engine.cpuMedian)} ms (floor ${fmt(engine.floorCpuMedian)} ms); ${engine.result.warnings.length} warnings, ${engine.result.treatedPoints.length} points treated, ${engine.result.imputedPoints.length} imputed`,
  });
  const mc = measureMonteCarlo(scheme, input, engine.result, params.replications);
  rec.add({
    backend,
    group: 'engine',
    name: `Monte Carlo, ${params.replications.toLocaleString('en')} weight replications, ${size}`,
    value: mc.ms,
    unit: 'ms',
    ...(wenzhou ? { target: { op: '<', value: TARGET.monteCarloMs } as const } : {}),
    floor: { name: 'weighted means + ranks per replication', value: mc.floorMs },
    note: `CPU ${fmt(mc.cpu)} ms (floor ${fmt(mc.floorCpu)} ms); ±25 % on every weight; ${mc.wide} units with a 5th–95th percentile rank interval wider than 10 places`,
  });
}

function prevPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}
