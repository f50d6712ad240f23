// The event's closed loop as a pure state machine (问题一网收集、过程一网督办、结果一网反馈).
// The transition table below is the whole of the rules: which action moves an event from which
// state to which, who may take it, and what it must carry. `transition` applies one row and returns
// the next state with its timeline entry, or a typed refusal; it does no I/O, so the service that
// calls it (scope, version check, persistence, audit) stays small and this file is tested exhaustively.

export const EVENT_STATES = [
  'submitted',
  'accepted',
  'rejected',
  'assigned',
  'in_progress',
  'returned',
  'resolved',
  'closed',
  'reopened',
  'merged',
] as const;
export type EventState = (typeof EVENT_STATES)[number];

export const EVENT_ACTIONS = [
  'accept',
  'reject',
  'assign',
  'reassign',
  'start',
  'return',
  'resolve',
  'rate',
  'reopen',
  'merge',
  'close',
] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

/**
 * The event-relative roles the `who` of a row names. The service computes which of them the actor
 * holds for this event (a dispatcher in scope, the assignee's staff, the reporter, the system's jobs),
 * so the machine never needs to know about accounts or scopes.
 */
export const EVENT_ROLES = ['dispatcher', 'handler', 'reporter', 'system'] as const;
export type EventRole = (typeof EVENT_ROLES)[number];

/** Fields an action must carry. */
export type Requirement = 'reason' | 'assignee' | 'note' | 'rating' | 'targetEventId' | 'ratingWindowOver';

/** States in which the event's reporters still wait for an answer: the ones a duplicate can be merged from. */
export const OPEN_STATES: readonly EventState[] = [
  'submitted',
  'accepted',
  'assigned',
  'in_progress',
  'returned',
  'reopened',
];
/** States no action leaves. */
export const TERMINAL_STATES: readonly EventState[] = ['rejected', 'closed', 'merged'];

/** How long a reporter may rate a resolved event before the system closes it (the rating window). */
export const RATING_WINDOW_MS = 7 * 24 * 3600 * 1000;
export const MIN_RATING = 1;
export const MAX_RATING = 5;
/** Ratings at or above this close the event; below it, they reopen it. */
export const CLOSING_RATING = 3;

export interface TransitionRule {
  from: EventState;
  action: EventAction;
  /** The next state; `by_rating` means closed for a rating ≥ 3 and reopened for ≤ 2. */
  to: EventState | 'by_rating';
  /** Any of these event-relative roles may take the action. */
  who: readonly EventRole[];
  requires: readonly Requirement[];
}

const rule = (
  from: EventState,
  action: EventAction,
  to: TransitionRule['to'],
  who: readonly EventRole[],
  requires: readonly Requirement[] = [],
): TransitionRule => ({ from, action, to, who, requires });

/**
 * The loop. Merging is allowed from every open state (the reporters of the duplicate follow the
 * surviving event) but not from `resolved`: that event has its own answer awaiting the reporter's
 * rating, and folding it into another would take the rating away from them.
 * `close` is the system's auto-close once the 7-day rating window is over (a dispatcher may do the
 * same by hand, e.g. when a job was missed), never earlier: closing before the window ends would
 * take the reporter's say away.
 */
export const TRANSITIONS: readonly TransitionRule[] = [
  rule('submitted', 'accept', 'accepted', ['dispatcher']),
  rule('submitted', 'reject', 'rejected', ['dispatcher'], ['reason']),
  rule('accepted', 'assign', 'assigned', ['dispatcher'], ['assignee']),
  rule('assigned', 'reassign', 'assigned', ['dispatcher'], ['assignee', 'reason']),
  rule('assigned', 'start', 'in_progress', ['handler']),
  rule('assigned', 'return', 'returned', ['handler'], ['reason']),
  rule('returned', 'assign', 'assigned', ['dispatcher'], ['assignee']),
  rule('in_progress', 'resolve', 'resolved', ['handler'], ['note']),
  rule('resolved', 'rate', 'by_rating', ['reporter'], ['rating']),
  rule('resolved', 'reopen', 'reopened', ['reporter', 'dispatcher'], ['reason']),
  rule('resolved', 'close', 'closed', ['system', 'dispatcher'], ['ratingWindowOver']),
  rule('reopened', 'assign', 'assigned', ['dispatcher'], ['assignee']),
  ...OPEN_STATES.map((from) => rule(from, 'merge', 'merged', ['dispatcher'], ['targetEventId'])),
];

const TABLE = new Map<string, TransitionRule>(TRANSITIONS.map((r) => [`${r.from}:${r.action}`, r]));

export function findRule(from: EventState, action: EventAction): TransitionRule | undefined {
  return TABLE.get(`${from}:${action}`);
}

/** Who handles an assigned event: a unit (grid, village, town, the center) or a department. */
export interface Assignee {
  kind: 'unit' | 'department';
  id: number;
}

/** What the machine needs to know of an event. */
export interface EventSnapshot {
  id: number;
  state: EventState;
  assignee: Assignee | null;
  /** When it was last resolved (the start of the rating window); null if never. */
  resolvedAt: Date | null;
}

export interface TransitionInput {
  reason?: string | undefined;
  assignee?: Assignee | undefined;
  /** The handler's result note (resolve). */
  note?: string | undefined;
  rating?: number | undefined;
  comment?: string | undefined;
  targetEventId?: number | undefined;
}

export interface TimelineEntry {
  at: Date;
  action: EventAction;
  from: EventState;
  to: EventState;
  /** The event-relative role under which the actor took the action. */
  as: EventRole;
  reason?: string;
  note?: string;
  rating?: number;
  comment?: string;
  assignee?: Assignee;
  previousAssignee?: Assignee;
  targetEventId?: number;
}

export const REFUSALS = [
  'forbidden_transition',
  'forbidden_actor',
  'missing_reason',
  'missing_assignee',
  'same_assignee',
  'missing_note',
  'missing_rating',
  'invalid_rating',
  'missing_target',
  'self_merge',
  'rating_window_open',
] as const;
export type RefusalCode = (typeof REFUSALS)[number];

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export type TransitionResult =
  | { ok: true; to: EventState; entry: TimelineEntry }
  | { ok: false; refusal: Refusal };

const refuse = (code: RefusalCode, message: string): TransitionResult => ({
  ok: false,
  refusal: { code, message },
});

const text = (s: string | undefined) => (typeof s === 'string' ? s.trim() : '');

/** The first requirement the input does not meet, or null. */
function unmet(
  r: Requirement,
  action: EventAction,
  event: EventSnapshot,
  input: TransitionInput,
  now: Date,
): Refusal | null {
  switch (r) {
    case 'reason':
      return text(input.reason) ? null : { code: 'missing_reason', message: `${r} is required` };
    case 'note':
      return text(input.note) ? null : { code: 'missing_note', message: 'a result note is required' };
    case 'assignee': {
      const a = input.assignee;
      if (!a || (a.kind !== 'unit' && a.kind !== 'department') || !Number.isInteger(a.id) || a.id <= 0) {
        return { code: 'missing_assignee', message: 'an assignee (unit or department) is required' };
      }
      // a reassignment to the same handler changes nothing but the record; after a return the
      // dispatcher may insist on the same handler, so that case is allowed
      if (
        action === 'reassign' &&
        event.assignee &&
        event.assignee.kind === a.kind &&
        event.assignee.id === a.id
      ) {
        return { code: 'same_assignee', message: 'the event is already assigned there' };
      }
      return null;
    }
    case 'rating': {
      const v = input.rating;
      if (v === undefined || v === null) return { code: 'missing_rating', message: 'a rating is required' };
      return Number.isInteger(v) && v >= MIN_RATING && v <= MAX_RATING
        ? null
        : {
            code: 'invalid_rating',
            message: `a rating is a whole number from ${MIN_RATING} to ${MAX_RATING}`,
          };
    }
    case 'targetEventId': {
      const t = input.targetEventId;
      if (t === undefined || !Number.isInteger(t) || t <= 0) {
        return { code: 'missing_target', message: 'the surviving event is required' };
      }
      return t === event.id ? { code: 'self_merge', message: 'an event cannot be merged into itself' } : null;
    }
    case 'ratingWindowOver': {
      const since = event.resolvedAt;
      if (since && now.getTime() - since.getTime() >= RATING_WINDOW_MS) return null;
      return {
        code: 'rating_window_open',
        message: 'the reporter may still rate it (7 days after resolution)',
      };
    }
  }
}

/**
 * Applies `action` to the event as an actor holding `actorRoles` (event-relative) at `now`.
 * Checks, in order: the table has the (state, action) pair; the actor holds one of its roles;
 * each requirement in the row's order.
 */
export function transition(
  event: EventSnapshot,
  action: EventAction,
  input: TransitionInput,
  actorRoles: Iterable<EventRole>,
  now: Date,
): TransitionResult {
  const r = findRule(event.state, action);
  if (!r) return refuse('forbidden_transition', `cannot ${action} an event that is ${event.state}`);
  const held = new Set(actorRoles);
  const as = r.who.find((w) => held.has(w));
  if (!as) return refuse('forbidden_actor', `only the ${r.who.join(' or ')} may ${action} it`);
  for (const req of r.requires) {
    const bad = unmet(req, action, event, input, now);
    if (bad) return { ok: false, refusal: bad };
  }
  const to: EventState =
    r.to === 'by_rating' ? ((input.rating ?? 0) >= CLOSING_RATING ? 'closed' : 'reopened') : r.to;
  const entry: TimelineEntry = { at: now, action, from: event.state, to, as };
  // the entry carries what the row asked for, plus an optional comment with a rating or a result
  if (r.requires.includes('reason')) entry.reason = text(input.reason);
  if (r.requires.includes('note')) entry.note = text(input.note);
  if (r.requires.includes('rating')) entry.rating = input.rating as number;
  if (r.requires.includes('assignee')) {
    entry.assignee = { ...(input.assignee as Assignee) };
    if (event.assignee) entry.previousAssignee = { ...event.assignee };
  }
  if (r.requires.includes('targetEventId')) entry.targetEventId = input.targetEventId as number;
  if ((action === 'rate' || action === 'resolve' || action === 'reopen') && text(input.comment)) {
    entry.comment = text(input.comment);
  }
  return { ok: true, to, entry };
}

/** The actions an actor holding these roles may take on the event now (for the UI's buttons). */
export function availableActions(
  event: EventSnapshot,
  actorRoles: Iterable<EventRole>,
  now: Date,
): EventAction[] {
  const held = new Set(actorRoles);
  return TRANSITIONS.filter(
    (r) =>
      r.from === event.state &&
      r.who.some((w) => held.has(w)) &&
      (!r.requires.includes('ratingWindowOver') ||
        unmet('ratingWindowOver', r.action, event, {}, now) === null),
  ).map((r) => r.action);
}

/** States from which nothing more happens. */
export function isTerminal(s: EventState): boolean {
  return TERMINAL_STATES.includes(s);
}
