// The subtree of a town, as a user asks for it: the units explorer lists a town's units
// (UnitsService.list with `within`, one page and the total) and the map draws its micro-grids
// (UnitsService.geojsonText). Floor: the bare prefix query on the path index through the same driver.
import type { Db } from '../../server/src/db/index.js';
import { SYSTEM } from '../../server/src/modules/access/actor.js';
import type { UnitsService } from '../../server/src/modules/units/service.js';
import { createRng } from '../../server/src/seed/rng.js';
import { type Summary, summarize } from '../lib/stats.js';

export const FLOOR_SQL = 'SELECT id FROM unit WHERE path LIKE $1';

export interface SubtreeResult {
  towns: number;
  /** Units in the measured subtrees, on average (the town included). */
  meanSubtreeUnits: number;
  /** Milliseconds per call. */
  list: Summary;
  geojson: Summary;
  floor: Summary;
}

async function ms(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** `runs` calls of each over different towns (seeded pick), after a few unmeasured warm-up calls. */
export async function measureSubtree(
  db: Db,
  units: UnitsService,
  runs: number,
  seed: number,
): Promise<SubtreeResult> {
  const towns = await db.query<{ id: number; path: string }>(
    `SELECT id, path FROM unit WHERE level = 'town' ORDER BY code`,
  );
  if (towns.length === 0) throw new Error('no towns: is the database seeded?');
  const rng = createRng(`bench-subtree-${seed}`);
  for (let i = towns.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [towns[i], towns[j]] = [towns[j]!, towns[i]!];
  }
  const pick = (k: number) => towns[k % towns.length]!;
  const warm = 5;
  const list: number[] = [];
  const geojson: number[] = [];
  const floor: number[] = [];
  let subtreeUnits = 0;
  for (let k = 0; k < warm + runs; k++) {
    const town = pick(k);
    const like = `${town.path}%`;
    const calls = {
      list: () => units.list(SYSTEM, { within: town.id, page: 1, pageSize: 50 }),
      geojson: () => units.geojsonText(SYSTEM, { within: town.id, level: 'micro_grid' }),
      floor: async () => {
        subtreeUnits += k >= warm ? (await db.query(FLOOR_SQL, [like])).length : 0;
      },
    };
    // alternate the order, so that neither the service nor the floor always finds the pages warmed
    const order =
      k % 2 === 0 ? (['list', 'geojson', 'floor'] as const) : (['floor', 'geojson', 'list'] as const);
    for (const name of order) {
      const t = await ms(calls[name]);
      if (k < warm) continue;
      (name === 'list' ? list : name === 'geojson' ? geojson : floor).push(t);
    }
  }
  return {
    towns: Math.min(runs, towns.length),
    meanSubtreeUnits: subtreeUnits / runs,
    list: summarize(list),
    geojson: summarize(geojson),
    floor: summarize(floor),
  };
}
