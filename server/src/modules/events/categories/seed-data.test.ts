import { describe, expect, it } from 'vitest';
import { DEPARTMENTS } from '../../../seed/people.js';
import type { Actor, Role } from '../../access/actor.js';
import { SYSTEM } from '../../access/actor.js';
import { type ChainUnit, route } from '../domain/routing.js';
import { categoryPolicy } from './policy.js';
import { createBody } from './schema.js';
import { seedCategoryDefs } from './seed-data.js';

const defs = seedCategoryDefs('330304');
const parsed = defs.map((d) => createBody.parse(d));

describe('the seed category set', () => {
  it('validates as the HTTP edge would, with unique codes, parents first', () => {
    const seen = new Set<string>();
    for (const d of parsed) {
      expect(seen.has(d.code), d.code).toBe(false);
      if (d.parentCode) expect(seen.has(d.parentCode), d.code).toBe(true);
      seen.add(d.code);
    }
  });

  it('has eleven groups and 40–70 leaves, each leaf with keywords', () => {
    const leaves = parsed.filter((d) => !parsed.some((c) => c.parentCode === d.code));
    expect(parsed.filter((d) => d.parentCode === null)).toHaveLength(11);
    expect(leaves.length).toBeGreaterThanOrEqual(40);
    expect(leaves.length).toBeLessThanOrEqual(70);
    for (const l of leaves) expect(l.keywords.length, l.code).toBeGreaterThan(0);
  });

  it('names only departments the demo seed creates, with the district code', () => {
    const known = new Set(DEPARTMENTS.map((d) => `330304-${d.suffix}`));
    const used = parsed.flatMap((d) =>
      d.handledBy.level === 'department' ? [d.handledBy.departmentCode] : [],
    );
    expect(used.length).toBeGreaterThan(30);
    for (const code of used) expect(known.has(code), code).toBe(true);
    expect(new Set(used)).toContain('330304-GA');
    expect(new Set(used)).toContain('330304-XF');
  });

  it('uses every handling level, and urgent matters have short calendar deadlines', () => {
    const levels = new Set(parsed.map((d) => d.handledBy.level));
    expect([...levels].sort()).toEqual(['center', 'department', 'grid', 'town', 'village']);
    for (const d of parsed.filter((x) => x.priority === 'urgent')) {
      expect(d.deadline.workingHours, d.code).toBe(false);
      expect(d.deadline.hours, d.code).toBeLessThanOrEqual(24);
    }
  });
});

describe('the seed set routed', () => {
  const chain: ChainUnit[] = [
    { id: 1, code: '3303', name: '温州市', level: 'city' },
    { id: 2, code: '330304', name: '瓯海区', level: 'county' },
    { id: 3, code: '330304001', name: '景山街道', level: 'town' },
    { id: 4, code: '330304001003', name: '景山社区', level: 'village' },
    { id: 5, code: '330304001003001', name: '第1网格', level: 'grid' },
    { id: 6, code: '330304001003001001', name: '第1微网格', level: 'micro_grid' },
  ];

  it('routes every category: a rule is directly what routing takes', () => {
    const got = Object.fromEntries(
      parsed.map((d) => {
        const r = route(d.handledBy, chain);
        if (!r.ok) throw new Error(d.code);
        return [d.code, r.target.kind === 'unit' ? r.target.unit.code : r.target.departmentCode];
      }),
    );
    expect(got['fire.ebike_charging']).toBe('330304001003001'); // 小事不出网格
    expect(got['disputes.neighbour']).toBe('330304001003'); // 大事不出村社
    expect(got['disputes.labour']).toBe('330304001'); // 难事不出镇街
    expect(got['fire.blocked_exit']).toBe('330304-XF');
    expect(got.other).toBe('330304'); // the center
  });
});

describe('categoryPolicy', () => {
  const actor = (roles: Role[], level: string, path: string): Actor => ({
    kind: 'user',
    id: 1,
    username: 'u',
    displayName: 'u',
    roles,
    scope: { unit: { id: 1, code: 'x', name: 'x', level, path }, department: null },
  });

  it('lets anyone read', () => {
    expect(categoryPolicy.view({ kind: 'anonymous' })).toBe(true);
  });

  it('lets only administrators of the whole district (or above) edit', () => {
    expect(categoryPolicy.manage(actor(['admin'], 'county', '/3303/330304/'))).toBe(true);
    expect(categoryPolicy.manage(actor(['admin'], 'city', '/3303/'))).toBe(true);
    expect(categoryPolicy.manage(SYSTEM)).toBe(true);
    expect(categoryPolicy.manage(actor(['admin'], 'town', '/3303/330304/330304001/'))).toBe(false);
    expect(categoryPolicy.manage(actor(['dispatcher', 'leader'], 'county', '/3303/330304/'))).toBe(false);
    expect(categoryPolicy.manage({ kind: 'anonymous' })).toBe(false);
    const noUnit = actor(['admin'], 'county', '/');
    if (noUnit.kind === 'user') noUnit.scope = { unit: null, department: null };
    expect(categoryPolicy.manage(noUnit)).toBe(false);
  });
});
