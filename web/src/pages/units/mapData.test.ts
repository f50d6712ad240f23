import { describe, expect, it } from 'vitest';
import type { UnitFeature } from '../../api/types';
import { childLevel } from './levels';
import { baseStyle, boundsOf, labelPoint, withFills } from './mapData';

function square(
  id: number,
  x: number,
  y: number,
  size: number,
  centroid: [number, number] | null = null,
): UnitFeature {
  return {
    type: 'Feature',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [x, y],
          [x + size, y],
          [x + size, y + size],
          [x, y + size],
          [x, y],
        ],
      ],
    },
    properties: {
      id,
      code: String(id),
      name: `u${id}`,
      level: 'town',
      parentId: null,
      population: null,
      households: null,
      gridKind: null,
      centroid,
    },
  };
}

describe('map data', () => {
  it('bounds every coordinate of polygons and multipolygons', () => {
    const multi: UnitFeature = {
      ...square(3, 0, 0, 1),
      geometry: {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [121, 27],
              [121.5, 27],
              [121.5, 27.2],
              [121, 27],
            ],
          ],
        ],
      },
    };
    expect(boundsOf([square(1, 120.5, 27.9, 0.1), square(2, 120.4, 28, 0.05), multi])).toEqual([
      120.4, 27, 121.5, 28.05,
    ]);
  });

  it('has no bounds without geometry', () => {
    expect(boundsOf([])).toBeNull();
    expect(boundsOf([{ ...square(1, 0, 0, 1), geometry: null }])).toBeNull();
  });

  it('labels at the centroid, else at the centre of the bounding box', () => {
    expect(labelPoint(square(1, 120, 28, 0.2, [120.05, 28.05]))).toEqual([120.05, 28.05]);
    expect(labelPoint(square(1, 120, 28, 0.2))).toEqual([120.1, 28.1]);
  });

  it('gives neighbours different fills and keeps the properties', () => {
    const fc = withFills({ type: 'FeatureCollection', features: [square(1, 0, 0, 1), square(2, 1, 0, 1)] });
    const [a, b] = fc.features.map((f) => f.properties as unknown as { fill: string; id: number });
    expect(a?.fill).not.toBe(b?.fill);
    expect(a?.id).toBe(1);
  });

  it('needs no tile or glyph server unless a tile URL is given', () => {
    const plain = baseStyle();
    expect(plain.glyphs).toBeUndefined();
    expect(Object.keys(plain.sources)).toEqual([]);
    expect(plain.layers.map((l) => l.type)).toEqual(['background']);
    const tiled = baseStyle('https://tiles.example/{z}/{x}/{y}.png');
    expect(tiled.layers.map((l) => l.type)).toEqual(['background', 'raster']);
  });

  it('steps down one level at a time and stops at the micro-grid', () => {
    expect(childLevel('county')).toBe('town');
    expect(childLevel('grid')).toBe('micro_grid');
    expect(childLevel('micro_grid')).toBeNull();
  });
});
