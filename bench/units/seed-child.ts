// Child process of units.bench.ts (peak RSS is this process's own). Two modes, on the database that
// DATABASE_URL or ANWANG_DATA_DIR names, opened and migrated as the `anwang` CLI does:
//   --mode seed   seedDemo(…, {scale: 'wenzhou'}) through the services, as `anwang seed` runs it;
//   --mode floor  the floor: the same unit rows, with their derived columns computed beforehand, written
//                 by a bare `INSERT … SELECT FROM unnest(…)` in batches, in one transaction, with no
//                 validation and no derivation in the timed part.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/src/config.js';
import { openMigratedDb } from '../../server/src/db/index.js';
import { derive } from '../../server/src/modules/units/geo.js';
import { LEVEL_DEPTH } from '../../server/src/modules/units/schema.js';
import { type SeedStage, seedDemo } from '../../server/src/seed/index.js';
import { generateLayout, type SeedUnit } from '../../server/src/seed/layout.js';
import { createServices } from '../../server/src/services.js';
import { peakRssMb, reportToParent } from '../lib/child.js';

/** The same batch size as the units module's bulk insert. */
const BATCH = 2000;

// The columns and casts of the units repository's insert, nothing else.
const FLOOR_SQL = `INSERT INTO unit (id, code, name, level, parent_id, path, county_code, grid_kind, population,
    households, boundary, area_m2, centroid_lng, centroid_lat, min_lng, min_lat, max_lng, max_lat)
  SELECT id, code, name, level, parent_id, path, county_code, grid_kind, population, households,
         boundary::jsonb, area_m2, c_lng, c_lat, min_lng, min_lat, max_lng, max_lat
    FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[],
      $8::text[], $9::int[], $10::int[], $11::text[], $12::float8[], $13::float8[], $14::float8[],
      $15::float8[], $16::float8[], $17::float8[], $18::float8[])
      AS t(id, code, name, level, parent_id, path, county_code, grid_kind, population, households,
           boundary, area_m2, c_lng, c_lat, min_lng, min_lat, max_lng, max_lat)`;

export interface SeedChildResult {
  mode: 'seed' | 'floor';
  /** The timed part, in seconds. */
  seconds: number;
  openMigrateSeconds: number;
  closeSeconds: number;
  /** Seconds per seed stage (seed mode). */
  stages: Partial<Record<SeedStage, number>>;
  units: number;
  people: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

const { values } = parseArgs({
  options: { mode: { type: 'string' }, seed: { type: 'string', default: '1' } },
});
const mode = values.mode;
if (mode !== 'seed' && mode !== 'floor') throw new Error('--mode seed|floor');
const seed = Number(values.seed);

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
let t = performance.now();
const db = await openMigratedDb(config);
const openMigrateSeconds = (performance.now() - t) / 1000;

let seconds = 0;
let units = 0;
let people = 0;
const stages: Partial<Record<SeedStage, number>> = {};
try {
  if (mode === 'seed') {
    const services = createServices(db, config);
    let stage: SeedStage | null = null;
    let stageStart = 0;
    const endStage = () => {
      if (stage) stages[stage] = (stages[stage] ?? 0) + (performance.now() - stageStart) / 1000;
    };
    t = performance.now();
    const summary = await seedDemo(services, {
      scale: 'wenzhou',
      seed,
      onProgress(s) {
        if (s === stage) return;
        endStage();
        stage = s;
        stageStart = performance.now();
      },
    });
    endStage();
    seconds = (performance.now() - t) / 1000;
    units = Object.values(summary.units).reduce((a, b) => a + b, 0);
    people = summary.people;
  } else {
    const batches = prepareFloorBatches(generateLayout('wenzhou', seed));
    units = batches.reduce((n, b) => n + (b[0] as number[]).length, 0);
    t = performance.now();
    await db.tx(async (q) => {
      for (const params of batches) await q.query(FLOOR_SQL, params);
    });
    seconds = (performance.now() - t) / 1000;
  }
} finally {
  t = performance.now();
  await db.close();
}
const closeSeconds = (performance.now() - t) / 1000;

const result: SeedChildResult = {
  mode,
  seconds,
  openMigrateSeconds,
  closeSeconds,
  stages,
  units,
  people,
  rssBeforeMb,
  peakRssMb: peakRssMb(),
};
reportToParent(result);

/** Ids, paths, counties and derived figures, computed outside the timed part; one params array per batch. */
function prepareFloorBatches(layout: SeedUnit[]): unknown[][][] {
  const ordered = [...layout].sort((a, b) => LEVEL_DEPTH[a.level] - LEVEL_DEPTH[b.level]);
  const known = new Map<string, { id: number; path: string; county: string | null }>();
  const rows = ordered.map((u, i) => {
    const parent = u.parentCode ? known.get(u.parentCode)! : null;
    const id = i + 1;
    const path = `${parent?.path ?? '/'}${u.code}/`;
    const county = u.level === 'county' ? u.code : (parent?.county ?? null);
    known.set(u.code, { id, path, county });
    const d = u.boundary ? derive(u.boundary) : null;
    return [
      id,
      u.code,
      u.name,
      u.level,
      parent?.id ?? null,
      path,
      county,
      u.level === 'grid' ? (u.gridKind ?? 'general') : null,
      u.population ?? null,
      u.households ?? null,
      u.boundary ? JSON.stringify(u.boundary) : null,
      d?.areaM2 ?? null,
      d?.centroid[0] ?? null,
      d?.centroid[1] ?? null,
      d?.bbox[0] ?? null,
      d?.bbox[1] ?? null,
      d?.bbox[2] ?? null,
      d?.bbox[3] ?? null,
    ];
  });
  const batches: unknown[][][] = [];
  for (let s = 0; s < rows.length; s += BATCH) {
    const slice = rows.slice(s, s + BATCH);
    batches.push(Array.from({ length: 18 }, (_, c) => slice.map((r) => r[c])));
  }
  return batches;
}
