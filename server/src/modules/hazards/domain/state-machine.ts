// The hazard loop (风险隐患闭环: 上报-分流-审核-汇总-交办-销号) as a pure state machine. The table below
// is the whole of the rules: which action moves a hazard from which state to which, who may take it,
// and what it must carry. `transition` applies one row and returns the next state, the timeline entry
// and the fields that change, or a typed refusal; it does no I/O, so the service around it (scope,
// version check, persistence, audit, jobs) stays small and this file is tested exhaustively.
import {
  escalationTier,
  MAX_DEADLINE_HOURS,
  MAX_ESCALATION,
  RECTIFICATION_STATES,
  WEEKLY_BATCH_RE,
} from './deadlines.js';
import { isSeverity } from './severity.js';
import {
  ASSIGNEE_KINDS,
  type Assignee,
  type HazardAction,
  type HazardChanges,
  type HazardRole,
  type HazardSnapshot,
  type HazardState,
  type Refusal,
  type RefusalCode,
  type Route,
  type TimelineEntry,
  type TransitionInput,
  type TransitionResult,
} from './types.js';

export * from './types.js';

export type Requirement =
  | 'route'
  | 'reason'
  | 'targetHazardId'
  | 'batch'
  | 'assignee'
  | 'deadline'
  | 'laterDeadline'
  | 'evidence'
  | 'overdue';

export const TERMINAL_STATES: readonly HazardState[] = ['closed_out', 'rejected', 'merged'];

export interface TransitionRule {
  from: HazardState;
  action: HazardAction;
  to: HazardState;
  /** Any of these hazard-relative roles may take the action. */
  who: readonly HazardRole[];
  /** Checked in this order; the first unmet one is the refusal. */
  requires: readonly Requirement[];
}

const rule = (
  from: HazardState,
  action: HazardAction,
  to: HazardState,
  who: readonly HazardRole[],
  requires: readonly Requirement[] = [],
): TransitionRule => ({ from, action, to, who, requires });

const D: HazardRole[] = ['dispatcher'];
const R: HazardRole[] = ['reviewer'];
const X: HazardRole[] = ['rectifier'];

/**
 * The loop. Triage may be redone (with a reason) while the item waits for review: the reviewer it
 * went to says it is not theirs. Consolidation (汇总) is the weekly job's, or a reviewer's at once for
 * an item that cannot wait for the week's list. The rectifier may send an assignment back before
 * starting (not theirs to fix); once started, only the reviewer moves it: a new deadline (延期) or,
 * after evidence, pass (销号) or fail (back to work, with a reason and optionally a new deadline).
 * `supervise` (督办) changes no state: it raises the escalation flag of an overdue item one tier.
 */
export const TRANSITIONS: readonly TransitionRule[] = [
  rule('reported', 'triage', 'triaged', D, ['route']),
  rule('reported', 'reject', 'rejected', D, ['reason']),
  rule('reported', 'merge', 'merged', D, ['targetHazardId']),
  rule('triaged', 'triage', 'triaged', D, ['route', 'reason']),
  rule('triaged', 'confirm', 'confirmed', R),
  rule('triaged', 'reject', 'rejected', R, ['reason']),
  rule('triaged', 'merge', 'merged', ['reviewer', 'dispatcher'], ['targetHazardId']),
  rule('confirmed', 'consolidate', 'consolidated', ['system', 'reviewer'], ['batch']),
  rule('consolidated', 'assign', 'assigned', R, ['assignee', 'deadline']),
  rule('assigned', 'reassign', 'assigned', R, ['assignee', 'deadline', 'reason']),
  rule('assigned', 'return', 'consolidated', X, ['reason']),
  rule('assigned', 'start', 'rectifying', X),
  rule('rectifying', 'extend_deadline', 'rectifying', R, ['laterDeadline', 'reason']),
  rule('rectifying', 'submit', 'verifying', X, ['evidence']),
  rule('verifying', 'verify_pass', 'closed_out', R),
  rule('verifying', 'verify_fail', 'rectifying', R, ['reason']),
  ...RECTIFICATION_STATES.map((from) =>
    rule(from as HazardState, 'supervise', from as HazardState, ['system', 'dispatcher'], ['overdue']),
  ),
];

const TABLE = new Map<string, TransitionRule>(TRANSITIONS.map((r) => [`${r.from}:${r.action}`, r]));

export function findRule(from: HazardState, action: HazardAction): TransitionRule | undefined {
  return TABLE.get(`${from}:${action}`);
}

const text = (s: string | undefined) => (typeof s === 'string' ? s.trim() : '');
const posInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0;
const no = (code: RefusalCode, message: string): Refusal => ({ code, message });

function checkDeadline(d: Date | undefined, now: Date): Refusal | null {
  if (!(d instanceof Date) || Number.isNaN(d.getTime()))
    return no('missing_deadline', 'a deadline is required');
  if (d.getTime() <= now.getTime())
    return no('deadline_not_in_future', 'the deadline must lie in the future');
  if (d.getTime() - now.getTime() > MAX_DEADLINE_HOURS * 3_600_000) {
    return no('deadline_too_far', `the deadline must lie within ${MAX_DEADLINE_HOURS / 24} days`);
  }
  return null;
}

function unmet(
  r: Requirement,
  action: HazardAction,
  h: HazardSnapshot,
  input: TransitionInput,
  now: Date,
): Refusal | null {
  switch (r) {
    case 'route': {
      const x = input.route;
      if (!x || !posInt(x.townId) || !posInt(x.departmentId)) {
        return no('missing_route', 'a town and a department are required');
      }
      return null;
    }
    case 'reason':
      return text(input.reason) ? null : no('missing_reason', 'a reason is required');
    case 'targetHazardId': {
      const t = input.targetHazardId;
      if (!posInt(t)) return no('missing_target', 'the existing item to merge into is required');
      return t === h.id ? no('self_merge', 'an item cannot be merged into itself') : null;
    }
    case 'batch':
      return typeof input.batch === 'string' && WEEKLY_BATCH_RE.test(input.batch)
        ? null
        : no('missing_batch', 'the weekly list (e.g. 2026-W48) is required');
    case 'assignee': {
      const a = input.assignee;
      if (!a || !ASSIGNEE_KINDS.includes(a.kind) || !posInt(a.id)) {
        return no('missing_assignee', 'a rectifying party (unit, department or place) is required');
      }
      if (action === 'reassign' && h.assignee && h.assignee.kind === a.kind && h.assignee.id === a.id) {
        return no('same_assignee', 'it is already assigned there; extend the deadline instead');
      }
      return null;
    }
    case 'deadline':
      return checkDeadline(input.deadline, now);
    case 'laterDeadline': {
      const bad = checkDeadline(input.deadline, now);
      if (bad) return bad;
      if (h.dueAt && (input.deadline as Date).getTime() <= h.dueAt.getTime()) {
        return no('deadline_not_later', 'an extension must move the deadline later');
      }
      return null;
    }
    case 'evidence': {
      const e = input.evidence;
      return Array.isArray(e) && e.length > 0 && e.every(posInt)
        ? null
        : no('missing_evidence', 'rectification evidence (at least one attachment) is required');
    }
    case 'overdue': {
      if (!h.dueAt || now.getTime() <= h.dueAt.getTime()) return no('not_overdue', 'the item is not overdue');
      const tier = escalationTier(h.assignedAt ?? h.dueAt, h.dueAt, now);
      return tier > h.escalation && h.escalation < MAX_ESCALATION
        ? null
        : no('escalation_not_due', `already escalated to tier ${h.escalation}`);
    }
  }
}

/** The optional inputs an action may carry that the table does not require. */
function optional(action: HazardAction, input: TransitionInput, now: Date): Refusal | null {
  if (action === 'confirm' && input.severity !== undefined && !isSeverity(input.severity)) {
    return no('invalid_severity', 'severity is general, major or critical');
  }
  if (action === 'verify_fail' && input.deadline !== undefined) {
    const bad = checkDeadline(input.deadline, now);
    if (bad) return bad;
  }
  return null;
}

/**
 * Applies `action` to the hazard as an actor holding `actorRoles` (hazard-relative) at `now`.
 * Checks, in order: the table has the (state, action) pair; the actor holds one of its roles; each
 * requirement in the row's order; then the optional inputs.
 */
export function transition(
  h: HazardSnapshot,
  action: HazardAction,
  input: TransitionInput,
  actorRoles: Iterable<HazardRole>,
  now: Date,
): TransitionResult {
  const r = findRule(h.state, action);
  if (!r)
    return { ok: false, refusal: no('forbidden_transition', `cannot ${action} an item that is ${h.state}`) };
  const held = new Set(actorRoles);
  const as = r.who.find((w) => held.has(w));
  if (!as)
    return { ok: false, refusal: no('forbidden_actor', `only the ${r.who.join(' or ')} may ${action} it`) };
  for (const req of r.requires) {
    const bad = unmet(req, action, h, input, now);
    if (bad) return { ok: false, refusal: bad };
  }
  const bad = optional(action, input, now);
  if (bad) return { ok: false, refusal: bad };
  return { ok: true, to: r.to, ...effects(r, h, input, now, as) };
}

/** The timeline entry and the changed fields of an accepted transition. */
function effects(
  r: TransitionRule,
  h: HazardSnapshot,
  input: TransitionInput,
  now: Date,
  as: HazardRole,
): { entry: TimelineEntry; changes: HazardChanges } {
  const entry: TimelineEntry = { at: now, action: r.action, from: h.state, to: r.to, as };
  const changes: HazardChanges = {};
  if (r.requires.includes('reason')) entry.reason = text(input.reason);
  if (text(input.note)) entry.note = text(input.note);
  const newDeadline = (d: Date) => {
    entry.deadline = new Date(d.getTime());
    if (h.dueAt) entry.previousDeadline = new Date(h.dueAt.getTime());
    changes.dueAt = new Date(d.getTime());
    // a new deadline is a fresh commitment: escalation starts over (the old tiers stay on the timeline)
    changes.escalation = 0;
  };
  switch (r.action) {
    case 'triage':
      entry.route = { ...(input.route as Route) };
      if (h.route) entry.previousRoute = { ...h.route };
      changes.route = { ...(input.route as Route) };
      break;
    case 'merge':
      entry.targetHazardId = input.targetHazardId as number;
      changes.mergedInto = input.targetHazardId as number;
      break;
    case 'confirm':
      if (input.severity !== undefined && input.severity !== h.severity) {
        entry.severity = input.severity;
        entry.previousSeverity = h.severity;
        changes.severity = input.severity;
      }
      break;
    case 'consolidate':
      entry.batch = input.batch as string;
      changes.batch = input.batch as string;
      break;
    case 'assign':
    case 'reassign':
      entry.assignee = { ...(input.assignee as Assignee) };
      if (h.assignee) entry.previousAssignee = { ...h.assignee };
      changes.assignee = { ...(input.assignee as Assignee) };
      changes.assignedAt = now;
      newDeadline(input.deadline as Date);
      break;
    case 'return':
      // back on the list for the reviewer to assign again; the old assignment is on the timeline
      if (h.assignee) entry.previousAssignee = { ...h.assignee };
      changes.assignee = null;
      changes.assignedAt = null;
      changes.dueAt = null;
      changes.escalation = 0;
      break;
    case 'extend_deadline':
      newDeadline(input.deadline as Date);
      break;
    case 'submit':
      entry.evidence = [...(input.evidence as number[])];
      break;
    case 'verify_pass':
      changes.closedOutAt = now;
      break;
    case 'verify_fail':
      if (input.deadline) newDeadline(input.deadline);
      break;
    case 'supervise': {
      const tier = escalationTier(h.assignedAt ?? (h.dueAt as Date), h.dueAt as Date, now);
      entry.escalation = tier;
      changes.escalation = tier;
      break;
    }
    case 'start':
      break;
  }
  return { entry, changes };
}

/** The actions an actor holding these roles may take now (for the UI's buttons). */
export function availableActions(
  h: HazardSnapshot,
  actorRoles: Iterable<HazardRole>,
  now: Date,
): HazardAction[] {
  const held = new Set(actorRoles);
  return TRANSITIONS.filter(
    (r) =>
      r.from === h.state &&
      r.who.some((w) => held.has(w)) &&
      (!r.requires.includes('overdue') || unmet('overdue', r.action, h, {}, now) === null),
  ).map((r) => r.action);
}

export function isTerminal(s: HazardState): boolean {
  return TERMINAL_STATES.includes(s);
}
