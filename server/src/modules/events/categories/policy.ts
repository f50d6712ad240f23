// Who may do what with event categories. Pure predicates over the actor; the service applies them.
import type { Actor } from '../../access/actor.js';
import { hasRole } from '../../access/policy-kit.js';

/** The actor's scope is the whole district (or the city above it): the tree is the district's. */
function districtWide(a: Actor): boolean {
  if (a.kind === 'anonymous' || !a.scope.unit) return false;
  return a.scope.unit.path === '/' || a.scope.unit.level === 'county' || a.scope.unit.level === 'city';
}

export const categoryPolicy = {
  /** The tree, one category, an old version, suggestions: anyone, the public included (the report form, Open311). */
  view: (_a: Actor) => true,
  /** Create a category or a new version of one: administrators whose scope is the district. */
  manage: (a: Actor) => hasRole(a, 'admin') && districtWide(a),
} as const;
