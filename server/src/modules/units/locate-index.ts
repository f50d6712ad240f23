// The locate hot path: which unit contains a point. A Flatbush R-tree over the units' bounding boxes
// finds candidates; a point-in-polygon test over flat Float64Arrays (ray casting, even-odd over every
// ring, so holes and MultiPolygons need no special case) decides. Pure: built from plain data.
//
// Rules:
//  - a point on a boundary (within EPS degrees, ~0.1 mm) counts as inside;
//  - among several units of the same depth containing the point (shared borders, overlapping data)
//    the smallest code wins, so the answer never depends on insertion order;
//  - entries carry a depth (micro-grid deepest); the deepest depth that contains the point answers,
//    so a point in a grid whose micro-grids have no shapes (or that falls in a gap between them)
//    resolves to the grid, then the village, and so on.
import Flatbush from 'flatbush';
import type { Boundary } from './geo.js';

export interface LocateEntry {
  id: number;
  code: string;
  /** Larger is deeper; only the deepest tier holding the point answers. */
  depth: number;
  boundary: Boundary;
  bbox?: [number, number, number, number];
}

const EPS = 1e-9;
const EPS2 = EPS * EPS;

/** One tier: entries of one depth, sorted by code so that a lower index means a smaller code. */
class Tier {
  readonly tree: Flatbush;
  readonly ids: Float64Array;
  /** Per entry, its range of rings in ringStart: [entryRing[i], entryRing[i + 1]). */
  readonly entryRing: Uint32Array;
  /** Per ring, its range of coordinates (pairs) in coords: [ringStart[r], ringStart[r + 1]). */
  readonly ringStart: Uint32Array;
  readonly coords: Float64Array;

  constructor(entries: LocateEntry[]) {
    const sorted = [...entries].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    let ringCount = 0;
    let pointCount = 0;
    for (const e of sorted) {
      for (const poly of polygonsOf(e.boundary)) {
        ringCount += poly.length;
        for (const ring of poly) pointCount += ring.length;
      }
    }
    this.ids = new Float64Array(sorted.length);
    this.entryRing = new Uint32Array(sorted.length + 1);
    this.ringStart = new Uint32Array(ringCount + 1);
    this.coords = new Float64Array(pointCount * 2);
    this.tree = new Flatbush(Math.max(sorted.length, 1));
    let r = 0;
    let p = 0;
    sorted.forEach((e, i) => {
      this.ids[i] = e.id;
      this.entryRing[i] = r;
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const poly of polygonsOf(e.boundary)) {
        for (const ring of poly) {
          this.ringStart[r++] = p;
          for (const pos of ring) {
            const x = pos[0]!;
            const y = pos[1]!;
            this.coords[2 * p] = x;
            this.coords[2 * p + 1] = y;
            p++;
            if (x < minX) minX = x;
            if (y < minY) minY = y;
            if (x > maxX) maxX = x;
            if (y > maxY) maxY = y;
          }
        }
      }
      // the stored bbox, when given, is trusted only if it covers the shape
      const b = e.bbox;
      if (b && b[0] <= minX && b[1] <= minY && b[2] >= maxX && b[3] >= maxY)
        this.tree.add(b[0], b[1], b[2], b[3]);
      else this.tree.add(minX, minY, maxX, maxY);
    });
    this.entryRing[sorted.length] = r;
    this.ringStart[ringCount] = p;
    if (sorted.length === 0) this.tree.add(0, 0, 0, 0); // Flatbush needs one item; no ring matches it
    this.tree.finish();
  }

  get size() {
    return this.ids.length;
  }

  /** Index (in code order) of the first entry containing the point, or -1. */
  find(x: number, y: number): number {
    let best = -1;
    const hits = this.tree.search(x - EPS, y - EPS, x + EPS, y + EPS);
    for (let k = 0; k < hits.length; k++) {
      const i = hits[k]!;
      if (i >= this.ids.length) continue;
      if ((best === -1 || i < best) && this.contains(i, x, y)) best = i;
    }
    return best;
  }

  contains(i: number, x: number, y: number): boolean {
    const { coords, ringStart } = this;
    let inside = false;
    for (let r = this.entryRing[i]!, rEnd = this.entryRing[i + 1]!; r < rEnd; r++) {
      const start = ringStart[r]!;
      const end = ringStart[r + 1]!;
      // edges (j → k) over the ring; the closing position repeats the first, so k runs from start + 1
      for (let j = start, k = start + 1; k < end; j = k, k++) {
        const xi = coords[2 * j]!;
        const yi = coords[2 * j + 1]!;
        const xj = coords[2 * k]!;
        const yj = coords[2 * k + 1]!;
        if ((y < yi - EPS && y < yj - EPS) || (y > yi + EPS && y > yj + EPS)) continue;
        // on the edge (within EPS): boundary counts as inside
        if (x >= Math.min(xi, xj) - EPS && x <= Math.max(xi, xj) + EPS) {
          const dx = xj - xi;
          const dy = yj - yi;
          const cross = dx * (y - yi) - dy * (x - xi);
          if (cross * cross <= EPS2 * (dx * dx + dy * dy)) return true;
        }
        if (yi > y !== yj > y) {
          // compute the crossing from the lower endpoint, so that two polygons sharing this edge
          // (traversed in opposite directions) get the bit-identical answer
          const t =
            yi < yj ? xi + ((xj - xi) * (y - yi)) / (yj - yi) : xj + ((xi - xj) * (y - yj)) / (yi - yj);
          if (x < t) inside = !inside;
        }
      }
    }
    return inside;
  }
}

export class LocateIndex {
  /** Tiers, deepest first. */
  private readonly tiers: Tier[];
  private readonly tierDepth: number[];
  readonly size: number;

  constructor(entries: LocateEntry[]) {
    const byDepth = new Map<number, LocateEntry[]>();
    for (const e of entries) {
      if (!e.boundary) continue;
      const list = byDepth.get(e.depth);
      if (list) list.push(e);
      else byDepth.set(e.depth, [e]);
    }
    this.tierDepth = [...byDepth.keys()].sort((a, b) => b - a);
    this.tiers = this.tierDepth.map((d) => new Tier(byDepth.get(d)!));
    this.size = entries.length;
  }

  /** Id of the deepest unit containing the point, or null when none does. */
  locate(lng: number, lat: number): number | null {
    for (const tier of this.tiers) {
      const i = tier.find(lng, lat);
      if (i >= 0) return tier.ids[i]!;
    }
    return null;
  }

  /** Like locate, with the depth of the answer. */
  locateWithDepth(lng: number, lat: number): { id: number; depth: number } | null {
    for (let t = 0; t < this.tiers.length; t++) {
      const tier = this.tiers[t]!;
      const i = tier.find(lng, lat);
      if (i >= 0) return { id: tier.ids[i]!, depth: this.tierDepth[t]! };
    }
    return null;
  }
}

function polygonsOf(b: Boundary): number[][][][] {
  return b.type === 'Polygon' ? [b.coordinates] : b.coordinates;
}
