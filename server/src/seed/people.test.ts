import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from './accounts.js';
import { generateLayout } from './layout.js';
import { demoPhone, personName } from './names.js';
import { DEPARTMENTS, generateOrganisation, holderKey } from './people.js';
import { createRng } from './rng.js';

const units = generateLayout('ouhai', 1);
const org = generateOrganisation(units, 1);
const codesOf = (level: string) => units.filter((u) => u.level === level).map((u) => u.code);

describe('the demo organisation', () => {
  it('puts 2–3 people on every micro-grid: a leader (rank 1) and one or two members', () => {
    const byUnit = new Map<string, { duty: string; rank: number }[]>();
    for (const p of org.people)
      for (const a of p.assignments) byUnit.set(a.unitCode, [...(byUnit.get(a.unitCode) ?? []), a]);
    for (const code of codesOf('micro_grid')) {
      const as = byUnit.get(code)!;
      expect(as.length).toBeGreaterThanOrEqual(2);
      expect(as.length).toBeLessThanOrEqual(3);
      expect(as.filter((a) => a.duty === 'micro_grid_leader')).toEqual([
        { unitCode: code, duty: 'micro_grid_leader', rank: 1 },
      ]);
      expect(as.filter((a) => a.duty === 'micro_grid_member').map((a) => a.rank)).toEqual(
        [2, 3].slice(0, as.length - 1),
      );
    }
    for (const code of codesOf('grid')) {
      const workers = byUnit.get(code)!.filter((a) => a.duty === 'grid_worker');
      expect(workers.map((a) => a.rank)).toEqual([1, 2].slice(0, workers.length));
      expect(byUnit.get(code)!.filter((a) => a.duty === 'community_police')).toHaveLength(1);
    }
    for (const code of [...codesOf('village'), ...codesOf('town')]) {
      expect(byUnit.get(code)!.filter((a) => a.duty === 'head')).toHaveLength(1);
    }
  });

  it('gives everyone a Chinese name and a fake 170-… phone number, unique', () => {
    for (const p of org.people) {
      expect(p.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
      expect(p.phone).toMatch(/^170-\d{4}-\d{4}$/);
    }
    expect(new Set(org.people.map((p) => p.phone)).size).toBe(org.people.length);
    expect(new Set(org.people.map((p) => p.name)).size).toBeGreaterThan(1000);
  });

  it('has the twelve departments of the district', () => {
    expect(org.departments).toHaveLength(DEPARTMENTS.length);
    expect(org.departments.map((d) => d.code)).toContain('330304-GA');
    expect(org.departments.find((d) => d.code === '330304-GA')?.name).toBe('瓯海区公安分局');
    for (const d of org.departments) {
      expect(d.code).toMatch(/^[0-9A-Za-z-]{1,32}$/);
      expect(d.unitCode).toBe('330304');
    }
  });

  it('links every grid to exactly one police beat of its own town', () => {
    const seen = new Map<string, string>();
    for (const b of org.policeBeats) {
      expect(b.gridCodes.length).toBeGreaterThanOrEqual(1);
      expect(b.gridCodes.length).toBeLessThanOrEqual(6);
      expect(b.code).toMatch(/^[0-9A-Za-z-]{1,32}$/);
      expect(b.stationName).toMatch(/派出所$/);
      for (const g of b.gridCodes) {
        expect(g.startsWith(b.unitCode)).toBe(true);
        expect(seen.has(g)).toBe(false);
        seen.set(g, b.code);
      }
    }
    expect(seen.size).toBe(codesOf('grid').length);
    expect(new Set(org.policeBeats.map((b) => b.stationName)).size).toBe(13);
  });

  it('finds the roster entries the demo accounts belong to', () => {
    for (const a of DEMO_ACCOUNTS.filter((x) => x.person)) {
      const i = org.holder.get(holderKey(a.person!.unitCode, a.person!.duty, a.person!.rank));
      expect(i).toBeDefined();
      expect(org.people[i!]!.assignments).toContainEqual(a.person);
    }
  });

  it('is deterministic', () => {
    expect(JSON.stringify(generateOrganisation(units, 1).people)).toBe(JSON.stringify(org.people));
  });
});

describe('demo accounts', () => {
  it('has one account named after each role, and unique usernames', () => {
    const roles = [
      'admin',
      'dispatcher',
      'safety_office',
      'leader',
      'town_staff',
      'village_staff',
      'grid_worker',
      'micro_grid_leader',
      'department_staff',
      'mediator',
      'resident',
    ];
    for (const r of roles) expect(DEMO_ACCOUNTS.find((a) => a.username === r)?.role).toBe(r);
    expect(new Set(DEMO_ACCOUNTS.map((a) => a.username)).size).toBe(DEMO_ACCOUNTS.length);
  });

  it('scopes every account to a unit or department that the seed creates (the resident to none)', () => {
    const codes = new Set(units.map((u) => u.code));
    const deps = new Set(org.departments.map((d) => d.code));
    for (const a of DEMO_ACCOUNTS) {
      if (a.role === 'resident') expect(a.scopeUnitCode ?? a.scopeDepartmentCode).toBeUndefined();
      else if (a.scopeDepartmentCode) expect(deps.has(a.scopeDepartmentCode)).toBe(true);
      else expect(codes.has(a.scopeUnitCode!)).toBe(true);
    }
  });
});

describe('names and phones', () => {
  it('are plausible and fake', () => {
    const rng = createRng('n');
    expect(personName(rng)).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
    expect(demoPhone(1)).toBe('170-0000-0001');
    expect(demoPhone(123_456)).toBe('170-0012-3456');
  });
});
