// Who may do what with inspections. Pure predicates over (actor, campaign facts); the service applies them.
// "四不两直": the targets of a covert campaign are seen only by the safety office (within its scope) and
// the campaign's own inspectors until the campaign closes; the units inspected learn of it afterwards.
import type { Actor, Role } from '../../access/actor.js';
import { hasRole, unitInScope } from '../../access/policy-kit.js';

/** Plan, draw and close campaigns; write checklist templates. */
export const PLANNER_ROLES: readonly Role[] = ['safety_office', 'admin'];
/** Fill in a self-inspection form for a place or unit of their scope. */
export const SELF_FILLER_ROLES: readonly Role[] = [
  'grid_worker',
  'micro_grid_leader',
  'village_staff',
  'town_staff',
];
/** Staff who read templates and, once they are open to them, campaigns. */
export const STAFF_ROLES: readonly Role[] = [
  ...SELF_FILLER_ROLES,
  'department_staff',
  'dispatcher',
  'safety_office',
  'leader',
  'admin',
];

export interface CampaignFacts {
  kind: 'covert' | 'self';
  state: 'planned' | 'drawn' | 'closed';
  unitPath: string;
  inspectorIds: readonly number[];
}

const isSystem = (a: Actor) => a.kind === 'user' && a.id === 0;
const accountOf = (a: Actor) => (a.kind === 'user' ? a.id : null);
/** The two paths lie on one line of the tree (one holds the other). */
const overlaps = (a: Actor, path: string) =>
  a.kind !== 'anonymous' &&
  !!a.scope.unit &&
  (path.startsWith(a.scope.unit.path) || a.scope.unit.path.startsWith(path));

export const inspectionPolicy = {
  readTemplates: (a: Actor) => isSystem(a) || hasRole(a, ...STAFF_ROLES),
  manageTemplates: (a: Actor) => isSystem(a) || hasRole(a, ...PLANNER_ROLES),
  /** Planning within their unit subtree. */
  plan: (a: Actor, unitPath: string) =>
    isSystem(a) || (hasRole(a, ...PLANNER_ROLES) && unitInScope(a, unitPath)),
  isInspector: (a: Actor, c: CampaignFacts) => {
    const id = accountOf(a);
    return id !== null && c.inspectorIds.includes(id);
  },
  /**
   * Seeing the campaign and its targets. Covert: its planners and inspectors, and after it closes the
   * staff whose scope overlaps it. Self: also the staff whose scope overlaps it (they fill the forms).
   */
  view(a: Actor, c: CampaignFacts): boolean {
    if (this.plan(a, c.unitPath) || this.isInspector(a, c)) return true;
    if (c.kind === 'covert' && c.state !== 'closed') return false;
    return hasRole(a, ...STAFF_ROLES) && overlaps(a, c.unitPath);
  },
  /** Whether the viewer sees every target or only those of their own subtree. */
  seesAllTargets(a: Actor, c: CampaignFacts): boolean {
    return (
      this.plan(a, c.unitPath) ||
      this.isInspector(a, c) ||
      (a.kind !== 'anonymous' && !!a.scope.unit && c.unitPath.startsWith(a.scope.unit.path))
    );
  },
  /** Visiting a target: a covert campaign's inspectors; a self-inspection's staff of the target's subtree. */
  fill(a: Actor, c: CampaignFacts, targetPath: string): boolean {
    if (c.state !== 'drawn') return false;
    if (isSystem(a)) return true;
    if (c.kind === 'covert') return this.isInspector(a, c);
    return (hasRole(a, ...SELF_FILLER_ROLES) && unitInScope(a, targetPath)) || this.plan(a, c.unitPath);
  },
};
