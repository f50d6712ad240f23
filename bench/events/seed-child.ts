// Child process of events.bench.ts: seeds the Ouhai demo district (units, departments, categories,
// people, demo accounts; no demo events and no safety-index history — the benchmark makes its own
// events) into the database that DATABASE_URL or ANWANG_DATA_DIR names, opened and migrated as the
// `anwang` CLI does, and hands back
// one point per micro-grid to report from: its centroid, kept when the service's own locate index puts
// it in that micro-grid (so every report locates, and routes, like a real one).
import { loadConfig } from '../../server/src/config.js';
import { openMigratedDb } from '../../server/src/db/index.js';
import { seedDemo } from '../../server/src/seed/index.js';
import { createServices } from '../../server/src/services.js';
import { reportToParent } from '../lib/child.js';

export interface SeedResult {
  seconds: number;
  microGrids: number;
  /** [lng, lat] (WGS84) inside distinct micro-grids. */
  points: [number, number][];
}

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const t = performance.now();
const db = await openMigratedDb(config);
let result: SeedResult;
try {
  const services = createServices(db, config);
  const summary = await seedDemo(services, { scale: 'ouhai', seed: 1, eventDays: 0, indexMonths: 0 });
  const seconds = (performance.now() - t) / 1000;
  const index = await services.units.locateIndex();
  const rows = await db.query<{ id: number; lng: number; lat: number }>(
    `SELECT id, centroid_lng AS lng, centroid_lat AS lat FROM unit
     WHERE level = 'micro_grid' AND centroid_lng IS NOT NULL ORDER BY id`,
  );
  const points = rows
    .filter((r) => index.locate(r.lng, r.lat) === r.id)
    .map((r) => [r.lng, r.lat] as [number, number]);
  result = { seconds, microGrids: summary.units.micro_grid, points };
} finally {
  await db.close();
}
reportToParent(result);
