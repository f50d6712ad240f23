// Splits a convex polygon into n convex cells that tile it exactly: a Voronoi diagram (d3-delaunay)
// of seeded random sites, relaxed a few times (Lloyd) so cells have even sizes, each cell clipped to
// the parent. Because every parent is convex, every cell is too, and the whole tree stays exact.
import { Delaunay } from 'd3-delaunay';
import { bbox, ccw, centroid, clipConvex, type Pt, type Ring, randomPointIn } from './geometry.js';
import type { Rng } from './rng.js';

export interface PartitionOptions {
  /** Sites that must stay where they are (e.g. a town's known centre); null or absent = free. */
  fixed?: (Pt | null)[];
  /** Lloyd relaxation steps for the free sites. */
  lloyd?: number;
}

/**
 * n cells tiling `parent` (convex, counter-clockwise). With fixed sites, cell i belongs to site i;
 * otherwise cells come in rows from north to south, alternating direction, so that neighbours get
 * neighbouring numbers.
 */
export function partition(parent: Ring, n: number, rng: Rng, opts: PartitionOptions = {}): Ring[] {
  if (!Number.isInteger(n) || n < 1) throw new Error(`partition: n must be a positive integer, got ${n}`);
  const fixed = opts.fixed ?? [];
  if (n === 1) return [parent];
  const sites: Pt[] = [];
  for (let i = 0; i < n; i++) sites.push(fixed[i] ?? randomPointIn(parent, rng));
  const free = sites.map((_, i) => !fixed[i]);
  const anyFree = free.some(Boolean);
  for (let step = 0; anyFree && step < (opts.lloyd ?? 4); step++) {
    const cells = voronoiCells(parent, sites);
    for (let i = 0; i < n; i++) if (free[i]) sites[i] = centroid(cells[i] as Ring);
  }
  const cells = voronoiCells(parent, sites);
  if (fixed.some(Boolean)) return cells;
  return rowOrder(sites).map((i) => cells[i] as Ring);
}

function voronoiCells(parent: Ring, sites: Pt[]): Ring[] {
  const [x0, y0, x1, y1] = bbox(parent);
  const pad = Math.max(x1 - x0, y1 - y0);
  const voronoi = Delaunay.from(sites).voronoi([x0 - pad, y0 - pad, x1 + pad, y1 + pad]);
  return sites.map((site, i) => {
    const poly = voronoi.cellPolygon(i) as Pt[] | null;
    if (!poly) throw new Error(`partition: no cell for site ${i} at ${site.join(',')} (duplicate site?)`);
    const cell = clipConvex(ccw(poly.slice(0, -1)), parent);
    if (cell.length < 3) throw new Error(`partition: empty cell for site ${i} at ${site.join(',')}`);
    return cell;
  });
}

/** Indices of the sites in rows from north to south, west→east then east→west (boustrophedon). */
export function rowOrder(sites: Pt[]): number[] {
  const [x0, y0, x1, y1] = bbox(sites);
  const w = Math.max(x1 - x0, 1e-9);
  const h = Math.max(y1 - y0, 1e-9);
  const rows = Math.min(sites.length, Math.max(1, Math.round(Math.sqrt((sites.length * h) / w))));
  const byY = sites.map((_, i) => i).sort((a, b) => (sites[b] as Pt)[1] - (sites[a] as Pt)[1] || a - b);
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    const row = byY.slice(Math.round((r * sites.length) / rows), Math.round(((r + 1) * sites.length) / rows));
    row.sort((a, b) => ((sites[a] as Pt)[0] - (sites[b] as Pt)[0]) * (r % 2 === 0 ? 1 : -1) || a - b);
    out.push(...row);
  }
  return out;
}
