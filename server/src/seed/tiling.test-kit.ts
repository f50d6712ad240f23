// Checks that a parent polygon is tiled by its children: used by the seed's tests only.
import { area, bbox, clipConvex, type Pt, pointInRing, type Ring } from './geometry.js';
import { createRng } from './rng.js';

export interface TilingReport {
  parentArea: number;
  childAreaSum: number;
  /** Largest distance of a child vertex outside the parent (0 when all inside). */
  maxOutside: number;
  overlapArea: number;
  /** Random points in the parent that fell in no child or in more than one. */
  badPoints: number;
  nonConvex: number;
}

/**
 * Counter-clockwise and convex: no vertex lies more than `tol` to the right of the line joining its
 * neighbours (rounding coordinates leaves vertices on a straight edge a hair off it).
 */
function isConvex(ring: Ring, tol: number): boolean {
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    const c = ring[(i + 2) % ring.length]!;
    const t = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
    if (-t / Math.hypot(c[0] - a[0], c[1] - a[1]) > tol) return false;
  }
  return true;
}

/** Distance by which p lies outside the convex counter-clockwise ring (0 inside). */
function outside(p: Pt, ring: Ring): number {
  let worst = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    const d = -((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0])) / len;
    if (d > worst) worst = d;
  }
  return worst;
}

export function checkTiling(
  parent: Ring,
  children: Ring[],
  points = 50,
  seed = 'tiling',
  tol = 1e-6,
): TilingReport {
  const childAreaSum = children.reduce((s, c) => s + area(c), 0);
  let maxOutside = 0;
  for (const c of children) for (const p of c) maxOutside = Math.max(maxOutside, outside(p, parent));
  let overlapArea = 0;
  const boxes = children.map(bbox);
  for (let i = 0; i < children.length; i++) {
    for (let j = i + 1; j < children.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a[2] < b[0] || b[2] < a[0] || a[3] < b[1] || b[3] < a[1]) continue;
      const inter = clipConvex(children[i]!, children[j]!);
      if (inter.length >= 3) overlapArea += area(inter);
    }
  }
  const rng = createRng(seed);
  const [x0, y0, x1, y1] = bbox(parent);
  let badPoints = 0;
  for (let k = 0; k < points; ) {
    const p: Pt = [rng.range(x0, x1), rng.range(y0, y1)];
    if (!pointInRing(p, parent)) continue;
    k++;
    if (children.filter((c) => pointInRing(p, c)).length !== 1) badPoints++;
  }
  return {
    parentArea: area(parent),
    childAreaSum,
    maxOutside,
    overlapArea,
    badPoints,
    nonConvex: children.filter((c) => !isConvex(c, tol)).length,
  };
}
