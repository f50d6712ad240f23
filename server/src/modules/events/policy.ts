// Who may do what with events. Pure predicates over (actor, event facts); the service asks them and the
// state machine (domain/state-machine.ts) decides the rest from the event-relative roles computed here.
import type { Actor, Role } from '../access/actor.js';
import { hasRole, unitInScope } from '../access/policy-kit.js';
import type { EventRole } from './domain/state-machine.js';

/** Staff who work events of their unit subtree when assigned to a unit. */
export const UNIT_HANDLER_ROLES: readonly Role[] = [
  'grid_worker',
  'micro_grid_leader',
  'village_staff',
  'town_staff',
  'dispatcher',
];
/** Staff who may see the events of their unit subtree (read only unless they hold an event role). */
export const VIEWER_ROLES: readonly Role[] = [
  ...UNIT_HANDLER_ROLES,
  'safety_office',
  'leader',
  'admin',
  'mediator',
];
/** Who files for someone else (a resident met in the street, a hotline caller). */
export const ON_BEHALF_ROLES: readonly Role[] = [...UNIT_HANDLER_ROLES, 'department_staff'];

export interface EventFacts {
  unitPath: string;
  assignee: { kind: 'unit'; path: string } | { kind: 'department'; id: number } | null;
  /** The actor follows it (reported it, or a merged duplicate of theirs). */
  follows: boolean;
}

export const isSystemActor = (a: Actor) => a.kind === 'user' && a.id === 0;

export const eventPolicy = {
  /** Anyone may report, with or without an account (anonymous reports are rate-limited by address). */
  report(_a: Actor): boolean {
    return true;
  },
  reportOnBehalf(a: Actor): boolean {
    return a.kind === 'api_key' || hasRole(a, ...ON_BEHALF_ROLES, 'admin');
  },
  /** Lists of the events in a scope (not "mine"). */
  listScope(a: Actor): boolean {
    return hasRole(a, ...VIEWER_ROLES, 'department_staff');
  },
  /** The daily view and the metrics. */
  overview(a: Actor): boolean {
    return hasRole(a, 'leader', 'safety_office', 'dispatcher', 'town_staff', 'village_staff', 'admin');
  },
  /** The event-relative roles the actor holds for this event. */
  roles(a: Actor, e: EventFacts): EventRole[] {
    const out: EventRole[] = [];
    if (isSystemActor(a)) return ['system', 'dispatcher'];
    if (hasRole(a, 'dispatcher') && unitInScope(a, e.unitPath)) out.push('dispatcher');
    if (e.assignee && a.kind !== 'anonymous') {
      if (e.assignee.kind === 'unit') {
        if (hasRole(a, ...UNIT_HANDLER_ROLES) && unitInScope(a, e.assignee.path)) out.push('handler');
      } else if (hasRole(a, 'department_staff') && a.scope.department?.id === e.assignee.id) {
        out.push('handler');
      }
    }
    if (e.follows) out.push('reporter');
    return out;
  },
  /** Seeing the event at all. */
  view(a: Actor, e: EventFacts): boolean {
    if (e.follows || isSystemActor(a)) return true;
    if (hasRole(a, ...VIEWER_ROLES) && unitInScope(a, e.unitPath)) return true;
    return this.roles(a, e).includes('handler');
  },
  /** The reporter's name and phone in full: those who may have to call them back. */
  reporterContact(roles: readonly EventRole[]): boolean {
    return roles.includes('dispatcher') || roles.includes('handler');
  },
};
