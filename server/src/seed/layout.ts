// The demo district's places: the official city → county → town → village divisions, then invented
// grids and micro-grids, with illustrative boundaries and plausible populations. Pure and
// deterministic: the same scale and seed give the same units, byte for byte.
import { apportion } from './apportion.js';
import { OUHAI_TOWN_CENTRES, WENZHOU_COUNTIES, WENZHOU_COUNTY_POPULATION } from './centres.js';
import { type CountyDivision, type Division, type TownDivision, wenzhouDivisions } from './divisions.js';
import { centroid, Plane, type Pt, pointInRing, type Ring, roundedHull } from './geometry.js';
import { partition } from './partition.js';
import { type Rng, rngFor } from './rng.js';

export type Scale = 'ouhai' | 'wenzhou';
export const SCALES: readonly Scale[] = ['ouhai', 'wenzhou'];
export type Level = 'city' | 'county' | 'town' | 'village' | 'grid' | 'micro_grid';

export interface SeedPolygon {
  type: 'Polygon';
  coordinates: [number, number][][];
}

export interface SeedUnit {
  code: string;
  name: string;
  level: Level;
  parentCode: string | null;
  gridKind?: 'general' | 'dedicated';
  population?: number | null;
  households?: number | null;
  boundary?: SeedPolygon | null;
}

interface ScaleSpec {
  counties: string[] | 'all';
  grids: number;
  microGrids: number;
}

const SPECS: Record<Scale, ScaleSpec> = {
  // 5,173 is Ouhai's real count of micro-grids.
  ouhai: { counties: ['330304'], grids: 1_000, microGrids: 5_173 },
  wenzhou: { counties: 'all', grids: 11_600, microGrids: 60_000 },
};

export const OUHAI_POPULATION = 1_000_000;
/** Persons per household in the demo data. */
const HOUSEHOLD_SIZE = 2.6;
/** Share of grids that are dedicated (专属网格: an industrial park, a school, a market). */
const DEDICATED_SHARE = 0.05;

interface VillagePlan {
  division: Division;
  town: TownDivision;
  population: number;
  grids: GridPlan[];
}
interface GridPlan {
  code: string;
  name: string;
  kind: 'general' | 'dedicated';
  population: number;
  micro: number[]; // population of each micro-grid
}

export function generateLayout(scale: Scale, seed: number): SeedUnit[] {
  const spec = SPECS[scale];
  const city = wenzhouDivisions();
  const counties =
    spec.counties === 'all' ? city.counties : city.counties.filter((c) => spec.counties.includes(c.code));
  const villages = planPopulation(counties, seed);
  planGrids(villages, spec, seed);

  const units: SeedUnit[] = [];
  const plane = new Plane(120.6, 27.95);
  const poly = (ring: Ring): SeedPolygon => {
    const coords = ring.map((p) => plane.toLngLat(p));
    const closed = coords.filter(
      (p, i) => i === 0 || p[0] !== coords[i - 1]![0] || p[1] !== coords[i - 1]![1],
    );
    closed.push(closed[0]!);
    return { type: 'Polygon', coordinates: [closed] };
  };
  const byLevel: Record<Level, SeedUnit[]> = {
    city: [],
    county: [],
    town: [],
    village: [],
    grid: [],
    micro_grid: [],
  };
  const add = (u: SeedUnit) => byLevel[u.level].push(u);

  // Top: Wenzhou as the root; at the Ouhai scale it has no boundary or population of its own,
  // since only one of its twelve counties is modelled.
  const countyRings = new Map<string, Ring>();
  let cityRing: Ring | null = null;
  if (scale === 'ouhai') {
    const ouhai = counties[0]!;
    const centres = ouhai.towns.map((t) => plane.toPlane(OUHAI_TOWN_CENTRES[t.name]!));
    // 泽雅, the mountain town in the west, is by far the largest: give its side of the outline more room.
    const radii = ouhai.towns.map((t) => (t.name === '泽雅镇' ? 9_000 : 3_500));
    countyRings.set(ouhai.code, roundedHull(centres, radii));
  } else {
    const centres = counties.map((c) => plane.toPlane(WENZHOU_COUNTIES[c.code]!.centre));
    cityRing = roundedHull(
      centres,
      counties.map((c) => WENZHOU_COUNTIES[c.code]!.radiusKm * 1000),
    );
    const cells = partition(cityRing, counties.length, rngFor(seed, 'cells', city.code), { fixed: centres });
    for (const [i, c] of counties.entries()) countyRings.set(c.code, cells[i]!);
  }

  const villagesByTown = new Map<string, VillagePlan[]>();
  for (const v of villages) villagesByTown.set(v.town.code, [...(villagesByTown.get(v.town.code) ?? []), v]);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const households = (pop: number) => Math.round(pop / HOUSEHOLD_SIZE);
  let cityPopulation = 0;
  let cityHouseholds = 0;

  for (const county of counties) {
    const countyRing = countyRings.get(county.code)!;
    const fixed = county.towns.map((t) => {
      const known = OUHAI_TOWN_CENTRES[t.name];
      const p = known && county.code === '330304' ? plane.toPlane(known) : null;
      return p && pointInRing(p, countyRing) ? p : null;
    });
    const townRings = partition(countyRing, county.towns.length, rngFor(seed, 'cells', county.code), {
      fixed,
    });
    let countyPop = 0;
    let countyHh = 0;
    county.towns.forEach((town, ti) => {
      const plans = villagesByTown.get(town.code) ?? [];
      const villageRings = plans.length
        ? partition(townRings[ti]!, plans.length, rngFor(seed, 'cells', town.code))
        : [];
      let townPop = 0;
      let townHh = 0;
      plans.forEach((v, vi) => {
        const gridRings = partition(
          villageRings[vi]!,
          v.grids.length,
          rngFor(seed, 'cells', v.division.code),
        );
        let villageHh = 0;
        v.grids.forEach((g, gi) => {
          const microRings = partition(gridRings[gi]!, g.micro.length, rngFor(seed, 'cells', g.code));
          const hh = g.micro.map(households);
          g.micro.forEach((pop, mi) => {
            add({
              code: `${g.code}${String(mi + 1).padStart(3, '0')}`,
              name: `第${mi + 1}微网格`,
              level: 'micro_grid',
              parentCode: g.code,
              population: pop,
              households: hh[mi]!,
              boundary: poly(microRings[mi]!),
            });
          });
          add({
            code: g.code,
            name: g.name,
            level: 'grid',
            parentCode: v.division.code,
            gridKind: g.kind,
            population: g.population,
            households: sum(hh),
            boundary: poly(gridRings[gi]!),
          });
          villageHh += sum(hh);
        });
        add({
          code: v.division.code,
          name: v.division.name,
          level: 'village',
          parentCode: town.code,
          population: v.population,
          households: villageHh,
          boundary: poly(villageRings[vi]!),
        });
        townPop += v.population;
        townHh += villageHh;
      });
      add({
        code: town.code,
        name: town.name,
        level: 'town',
        parentCode: county.code,
        population: townPop,
        households: townHh,
        boundary: poly(townRings[ti]!),
      });
      countyPop += townPop;
      countyHh += townHh;
    });
    add({
      code: county.code,
      name: county.name,
      level: 'county',
      parentCode: city.code,
      population: countyPop,
      households: countyHh,
      boundary: poly(countyRing),
    });
    cityPopulation += countyPop;
    cityHouseholds += countyHh;
  }
  add({
    code: city.code,
    name: city.name,
    level: 'city',
    parentCode: null,
    population: cityRing ? cityPopulation : null,
    households: cityRing ? cityHouseholds : null,
    boundary: cityRing ? poly(cityRing) : null,
  });

  // Parents before children, each level in code order.
  const order: Level[] = ['city', 'county', 'town', 'village', 'grid', 'micro_grid'];
  for (const level of order) {
    const list = byLevel[level].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    for (const u of list) units.push(u);
  }
  return units;
}

/** Village populations: urban communities dense, mountain villages sparse; each county sums to its target. */
function planPopulation(counties: CountyDivision[], seed: number): VillagePlan[] {
  const out: VillagePlan[] = [];
  for (const county of counties) {
    const target = county.code === '330304' ? OUHAI_POPULATION : WENZHOU_COUNTY_POPULATION[county.code]!;
    const all = county.towns.flatMap((town) => town.villages.map((division) => ({ town, division })));
    const weights = all.map(({ town, division }) =>
      villageWeight(town, division, rngFor(seed, 'pop', division.code)),
    );
    const pops = apportion(target, weights, 30);
    for (const [i, { town, division }] of all.entries())
      out.push({ town, division, population: pops[i]!, grids: [] });
  }
  return out;
}

function villageWeight(town: TownDivision, village: Division, rng: Rng): number {
  // 林场/茶场 living areas and the like hold a few dozen people.
  if (/(生活区|管理区|场区)$/.test(village.name)) return rng.range(50, 300);
  const street = town.name.endsWith('街道');
  const community = village.name.endsWith('社区');
  const [lo, hi] = street
    ? community
      ? [5000, 12000]
      : [1500, 5000]
    : community
      ? [2500, 6000]
      : [400, 1800];
  return rng.range(lo, hi);
}

const URBAN_SITES = ['中学', '小学', '农贸市场', '商贸城', '医院'];
const RURAL_SITES = ['工业园', '小微企业园', '农贸市场', '小学', '物流园'];

/** Grids per village and micro-grids per grid in proportion to population; a few grids dedicated. */
function planGrids(villages: VillagePlan[], spec: ScaleSpec, seed: number) {
  const gridCounts = apportion(
    spec.grids,
    villages.map((v) => v.population),
    1,
  );
  // Dedicated grids: one in each of a random choice of villages that have more than one grid.
  const rng = rngFor(seed, 'dedicated');
  const eligible = villages.map((_, i) => i).filter((i) => gridCounts[i]! > 1);
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [eligible[i], eligible[j]] = [eligible[j]!, eligible[i]!];
  }
  const dedicated = new Set(eligible.slice(0, Math.round(spec.grids * DEDICATED_SHARE)));

  villages.forEach((v, vi) => {
    const n = gridCounts[vi]!;
    const r = rngFor(seed, 'grids', v.division.code);
    const hasDedicated = dedicated.has(vi);
    // a dedicated grid (a park, a school) has few residents
    const weights = Array.from({ length: n }, (_, gi) =>
      hasDedicated && gi === n - 1 ? 0.15 : r.range(0.6, 1.4),
    );
    const pops = apportion(v.population, weights);
    const short = shortName(v.division.name);
    const site = r.pick(v.division.name.endsWith('社区') ? URBAN_SITES : RURAL_SITES);
    v.grids = pops.map((population, gi) => {
      const code = `${v.division.code}${String(gi + 1).padStart(3, '0')}`;
      const isDedicated = hasDedicated && gi === n - 1;
      return {
        code,
        name: isDedicated ? `${short}${site}专属网格` : `第${gi + 1}网格`,
        kind: isDedicated ? 'dedicated' : 'general',
        population,
        micro: [],
      };
    });
  });

  const grids = villages.flatMap((v) => v.grids);
  const microCounts = apportion(
    spec.microGrids,
    grids.map((g) => g.population),
    2,
  );
  grids.forEach((g, i) => {
    const r = rngFor(seed, 'micro', g.code);
    const weights = Array.from({ length: microCounts[i]! }, () => r.range(0.6, 1.4));
    g.micro = apportion(g.population, weights);
  });
}

/** 南村村 → 南村, 繁荣社区 → 繁荣 (for names like 南村工业园专属网格). */
export function shortName(name: string): string {
  const stripped = name.replace(/(社区|村)$/, '');
  return stripped.length >= 2 ? stripped : name;
}

/** The centroid of a unit's boundary in lng/lat (for tests and people placement). */
export function boundaryCentroid(u: SeedUnit): Pt | null {
  const ring = u.boundary?.coordinates[0];
  return ring ? centroid(ring.slice(0, -1)) : null;
}
