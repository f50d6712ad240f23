// Pure helpers for the map: no MapLibre here, so they load with the page and can be tested alone.
import type { StyleSpecification } from 'maplibre-gl';
import type { UnitFeature, UnitFeatureCollection } from '../../api/types';

/** Calm, distinguishable fills for neighbouring units (a government console, not a heat map). */
const PALETTE = ['#8fb8de', '#a8d5ba', '#f3d9a4', '#d7b9e3', '#f2b8a2', '#b5d3d8', '#cfd89f', '#e8c1cf'];

export type Bounds = [number, number, number, number];

/** A style with no tile server and no glyphs: a background, optionally one raster layer below the units. */
export function baseStyle(tileUrl?: string): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2f6' } }],
  };
  if (tileUrl) {
    style.sources.tiles = { type: 'raster', tiles: [tileUrl], tileSize: 256 };
    style.layers.push({ id: 'tiles', type: 'raster', source: 'tiles' });
  }
  return style;
}

/** Adds a stable fill colour per feature, chosen by index so neighbours in code order differ. */
export function withFills(fc: UnitFeatureCollection): UnitFeatureCollection {
  return {
    type: 'FeatureCollection',
    features: fc.features.map((f, i) => ({
      ...f,
      properties: { ...f.properties, fill: PALETTE[i % PALETTE.length] },
    })),
  };
}

function visit(coords: unknown, fn: (lng: number, lat: number) => void): void {
  if (!Array.isArray(coords)) return;
  if (typeof coords[0] === 'number' && typeof coords[1] === 'number') {
    fn(coords[0], coords[1]);
    return;
  }
  for (const c of coords) visit(c, fn);
}

/** Bounding box of the features' geometries, or null when none has a geometry. */
export function boundsOf(features: readonly UnitFeature[]): Bounds | null {
  let b: Bounds | null = null;
  for (const f of features) {
    visit(f.geometry?.coordinates, (lng, lat) => {
      if (!b) b = [lng, lat, lng, lat];
      else {
        b[0] = Math.min(b[0], lng);
        b[1] = Math.min(b[1], lat);
        b[2] = Math.max(b[2], lng);
        b[3] = Math.max(b[3], lat);
      }
    });
  }
  return b;
}

/** Where to put a feature's label: its centroid, else the centre of its bounding box. */
export function labelPoint(f: UnitFeature): [number, number] | null {
  if (f.properties.centroid) return f.properties.centroid;
  const b = boundsOf([f]);
  return b ? [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] : null;
}

/** Above this many features, HTML labels cost more than they help. */
export const MAX_LABELS = 300;
