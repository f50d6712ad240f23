// Planar polygon helpers for the illustrative boundaries. Everything is computed in a local plane in
// metres (see Plane) where every cell is convex, so clipping a convex cell by a convex parent
// (Sutherland–Hodgman) is exact and neighbours share their edges bit for bit.
import type { Rng } from './rng.js';

export type Pt = [number, number];
/** An open ring (first vertex not repeated), counter-clockwise. */
export type Ring = Pt[];

export function signedArea(ring: Ring): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[j] as Pt;
    const b = ring[i] as Pt;
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}

export const area = (ring: Ring) => Math.abs(signedArea(ring));

export function centroid(ring: Ring): Pt {
  let cx = 0;
  let cy = 0;
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const p = ring[j] as Pt;
    const q = ring[i] as Pt;
    const f = p[0] * q[1] - q[0] * p[1];
    cx += (p[0] + q[0]) * f;
    cy += (p[1] + q[1]) * f;
    a += f;
  }
  if (a === 0) return ring[0] as Pt;
  return [cx / (3 * a), cy / (3 * a)];
}

export function bbox(ring: Ring): [number, number, number, number] {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const [x, y] of ring) {
    if (x < x0) x0 = x;
    if (y < y0) y0 = y;
    if (x > x1) x1 = x;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}

export const ccw = (ring: Ring): Ring => (signedArea(ring) < 0 ? [...ring].reverse() : ring);

const cross = (o: Pt, a: Pt, b: Pt) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Convex hull (Andrew's monotone chain), counter-clockwise, without collinear points. */
export function convexHull(points: Pt[]): Ring {
  const ps = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (ps.length < 3) return ps;
  const lower: Pt[] = [];
  for (const p of ps) {
    while (lower.length >= 2 && cross(lower.at(-2) as Pt, lower.at(-1) as Pt, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Pt[] = [];
  for (let i = ps.length - 1; i >= 0; i--) {
    const p = ps[i] as Pt;
    while (upper.length >= 2 && cross(upper.at(-2) as Pt, upper.at(-1) as Pt, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/**
 * Where segment pq crosses the line through a and b. The endpoints are put in a canonical order first,
 * so the two cells that share the edge pq compute the very same point.
 */
function intersect(p: Pt, q: Pt, a: Pt, b: Pt): Pt {
  if (p[0] > q[0] || (p[0] === q[0] && p[1] > q[1])) [p, q] = [q, p];
  const dp = cross(a, b, p);
  const dq = cross(a, b, q);
  const t = dp / (dp - dq);
  return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
}

/** Sutherland–Hodgman: the part of `subject` inside the convex, counter-clockwise `clip`. */
export function clipConvex(subject: Ring, clip: Ring): Ring {
  let out = subject;
  for (let i = 0; i < clip.length && out.length > 0; i++) {
    const a = clip[i] as Pt;
    const b = clip[(i + 1) % clip.length] as Pt;
    const input = out;
    out = [];
    for (let j = 0; j < input.length; j++) {
      const cur = input[j] as Pt;
      const prev = input[(j + input.length - 1) % input.length] as Pt;
      const curIn = cross(a, b, cur) >= 0;
      const prevIn = cross(a, b, prev) >= 0;
      if (curIn) {
        if (!prevIn) out.push(intersect(prev, cur, a, b));
        out.push(cur);
      } else if (prevIn) {
        out.push(intersect(prev, cur, a, b));
      }
    }
  }
  return dedupe(out);
}

/** Drops repeated consecutive vertices (a clip through a vertex produces them). */
function dedupe(ring: Ring): Ring {
  const out: Ring = [];
  for (const p of ring) {
    const last = out.at(-1);
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  while (out.length > 1 && out[0]?.[0] === out.at(-1)?.[0] && out[0]?.[1] === out.at(-1)?.[1]) out.pop();
  return out;
}

/** Even–odd ray casting; any simple ring. */
export function pointInRing(p: Pt, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i] as Pt;
    const b = ring[j] as Pt;
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) {
      inside = !inside;
    }
  }
  return inside;
}

/** A uniformly random point inside the ring (rejection sampling in its bounding box). */
export function randomPointIn(ring: Ring, rng: Rng): Pt {
  const [x0, y0, x1, y1] = bbox(ring);
  for (let i = 0; i < 10_000; i++) {
    const p: Pt = [rng.range(x0, x1), rng.range(y0, y1)];
    if (pointInRing(p, ring)) return p;
  }
  return centroid(ring);
}

/** A rounded convex outline around some centres: the hull of circles of radius r (or r[i]) around each. */
export function roundedHull(centres: Pt[], r: number | number[], steps = 24): Ring {
  const pts: Pt[] = [];
  for (const [i, [x, y]] of centres.entries()) {
    const radius = typeof r === 'number' ? r : (r[i] ?? 0);
    for (let k = 0; k < steps; k++) {
      const t = (2 * Math.PI * k) / steps;
      pts.push([x + radius * Math.cos(t), y + radius * Math.sin(t)]);
    }
  }
  return convexHull(pts);
}

/** An equirectangular plane in metres around an origin: accurate to well under 1 % across a city. */
export class Plane {
  private readonly kx: number;
  private readonly ky = 110_574;
  constructor(
    private readonly lng0: number,
    private readonly lat0: number,
  ) {
    this.kx = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  }
  toPlane([lng, lat]: Pt): Pt {
    return [(lng - this.lng0) * this.kx, (lat - this.lat0) * this.ky];
  }
  /** Back to lng/lat, rounded to 1e-7 degree (about 1 cm). */
  toLngLat([x, y]: Pt): Pt {
    return [round7(this.lng0 + x / this.kx), round7(this.lat0 + y / this.ky)];
  }
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;
