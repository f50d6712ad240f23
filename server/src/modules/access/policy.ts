// Who may do what with accounts, API keys and the audit log. Pure predicates over (actor, target); the
// service calls them and turns a refusal into 401 (anonymous) or 403 (out of role or scope).
//
// An account is *anchored* at a path: its scope unit's path, or — for department staff without a unit —
// the path of the territory its department serves. An admin manages the accounts anchored inside its own
// unit subtree. Residents have no anchor; only an admin whose scope is a whole county or city (or the
// SYSTEM actor) manages them, because a resident belongs to no town or village.
import { type Actor, type Role, STAFF_ROLES } from './actor.js';
import { hasRole, unitInScope } from './policy-kit.js';

export interface AccountTarget {
  id: number;
  /** Scope unit path, or the department's territory path; null for residents. */
  anchorPath: string | null;
}

const TOP_LEVELS = new Set(['city', 'county']);

/** The actor's scope is a whole county or city: it may also reach what is anchored nowhere. */
export function isTopLevel(a: Actor): boolean {
  return a.kind !== 'anonymous' && a.scope.unit !== null && TOP_LEVELS.has(a.scope.unit.level);
}

/** The anchor lies within the actor's unit subtree (unanchored: the actor is top-level). */
export function anchorInScope(a: Actor, anchorPath: string | null): boolean {
  return anchorPath === null ? isTopLevel(a) : unitInScope(a, anchorPath);
}

/** An admin logged in as an account (API keys never carry admin). */
function isAdmin(a: Actor): boolean {
  return a.kind === 'user' && hasRole(a, 'admin');
}

export const accountPolicy = {
  /** See an account: its owner, or an admin whose subtree holds it. */
  viewAccount: (a: Actor, t: AccountTarget) =>
    (a.kind === 'user' && a.id === t.id) || accountPolicy.manageAccount(a, t),

  /** Create, change, disable, reset the password of an account: an admin whose subtree holds it. */
  manageAccount: (a: Actor, t: AccountTarget) => isAdmin(a) && anchorInScope(a, t.anchorPath),

  /** Manage any accounts at all (which ones: manageAccount): admins. */
  manageAccounts: (a: Actor) => isAdmin(a),

  /** List accounts (the list is cut to the admin's subtree): admins. */
  listAccounts: (a: Actor) => isAdmin(a),

  /** Change one's own password with the old one: a real account (not a key, not SYSTEM). */
  changeOwnPassword: (a: Actor) => a.kind === 'user' && a.id > 0,

  /** Create, list, revoke API keys: admins; a key anchored outside the admin's subtree is out of reach. */
  manageApiKeys: (a: Actor, keyAnchorPath?: string | null) =>
    isAdmin(a) && (keyAnchorPath === undefined || anchorInScope(a, keyAnchorPath)),

  /** Read the audit log (cut to the actor's subtree where an entry has a unit): admins and the safety office. */
  viewAudit: (a: Actor) => hasRole(a, 'admin', 'safety_office'),

  /** One audit entry, for viewAudit actors: entries without a unit are visible; the rest by subtree. */
  viewAuditEntry: (a: Actor, entryUnitPath: string | null) =>
    accountPolicy.viewAudit(a) && (entryUnitPath === null || unitInScope(a, entryUnitPath)),
} as const;

/**
 * What is wrong with a combination of roles and scope, or null when it fits:
 * `resident` stands alone and has no scope; every other role needs a scope unit, except that
 * department staff may instead (or also) have a department; only department staff have a department.
 */
export function scopeProblem(
  roles: readonly Role[],
  scope: { unit: boolean; department: boolean },
): string | null {
  if (roles.length === 0) return 'at least one role';
  if (new Set(roles).size !== roles.length) return 'a role is listed twice';
  if (roles.includes('resident')) {
    if (roles.length > 1) return 'resident cannot be combined with staff roles';
    if (scope.unit || scope.department) return 'a resident account has no scope';
    return null;
  }
  if (scope.department && !roles.includes('department_staff'))
    return 'only department_staff has a department';
  const needsUnit = roles.some((r) => STAFF_ROLES.includes(r) && r !== 'department_staff');
  if (needsUnit && !scope.unit) return `roles ${roles.join(', ')} need a scope unit`;
  if (!scope.unit && !scope.department) return 'department_staff needs a department or a scope unit';
  return null;
}
