// Who may read which notifications and which entries of the live feed. Pure predicates over the actor;
// the service and the live stream apply them.
//
// A notification belongs to one account: only that account reads it, lists it, marks it read or is sent
// it live (someone else asking for it gets 404, as if it did not exist). The live feed is for staff: an
// entry is visible when its unit lies in the viewer's unit subtree, or when it was addressed to the
// viewer's department. Residents follow their own notifications only, never the feed.
import { type Actor, STAFF_ROLES } from '../access/actor.js';
import { hasRole, unitInScope } from '../access/policy-kit.js';

export interface FeedTarget {
  unitPath: string;
  departmentIds: readonly number[];
}

/** A real account (not an API key, not the system actor): the only kind that has notifications. */
const isAccount = (a: Actor): a is Extract<Actor, { kind: 'user' }> => a.kind === 'user' && a.id > 0;

export const notificationPolicy = {
  /** Have an inbox at all (list, count, mark read, follow the stream): logged-in accounts. */
  useInbox: (a: Actor) => isAccount(a),

  /** One notification: its own account only. */
  readOne: (a: Actor, n: { accountId: number }) => isAccount(a) && a.id === n.accountId,

  /** The live feed at all: staff with a scope (residents have none). */
  viewFeed: (a: Actor) =>
    a.kind !== 'anonymous' &&
    !hasRole(a, 'resident') &&
    hasRole(a, ...STAFF_ROLES) &&
    (a.scope.unit !== null || a.scope.department !== null),

  /** One feed entry: its unit in the viewer's subtree, or addressed to the viewer's department. */
  viewFeedEntry: (a: Actor, e: FeedTarget) => {
    if (!notificationPolicy.viewFeed(a) || a.kind === 'anonymous') return false;
    if (unitInScope(a, e.unitPath)) return true;
    const dep = a.scope.department;
    return dep !== null && e.departmentIds.includes(dep.id);
  },
} as const;

/** The feed filter of a viewer, for SQL lists: its unit path prefix and its department (null: no feed). */
export function feedFilterOf(a: Actor): { unitPrefix: string | null; departmentId: number | null } | null {
  if (!notificationPolicy.viewFeed(a) || a.kind === 'anonymous') return null;
  return { unitPrefix: a.scope.unit?.path ?? null, departmentId: a.scope.department?.id ?? null };
}
