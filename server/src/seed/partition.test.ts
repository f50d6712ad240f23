import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { area, clipConvex, convexHull, type Pt, type Ring, roundedHull } from './geometry.js';
import { partition, rowOrder } from './partition.js';
import { createRng } from './rng.js';
import { checkTiling } from './tiling.test-kit.js';

const square: Ring = [
  [0, 0],
  [1000, 0],
  [1000, 800],
  [0, 800],
];

function expectTiles(parent: Ring, cells: Ring[]) {
  const r = checkTiling(parent, cells, 200);
  expect(Math.abs(r.childAreaSum - r.parentArea) / r.parentArea).toBeLessThan(1e-9);
  expect(r.maxOutside).toBeLessThan(1e-6);
  expect(r.overlapArea / r.parentArea).toBeLessThan(1e-9);
  expect(r.badPoints).toBe(0);
  expect(r.nonConvex).toBe(0);
}

describe('partition', () => {
  it('returns the parent itself for one cell', () => {
    expect(partition(square, 1, createRng('a'))).toEqual([square]);
  });

  it.each([2, 3, 7, 40])('tiles a rectangle with %i convex cells', (n) => {
    const cells = partition(square, n, createRng(`n${n}`));
    expect(cells).toHaveLength(n);
    expectTiles(square, cells);
  });

  it('tiles any convex polygon (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 })), {
          minLength: 3,
          maxLength: 30,
        }),
        fc.integer({ min: 1, max: 25 }),
        fc.string(),
        (pts, n, key) => {
          const parent = convexHull(pts as Pt[]);
          fc.pre(parent.length >= 3 && area(parent) > 1e5);
          expectTiles(parent, partition(parent, n, createRng(key)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps fixed sites in their own cells, in the given order', () => {
    const outline = roundedHull(
      [
        [0, 0],
        [5000, 1000],
        [2000, 4000],
      ],
      800,
    );
    const sites: Pt[] = [
      [0, 0],
      [5000, 1000],
      [2000, 4000],
      [2500, 1500],
    ];
    const cells = partition(outline, 4, createRng('f'), { fixed: sites });
    expectTiles(outline, cells);
    cells.forEach((cell, i) => {
      // the site lies inside its own cell: clipping a tiny square around it leaves it whole
      const [x, y] = sites[i]!;
      const tiny: Ring = [
        [x - 1, y - 1],
        [x + 1, y - 1],
        [x + 1, y + 1],
        [x - 1, y + 1],
      ];
      expect(area(clipConvex(tiny, cell))).toBeCloseTo(4, 6);
    });
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = JSON.stringify(partition(square, 12, createRng('s1')));
    expect(JSON.stringify(partition(square, 12, createRng('s1')))).toBe(a);
    expect(JSON.stringify(partition(square, 12, createRng('s2')))).not.toBe(a);
  });

  it('relaxation evens out the cell sizes', () => {
    const spread = (cells: Ring[]) => {
      const as = cells.map(area);
      return Math.max(...as) / Math.min(...as);
    };
    const raw = partition(square, 30, createRng('r'), { lloyd: 0 });
    const relaxed = partition(square, 30, createRng('r'), { lloyd: 4 });
    expect(spread(relaxed)).toBeLessThan(spread(raw));
  });

  it('numbers cells in rows from north to south', () => {
    const sites: Pt[] = [
      [0, 0],
      [10, 0],
      [0, 10],
      [10, 10],
    ];
    expect(rowOrder(sites)).toEqual([2, 3, 1, 0]);
  });

  it('rejects a non-positive count', () => {
    expect(() => partition(square, 0, createRng('z'))).toThrow(/positive integer/);
  });
});
