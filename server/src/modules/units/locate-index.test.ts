import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Boundary } from './geo.js';
import { type LocateEntry, LocateIndex } from './locate-index.js';
import { LEVEL_DEPTH } from './schema.js';
import { buildLattice, rect } from './test-factories.js';

function indexOf(units: ReturnType<typeof buildLattice>['units']) {
  const ids = new Map<string, number>();
  const entries: LocateEntry[] = [];
  units.forEach((u, i) => {
    ids.set(u.code, i + 1);
    if (u.boundary)
      entries.push({ id: i + 1, code: u.code, depth: LEVEL_DEPTH[u.level], boundary: u.boundary });
  });
  const byId = new Map([...ids].map(([code, id]) => [id, code]));
  return {
    index: new LocateIndex(entries),
    code: (id: number | null) => (id === null ? null : byId.get(id)),
  };
}

describe('LocateIndex on a 4×4 lattice of micro-grids in two grids', () => {
  const lattice = buildLattice({ cols: 4, rows: 4, gridCols: 2 });
  const micro = lattice.units.filter((u) => u.level === 'micro_grid');
  const { index, code } = indexOf(lattice.units);
  const { x, y } = lattice;

  it('puts every random point inside the lattice in exactly one micro-grid, the one that contains it', () => {
    fc.assert(
      fc.property(
        fc.double({ min: x(0), max: x(4), noNaN: true }),
        fc.double({ min: y(0), max: y(4), noNaN: true }),
        (px, py) => {
          const containing = micro.filter((u) => booleanPointInPolygon([px, py], u.boundary as Boundary));
          expect(containing.length).toBeGreaterThanOrEqual(1);
          const got = code(index.locate(px, py));
          expect(got).toBe(containing.map((u) => u.code).sort()[0]);
          expect(got).toMatch(/-M\d+$/);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('answers the cell computed from the coordinates for points off the borders', () => {
    for (let c = 0; c < 4; c++) {
      for (let r = 0; r < 4; r++) {
        expect(code(index.locate(x(c) + 0.003, y(r) + 0.007))).toBe(lattice.microCode(c, r));
      }
    }
  });

  it('resolves points on shared borders to the smallest code, whatever the order of the entries', () => {
    const onVertical = [x(1), y(0) + 0.004] as const; // between columns 0 and 1
    const onGridBorder = [x(2), y(2) + 0.005] as const; // between grid 1 and grid 2
    const onHorizontal = [x(3) + 0.002, y(1)] as const;
    const corner = [x(2), y(2)] as const; // four cells meet
    const expectations: [readonly [number, number], string][] = [
      [onVertical, lattice.microCode(0, 0)],
      [onGridBorder, lattice.microCode(1, 2)],
      [onHorizontal, lattice.microCode(3, 0)],
      [corner, lattice.microCode(1, 1)],
    ];
    const reversed = indexOf([...lattice.units].reverse());
    for (const [[px, py], expected] of expectations) {
      expect(code(index.locate(px, py))).toBe(expected);
      expect(reversed.code(reversed.index.locate(px, py))).toBe(expected);
    }
  });

  it('counts the outer boundary as inside and answers null outside', () => {
    expect(code(index.locate(x(0), y(0) + 0.005))).toBe(lattice.microCode(0, 0));
    expect(code(index.locate(x(4), y(4)))).toBe(lattice.microCode(3, 3));
    expect(index.locate(x(0) - 0.0001, y(0) + 0.005)).toBeNull();
    expect(index.locate(x(4) + 1e-6, y(2))).toBeNull();
    expect(index.locate(0, 0)).toBeNull();
  });

  it('falls back to the deepest unit with a shape when no micro-grid contains the point', () => {
    const withoutOne = lattice.units.filter((u) => u.code !== lattice.microCode(3, 3));
    const partial = indexOf(withoutOne);
    const got = partial.index.locateWithDepth(x(3) + 0.005, y(3) + 0.005);
    expect(got?.depth).toBe(LEVEL_DEPTH.grid);
    expect(partial.code(got?.id ?? null)).toBe(lattice.codes.grids[1]);
    const onlyMicro = indexOf(
      lattice.units.filter((u) => u.level === 'micro_grid' && u.code !== lattice.microCode(3, 3)),
    );
    expect(onlyMicro.index.locate(x(3) + 0.005, y(3) + 0.005)).toBeNull();
  });
});

describe('LocateIndex with holes and MultiPolygons', () => {
  const ring = (x0: number, y0: number, x1: number, y1: number) => rect(x0, y0, x1, y1).coordinates[0]!;
  const donut: Boundary = { type: 'Polygon', coordinates: [ring(0, 0, 10, 10), ring(4, 4, 6, 6)] };
  const island: Boundary = rect(4, 4, 6, 6);
  const pair: Boundary = { type: 'MultiPolygon', coordinates: [[ring(20, 0, 22, 2)], [ring(30, 0, 32, 2)]] };
  const index = new LocateIndex([
    { id: 1, code: 'B-donut', depth: 5, boundary: donut },
    { id: 2, code: 'A-island', depth: 5, boundary: island },
    { id: 3, code: 'C-pair', depth: 5, boundary: pair },
  ]);

  it('does not answer a polygon for a point in its hole', () => {
    expect(index.locate(5, 5)).toBe(2);
    expect(index.locate(2, 2)).toBe(1);
    const alone = new LocateIndex([{ id: 1, code: 'B', depth: 5, boundary: donut }]);
    expect(alone.locate(5, 5)).toBeNull();
    expect(alone.locate(4, 5)).toBe(1); // on the hole's edge: boundary counts as inside
  });

  it('resolves the hole edge shared with the island to the smaller code', () => {
    expect(index.locate(4, 5)).toBe(2);
    expect(index.locate(6, 6)).toBe(2);
  });

  it('finds either part of a MultiPolygon and nothing between them', () => {
    expect(index.locate(21, 1)).toBe(3);
    expect(index.locate(31, 1)).toBe(3);
    expect(index.locate(26, 1)).toBeNull();
  });

  it('handles a concave shape by the ray, not the bounding box', () => {
    const ell: Boundary = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [4, 0],
          [4, 1],
          [1, 1],
          [1, 4],
          [0, 4],
          [0, 0],
        ],
      ],
    };
    const idx = new LocateIndex([{ id: 7, code: 'L', depth: 5, boundary: ell }]);
    expect(idx.locate(0.5, 3)).toBe(7);
    expect(idx.locate(3, 0.5)).toBe(7);
    expect(idx.locate(3, 3)).toBeNull();
    expect(idx.locate(1, 2)).toBe(7); // on the inner edge
  });

  it('is empty-safe', () => {
    expect(new LocateIndex([]).locate(1, 1)).toBeNull();
  });
});

describe('LocateIndex speed', () => {
  it('answers at least 100,000 lookups per second over 10,000 micro-grids', () => {
    const lattice = buildLattice({ cols: 100, rows: 100, gridCols: 10, cell: 0.002, shapesAbove: false });
    const { index } = indexOf(lattice.units);
    const n = 200_000;
    const pts = new Float64Array(2 * n);
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < n; i++) {
      pts[2 * i] = lattice.x(0) + rand() * 100 * 0.002;
      pts[2 * i + 1] = lattice.y(0) + rand() * 100 * 0.002;
    }
    let found = 0;
    for (let i = 0; i < 20_000; i++) if (index.locate(pts[2 * i]!, pts[2 * i + 1]!) !== null) found++; // warm up
    const t0 = performance.now();
    for (let i = 0; i < n; i++) if (index.locate(pts[2 * i]!, pts[2 * i + 1]!) !== null) found++;
    const perSecond = n / ((performance.now() - t0) / 1000);
    expect(found).toBe(n + 20_000);
    expect(perSecond).toBeGreaterThan(100_000);
  });
});
