// Who sees and fills inspections, over every role: the covert draw is hidden from the units inspected
// ("四不两直") until the campaign closes; a self-inspection is open to the staff of its area.
import { describe, expect, it } from 'vitest';
import { type Actor, ROLES, type Role } from '../../access/actor.js';
import { type CampaignFacts, inspectionPolicy as p } from './policy.js';

const COUNTY = '/3303/330304/';
const VILLAGE = '/3303/330304/330304001/330304001001/';
const GRID = `${VILLAGE}330304001001-G1/`;

function user(id: number, role: Role, path: string | null): Actor {
  return {
    kind: 'user',
    id,
    username: `u${id}`,
    displayName: `u${id}`,
    roles: [role],
    scope: {
      unit: path ? { id, code: path.split('/').at(-2) ?? '', name: '', level: 'x', path } : null,
      department: null,
    },
  };
}

const covert = (state: CampaignFacts['state']): CampaignFacts => ({
  kind: 'covert',
  state,
  unitPath: COUNTY,
  inspectorIds: [7],
});

describe('inspection policy', () => {
  it('shows a running covert campaign to its planners and inspectors only, whatever the role', () => {
    for (const role of ROLES) {
      for (const path of [COUNTY, VILLAGE, GRID]) {
        const a = user(1, role, path);
        const planner = (role === 'safety_office' || role === 'admin') && path === COUNTY;
        expect(p.view(a, covert('drawn')), `${role}@${path}`).toBe(planner);
        expect(p.view(a, covert('planned')), `${role}@${path}`).toBe(planner);
      }
      // a named inspector sees it wherever their scope is, and fills it while it runs
      const inspector = user(7, role, GRID);
      expect(p.view(inspector, covert('drawn'))).toBe(true);
      expect(p.fill(inspector, covert('drawn'), GRID)).toBe(true);
      expect(p.fill(inspector, covert('closed'), GRID)).toBe(false);
    }
    expect(p.view({ kind: 'anonymous' }, covert('closed'))).toBe(false);
  });

  it('opens a closed covert campaign to the staff over it, not to residents', () => {
    expect(p.view(user(2, 'village_staff', VILLAGE), covert('closed'))).toBe(true);
    expect(p.view(user(2, 'grid_worker', GRID), covert('closed'))).toBe(true);
    expect(p.view(user(2, 'resident', VILLAGE), covert('closed'))).toBe(false);
    expect(p.view(user(2, 'village_staff', '/3303/330399/'), covert('closed'))).toBe(false);
    // the staff of a village see only their subtree's targets
    expect(p.seesAllTargets(user(2, 'village_staff', VILLAGE), covert('closed'))).toBe(false);
    expect(p.seesAllTargets(user(2, 'leader', COUNTY), covert('closed'))).toBe(true);
  });

  it('lets the staff of a target’s area fill a self-inspection form, not department staff or other grids', () => {
    const self: CampaignFacts = { kind: 'self', state: 'drawn', unitPath: COUNTY, inspectorIds: [] };
    const target = `${GRID}M00001/`;
    expect(p.fill(user(3, 'grid_worker', GRID), self, target)).toBe(true);
    expect(p.fill(user(3, 'village_staff', VILLAGE), self, target)).toBe(true);
    expect(p.fill(user(3, 'grid_worker', `${VILLAGE}330304001001-G2/`), self, target)).toBe(false);
    expect(p.fill(user(3, 'department_staff', COUNTY), self, target)).toBe(false);
    expect(p.fill(user(3, 'safety_office', COUNTY), self, target)).toBe(true);
    expect(p.fill(user(3, 'grid_worker', GRID), { ...self, state: 'closed' }, target)).toBe(false);
    expect(p.view(user(3, 'grid_worker', GRID), self)).toBe(true);
  });

  it('lets only the safety office of an area plan there', () => {
    expect(p.plan(user(4, 'safety_office', COUNTY), VILLAGE)).toBe(true);
    expect(p.plan(user(4, 'safety_office', VILLAGE), COUNTY)).toBe(false);
    expect(p.plan(user(4, 'town_staff', COUNTY), VILLAGE)).toBe(false);
    expect(p.manageTemplates(user(4, 'leader', COUNTY))).toBe(false);
    expect(p.readTemplates(user(4, 'resident', COUNTY))).toBe(false);
  });
});
