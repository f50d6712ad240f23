// The hazard loop's vocabulary: states, actions, hazard-relative roles, and the shapes the state
// machine reads (a snapshot of the hazard, the action's input) and returns (changes, timeline entry, refusal).
import type { Severity } from './severity.js';

export const HAZARD_STATES = [
  'reported', // 上报: recorded by a grid worker, inspector, enterprise or resident
  'triaged', // 分流: routed — the domain decides the department, the location the town
  'confirmed', // 审核通过: the town / department confirmed it is real
  'consolidated', // 汇总: on the weekly list of its domain and town
  'assigned', // 交办: handed to a rectifying party with a deadline
  'rectifying', // 整改中: the party acknowledged and is working on it
  'verifying', // 待验收: evidence submitted, awaiting verification
  'closed_out', // 销号
  'rejected', // 审核不通过 (with a reason)
  'merged', // 合并: folded into an existing item
] as const;
export type HazardState = (typeof HAZARD_STATES)[number];

export const HAZARD_ACTIONS = [
  'triage',
  'confirm',
  'reject',
  'merge',
  'consolidate',
  'assign',
  'reassign',
  'return',
  'start',
  'extend_deadline',
  'submit',
  'verify_pass',
  'verify_fail',
  'supervise',
] as const;
export type HazardAction = (typeof HAZARD_ACTIONS)[number];

/**
 * Hazard-relative roles. The service computes which the actor holds for this hazard (a dispatcher of
 * the town hub or the center in scope, the town / department it was routed to, the rectifying party,
 * the reporter, the system's jobs), so the machine never needs to know about accounts or scopes.
 */
export const HAZARD_ROLES = ['reporter', 'dispatcher', 'reviewer', 'rectifier', 'system'] as const;
export type HazardRole = (typeof HAZARD_ROLES)[number];

/** The party that rectifies: a unit (village, grid …), a department, or a registered place / enterprise. */
export interface Assignee {
  kind: 'unit' | 'department' | 'place';
  id: number;
}
export const ASSIGNEE_KINDS: readonly Assignee['kind'][] = ['unit', 'department', 'place'];

/** Where triage sends it: the town of its location and the department of its domain. */
export interface Route {
  townId: number;
  departmentId: number;
}

/** What the machine needs to know of a hazard. */
export interface HazardSnapshot {
  id: number;
  state: HazardState;
  severity: Severity;
  route: Route | null;
  assignee: Assignee | null;
  /** When the current assignment was made; null before. */
  assignedAt: Date | null;
  /** The deadline in force; null before assignment. */
  dueAt: Date | null;
  /** 督办 tier reached (0 none … MAX_ESCALATION). */
  escalation: number;
}

export interface TransitionInput {
  reason?: string | undefined;
  note?: string | undefined;
  route?: Route | undefined;
  targetHazardId?: number | undefined;
  /** The weekly list, e.g. '2026-W48' (weeklyBatch). */
  batch?: string | undefined;
  assignee?: Assignee | undefined;
  deadline?: Date | undefined;
  /** Attachment ids of the rectification evidence (photos, documents). */
  evidence?: readonly number[] | undefined;
  /** A reviewer may correct the severity when confirming. */
  severity?: Severity | undefined;
}

/** The fields of the hazard the transition changes (absent: unchanged). */
export interface HazardChanges {
  route?: Route;
  severity?: Severity;
  mergedInto?: number;
  batch?: string;
  assignee?: Assignee | null;
  assignedAt?: Date | null;
  dueAt?: Date | null;
  escalation?: number;
  closedOutAt?: Date;
}

export interface TimelineEntry {
  at: Date;
  action: HazardAction;
  from: HazardState;
  to: HazardState;
  /** The hazard-relative role under which the actor took the action. */
  as: HazardRole;
  reason?: string;
  note?: string;
  route?: Route;
  previousRoute?: Route;
  targetHazardId?: number;
  batch?: string;
  assignee?: Assignee;
  previousAssignee?: Assignee;
  deadline?: Date;
  previousDeadline?: Date;
  evidence?: number[];
  severity?: Severity;
  previousSeverity?: Severity;
  escalation?: number;
}

export const REFUSALS = [
  'forbidden_transition',
  'forbidden_actor',
  'missing_route',
  'missing_reason',
  'missing_target',
  'self_merge',
  'missing_batch',
  'missing_assignee',
  'same_assignee',
  'missing_deadline',
  'deadline_not_in_future',
  'deadline_too_far',
  'deadline_not_later',
  'missing_evidence',
  'invalid_severity',
  'not_overdue',
  'escalation_not_due',
] as const;
export type RefusalCode = (typeof REFUSALS)[number];

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export type TransitionResult =
  | { ok: true; to: HazardState; entry: TimelineEntry; changes: HazardChanges }
  | { ok: false; refusal: Refusal };
