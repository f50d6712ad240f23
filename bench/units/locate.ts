// Locate, in one process: the in-memory index the units service keeps (UnitsService.locateIndex()),
// against its floor, the Flatbush bbox search alone over the same micro-grid boxes for the same points.
import Flatbush from 'flatbush';
import gcoordModule from 'gcoord';
import type { Db } from '../../server/src/db/index.js';
import { SYSTEM } from '../../server/src/modules/access/actor.js';
import type { Boundary } from '../../server/src/modules/units/geo.js';
import { LocateIndex } from '../../server/src/modules/units/locate-index.js';
import type { UnitsService } from '../../server/src/modules/units/service.js';
import { createRng } from '../../server/src/seed/rng.js';
import { median, type Summary, summarize } from '../lib/stats.js';

// gcoord is CommonJS whose typings declare a default export; at run time the module object is that export
const gcoord = gcoordModule as unknown as (typeof gcoordModule)['default'];

/** The half-width of the box a point is searched with: the index's own boundary tolerance. */
const EPS = 1e-9;
const MICRO_GRID_DEPTH = 5;

export interface Points {
  xs: Float64Array;
  ys: Float64Array;
}

/**
 * n points uniform over the counties' land (the district of the Wenzhou scale): uniform in their
 * bounding box, kept when a county boundary holds them. Seeded, so every run asks the same points.
 */
export async function randomPointsInDistrict(db: Db, n: number, seed: number): Promise<Points> {
  const rows = await db.query<{ id: number; code: string; boundary: Boundary }>(
    `SELECT id, code, boundary FROM unit WHERE level = 'county' AND boundary IS NOT NULL`,
  );
  const counties = new LocateIndex(
    rows.map((r) => ({ id: r.id, code: r.code, depth: 1, boundary: r.boundary })),
  );
  const [minX, minY, maxX, maxY] = bboxOfAll(rows.map((r) => r.boundary));
  const rng = createRng(`bench-locate-${seed}`);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; ) {
    const x = rng.range(minX, maxX);
    const y = rng.range(minY, maxY);
    if (counties.locate(x, y) === null) continue;
    xs[i] = x;
    ys[i] = y;
    i++;
  }
  return { xs, ys };
}

function bboxOfAll(bs: Boundary[]): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of bs) {
    const polys = b.type === 'Polygon' ? [b.coordinates] : b.coordinates;
    for (const poly of polys)
      for (const ring of poly)
        for (const [x, y] of ring) {
          box[0] = Math.min(box[0], x!);
          box[1] = Math.min(box[1], y!);
          box[2] = Math.max(box[2], x!);
          box[3] = Math.max(box[3], y!);
        }
  }
  return box;
}

/** The floor's tree: the micro-grids' stored bboxes, in Flatbush with its default node size, as the index. */
export async function microGridTree(db: Db): Promise<{ tree: Flatbush; size: number }> {
  const rows = await db.query<{ min_lng: number; min_lat: number; max_lng: number; max_lat: number }>(
    `SELECT min_lng, min_lat, max_lng, max_lat FROM unit
      WHERE level = 'micro_grid' AND boundary IS NOT NULL ORDER BY code`,
  );
  const tree = new Flatbush(rows.length);
  for (const r of rows) tree.add(r.min_lng, r.min_lat, r.max_lng, r.max_lat);
  tree.finish();
  return { tree, size: rows.length };
}

export interface BatchResult {
  /** Lookups per second over the whole batch, one per round. */
  locateRates: number[];
  floorRates: number[];
  /** Points that located to no unit (outside every shape). */
  misses: number;
  /** Keeps the loops' results alive so that no engine may skip them. */
  checksum: number;
}

/** Throughput over the whole batch, rounds interleaved with the floor so that load shifts hit both. */
export function measureBatch(index: LocateIndex, tree: Flatbush, pts: Points, rounds: number): BatchResult {
  const { xs, ys } = pts;
  const n = xs.length;
  const out: BatchResult = { locateRates: [], floorRates: [], misses: 0, checksum: 0 };
  // warm-up: let the JIT settle on both loops before anything is timed
  for (let i = 0; i < Math.min(n, 50_000); i++) {
    out.checksum += index.locate(xs[i]!, ys[i]!) ?? 0;
    out.checksum += tree.search(xs[i]! - EPS, ys[i]! - EPS, xs[i]! + EPS, ys[i]! + EPS).length;
  }
  for (let r = 0; r < rounds; r++) {
    let misses = 0;
    let sum = 0;
    let t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      const id = index.locate(xs[i]!, ys[i]!);
      if (id === null) misses++;
      else sum += id;
    }
    out.locateRates.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
    out.misses = misses;
    t0 = process.hrtime.bigint();
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      hits += tree.search(x - EPS, y - EPS, x + EPS, y + EPS).length;
    }
    out.floorRates.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
    out.checksum += sum + hits;
  }
  return out;
}

export interface LatencyResult {
  locate: Summary;
  floor: Summary;
  /** Of the sampled points: how many located to a micro-grid, to a shallower unit, to nothing. */
  depths: { microGrid: number; shallower: number; none: number };
  checksum: number;
}

/** Per-call latency (ns, the timer's own cost subtracted) of the first `sample` points. */
export function measureLatency(
  index: LocateIndex,
  tree: Flatbush,
  pts: Points,
  sample: number,
  overheadNs: number,
): LatencyResult {
  const n = Math.min(sample, pts.xs.length);
  const { xs, ys } = pts;
  const loc = new Float64Array(n);
  const flo = new Float64Array(n);
  let checksum = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    let t0 = process.hrtime.bigint();
    const id = index.locate(x, y);
    let t1 = process.hrtime.bigint();
    loc[i] = Math.max(0, Number(t1 - t0) - overheadNs);
    t0 = process.hrtime.bigint();
    const hits = tree.search(x - EPS, y - EPS, x + EPS, y + EPS);
    t1 = process.hrtime.bigint();
    flo[i] = Math.max(0, Number(t1 - t0) - overheadNs);
    checksum += (id ?? 0) + hits.length;
  }
  const depths = { microGrid: 0, shallower: 0, none: 0 };
  for (let i = 0; i < n; i++) {
    const hit = index.locateWithDepth(xs[i]!, ys[i]!);
    if (!hit) depths.none++;
    else if (hit.depth === MICRO_GRID_DEPTH) depths.microGrid++;
    else depths.shallower++;
  }
  return { locate: summarize(loc), floor: summarize(flo), depths, checksum };
}

export interface ServiceLocateResult {
  calls: number;
  /** Calls per second, one after the other (each awaits its ancestors query). */
  rate: number;
  latencyUs: Summary;
  /** The GCJ-02 → WGS84 conversion alone, per call, µs (median). */
  gcoordUs: number;
  /** Share of answers that are the unit the index gives for the original WGS84 point. */
  agreement: number;
}

/** The service path a phone report takes: UnitsService.locate(actor, {lng, lat, crs: 'gcj02'}). */
export async function measureServiceLocate(
  units: UnitsService,
  index: LocateIndex,
  pts: Points,
  calls: number,
  overheadNs: number,
): Promise<ServiceLocateResult> {
  const n = Math.min(calls, pts.xs.length);
  // the phone's view of the same points: GCJ-02, as 高德/腾讯 maps report them
  const gx = new Float64Array(n);
  const gy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [x, y] = gcoord.transform([pts.xs[i]!, pts.ys[i]!], gcoord.WGS84, gcoord.GCJ02);
    gx[i] = x!;
    gy[i] = y!;
  }
  const conv: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    gcoord.transform([gx[i]!, gy[i]!], gcoord.GCJ02, gcoord.WGS84);
    conv.push(Math.max(0, Number(process.hrtime.bigint() - t0) - overheadNs));
  }
  for (let i = 0; i < Math.min(n, 200); i++) {
    await units.locate(SYSTEM, { lng: gx[i]!, lat: gy[i]!, crs: 'gcj02' });
  }
  const lat = new Float64Array(n);
  const ids = new Float64Array(n);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    // a point outside every unit answers a 404 problem: count it as no unit (-1), it is a real answer
    const found = await units
      .locate(SYSTEM, { lng: gx[i]!, lat: gy[i]!, crs: 'gcj02' })
      .then((r) => r.unit.id)
      .catch(() => -1);
    lat[i] = Math.max(0, Number(process.hrtime.bigint() - t0) - overheadNs) / 1000;
    ids[i] = found;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  let agree = 0;
  for (let i = 0; i < n; i++) if (ids[i] === (index.locate(pts.xs[i]!, pts.ys[i]!) ?? -1)) agree++;
  return {
    calls: n,
    rate: n / seconds,
    latencyUs: summarize(lat),
    gcoordUs: median(conv) / 1000,
    agreement: agree / n,
  };
}
