// Who may list, delist and record admonitions. Pure predicates over (actor, the subject's unit path).
import type { Actor, Role } from '../../access/actor.js';
import { hasRole, unitReachable } from '../../access/policy-kit.js';
import { isSystemActor, VIEWER_ROLES } from '../policy.js';

/** Put a hazard or place on the list: the safety office, the town, the responsible departments. */
const LIST_ROLES: readonly Role[] = ['safety_office', 'town_staff', 'department_staff', 'admin'];
/** Take it off (摘牌): the safety office signs off. */
const DELIST_ROLES: readonly Role[] = ['safety_office', 'admin'];
/** Record an admonition talk and its follow-up: the safety office, leaders, the town, departments. */
const ADMONISH_ROLES: readonly Role[] = [
  'safety_office',
  'leader',
  'town_staff',
  'department_staff',
  'admin',
];

const staff = (a: Actor, roles: readonly Role[], unitPath: string) =>
  isSystemActor(a) || (hasRole(a, ...roles) && unitReachable(a, unitPath));

export const listingPolicy = {
  staff(a: Actor): boolean {
    return isSystemActor(a) || hasRole(a, ...VIEWER_ROLES, 'department_staff');
  },
  view(a: Actor, unitPath: string): boolean {
    return staff(a, [...VIEWER_ROLES, 'department_staff'], unitPath);
  },
  list(a: Actor, unitPath: string): boolean {
    return staff(a, LIST_ROLES, unitPath);
  },
  delist(a: Actor, unitPath: string): boolean {
    return staff(a, DELIST_ROLES, unitPath);
  },
  admonish(a: Actor, unitPath: string): boolean {
    return staff(a, ADMONISH_ROLES, unitPath);
  },
  /** The ranking board (晾晒): those who see the metrics. */
  ranking(a: Actor): boolean {
    return isSystemActor(a) || hasRole(a, 'leader', 'safety_office', 'dispatcher', 'town_staff', 'admin');
  },
};
