// Who is acting: a logged-in account, an integration's API key, or nobody. Every service method
// takes the actor first and checks it against its module's policy.ts.

export const ROLES = [
  'resident',
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
] as const;
export type Role = (typeof ROLES)[number];

/** Roles that work for the government side and therefore carry a scope. */
export const STAFF_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'resident');

export interface ScopeUnit {
  id: number;
  code: string;
  name: string;
  level: string;
  /** Materialised path of codes, e.g. '/3303/330304/330304001/' */
  path: string;
}

export interface ScopeDepartment {
  id: number;
  code: string;
  name: string;
  /** Path of the unit whose territory the department serves */
  unitPath: string;
}

/** A staff account's reach: a unit subtree, or a department (and through it the department's territory). */
export interface Scope {
  unit: ScopeUnit | null;
  department: ScopeDepartment | null;
}

export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      id: number;
      username: string;
      displayName: string;
      roles: Role[];
      scope: Scope;
    }
  | {
      kind: 'api_key';
      id: number;
      name: string;
      roles: Role[];
      scope: Scope;
    };

export const ANONYMOUS: Actor = { kind: 'anonymous' };

/** The actor used by the command line and background jobs: acts everywhere, audited by name. */
export const SYSTEM: Actor = {
  kind: 'user',
  id: 0,
  username: 'system',
  displayName: 'system',
  roles: ['admin'],
  scope: { unit: { id: 0, code: '', name: 'all', level: 'city', path: '/' }, department: null },
};

export function actorName(a: Actor): string {
  return a.kind === 'user' ? a.username : a.kind === 'api_key' ? `api_key:${a.name}` : 'anonymous';
}

export function actorId(a: Actor): number | null {
  return a.kind === 'user' && a.id > 0 ? a.id : null;
}
