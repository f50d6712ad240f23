import { describe, expect, it } from 'vitest';
import { type ChainUnit, escalationChain, nextEscalation, route, targetKey } from './routing.js';

const city: ChainUnit = { id: 1, code: '3303', name: '温州市', level: 'city' };
const county: ChainUnit = { id: 2, code: '330304', name: '瓯海区', level: 'county' };
const town: ChainUnit = { id: 3, code: '330304001', name: '景山街道', level: 'town' };
const village: ChainUnit = { id: 4, code: '330304001001', name: '景山社区', level: 'village' };
const grid: ChainUnit = { id: 5, code: '330304001001-G1', name: '第1网格', level: 'grid' };
const micro: ChainUnit = { id: 6, code: '330304001001-G1-M00001', name: '微网格1', level: 'micro_grid' };
const full = [city, county, town, village, grid, micro];

const unitTarget = (r: ReturnType<typeof route>) => (r.ok && r.target.kind === 'unit' ? r.target : null);

describe('route', () => {
  it('keeps small matters in the grid, larger in the village, hard ones in the town', () => {
    expect(route({ level: 'grid' }, full)).toEqual({
      ok: true,
      target: { kind: 'unit', level: 'grid', unit: grid },
      fellBack: false,
    });
    expect(unitTarget(route({ level: 'village' }, full))?.unit).toBe(village);
    expect(unitTarget(route({ level: 'town' }, full))?.unit).toBe(town);
    expect(route({ level: 'center' }, full)).toMatchObject({
      ok: true,
      target: { level: 'center', unit: county },
    });
  });

  it('sends department matters to the department, with the center above it', () => {
    expect(route({ level: 'department', departmentCode: '330304-XF' }, full)).toEqual({
      ok: true,
      target: { kind: 'department', departmentCode: '330304-XF', center: county },
      fellBack: false,
    });
  });

  it('does not depend on the order of the chain', () => {
    expect(unitTarget(route({ level: 'village' }, [...full].reverse()))?.unit).toBe(village);
  });

  it('goes up, never down, when the chain lacks the level', () => {
    const toVillage = [city, county, town, village];
    expect(route({ level: 'grid' }, toVillage)).toMatchObject({
      ok: true,
      target: { level: 'village', unit: village },
      fellBack: true,
    });
    expect(route({ level: 'grid' }, [county])).toMatchObject({
      target: { level: 'center', unit: county },
      fellBack: true,
    });
    expect(route({ level: 'town' }, toVillage)).toMatchObject({ target: { unit: town }, fellBack: false });
  });

  it('refuses a place outside every county', () => {
    expect(route({ level: 'grid' }, [city])).toMatchObject({ ok: false, code: 'no_center' });
    expect(route({ level: 'department', departmentCode: 'X' }, [])).toMatchObject({
      ok: false,
      code: 'no_center',
    });
  });
});

describe('escalation', () => {
  const target = (level: 'grid' | 'village' | 'town' | 'center') => unitTarget(route({ level }, full))!;

  it('climbs grid → village → town → center', () => {
    expect(escalationChain(target('grid'), full).map((t) => (t.kind === 'unit' ? t.unit.name : ''))).toEqual([
      '景山社区',
      '景山街道',
      '瓯海区',
    ]);
    expect(escalationChain(target('village'), full).map((t) => t.kind === 'unit' && t.level)).toEqual([
      'town',
      'center',
    ]);
    expect(escalationChain(target('town'), full)).toEqual([{ kind: 'unit', level: 'center', unit: county }]);
    expect(escalationChain(target('center'), full)).toEqual([]);
  });

  it('a department answers to the center', () => {
    const r = route({ level: 'department', departmentCode: '330304-GA' }, full);
    if (!r.ok) throw new Error('routed');
    expect(escalationChain(r.target, full)).toEqual([{ kind: 'unit', level: 'center', unit: county }]);
  });

  it('skips levels the chain lacks', () => {
    const noVillage = [city, county, town, grid];
    const g = unitTarget(route({ level: 'grid' }, noVillage))!;
    expect(escalationChain(g, noVillage).map((t) => t.kind === 'unit' && t.level)).toEqual([
      'town',
      'center',
    ]);
  });

  it('escalates one rung per overdue round, then stays with the center', () => {
    const g = target('grid');
    expect(nextEscalation(g, full, 0)).toMatchObject({ level: 'village' });
    expect(nextEscalation(g, full, 1)).toMatchObject({ level: 'town' });
    expect(nextEscalation(g, full, 2)).toMatchObject({ level: 'center' });
    expect(nextEscalation(g, full, 3)).toBeNull();
  });

  it('keys targets stably', () => {
    expect(targetKey(target('grid'))).toBe('unit:5');
    const r = route({ level: 'department', departmentCode: '330304-GA' }, full);
    expect(r.ok && targetKey(r.target)).toBe('department:330304-GA');
  });
});
