// The units benchmark at the Wenzhou scale (about 60,000 micro-grids, 75,000 units), on PGlite and on
// PostgreSQL: seed time and peak memory, locate throughput and latency, subtree query time — each
// against a floor measured in the same run. `npm run bench -- units [--backends pglite] [--points N] …`
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/src/config.js';
import { openMigratedDb } from '../../server/src/db/index.js';
import { createServices } from '../../server/src/services.js';
import { runChild } from '../lib/child.js';
import { BACKENDS, type BenchTarget, createTarget, onEachBackend } from '../lib/db.js';
import { type Backend, fmt, Recorder } from '../lib/report.js';
import { timerOverheadNs } from '../lib/stats.js';
import {
  measureBatch,
  measureLatency,
  measureServiceLocate,
  microGridTree,
  randomPointsInDistrict,
} from './locate.js';
import type { SeedChildResult } from './seed-child.js';
import { measureSubtree } from './subtree.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SEED_CHILD = path.join(HERE, 'seed-child.ts');

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: BACKENDS.join(',') },
    seed: { type: 'string', default: '1' },
    points: { type: 'string', default: '1000000' },
    sample: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    'service-calls': { type: 'string', default: '2000' },
    towns: { type: 'string', default: '50' },
  },
});
const seed = Number(values.seed);
const params = {
  scale: 'wenzhou',
  seed,
  points: Number(values.points),
  sample: Number(values.sample),
  rounds: Number(values.rounds),
  serviceCalls: Number(values['service-calls']),
  towns: Number(values.towns),
};
const wanted = values.backends.split(',').filter(Boolean) as Backend[];
for (const b of wanted) if (!BACKENDS.includes(b)) throw new Error(`unknown backend ${b}`);

const rec = new Recorder('units', params);
const sec = { op: '<', value: 120 } as const;

const failed = await onEachBackend(wanted, 'seed', async (backend, target) => {
  await seedFigures(backend, target);
  await inProcessFigures(backend, target);
});
console.log(`\nresults: ${path.relative(process.cwd(), rec.write())}`);
process.exit(failed ? 1 : 0);

async function seedFigures(backend: Backend, target: BenchTarget) {
  console.log(`seeding the Wenzhou scale into ${target.label} (child process) …`);
  const s = await runChild<SeedChildResult>(
    SEED_CHILD,
    ['--mode', 'seed', '--seed', String(seed)],
    target.env,
  );
  const floorTarget = await createTarget(backend, 'floor');
  let f: SeedChildResult;
  try {
    console.log('floor: bare unnest insert of the same unit rows (child process) …');
    f = await runChild<SeedChildResult>(
      SEED_CHILD,
      ['--mode', 'floor', '--seed', String(seed)],
      floorTarget.env,
    );
  } finally {
    await floorTarget.drop();
  }
  const stages = Object.entries(s.stages)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');
  rec.add({
    backend,
    group: 'seed',
    name: 'seedDemo wenzhou',
    value: s.seconds,
    unit: 's',
    target: sec,
    floor: { name: 'unnest insert of the units', value: f.seconds },
    note: `${s.units} units, ${s.people} people; stages s: ${stages}; open+migrate ${fmt(s.openMigrateSeconds)} s, close ${fmt(s.closeSeconds)} s`,
  });
  rec.add({
    backend,
    group: 'seed',
    name: 'units stage of the seed',
    value: s.stages.units ?? Number.NaN,
    unit: 's',
    floor: { name: 'unnest insert of the units', value: f.seconds },
    note: 'validation (shapes included) + derived fields + the same insert',
  });
  rec.add({
    backend,
    group: 'seed',
    name: 'seed peak RSS',
    value: s.peakRssMb,
    unit: 'MB',
    target: { op: '<', value: 2048 },
    floor: { name: 'bare insert process', value: f.peakRssMb },
    note: `node process only (ru_maxrss); ${fmt(s.rssBeforeMb)} MB before opening the database${backend === 'postgres' ? '; the PostgreSQL server is not counted' : ''}`,
  });
}

async function inProcessFigures(backend: Backend, target: BenchTarget) {
  const config = loadConfig({ ...process.env, ...target.env, LOG_LEVEL: 'silent' });
  const db = await openMigratedDb(config);
  try {
    const services = createServices(db, config);
    let t = performance.now();
    const index = await services.units.locateIndex();
    const loadMs = performance.now() - t;
    rec.add({
      backend,
      group: 'locate',
      name: 'index load (UnitsService.locateIndex)',
      value: loadMs / 1000,
      unit: 's',
      note: `${index.size} shapes read, parsed and indexed`,
    });
    const { tree, size } = await microGridTree(db);
    t = performance.now();
    const pts = await randomPointsInDistrict(db, params.points, seed);
    console.log(
      `  ${params.points.toLocaleString('en')} random points in the counties in ${fmt((performance.now() - t) / 1000)} s; floor tree of ${size} micro-grids`,
    );
    const overhead = timerOverheadNs();
    const batch = measureBatch(index, tree, pts, params.rounds);
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    rec.add({
      backend,
      group: 'locate',
      name: `throughput, ${params.points.toLocaleString('en')} points (median of ${params.rounds})`,
      value: med(batch.locateRates),
      unit: 'lookups/s',
      better: 'higher',
      target: { op: '>=', value: 200_000 },
      floor: { name: 'Flatbush search alone', value: med(batch.floorRates) },
      note: `rounds ${batch.locateRates.map((r) => fmt(r)).join(' / ')}; floor ${batch.floorRates.map((r) => fmt(r)).join(' / ')}; ${batch.misses} outside every unit`,
    });
    const lat = measureLatency(index, tree, pts, params.sample, overhead);
    const us = (ns: number) => ns / 1000;
    rec.add({
      backend,
      group: 'locate',
      name: `p99 latency, ${lat.locate.n.toLocaleString('en')} timed calls`,
      value: us(lat.locate.p99),
      unit: 'µs',
      target: { op: '<', value: 50 },
      floor: { name: 'Flatbush search p99', value: us(lat.floor.p99) },
      note: `p50 ${fmt(us(lat.locate.p50))}, p90 ${fmt(us(lat.locate.p90))}, p99.9 ${fmt(us(lat.locate.p999))}, max ${fmt(us(lat.locate.max))} µs; timer overhead ${fmt(overhead)} ns subtracted`,
    });
    rec.add({
      backend,
      group: 'locate',
      name: 'p50 latency',
      value: us(lat.locate.p50),
      unit: 'µs',
      floor: { name: 'Flatbush search p50', value: us(lat.floor.p50) },
      note: `sampled points: ${lat.depths.microGrid} in a micro-grid, ${lat.depths.shallower} in a shallower unit, ${lat.depths.none} in none`,
    });
    const svc = await measureServiceLocate(services.units, index, pts, params.serviceCalls, overhead);
    rec.add({
      backend,
      group: 'locate',
      name: `UnitsService.locate gcj02, ${svc.calls} sequential calls`,
      value: svc.rate,
      unit: 'calls/s',
      better: 'higher',
      note: `p50 ${fmt(svc.latencyUs.p50)}, p99 ${fmt(svc.latencyUs.p99)} µs per call (index + GCJ-02 conversion ${fmt(svc.gcoordUs)} µs + ancestors query); ${fmt(svc.agreement * 100)}% same unit as the WGS84 point`,
    });

    const sub = await measureSubtree(db, services.units, params.towns, seed);
    const subNote = `${sub.towns} towns, ${fmt(sub.meanSubtreeUnits)} units per subtree on average`;
    rec.add({
      backend,
      group: 'subtree',
      name: 'UnitsService.list within a town (page of 50 + total), median',
      value: sub.list.p50,
      unit: 'ms',
      target: { op: '<', value: 20 },
      floor: { name: 'path LIKE median', value: sub.floor.p50 },
      note: subNote,
    });
    rec.add({
      backend,
      group: 'subtree',
      name: 'UnitsService.list within a town, p95',
      value: sub.list.p95,
      unit: 'ms',
      target: { op: '<', value: 20 },
      floor: { name: 'path LIKE p95', value: sub.floor.p95 },
    });
    rec.add({
      backend,
      group: 'subtree',
      name: "UnitsService.geojsonText a town's micro-grids, median",
      value: sub.geojson.p50,
      unit: 'ms',
      floor: { name: 'path LIKE median', value: sub.floor.p50 },
      note: `p95 ${fmt(sub.geojson.p95)} ms; the map's drill-in (database-built JSON)`,
    });
  } finally {
    await db.close();
  }
}
