// The vocabulary module policies are written in. A policy is a set of named, pure predicates
// over (actor, target); modules/<name>/policy.ts states its rules with these and nothing else.
import type { Actor, Role } from './actor.js';

export function isAuthenticated(a: Actor): boolean {
  return a.kind !== 'anonymous';
}

export function hasRole(a: Actor, ...roles: Role[]): boolean {
  return a.kind !== 'anonymous' && a.roles.some((r) => roles.includes(r));
}

/** The unit path lies in the actor's unit subtree. */
export function unitInScope(a: Actor, unitPath: string): boolean {
  if (a.kind === 'anonymous' || !a.scope.unit) return false;
  return unitPath.startsWith(a.scope.unit.path);
}

/** Like unitInScope, but a department's staff also reach the territory the department serves. */
export function unitReachable(a: Actor, unitPath: string): boolean {
  if (unitInScope(a, unitPath)) return true;
  if (a.kind === 'anonymous' || !a.scope.department) return false;
  return unitPath.startsWith(a.scope.department.unitPath);
}

export function departmentInScope(a: Actor, departmentId: number, departmentUnitPath: string): boolean {
  if (a.kind === 'anonymous') return false;
  if (a.scope.department?.id === departmentId) return true;
  return unitInScope(a, departmentUnitPath);
}
