// The policy matrix: every role × in scope / out of scope × read (the people of a unit) / write (edit
// a unit), plus what every role may see (view) and the admin-only import/export.
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, ROLES, type Role, SYSTEM } from '../access/actor.js';
import { unitPolicy } from './policy.js';
import { buildActor } from './test-factories.js';

const TOWN = '/3303/330304/330304001/';
const IN_SCOPE = `${TOWN}330304001001/`; // a village in the town
const OUT_OF_SCOPE = '/3303/330304/330304002/330304002001/'; // a village of another town

/** Expected answers per role: [read in scope, read out of scope, write in scope, write out of scope]. */
const MATRIX: Record<Role, [boolean, boolean, boolean, boolean]> = {
  resident: [false, false, false, false],
  grid_worker: [true, false, false, false],
  micro_grid_leader: [true, false, false, false],
  village_staff: [true, false, true, false],
  town_staff: [true, false, true, false],
  department_staff: [true, false, false, false],
  dispatcher: [true, false, false, false],
  mediator: [true, false, false, false],
  safety_office: [true, false, false, false],
  leader: [true, false, false, false],
  admin: [true, false, true, false],
};

describe('units policy matrix', () => {
  it('covers every role', () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...ROLES].sort());
  });

  describe.each(ROLES)('%s scoped to a town', (role) => {
    const actor = buildActor([role], TOWN);
    const [readIn, readOut, writeIn, writeOut] = MATRIX[role];

    it(`viewPeople in scope: ${readIn}, out of scope: ${readOut}`, () => {
      expect(unitPolicy.viewPeople(actor, IN_SCOPE)).toBe(readIn);
      expect(unitPolicy.viewPeople(actor, OUT_OF_SCOPE)).toBe(readOut);
    });

    it(`edit in scope: ${writeIn}, out of scope: ${writeOut}`, () => {
      expect(unitPolicy.edit(actor, IN_SCOPE)).toBe(writeIn);
      expect(unitPolicy.edit(actor, OUT_OF_SCOPE)).toBe(writeOut);
    });

    it('may view lists, details, shapes and locate', () => {
      expect(unitPolicy.view(actor)).toBe(true);
    });

    it(`may import and export only as admin (${role === 'admin'}), and only in scope`, () => {
      expect(unitPolicy.create(actor, [`${TOWN}330304001099/`])).toBe(role === 'admin');
      expect(unitPolicy.create(actor, [`${TOWN}330304001099/`, `${OUT_OF_SCOPE}x/`])).toBe(false);
      expect(unitPolicy.export(actor, TOWN)).toBe(role === 'admin');
      expect(unitPolicy.export(actor, OUT_OF_SCOPE)).toBe(false);
    });
  });

  it('denies the anonymous everything', () => {
    expect(unitPolicy.view(ANONYMOUS)).toBe(false);
    expect(unitPolicy.viewPeople(ANONYMOUS, IN_SCOPE)).toBe(false);
    expect(unitPolicy.edit(ANONYMOUS, IN_SCOPE)).toBe(false);
    expect(unitPolicy.create(ANONYMOUS, [IN_SCOPE])).toBe(false);
    expect(unitPolicy.export(ANONYMOUS, IN_SCOPE)).toBe(false);
  });

  it('lets department staff read the people of the territory their department serves', () => {
    const dep = buildActor(['department_staff'], null, { departmentUnitPath: TOWN });
    expect(unitPolicy.viewPeople(dep, IN_SCOPE)).toBe(true);
    expect(unitPolicy.viewPeople(dep, OUT_OF_SCOPE)).toBe(false);
    expect(unitPolicy.edit(dep, IN_SCOPE)).toBe(false);
  });

  it('never lets a resident read people, whatever their scope', () => {
    expect(unitPolicy.viewPeople(buildActor(['resident'], '/'), IN_SCOPE)).toBe(false);
  });

  it('lets a staff account without a scope read nothing personal', () => {
    expect(unitPolicy.viewPeople(buildActor(['leader'], null), IN_SCOPE)).toBe(false);
  });

  it('lets SYSTEM (command line, seed) do everything everywhere', () => {
    expect(unitPolicy.viewPeople(SYSTEM, OUT_OF_SCOPE)).toBe(true);
    expect(unitPolicy.edit(SYSTEM, OUT_OF_SCOPE)).toBe(true);
    expect(unitPolicy.create(SYSTEM, ['/9999/'])).toBe(true);
    expect(unitPolicy.export(SYSTEM, '/')).toBe(true);
  });
});
