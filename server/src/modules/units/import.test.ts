import { describe, expect, it } from 'vitest';
import { toCsv, toGeoJSON } from './export.js';
import type { Boundary } from './geo.js';
import {
  describeProblem,
  type ExistingUnit,
  type ImportProblem,
  parseCsv,
  parseGeoJSON,
  validateCandidates,
} from './import.js';
import { buildLattice, rect } from './test-factories.js';

type Props = Record<string, unknown>;
const feature = (properties: Props, geometry: unknown = null) => ({ type: 'Feature', properties, geometry });
const fcOf = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });

const town = (extra: Props = {}) => ({
  code: '330304001',
  name: '景山街道',
  level: 'town',
  parent_code: '330304',
  ...extra,
});
const village = (extra: Props = {}) => ({
  code: '330304001001',
  name: '景山社区',
  level: 'village',
  parent_code: '330304001',
  ...extra,
});
const county: ExistingUnit = { code: '330304', level: 'county', boundary: rect(120, 27, 121, 28) };
const inDb = new Map([[county.code, county]]);

/** Parses and validates a GeoJSON text against `existing`; every problem found. */
function check(content: string, existing: ReadonlyMap<string, ExistingUnit> = inDb): ImportProblem[] {
  const { candidates, problems } = parseGeoJSON(content);
  return [...problems, ...validateCandidates(candidates, existing)];
}
function checkCsv(content: string, existing: ReadonlyMap<string, ExistingUnit> = inDb): ImportProblem[] {
  const { candidates, problems } = parseCsv(content);
  return [...problems, ...validateCandidates(candidates, existing)];
}

describe('import: a valid file', () => {
  it('has no problems, in GeoJSON and in CSV', () => {
    expect(
      check(
        fcOf(
          feature(town(), rect(120.1, 27.1, 120.5, 27.5)),
          feature(village(), rect(120.2, 27.2, 120.3, 27.3)),
        ),
      ),
    ).toEqual([]);
    expect(
      checkCsv(
        'code,name,level,parent_code,population,households,grid_kind\n330304001,景山街道,town,330304,100,40,\n',
      ),
    ).toEqual([]);
  });

  it('accepts children listed before their parents', () => {
    expect(check(fcOf(feature(village()), feature(town())))).toEqual([]);
  });
});

describe('import: each defect is reported with its feature or line', () => {
  it('unknown parent (neither in the file nor in the database)', () => {
    const ps = check(fcOf(feature(town()), feature(village({ parent_code: '330304999' }))));
    expect(ps).toEqual([expect.objectContaining({ feature: 1, code: '330304001001', field: 'parent_code' })]);
    expect(ps[0]!.message).toMatch(/unknown parent 330304999/);
  });

  it('wrong level order (a child must be exactly one level below its parent)', () => {
    const ps = check(fcOf(feature(town()), feature(village({ level: 'grid', grid_kind: 'general' }))));
    expect(ps).toEqual([expect.objectContaining({ feature: 1, field: 'level' })]);
    expect(ps[0]!.message).toMatch(/a grid cannot be a child of a town/);
    // a level skipped against a unit of the database
    const skip = check(fcOf(feature(village({ parent_code: '330304' }))));
    expect(skip).toEqual([expect.objectContaining({ feature: 0, field: 'level' })]);
  });

  it('duplicate code within the file', () => {
    const ps = check(fcOf(feature(town()), feature(town({ name: '又一个' }))));
    expect(ps).toEqual([expect.objectContaining({ feature: 1, code: '330304001', field: 'code' })]);
    expect(ps[0]!.message).toMatch(/duplicate code 330304001: also at feature 0/);
  });

  it('duplicate code against the database', () => {
    const ps = check(fcOf(feature({ code: '330304', name: '瓯海区', level: 'county', parent_code: null })));
    expect(ps).toEqual([expect.objectContaining({ feature: 0, code: '330304' })]);
    expect(ps[0]!.message).toMatch(/already exists/);
  });

  it('geometry that is not a Polygon or MultiPolygon', () => {
    const ps = check(fcOf(feature(town(), { type: 'Point', coordinates: [120.2, 27.2] })));
    expect(ps).toEqual([expect.objectContaining({ feature: 0, field: 'geometry' })]);
    expect(ps[0]!.message).toMatch(/invalid polygon: .*Polygon or MultiPolygon, not Point/);
  });

  it('unclosed ring', () => {
    const open = {
      type: 'Polygon',
      coordinates: [
        [
          [120.1, 27.1],
          [120.2, 27.1],
          [120.2, 27.2],
          [120.1, 27.2],
        ],
      ],
    };
    const ps = check(fcOf(feature(town(), open)));
    expect(ps).toEqual([expect.objectContaining({ feature: 0, field: 'geometry' })]);
    expect(ps[0]!.message).toMatch(/not closed/);
  });

  it('ring with fewer than 4 positions', () => {
    const short = {
      type: 'Polygon',
      coordinates: [
        [
          [120.1, 27.1],
          [120.2, 27.1],
          [120.1, 27.1],
        ],
      ],
    };
    const ps = check(fcOf(feature(town(), short)));
    expect(ps.map((p) => p.message)).toEqual([
      expect.stringMatching(/has 3 positions; a ring needs at least 4/),
    ]);
  });

  it('non-finite or out-of-range coordinates', () => {
    const far = rect(120.1, 27.1, 190, 27.2);
    const nan = {
      type: 'Polygon',
      coordinates: [
        [
          [120.1, 27.1],
          ['x', 27.1],
          [120.2, 27.2],
          [120.1, 27.1],
        ],
      ],
    };
    const ps = check(fcOf(feature(town(), far), feature(village(), nan)));
    expect(ps).toEqual([
      expect.objectContaining({ feature: 0, message: expect.stringMatching(/out of range/) }),
      expect.objectContaining({ feature: 1, message: expect.stringMatching(/not a pair of finite numbers/) }),
    ]);
  });

  it('self-intersecting polygon', () => {
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [120.1, 27.1],
          [120.3, 27.3],
          [120.3, 27.1],
          [120.1, 27.3],
          [120.1, 27.1],
        ],
      ],
    };
    const ps = check(fcOf(feature(town(), bowtie)));
    expect(ps).toEqual([expect.objectContaining({ feature: 0, field: 'geometry' })]);
    expect(ps[0]!.message).toMatch(/self-intersecting polygon/);
  });

  it('child outside its parent by more than the tolerance (and within it is accepted)', () => {
    const parent = rect(120.1, 27.1, 120.5, 27.5);
    const straddling = rect(120.45, 27.2, 120.55, 27.3); // half outside
    const ps = check(fcOf(feature(town(), parent), feature(village(), straddling)));
    expect(ps).toEqual([expect.objectContaining({ feature: 1, field: 'geometry' })]);
    expect(ps[0]!.message).toMatch(/outside its parent 330304001: 5\d\.\d% of its area/);
    const barely = rect(120.2, 27.2, 120.5005, 27.3); // 0.17 % outside
    expect(check(fcOf(feature(town(), parent), feature(village(), barely)))).toEqual([]);
    // against a parent held by the database
    const outsideCounty = rect(121.5, 27.2, 121.6, 27.3);
    expect(check(fcOf(feature(town(), outsideCounty)))[0]!.message).toMatch(
      /outside its parent 330304: 100\.0%/,
    );
  });

  it('missing or invalid fields', () => {
    const ps = check(
      fcOf(
        feature({ code: 'bad_code!', name: 'x', level: 'town', parent_code: '330304' }),
        feature({ code: '330304002', name: '', level: 'hamlet', parent_code: '330304' }),
        feature(town({ code: '330304003', population: -5, households: 'many' })),
      ),
    );
    expect(ps.map((p) => [p.feature, p.field])).toEqual([
      [0, 'code'],
      [1, 'name'],
      [1, 'level'],
      [2, 'population'],
      [2, 'households'],
    ]);
  });

  it('bad grid_kind, and grid_kind on a unit that is not a grid', () => {
    const grid = { code: '330304001001-G1', name: '网格', level: 'grid', parent_code: '330304001001' };
    const ps = check(
      fcOf(
        feature(town()),
        feature(village({ grid_kind: 'general' })),
        feature({ ...grid, grid_kind: 'special' }),
      ),
    );
    expect(ps).toEqual([
      expect.objectContaining({
        feature: 1,
        field: 'grid_kind',
        message: expect.stringMatching(/only for units of level grid/),
      }),
      expect.objectContaining({
        feature: 2,
        field: 'grid_kind',
        message: expect.stringMatching(/general or dedicated/),
      }),
    ]);
  });

  it('reports every defect of a file at once, in file order', () => {
    const ps = check(
      fcOf(
        feature(town()),
        feature(town()),
        feature(village({ parent_code: 'nope' })),
        feature({ code: '330304004', name: 'x', level: 'town', parent_code: '330304', grid_kind: 'general' }),
      ),
    );
    expect(ps.map((p) => p.feature).sort()).toEqual([1, 2, 3]);
  });

  it('not a FeatureCollection, or not JSON', () => {
    expect(check('{"type":"Feature"}')[0]!.message).toMatch(/FeatureCollection/);
    expect(check('{oops')[0]!.message).toMatch(/not valid JSON/);
    expect(check(fcOf({ type: 'Geometry' }))).toEqual([
      expect.objectContaining({ feature: 0, message: 'not a GeoJSON Feature' }),
    ]);
  });
});

describe('import: CSV', () => {
  const header = 'code,name,level,parent_code,population,households,grid_kind';

  it('reports defects with their line (the header is line 1)', () => {
    const ps = checkCsv(
      `${header}\n330304001,景山街道,town,330304,,,\n330304001,重复,town,330304,,,\n\n330304001001,村,village,330304999,abc,,\n`,
    );
    expect(ps.map((p) => [p.line, p.field])).toEqual([
      [5, 'population'],
      [3, 'code'],
      [5, 'parent_code'],
    ]);
    expect(describeProblem(ps[1]!)).toBe(
      'line 3 (code 330304001, field code): duplicate code 330304001: also at line 2',
    );
  });

  it('missing and unknown columns, and rows of the wrong width', () => {
    expect(checkCsv('code,name,level\nx,y,town\n').map((p) => p.message)).toEqual([
      "missing column 'parent_code'",
    ]);
    expect(checkCsv(`${header},colour\n`)[0]!.message).toBe("unknown column 'colour'");
    expect(checkCsv(`${header}\n330304001,景山街道,town\n`)).toEqual([
      expect.objectContaining({ line: 2, message: 'has 3 values; the header has 7 columns' }),
    ]);
  });

  it('reads a byte-order mark and quoted names', () => {
    const { candidates, problems } = parseCsv(`\ufeff${header}\n330304001,"景山, 街道",town,330304,12,3,\n`);
    expect(problems).toEqual([]);
    expect(candidates[0]!.unit).toMatchObject({
      code: '330304001',
      name: '景山, 街道',
      population: 12,
      households: 3,
    });
  });

  it('reports a broken quote with its line', () => {
    const ps = checkCsv(`${header}\n330304001,"unclosed,town,330304,,,\n`);
    expect(ps).toHaveLength(1);
    expect(ps[0]!.line).toBeGreaterThanOrEqual(2);
  });
});

describe('export → import round trip (pure)', () => {
  const lattice = buildLattice({ cols: 2, rows: 2, gridCols: 1 });
  const rows = lattice.units.map((u) => ({
    code: u.code,
    name: u.name,
    level: u.level,
    parentCode: u.parentCode,
    population: u.population ?? null,
    households: u.households ?? null,
    gridKind: u.level === 'grid' ? (u.gridKind ?? 'general') : null,
    boundary: (u.boundary ?? null) as Boundary | null,
  }));

  it('GeoJSON re-reads to the same units, shapes included', () => {
    const { candidates, problems } = parseGeoJSON(toGeoJSON(rows));
    expect(problems).toEqual([]);
    expect(validateCandidates(candidates, new Map())).toEqual([]);
    expect(candidates.map((c) => c.unit)).toEqual(
      rows.map((r) => ({
        code: r.code,
        name: r.name,
        level: r.level,
        parentCode: r.parentCode,
        population: r.population,
        households: r.households,
        ...(r.gridKind ? { gridKind: r.gridKind } : {}),
        boundary: r.boundary,
      })),
    );
  });

  it('CSV re-reads to the same units without shapes', () => {
    const { candidates, problems } = parseCsv(toCsv(rows));
    expect(problems).toEqual([]);
    expect(
      candidates.map((c) => [
        c.unit.code,
        c.unit.parentCode,
        c.unit.level,
        c.unit.gridKind,
        c.unit.population,
      ]),
    ).toEqual(rows.map((r) => [r.code, r.parentCode, r.level, r.gridKind ?? undefined, r.population]));
  });
});
