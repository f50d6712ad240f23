// Who may do what with the places registry. Pure predicates over (actor, the place's unit path); the
// service applies them.
import type { Actor, Role } from '../../access/actor.js';
import { hasRole, unitInScope, unitReachable } from '../../access/policy-kit.js';

/** Staff who see the registry of their unit subtree (department staff: their department's territory). */
export const VIEWER_ROLES: readonly Role[] = [
  'grid_worker',
  'micro_grid_leader',
  'village_staff',
  'town_staff',
  'department_staff',
  'dispatcher',
  'mediator',
  'safety_office',
  'leader',
  'admin',
];
/** Staff who register places and keep them current (grid workers walk their micro-grids and find them). */
export const EDITOR_ROLES: readonly Role[] = [
  'grid_worker',
  'micro_grid_leader',
  'village_staff',
  'town_staff',
  'department_staff',
  'safety_office',
  'admin',
];
/** Staff who load whole registries from a file. */
export const IMPORTER_ROLES: readonly Role[] = ['town_staff', 'department_staff', 'safety_office', 'admin'];

/** The command line and the seed (SYSTEM): acts everywhere. */
const isSystem = (a: Actor) => a.kind === 'user' && a.id === 0;

/** The path a viewer's lists are limited to: the unit subtree, else the department's territory. */
export function reachPath(a: Actor): string | null {
  if (a.kind === 'anonymous') return null;
  return a.scope.unit?.path ?? a.scope.department?.unitPath ?? null;
}

export const placePolicy = {
  /** Lists and exports (limited to reachPath). */
  list: (a: Actor) => hasRole(a, ...VIEWER_ROLES),
  view: (a: Actor, unitPath: string) => hasRole(a, ...VIEWER_ROLES) && unitReachable(a, unitPath),
  /** The contact phone in full: staff whose own unit subtree holds the place (not a department's reach). */
  contactInFull: (a: Actor, unitPath: string) => unitInScope(a, unitPath),
  edit: (a: Actor, unitPath: string) => hasRole(a, ...EDITOR_ROLES) && unitReachable(a, unitPath),
  import: (a: Actor) => hasRole(a, ...IMPORTER_ROLES),
  /**
   * Black/white listing: the safety office within its unit subtree, or a department (its staff) whose
   * territory holds the place.
   */
  changeListStatus(a: Actor, unitPath: string): boolean {
    if (isSystem(a)) return true;
    if (a.kind === 'anonymous') return false;
    if (hasRole(a, 'safety_office') && unitInScope(a, unitPath)) return true;
    const d = a.scope.department;
    return hasRole(a, 'department_staff') && d !== null && unitPath.startsWith(d.unitPath);
  },
  /** The role a list change is recorded under. */
  listRole(a: Actor, unitPath: string): string {
    if (isSystem(a)) return 'system';
    if (hasRole(a, 'safety_office') && unitInScope(a, unitPath)) return 'safety_office';
    return 'department_staff';
  },
} as const;
