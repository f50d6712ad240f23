// Factories for tests of the units module (and of modules that need a small district): actors built
// directly, and a synthetic tree whose micro-grids form a lattice, so that expected answers are known.
import type { Polygon } from 'geojson';
import { type Actor, type Role, SYSTEM } from '../access/actor.js';
import type { NewUnit } from './schema.js';
import type { UnitsService } from './service.js';

let nextActorId = 1000;

/** A logged-in user with these roles, scoped to the unit at `scopePath` (null: no unit scope). */
export function buildActor(
  roles: Role[],
  scopePath: string | null = '/',
  opts: { departmentUnitPath?: string; id?: number } = {},
): Extract<Actor, { kind: 'user' }> {
  const id = opts.id ?? nextActorId++;
  const code = scopePath ? (scopePath.split('/').filter(Boolean).pop() ?? '') : '';
  return {
    kind: 'user',
    id,
    username: `u${id}`,
    displayName: `User ${id}`,
    roles,
    scope: {
      unit: scopePath ? { id: 0, code, name: code || 'all', level: 'county', path: scopePath } : null,
      department: opts.departmentUnitPath
        ? { id: 1, code: 'D1', name: 'Department', unitPath: opts.departmentUnitPath }
        : null,
    },
  };
}

export function rect(x0: number, y0: number, x1: number, y1: number): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  };
}

export interface LatticeOptions {
  /** Micro-grid columns and rows of the lattice. */
  cols?: number;
  rows?: number;
  /** Columns of micro-grids per grid: the grids split the lattice into vertical strips. */
  gridCols?: number;
  /** South-west corner and cell size in degrees. */
  origin?: [number, number];
  cell?: number;
  /** Give the units above micro-grid a boundary too (default true). */
  shapesAbove?: boolean;
  prefix?: string;
}

export interface Lattice {
  units: NewUnit[];
  codes: { city: string; county: string; town: string; village: string; grids: string[] };
  /** Code of the micro-grid in column c, row r (from the south-west). */
  microCode(c: number, r: number): string;
  /** x of column line i and y of row line j. */
  x(i: number): number;
  y(j: number): number;
  opts: Required<LatticeOptions>;
}

/**
 * city → county → town → village → grids → a cols × rows lattice of micro-grids. Each grid holds
 * gridCols columns of the lattice; every shape tiles its parent exactly (shared edges use
 * bit-identical coordinates).
 */
export function buildLattice(options: LatticeOptions = {}): Lattice {
  const o: Required<LatticeOptions> = {
    cols: 4,
    rows: 4,
    gridCols: 2,
    origin: [120.6, 27.95],
    cell: 0.01,
    shapesAbove: true,
    prefix: '3303',
    ...options,
  };
  const x = (i: number) => o.origin[0] + i * o.cell;
  const y = (j: number) => o.origin[1] + j * o.cell;
  const whole = rect(x(0), y(0), x(o.cols), y(o.rows));
  const city = o.prefix;
  const county = `${city}04`;
  const town = `${county}001`;
  const village = `${town}001`;
  const units: NewUnit[] = [];
  const above = (code: string, name: string, level: NewUnit['level'], parentCode: string | null) =>
    units.push({ code, name, level, parentCode, boundary: o.shapesAbove ? whole : null, population: 1000 });
  above(city, '温州市', 'city', null);
  above(county, '瓯海区', 'county', city);
  above(town, '景山街道', 'town', county);
  above(village, '景山社区', 'village', town);
  const grids: string[] = [];
  const pad = (n: number) => String(n).padStart(5, '0');
  const microCode = (c: number, r: number) =>
    `${village}-G${Math.floor(c / o.gridCols) + 1}-M${pad(r * o.cols + c + 1)}`;
  for (let g = 0; g * o.gridCols < o.cols; g++) {
    const code = `${village}-G${g + 1}`;
    grids.push(code);
    const c1 = Math.min(o.cols, (g + 1) * o.gridCols);
    units.push({
      code,
      name: `第${g + 1}网格`,
      level: 'grid',
      parentCode: village,
      gridKind: g % 2 === 0 ? 'general' : 'dedicated',
      boundary: o.shapesAbove ? rect(x(g * o.gridCols), y(0), x(c1), y(o.rows)) : null,
    });
    for (let c = g * o.gridCols; c < c1; c++) {
      for (let r = 0; r < o.rows; r++) {
        units.push({
          code: microCode(c, r),
          name: `微网格${c}-${r}`,
          level: 'micro_grid',
          parentCode: code,
          population: 50 + c + r,
          households: 20,
          boundary: rect(x(c), y(r), x(c + 1), y(r + 1)),
        });
      }
    }
  }
  return { units, codes: { city, county, town, village, grids }, microCode, x, y, opts: o };
}

/** The department code suffixes the demo seed uses: 公安 GA, 消防 XF, 应急 YJ … */
export const DEPARTMENT_SUFFIXES = ['GA', 'XF', 'YJ', 'SJ', 'ZJ', 'JT', 'ZR', 'ST', 'WJ', 'MZ', 'SF', 'ZF'];

/**
 * A small district for modules whose rules name departments: county C1 with town T1 (and, when asked,
 * village V1) and one department per suffix (C1-GA, C1-XF …), written through the units service.
 */
export async function insertSmallDistrict(units: UnitsService, opts: { village?: boolean } = {}) {
  await units.insertUnits(SYSTEM, [
    { code: 'C1', name: '测试区', level: 'county', parentCode: null },
    { code: 'T1', name: '甲街道', level: 'town', parentCode: 'C1' },
    ...(opts.village ? [{ code: 'V1', name: '甲村', level: 'village' as const, parentCode: 'T1' }] : []),
  ]);
  await units.insertDepartments(
    SYSTEM,
    DEPARTMENT_SUFFIXES.map((s) => ({ code: `C1-${s}`, name: `部门${s}`, unitCode: 'C1' })),
  );
}
