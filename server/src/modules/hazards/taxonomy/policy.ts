// Who may do what with the hazard taxonomy. Pure predicates over the actor; the service applies them.
import type { Actor } from '../../access/actor.js';
import { hasRole } from '../../access/policy-kit.js';

/** The actor's scope is the whole district (or the city above it): the taxonomy is the district's. */
function districtWide(a: Actor): boolean {
  if (a.kind === 'anonymous' || !a.scope.unit) return false;
  return a.scope.unit.path === '/' || a.scope.unit.level === 'county' || a.scope.unit.level === 'city';
}

export const taxonomyPolicy = {
  /** The domains and their aspects: anyone, the public included (report forms, the public listing page). */
  view: (_a: Actor) => true,
  /** A new version of a domain: administrators whose scope is the district. */
  manage: (a: Actor) => hasRole(a, 'admin') && districtWide(a),
} as const;
