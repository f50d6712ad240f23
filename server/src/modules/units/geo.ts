// Geometry of unit boundaries (GeoJSON Polygon / MultiPolygon in WGS84): structural checks,
// self-intersection, containment in the parent, and the figures derived from a boundary. Pure.
import { area } from '@turf/area';
import { bbox as turfBbox } from '@turf/bbox';
import { centroid as turfCentroid } from '@turf/centroid';
import { kinks } from '@turf/kinks';
import type { MultiPolygon, Polygon } from 'geojson';
import polygonClipping from 'polygon-clipping';

export type Boundary = Polygon | MultiPolygon;

/** How far a child may reach outside its parent, as a share of the child's area. */
export const CONTAINMENT_TOLERANCE = 0.01;

export interface Derived {
  areaM2: number;
  centroid: [number, number];
  bbox: [number, number, number, number];
}

/**
 * Structural defects of a boundary: wrong type, rings that are not closed or too short, coordinates
 * that are not finite or out of range. An empty list means it is a well-formed Polygon/MultiPolygon.
 */
export function structuralDefects(g: unknown): string[] {
  if (typeof g !== 'object' || g === null) return ['geometry must be a Polygon or MultiPolygon object'];
  const { type, coordinates } = g as { type?: unknown; coordinates?: unknown };
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    return [
      `geometry must be a Polygon or MultiPolygon, not ${typeof type === 'string' ? type : typeof type}`,
    ];
  }
  if (!Array.isArray(coordinates) || coordinates.length === 0) return [`${type} has no coordinates`];
  const polygons = type === 'Polygon' ? [coordinates] : coordinates;
  const out: string[] = [];
  polygons.forEach((rings: unknown, pi: number) => {
    const where = type === 'Polygon' ? '' : `polygon ${pi}: `;
    if (!Array.isArray(rings) || rings.length === 0) {
      out.push(`${where}a polygon needs at least one ring`);
      return;
    }
    rings.forEach((ring: unknown, ri: number) => {
      const at = `${where}ring ${ri}`;
      if (!Array.isArray(ring)) {
        out.push(`${at} is not an array of positions`);
        return;
      }
      if (ring.length < 4) out.push(`${at} has ${ring.length} positions; a ring needs at least 4`);
      let bad = false;
      for (const p of ring) {
        if (!Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
          out.push(`${at} has a position that is not a pair of finite numbers`);
          bad = true;
          break;
        }
        if (p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90) {
          out.push(`${at} has a coordinate out of range (${p[0]}, ${p[1]})`);
          bad = true;
          break;
        }
      }
      if (!bad && ring.length >= 2) {
        const a = ring[0] as number[];
        const b = ring[ring.length - 1] as number[];
        if (a[0] !== b[0] || a[1] !== b[1]) out.push(`${at} is not closed (first and last positions differ)`);
      }
    });
  });
  return out;
}

/** Points where the boundary crosses itself (empty when simple). Assumes structuralDefects is empty. */
export function selfIntersections(g: Boundary): [number, number][] {
  return kinks(g).features.map((f) => f.geometry.coordinates as [number, number]);
}

/** Share of the child's area that lies outside the parent (0 = fully inside). */
export function outsideShare(child: Boundary, parent: Boundary): number {
  const childArea = area(child);
  if (childArea <= 0) return 0;
  const diff = polygonClipping.difference(toClip(child), toClip(parent));
  if (diff.length === 0) return 0;
  return area({ type: 'MultiPolygon', coordinates: diff }) / childArea;
}

/** Bounding boxes do not intersect: the child is certainly outside, no clipping needed. */
export function bboxesDisjoint(a: Derived['bbox'], b: Derived['bbox']): boolean {
  return a[2] < b[0] || b[2] < a[0] || a[3] < b[1] || b[3] < a[1];
}

export function bboxOf(g: Boundary): Derived['bbox'] {
  const b = turfBbox(g);
  return [b[0], b[1], b[2], b[3]];
}

export function derive(g: Boundary): Derived {
  const c = turfCentroid(g).geometry.coordinates;
  const b = turfBbox(g);
  return { areaM2: area(g), centroid: [c[0]!, c[1]!], bbox: [b[0], b[1], b[2], b[3]] };
}

function toClip(g: Boundary): polygonClipping.MultiPolygon {
  return (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as polygonClipping.MultiPolygon;
}
