import { describe, expect, it } from 'vitest';
import { ANONYMOUS, type Role, SYSTEM } from '../access/actor.js';
import { buildActor } from '../units/test-factories.js';
import { type HazardFacts, hazardPolicy } from './policy.js';

const COUNTY = '/3303/330304/';
const TOWN = `${COUNTY}330304001/`;
const VILLAGE = `${TOWN}330304001001/`;
const G1 = `${VILLAGE}G1/`;
const G2 = `${VILLAGE}G2/`;
const SPOT = `${G1}M1/`;

/** A department's staff member (department id 1, serving the county: buildActor's department). */
const inspector = (id = 1) => {
  const a = buildActor(['department_staff'], null, { departmentUnitPath: COUNTY });
  if (a.scope.department) a.scope.department.id = id;
  return a;
};
const at = (roles: Role[], path: string | null) => buildActor(roles, path);

const reported: HazardFacts = {
  unitPath: SPOT,
  townPath: null,
  departmentId: null,
  assignee: null,
  reporterAccountId: null,
};
const triaged: HazardFacts = { ...reported, townPath: TOWN, departmentId: 1 };

describe('hazard-relative roles', () => {
  it('makes the dispatchers, the town’s staff and the safety office in scope its dispatchers', () => {
    expect(hazardPolicy.roles(at(['dispatcher'], COUNTY), reported)).toEqual(['dispatcher']);
    expect(hazardPolicy.roles(at(['town_staff'], TOWN), reported)).toEqual(['dispatcher']);
    expect(hazardPolicy.roles(at(['safety_office'], COUNTY), reported)).toEqual(['dispatcher']);
    expect(hazardPolicy.roles(at(['dispatcher'], `${COUNTY}330304002/`), reported)).toEqual([]);
    expect(hazardPolicy.roles(at(['grid_worker'], G1), reported)).toEqual([]);
  });

  it('makes the town and the department it was routed to its reviewers, and nobody before triage', () => {
    expect(hazardPolicy.roles(inspector(), reported)).toEqual([]);
    expect(hazardPolicy.roles(inspector(), triaged)).toEqual(['reviewer']);
    expect(hazardPolicy.roles(inspector(2), triaged)).toEqual([]);
    expect(hazardPolicy.roles(at(['town_staff'], TOWN), triaged)).toEqual(['dispatcher', 'reviewer']);
    // the safety office dispatches but does not review; a village does neither
    expect(hazardPolicy.roles(at(['safety_office'], COUNTY), triaged)).toEqual(['dispatcher']);
    expect(hazardPolicy.roles(at(['village_staff'], VILLAGE), triaged)).toEqual([]);
  });

  it('makes the rectifying party’s staff its rectifiers: a unit’s, a place’s followers, a department’s', () => {
    const toGrid: HazardFacts = { ...triaged, assignee: { kind: 'unit', path: G1 } };
    expect(hazardPolicy.roles(at(['grid_worker'], G1), toGrid)).toEqual(['rectifier']);
    expect(hazardPolicy.roles(at(['village_staff'], VILLAGE), toGrid)).toEqual(['rectifier']);
    expect(hazardPolicy.roles(at(['grid_worker'], G2), toGrid)).toEqual([]);
    // a dispatcher is not a rectifier
    expect(hazardPolicy.roles(at(['dispatcher'], COUNTY), toGrid)).toEqual(['dispatcher', 'reviewer']);
    const toPlace: HazardFacts = { ...triaged, assignee: { kind: 'place', path: SPOT } };
    expect(hazardPolicy.roles(at(['grid_worker'], G1), toPlace)).toEqual(['rectifier']);
    expect(hazardPolicy.roles(at(['town_staff'], TOWN), toPlace)).toEqual(['dispatcher', 'reviewer']);
    const toDepartment: HazardFacts = {
      ...triaged,
      departmentId: 2,
      assignee: { kind: 'department', id: 1 },
    };
    expect(hazardPolicy.roles(inspector(), toDepartment)).toEqual(['rectifier']);
    expect(hazardPolicy.roles(inspector(2), toDepartment)).toEqual(['reviewer']);
  });

  it('knows the reporter by account, gives the system every role but the reporter’s, and nobody anonymous', () => {
    const a = at(['grid_worker'], G2);
    expect(hazardPolicy.roles(a, { ...reported, reporterAccountId: a.id })).toEqual(['reporter']);
    expect(hazardPolicy.roles(SYSTEM, reported)).toEqual(['system', 'dispatcher', 'reviewer', 'rectifier']);
    expect(hazardPolicy.roles(ANONYMOUS, reported)).toEqual([]);
  });
});

describe('seeing, recording and listing', () => {
  it('lets staff of the place’s subtree and anyone holding a role see it', () => {
    expect(hazardPolicy.view(at(['leader'], COUNTY), reported)).toBe(true);
    expect(hazardPolicy.view(at(['grid_worker'], G1), reported)).toBe(true);
    expect(hazardPolicy.view(at(['grid_worker'], G2), reported)).toBe(false);
    expect(hazardPolicy.view(at(['resident'], COUNTY), reported)).toBe(false);
    expect(hazardPolicy.view(inspector(), reported)).toBe(false);
    expect(hazardPolicy.view(inspector(), triaged)).toBe(true);
    expect(hazardPolicy.view(ANONYMOUS, reported)).toBe(false);
  });

  it('lets staff record where their scope reaches, covert findings only for the safety office', () => {
    expect(hazardPolicy.record(at(['resident'], null))).toBe(false);
    expect(hazardPolicy.record(ANONYMOUS)).toBe(false);
    expect(hazardPolicy.record(inspector())).toBe(true);
    expect(hazardPolicy.reaches(inspector(), SPOT)).toBe(true); // the department's territory
    expect(hazardPolicy.reaches(at(['grid_worker'], G2), SPOT)).toBe(false);
    expect(hazardPolicy.recordCovert(at(['grid_worker'], G1))).toBe(false);
    expect(hazardPolicy.recordCovert(at(['safety_office'], COUNTY))).toBe(true);
  });

  it('lists a unit subtree for unit staff and what concerns the department for its staff', () => {
    expect(hazardPolicy.listScope(at(['grid_worker'], G1))).toEqual({ unitPath: G1 });
    expect(hazardPolicy.listScope(inspector())).toEqual({ departmentId: 1 });
    expect(hazardPolicy.listScope(at(['resident'], COUNTY))).toBeNull();
    expect(hazardPolicy.listScope(SYSTEM)).toEqual({ unitPath: '/' });
  });
});
