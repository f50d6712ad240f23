// Who may do what with hazards. Pure predicates over (actor, hazard facts); the service asks them and the
// state machine (domain/state-machine.ts) decides the rest from the hazard-relative roles computed here.
import type { Actor, Role } from '../access/actor.js';
import { hasRole, unitInScope, unitReachable } from '../access/policy-kit.js';
import type { HazardRole } from './domain/state-machine.js';

/** 分流: the dispatchers (the center, the town hubs), the town's staff and the district safety office. */
export const DISPATCH_ROLES: readonly Role[] = ['dispatcher', 'town_staff', 'safety_office'];
/** 审核 / 交办 / 验收 for the town a hazard was routed to (a county dispatcher's scope covers every town). */
export const TOWN_REVIEW_ROLES: readonly Role[] = ['town_staff', 'dispatcher'];
/** Rectify what was assigned to a unit of their scope. */
export const UNIT_RECTIFIER_ROLES: readonly Role[] = [
  'grid_worker',
  'micro_grid_leader',
  'village_staff',
  'town_staff',
];
/** Rectify what was assigned to a registered place of their scope: those who follow the place up. */
export const PLACE_RECTIFIER_ROLES: readonly Role[] = ['grid_worker', 'micro_grid_leader', 'village_staff'];
/** See the hazards located in their unit subtree. */
export const VIEWER_ROLES: readonly Role[] = [
  'grid_worker',
  'micro_grid_leader',
  'village_staff',
  'town_staff',
  'dispatcher',
  'safety_office',
  'leader',
  'admin',
];
/** Record a hazard where their scope reaches (a unit subtree, or a department's territory). */
export const RECORD_ROLES: readonly Role[] = [...VIEWER_ROLES, 'department_staff'];

export interface HazardFacts {
  /** Where it is (the located unit's path). */
  unitPath: string;
  /** The route in force: the town's path and the department; null before triage. */
  townPath: string | null;
  departmentId: number | null;
  /** The rectifying party: a unit's or a place's unit path, or a department. */
  assignee: { kind: 'unit' | 'place'; path: string } | { kind: 'department'; id: number } | null;
  reporterAccountId: number | null;
}

export const isSystemActor = (a: Actor) => a.kind === 'user' && a.id === 0;
const departmentOf = (a: Actor) => (a.kind === 'anonymous' ? undefined : a.scope.department?.id);

export const hazardPolicy = {
  /** Recording at all (the location is checked with `reaches` once it is known). */
  record(a: Actor): boolean {
    return isSystemActor(a) || hasRole(a, ...RECORD_ROLES);
  },
  /** The location lies within the recorder's reach. */
  reaches(a: Actor, unitPath: string): boolean {
    return isSystemActor(a) || unitReachable(a, unitPath);
  },
  /** Findings of covert inspections (暗访) are the safety office's. */
  recordCovert(a: Actor): boolean {
    return isSystemActor(a) || hasRole(a, 'safety_office', 'admin');
  },
  /**
   * What the list of "all in scope" covers: the hazards located in the viewer's unit subtree, or for a
   * department's staff what concerns the department (routed or assigned to it, or recorded by them).
   */
  listScope(a: Actor): { unitPath: string } | { departmentId: number } | null {
    if (a.kind === 'anonymous') return null;
    if (a.scope.unit && (isSystemActor(a) || hasRole(a, ...VIEWER_ROLES)))
      return { unitPath: a.scope.unit.path };
    if (a.scope.department && hasRole(a, 'department_staff')) return { departmentId: a.scope.department.id };
    return null;
  },
  /** Importing a hazard list: the offices that keep lists (each row must still lie within their reach). */
  import(a: Actor): boolean {
    return (
      isSystemActor(a) || hasRole(a, 'town_staff', 'dispatcher', 'safety_office', 'department_staff', 'admin')
    );
  },
  /** The metrics (close-out rates and overdue counts by unit and domain). */
  overview(a: Actor): boolean {
    return hasRole(a, 'leader', 'safety_office', 'dispatcher', 'town_staff', 'village_staff', 'admin');
  },
  /** The hazard-relative roles the actor holds for this hazard. */
  roles(a: Actor, h: HazardFacts): HazardRole[] {
    if (isSystemActor(a)) return ['system', 'dispatcher', 'reviewer', 'rectifier'];
    if (a.kind === 'anonymous') return [];
    const out: HazardRole[] = [];
    if (hasRole(a, ...DISPATCH_ROLES) && unitInScope(a, h.unitPath)) out.push('dispatcher');
    if (
      (h.townPath !== null && hasRole(a, ...TOWN_REVIEW_ROLES) && unitInScope(a, h.townPath)) ||
      (h.departmentId !== null && hasRole(a, 'department_staff') && departmentOf(a) === h.departmentId)
    ) {
      out.push('reviewer');
    }
    const x = h.assignee;
    if (
      x &&
      ((x.kind === 'unit' && hasRole(a, ...UNIT_RECTIFIER_ROLES) && unitInScope(a, x.path)) ||
        (x.kind === 'place' && hasRole(a, ...PLACE_RECTIFIER_ROLES) && unitInScope(a, x.path)) ||
        (x.kind === 'department' && hasRole(a, 'department_staff') && departmentOf(a) === x.id))
    ) {
      out.push('rectifier');
    }
    if (a.kind === 'user' && h.reporterAccountId === a.id) out.push('reporter');
    return out;
  },
  /** Seeing the hazard: staff of its place's subtree, its town and department, its rectifier, its reporter. */
  view(a: Actor, h: HazardFacts): boolean {
    if (isSystemActor(a)) return true;
    if (hasRole(a, ...VIEWER_ROLES) && unitInScope(a, h.unitPath)) return true;
    return this.roles(a, h).length > 0;
  },
};
