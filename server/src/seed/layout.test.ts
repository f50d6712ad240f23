import { describe, expect, it } from 'vitest';
import { area, type Ring } from './geometry.js';
import { generateLayout, type SeedUnit } from './layout.js';
import { checkTiling } from './tiling.test-kit.js';

const ouhai = generateLayout('ouhai', 1);
const KX = Math.cos((28 * Math.PI) / 180);
/** lng/lat → a plane in degrees of latitude, so areas and distances are comparable in every direction */
const ringOf = (u: SeedUnit): Ring => u.boundary!.coordinates[0]!.slice(0, -1).map(([x, y]) => [x * KX, y]);
const ofLevel = (units: SeedUnit[], level: SeedUnit['level']) => units.filter((u) => u.level === level);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function childrenOf(units: SeedUnit[]) {
  const m = new Map<string, SeedUnit[]>();
  for (const u of units) if (u.parentCode) m.set(u.parentCode, [...(m.get(u.parentCode) ?? []), u]);
  return m;
}

describe('the Ouhai layout', () => {
  it('has the real towns and villages and the target numbers of grids and micro-grids', () => {
    expect(ofLevel(ouhai, 'city').map((u) => [u.code, u.name])).toEqual([['3303', '温州市']]);
    expect(ofLevel(ouhai, 'county').map((u) => [u.code, u.name, u.parentCode])).toEqual([
      ['330304', '瓯海区', '3303'],
    ]);
    const towns = ofLevel(ouhai, 'town');
    expect(towns.map((t) => t.name).sort()).toEqual(
      [
        '景山街道',
        '梧田街道',
        '南白象街道',
        '茶山街道',
        '娄桥街道',
        '新桥街道',
        '三垟街道',
        '瞿溪街道',
        '郭溪街道',
        '潘桥街道',
        '丽岙街道',
        '仙岩街道',
        '泽雅镇',
      ].sort(),
    );
    const villages = ofLevel(ouhai, 'village');
    expect(villages).toHaveLength(197);
    for (const v of villages) expect(v.code).toMatch(/^330304\d{6}$/);
    expect(villages.find((v) => v.code === '330304001003')?.name).toBe('景山社区');
    expect(ofLevel(ouhai, 'grid')).toHaveLength(1000);
    expect(ofLevel(ouhai, 'micro_grid')).toHaveLength(5173);
  });

  it('gives codes that extend the parent code, and numbered names', () => {
    for (const u of ouhai) {
      expect(u.code).toMatch(/^[0-9A-Za-z-]{1,32}$/);
      if (u.level === 'grid' || u.level === 'micro_grid') {
        expect(u.code).toMatch(new RegExp(`^${u.parentCode}\\d{3}$`));
      }
      if (u.level === 'micro_grid') expect(u.name).toMatch(/^第\d+微网格$/);
      if (u.level === 'grid') expect(u.name).toMatch(u.gridKind === 'general' ? /^第\d+网格$/ : /专属网格$/);
    }
  });

  it('has about 5 % dedicated grids, every village at least one grid and every grid at least two micro-grids', () => {
    const grids = ofLevel(ouhai, 'grid');
    expect(grids.filter((g) => g.gridKind === 'dedicated')).toHaveLength(50);
    const kids = childrenOf(ouhai);
    for (const v of ofLevel(ouhai, 'village')) expect(kids.get(v.code)?.length).toBeGreaterThanOrEqual(1);
    for (const g of grids) expect(kids.get(g.code)?.length).toBeGreaterThanOrEqual(2);
  });

  it('has populations summing to a million, consistent at every level, ~2.6 persons per household', () => {
    const kids = childrenOf(ouhai);
    expect(sum(ofLevel(ouhai, 'micro_grid').map((u) => u.population!))).toBe(1_000_000);
    for (const u of ouhai) {
      const c = kids.get(u.code);
      if (!c || u.level === 'city') continue;
      expect(sum(c.map((x) => x.population!))).toBe(u.population);
      expect(sum(c.map((x) => x.households!))).toBe(u.households);
    }
    const county = ofLevel(ouhai, 'county')[0]!;
    expect(county.population! / county.households!).toBeCloseTo(2.6, 1);
  });

  it('makes urban streets denser than the mountain town of 泽雅', () => {
    const density = (name: string) => {
      const t = ofLevel(ouhai, 'town').find((u) => u.name === name)!;
      return t.population! / area(ringOf(t));
    };
    for (const street of ['景山街道', '梧田街道', '新桥街道'])
      expect(density(street)).toBeGreaterThan(2 * density('泽雅镇'));
  });

  it('tiles every parent exactly with its children', () => {
    const kids = childrenOf(ouhai);
    let parents = 0;
    for (const parent of ouhai) {
      const c = kids.get(parent.code);
      if (!c || !parent.boundary) continue;
      parents++;
      const r = checkTiling(ringOf(parent), c.map(ringOf), parent.level === 'grid' ? 10 : 100, parent.code);
      const ctx = `${parent.level} ${parent.code}`;
      expect(Math.abs(r.childAreaSum - r.parentArea) / r.parentArea, ctx).toBeLessThan(1e-3);
      expect(r.maxOutside, ctx).toBeLessThan(1e-6); // degrees: about 10 cm
      expect(r.overlapArea / r.parentArea, ctx).toBeLessThan(1e-7);
      expect(r.badPoints, ctx).toBe(0);
      expect(r.nonConvex, ctx).toBe(0);
    }
    expect(parents).toBe(1 + 13 + 197 + 1000);
  });

  it('writes closed, counter-clockwise rings in WGS84 inside the Ouhai area', () => {
    for (const u of ouhai) {
      if (!u.boundary) continue;
      const ring = u.boundary.coordinates[0]!;
      expect(ring.length).toBeGreaterThanOrEqual(4);
      expect(ring[0]).toEqual(ring.at(-1));
      let s = 0;
      for (let i = 0; i < ring.length - 1; i++)
        s += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
      expect(s).toBeGreaterThan(0);
      for (const [lng, lat] of ring) {
        expect(lng).toBeGreaterThan(120.3);
        expect(lng).toBeLessThan(120.8);
        expect(lat).toBeGreaterThan(27.8);
        expect(lat).toBeLessThan(28.15);
      }
    }
  });

  it('is byte-identical for the same seed and different for another', () => {
    const a = JSON.stringify(ouhai);
    expect(JSON.stringify(generateLayout('ouhai', 1))).toBe(a);
    expect(JSON.stringify(generateLayout('ouhai', 2))).not.toBe(a);
  });
});

describe('the Wenzhou layout', () => {
  const wz = generateLayout('wenzhou', 1);
  it('has the city, its 12 counties, 191 towns, 3,685 villages and about 60,000 micro-grids', () => {
    expect(ofLevel(wz, 'city')).toHaveLength(1);
    expect(ofLevel(wz, 'county')).toHaveLength(12);
    expect(ofLevel(wz, 'town')).toHaveLength(191);
    expect(ofLevel(wz, 'village')).toHaveLength(3685);
    expect(ofLevel(wz, 'micro_grid')).toHaveLength(60_000);
    expect(ofLevel(wz, 'city')[0]!.population).toBe(sum(ofLevel(wz, 'county').map((c) => c.population!)));
  });

  it('tiles the city with counties and each county with its towns', () => {
    const kids = childrenOf(wz);
    for (const parent of [...ofLevel(wz, 'city'), ...ofLevel(wz, 'county')]) {
      const r = checkTiling(ringOf(parent), kids.get(parent.code)!.map(ringOf), 200, parent.code);
      expect(Math.abs(r.childAreaSum - r.parentArea) / r.parentArea).toBeLessThan(1e-3);
      expect(r.overlapArea / r.parentArea).toBeLessThan(1e-7);
      expect(r.badPoints).toBe(0);
    }
  });
});
