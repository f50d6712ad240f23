// Who may do what with units. Pure predicates over (actor, target unit path); the service calls them
// and turns a refusal into 401 (anonymous) or 403 (out of role or scope).
import { type Actor, type Role, STAFF_ROLES } from '../access/actor.js';
import { hasRole, isAuthenticated, unitInScope, unitReachable } from '../access/policy-kit.js';

const EDITORS: Role[] = ['admin', 'town_staff', 'village_staff'];

export const unitPolicy = {
  /** Lists, detail, GeoJSON, locate, departments and police beats: anyone logged in. */
  view: (a: Actor) => isAuthenticated(a),

  /** Names and phones of the people assigned to a unit: staff whose scope reaches it; residents never. */
  viewPeople: (a: Actor, unitPath: string) => hasRole(a, ...STAFF_ROLES) && unitReachable(a, unitPath),

  /** Edit a unit's name and figures, or its assignments: admins and town/village staff, in scope. */
  edit: (a: Actor, unitPath: string) => hasRole(a, ...EDITORS) && unitInScope(a, unitPath),

  /** Create units at these paths (import, seed): admins whose scope covers every new unit. */
  create: (a: Actor, newUnitPaths: Iterable<string>) => {
    if (!hasRole(a, 'admin')) return false;
    for (const p of newUnitPaths) if (!unitInScope(a, p)) return false;
    return true;
  },

  /** Export a subtree: admins, within their scope. */
  export: (a: Actor, subtreePath: string) => hasRole(a, 'admin') && unitInScope(a, subtreePath),

  /** Departments, police beats and people rosters written in bulk (seed, import): admins in scope. */
  bulkWrite: (a: Actor, unitPaths: Iterable<string>) => {
    if (!hasRole(a, 'admin')) return false;
    for (const p of unitPaths) if (!unitInScope(a, p)) return false;
    return true;
  },
} as const;
