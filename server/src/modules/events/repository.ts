// Events' queries (no rules). Set-based SQL for the daily view and the metrics.
import { maybeOne, one, type Queryable } from '../../db/index.js';
import { Params, type StatementPart } from '../../db/statement.js';
import { appendTimelineStep, type TimelineTable, timelineSteps } from '../../db/timeline.js';
import { Where } from '../../db/where.js';
import type { EventState } from './domain/state-machine.js';

export type EventRow = {
  id: number;
  county_code: string;
  tracking_no: string;
  category_id: number;
  category_version: number;
  category_code: string;
  category_group: string;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  state: EventState;
  version: number;
  source: 'app' | 'staff' | 'open311' | 'hotline';
  external_id: string | null;
  description: string;
  answers: Record<string, string | number | string[]>;
  address: string | null;
  lng: number;
  lat: number;
  unit_id: number;
  unit_path: string;
  route_kind: 'unit' | 'department' | null;
  route_id: number | null;
  route_level: string | null;
  assignee_kind: 'unit' | 'department' | null;
  assignee_id: number | null;
  assignee_level: string | null;
  assignee_path: string | null;
  assigned_at: Date | null;
  due_at: Date | null;
  remind_at: Date | null;
  overdue: boolean;
  escalations: number;
  supervisor_unit_id: number | null;
  next_escalation_at: Date | null;
  accepted_at: Date | null;
  first_resolved_at: Date | null;
  resolved_at: Date | null;
  resolved_on_time: boolean | null;
  closed_at: Date | null;
  rating: number | null;
  reopen_count: number;
  merged_into: number | null;
  anonymous: boolean;
  reporter_account_id: number | null;
  reporter_name: string | null;
  reporter_phone: string | null;
  abuse_key: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
};

export type NewEvent = Omit<
  EventRow,
  | 'version'
  | 'assignee_kind'
  | 'assignee_id'
  | 'assignee_level'
  | 'assignee_path'
  | 'assigned_at'
  | 'due_at'
  | 'remind_at'
  | 'overdue'
  | 'escalations'
  | 'supervisor_unit_id'
  | 'next_escalation_at'
  | 'accepted_at'
  | 'first_resolved_at'
  | 'resolved_at'
  | 'resolved_on_time'
  | 'closed_at'
  | 'rating'
  | 'reopen_count'
  | 'merged_into'
  | 'updated_at'
>;

const INSERT_COLS = [
  'id',
  'county_code',
  'tracking_no',
  'category_id',
  'category_version',
  'category_code',
  'category_group',
  'priority',
  'state',
  'source',
  'external_id',
  'description',
  'answers',
  'address',
  'lng',
  'lat',
  'unit_id',
  'unit_path',
  'route_kind',
  'route_id',
  'route_level',
  'anonymous',
  'reporter_account_id',
  'reporter_name',
  'reporter_phone',
  'abuse_key',
  'created_by',
  'created_at',
] as const;

export function getEvent(q: Queryable, id: number, lock = false): Promise<EventRow | undefined> {
  return maybeOne<EventRow>(q, `SELECT * FROM event WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
}

export function getByTrackingNo(q: Queryable, trackingNo: string): Promise<EventRow | undefined> {
  return maybeOne<EventRow>(q, 'SELECT * FROM event WHERE tracking_no = $1', [trackingNo]);
}

export type EventPatch = Partial<
  Omit<EventRow, 'id' | 'version' | 'county_code' | 'tracking_no' | 'created_at'>
>;

/** Applies a patch if the row is still at `version`; bumps the version. Undefined when the version moved on. */
export async function updateEvent(
  q: Queryable,
  id: number,
  version: number,
  patch: EventPatch,
): Promise<EventRow | undefined> {
  const keys = Object.keys(patch) as (keyof EventPatch)[];
  const sets = keys.map((k, i) => `${k} = $${i + 3}`);
  const values = keys.map((k) => (k === 'answers' ? JSON.stringify(patch[k]) : patch[k]));
  return maybeOne<EventRow>(
    q,
    `UPDATE event SET ${[...sets, 'version = version + 1'].join(', ')}
     WHERE id = $1 AND version = $2 RETURNING *`,
    [id, version, ...values],
  );
}

// ---- timeline ----

export type TimelineRow = {
  event_id: number;
  seq: number;
  at: Date;
  kind: string;
  from_state: EventState | null;
  to_state: EventState | null;
  by_name: string;
  as_role: string | null;
  details: Record<string, unknown>;
};

const TIMELINE: TimelineTable = { table: 'event_timeline', owner: 'event_id' };

/** Appends a step (the caller holds the event's row lock, so seq cannot race). */
export function appendTimeline(
  q: Queryable,
  t: Omit<TimelineRow, 'seq'> & { county_code: string },
): Promise<void> {
  return appendTimelineStep(q, TIMELINE, { ...t, ownerId: t.event_id });
}

export function timeline(q: Queryable, eventId: number): Promise<TimelineRow[]> {
  return timelineSteps<TimelineRow>(q, TIMELINE, eventId);
}

// ---- reporters ----

/** Copies the followers of one event to another (a merge). */
export async function copyReporters(q: Queryable, fromId: number, toId: number, at: Date): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `WITH ins AS (
       INSERT INTO event_reporter (event_id, reporter_key, account_id, original_event_id, county_code, created_at)
       SELECT $2, reporter_key, account_id, original_event_id, county_code, $3 FROM event_reporter WHERE event_id = $1
       ON CONFLICT DO NOTHING RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [fromId, toId, at],
  );
  return rows[0]?.n ?? 0;
}

export function reporterAccounts(q: Queryable, eventId: number): Promise<{ account_id: number }[]> {
  return q.query<{ account_id: number }>(
    'SELECT DISTINCT account_id FROM event_reporter WHERE event_id = $1 AND account_id IS NOT NULL',
    [eventId],
  );
}

/** The ids among `eventIds` that one of `keys` follows. */
export async function followedAmong(q: Queryable, eventIds: number[], keys: string[]): Promise<Set<number>> {
  if (eventIds.length === 0 || keys.length === 0) return new Set();
  const rows = await q.query<{ event_id: number }>(
    'SELECT DISTINCT event_id FROM event_reporter WHERE event_id = ANY($1::bigint[]) AND reporter_key = ANY($2::text[])',
    [eventIds, keys],
  );
  return new Set(rows.map((r) => r.event_id));
}

export async function countRecentByAbuseKey(q: Queryable, key: string, since: Date): Promise<number> {
  const r = await one<{ n: number }>(
    q,
    'SELECT count(*)::int AS n FROM event WHERE abuse_key = $1 AND created_at >= $2',
    [key, since],
  );
  return r.n;
}

// ---- lists ----

export interface ListFilter {
  states?: EventState[];
  categoryCodes?: string[];
  /** Located in the subtree of this path. */
  unitPath?: string;
  from?: Date;
  to?: Date;
  /** Followed by one of these reporter keys. */
  reporterKeys?: string[];
  /** Assigned (assigned/in_progress) to a unit under this path or to this department. */
  queue?: { unitPath: string | null; departmentId: number | null };
  overdueAt?: Date;
  /** Assigned to this department (any state). */
  department?: number;
  /** Tracking number, or words of the description. */
  text?: string;
  trackingNos?: string[];
}

function where(f: ListFilter): Where {
  const w = new Where();
  if (f.states?.length) w.add('e.state = ANY(?::text[])', f.states);
  if (f.categoryCodes?.length) w.add('e.category_code = ANY(?::text[])', f.categoryCodes);
  if (f.unitPath) w.add(`e.unit_path LIKE ? || '%'`, f.unitPath);
  if (f.from) w.add('e.created_at >= ?', f.from);
  if (f.to) w.add('e.created_at < ?', f.to);
  if (f.trackingNos?.length) w.add('e.tracking_no = ANY(?::text[])', f.trackingNos);
  if (f.reporterKeys) {
    w.add(
      'EXISTS (SELECT 1 FROM event_reporter r WHERE r.event_id = e.id AND r.reporter_key = ANY(?::text[]))',
      f.reporterKeys,
    );
  }
  if (f.queue) {
    const parts: string[] = [];
    if (f.queue.unitPath !== null)
      parts.push(`(e.assignee_kind = 'unit' AND e.assignee_path LIKE ${w.$(f.queue.unitPath)} || '%')`);
    if (f.queue.departmentId !== null)
      parts.push(`(e.assignee_kind = 'department' AND e.assignee_id = ${w.$(f.queue.departmentId)})`);
    w.add(parts.length ? `e.state IN ('assigned', 'in_progress') AND (${parts.join(' OR ')})` : 'false');
  }
  if (f.department !== undefined) w.add(`e.assignee_kind = 'department' AND e.assignee_id = ?`, f.department);
  if (f.overdueAt) w.add(`e.state IN ('assigned', 'in_progress') AND e.due_at < ?`, f.overdueAt);
  if (f.text) w.add(`(e.tracking_no = ? OR e.description ILIKE '%' || ? || '%')`, f.text);
  return w;
}

export async function listEvents(
  q: Queryable,
  f: ListFilter,
  limit: number,
  offset: number,
): Promise<{ rows: EventRow[]; total: number }> {
  const w = where(f);
  const n = w.params.length;
  const [rows, count] = await Promise.all([
    q.query<EventRow>(
      `SELECT e.* FROM event e ${w.sql} ORDER BY e.created_at DESC, e.id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...w.params, limit, offset],
    ),
    one<{ n: number }>(q, `SELECT count(*)::int AS n FROM event e ${w.sql}`, w.params),
  ]);
  return { rows, total: count.n };
}

/** Open events of a category near a point reported since `since` (a bounding box, then the exact distance). */
export function nearby(
  q: Queryable,
  p: {
    categoryCode: string;
    lng: number;
    lat: number;
    meters: number;
    since: Date;
    until: Date;
    excludeId: number;
    states: readonly EventState[];
  },
): Promise<(EventRow & { distance_m: number })[]> {
  const dLat = p.meters / 111_320;
  const dLng = p.meters / (111_320 * Math.cos((p.lat * Math.PI) / 180));
  return q.query<EventRow & { distance_m: number }>(
    `SELECT * FROM (
       SELECT e.*, 2 * 6371008.8 * asin(sqrt(
           power(sin(radians(e.lat - $3) / 2), 2) +
           cos(radians($3)) * cos(radians(e.lat)) * power(sin(radians(e.lng - $2) / 2), 2))) AS distance_m
       FROM event e
       WHERE e.category_code = $1 AND e.created_at >= $4 AND e.created_at <= $5
         AND e.lat BETWEEN $3 - $6 AND $3 + $6 AND e.lng BETWEEN $2 - $7 AND $2 + $7
         AND e.id <> $8 AND e.state = ANY($9::text[])
     ) x WHERE distance_m <= $10 ORDER BY distance_m, id LIMIT 20`,
    [p.categoryCode, p.lng, p.lat, p.since, p.until, dLat, dLng, p.excludeId, p.states, p.meters],
  );
}

// ---- supervision ----

/** Events whose reminder is due, locked (SKIP LOCKED: several processes share the sweep). */
export function dueReminders(q: Queryable, now: Date, limit: number): Promise<EventRow[]> {
  return q.query<EventRow>(
    `SELECT * FROM event WHERE state IN ('assigned', 'in_progress') AND remind_at <= $1
     ORDER BY remind_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
}

export function dueEscalations(q: Queryable, now: Date, limit: number): Promise<EventRow[]> {
  return q.query<EventRow>(
    `SELECT * FROM event WHERE state IN ('assigned', 'in_progress') AND next_escalation_at <= $1
     ORDER BY next_escalation_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
}

export function dueAutoClose(q: Queryable, before: Date, limit: number): Promise<EventRow[]> {
  return q.query<EventRow>(
    `SELECT * FROM event WHERE state = 'resolved' AND resolved_at <= $1
     ORDER BY resolved_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [before, limit],
  );
}

// ---- idempotency ----

/** A key as claimed: its request's hash, and its answer's status and text (JSON) once answered. */
export type IdempotencyRecord = {
  request_hash: string;
  /** 0 while the first request is being written. */
  status: number;
  response: string;
};

export function findIdempotencyKey(
  q: Queryable,
  scope: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  return maybeOne(
    q,
    'SELECT request_hash, status, response FROM idempotency_key WHERE scope = $1 AND key = $2',
    [scope, key],
  );
}

export async function pruneIdempotencyKeys(q: Queryable, before: Date): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `WITH d AS (DELETE FROM idempotency_key WHERE created_at < $1 RETURNING 1) SELECT count(*)::int AS n FROM d`,
    [before],
  );
  return rows[0]?.n ?? 0;
}

// ---- intake in batches (group commit: one transaction for the reports that arrive together) ----

/** A report's idempotency key, to claim. */
export interface IdempotencyClaim {
  scope: string;
  key: string;
  requestHash: string;
  at: Date;
}

/**
 * Claims the batch's idempotency keys and takes an event id for each report that may go ahead (it came
 * without a key, or its key is claimed now); null for a report whose key was taken already (its first
 * answer is replayed). A claim waits for a concurrent transaction that holds the same key. Keys are
 * claimed in sorted order, so two batches never wait for each other in a circle. One statement; the
 * ids ascend in the order of the claims given. The keys must be distinct.
 */
export async function claimKeysAndTakeIds(
  q: Queryable,
  claims: readonly (IdempotencyClaim | null)[],
): Promise<(number | null)[]> {
  const input = claims.map((c, ord) => ({
    ord,
    scope: c?.scope ?? null,
    key: c?.key ?? null,
    hash: c?.requestHash ?? null,
    at: c?.at.toISOString() ?? null,
  }));
  const rows = await q.query<{ ord: number; id: number | null }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(ord int, scope text, key text, hash text, at timestamptz)
     ), claimed AS (
       INSERT INTO idempotency_key (scope, key, request_hash, status, response, created_at)
       SELECT scope, key, hash, 0, 'null', at FROM input WHERE key IS NOT NULL ORDER BY scope, key
       ON CONFLICT DO NOTHING RETURNING scope, key
     )
     SELECT i.ord, CASE WHEN i.key IS NULL OR c.key IS NOT NULL
                        THEN nextval(pg_get_serial_sequence('event', 'id')) END AS id
     FROM input i LEFT JOIN claimed c ON c.scope = i.scope AND c.key = i.key`,
    [JSON.stringify(input)],
  );
  const ids = rows
    .map((r) => r.id)
    .filter((id): id is number => id !== null)
    .sort((a, b) => a - b);
  const go = new Set(rows.filter((r) => r.id !== null).map((r) => r.ord));
  let next = 0;
  return claims.map((_, ord) => (go.has(ord) ? (ids[next++] as number) : null));
}

/** `count` new event ids, ascending (taken before the rows are made: tracking numbers are made of them). */
export async function takeEventIds(q: Queryable, count: number): Promise<number[]> {
  const rows = await q.query<{ id: number }>(
    `SELECT nextval(pg_get_serial_sequence('event', 'id'))::bigint AS id FROM generate_series(1, $1::int)`,
    [count],
    { name: 'events.takeEventIds' },
  );
  return rows.map((r) => r.id).sort((x, y) => x - y);
}

/** A new event with its first timeline step, its reporter and, when it came with a key, its answer. */
export interface NewReport {
  event: NewEvent;
  reporter: { reporter_key: string; account_id: number | null };
  submit: { by_name: string; details: Record<string, unknown> };
  /** Its idempotency key, and the answer to keep for replays (as JSON). */
  answer: (IdempotencyClaim & { status: number; responseJson: string }) | null;
}

/** The record of one row of insertReports' input (json_to_recordset). */
const INTAKE_RECORD = [
  'id bigint',
  'county_code text',
  'tracking_no text',
  'category_id bigint',
  'category_version integer',
  'category_code text',
  'category_group text',
  'priority text',
  'state text',
  'source text',
  'external_id text',
  'description text',
  'answers jsonb',
  'address text',
  'lng double precision',
  'lat double precision',
  'unit_id bigint',
  'unit_path text',
  'route_kind text',
  'route_id bigint',
  'route_level text',
  'anonymous boolean',
  'reporter_account_id bigint',
  'reporter_name text',
  'reporter_phone text',
  'abuse_key text',
  'created_by text',
  'created_at timestamptz',
  'reporter_key text',
  'reporter_account bigint',
  'by_name text',
  'details jsonb',
  'idem_scope text',
  'idem_key text',
  'idem_hash text',
  'idem_at timestamptz',
  'idem_status integer',
  'idem_response text',
].join(', ');

/**
 * Writes the events of a batch, their `submit` steps (seq 1), their reporters and their keys' answers:
 * one statement for the whole batch. `claim`: the keys are claimed here, with their answers (in sorted
 * order, waiting for a concurrent holder), and only the reports whose keys are claimed now (or that came
 * without one) are written. `claimed`: the keys were claimed before in this transaction (status 0) and
 * get their answers. `parts`: other modules' writes joined to the statement (db/statement.ts: the audit
 * entries and the feed), for the events written only. Returns the ids of the events written.
 */
export async function insertReports(
  q: Queryable,
  reports: readonly NewReport[],
  keys: 'claim' | 'claimed',
  parts: readonly StatementPart[] = [],
): Promise<Set<number>> {
  if (reports.length === 0) return new Set();
  // the answers are JSON already (made once, also sent as the HTTP answer): spliced in, not stringified again.
  // Read as json, not jsonb: the rows are taken apart once, field by field (jsonb would first build the
  // whole batch as jsonb, then print each answer back to text to read it as the jsonb column): on
  // PostgreSQL a captured batch of 32 reports took 1.9 ms instead of 3.9 ms, prepared either way
  const input = `[${reports
    .map((r) => {
      const row = JSON.stringify({
        ...r.event,
        created_at: r.event.created_at.toISOString(),
        reporter_key: r.reporter.reporter_key,
        reporter_account: r.reporter.account_id,
        by_name: r.submit.by_name,
        details: r.submit.details,
        idem_scope: r.answer?.scope ?? null,
        idem_key: r.answer?.key ?? null,
        idem_hash: r.answer?.requestHash ?? null,
        idem_at: r.answer?.at.toISOString() ?? null,
        idem_status: r.answer?.status ?? null,
      });
      return `${row.slice(0, -1)},"idem_response":${r.answer?.responseJson ?? 'null'}}`;
    })
    .join(',')}]`;
  const go =
    keys === 'claim'
      ? `claimed AS (
       INSERT INTO idempotency_key (scope, key, request_hash, status, response, created_at)
       SELECT idem_scope, idem_key, idem_hash, idem_status, idem_response, idem_at FROM input
       WHERE idem_key IS NOT NULL ORDER BY idem_scope, idem_key
       ON CONFLICT DO NOTHING RETURNING scope, key
     ), go AS (
       SELECT i.* FROM input i
       WHERE i.idem_key IS NULL OR EXISTS (SELECT 1 FROM claimed c WHERE c.scope = i.idem_scope AND c.key = i.idem_key)
     )`
      : `answer AS (
       UPDATE idempotency_key k SET status = i.idem_status, response = i.idem_response
       FROM input i WHERE i.idem_key IS NOT NULL AND k.scope = i.idem_scope AND k.key = i.idem_key
     ), go AS (SELECT * FROM input)`;
  const params = new Params();
  const rows = await q.query<{ id: number }>(
    `WITH input AS (
       SELECT * FROM json_to_recordset(${params.add(input)}::json) AS t(${INTAKE_RECORD})
     ), ${go}, ev AS (
       INSERT INTO event (${INSERT_COLS.join(', ')}, updated_at)
       SELECT ${INSERT_COLS.join(', ')}, created_at FROM go ORDER BY id
       RETURNING id
     ), reporter AS (
       INSERT INTO event_reporter (event_id, reporter_key, account_id, original_event_id, county_code, created_at)
       SELECT id, reporter_key, reporter_account, id, county_code, created_at FROM go
       ON CONFLICT DO NOTHING
     ), submit AS (
       INSERT INTO event_timeline (event_id, seq, county_code, at, kind, from_state, to_state, by_name, as_role, details)
       SELECT id, 1, county_code, created_at, 'submit', NULL, 'submitted', by_name, 'reporter', details FROM go
     )${parts.map((p) => `, ${p.ctes(params, 'ev')}`).join('')}
     SELECT id FROM ev`,
    params.values,
    { name: ['events.insertReports', keys, ...parts.map((p) => p.name)].join('.') },
  );
  return new Set(rows.map((r) => r.id));
}

// ---- the daily view and the metrics (set-based) ----

/**
 * When an event stopped being open, as far as its row tells: a closed one at its (last) resolution or
 * its closing, a resolved one at its resolution, a rejected or merged one at its last update; an open
 * one never ('infinity'); '-infinity' where the instant is missing (such a row never counted as open).
 * Migration 0016 indexes exactly this expression (with created_at) as event_open_until: keep the two
 * the same, or "open at the end of a day" reads the whole table again.
 */
export const OPEN_UNTIL = `(CASE e.state
    WHEN 'closed' THEN COALESCE(e.resolved_at, e.closed_at, '-infinity')
    WHEN 'resolved' THEN COALESCE(e.resolved_at, '-infinity')
    WHEN 'rejected' THEN e.updated_at
    WHEN 'merged' THEN e.updated_at
    ELSE 'infinity' END)`;

/** Open at the end of the day [$1, $2): reported before its end and not finished by then (one index range). */
const OPEN_AT_END = `e.created_at < $2 AND ${OPEN_UNTIL} >= $2`;

export type DailyTotals = {
  reported: number;
  accepted: number;
  assigned: number;
  resolved: number;
  closed: number;
  reopened: number;
  open: number;
  overdue: number;
  median_h: number | null;
  p90_h: number | null;
  on_time: number | null;
  rating_avg: number | null;
  ratings: number;
};

/** Totals of one local day [start, end) in a subtree; `now` bounds "overdue" for today. */
export function dailyTotals(
  q: Queryable,
  path: string,
  start: Date,
  end: Date,
  now: Date,
): Promise<DailyTotals> {
  return one<DailyTotals>(
    q,
    `WITH steps AS (
       SELECT t.kind, t.to_state, t.details FROM event_timeline t JOIN event e ON e.id = t.event_id
       WHERE t.at >= $1 AND t.at < $2 AND e.unit_path LIKE $3 || '%'),
     res AS (
       SELECT e.resolved_at, e.created_at, e.resolved_on_time FROM event e
       WHERE e.resolved_at >= $1 AND e.resolved_at < $2 AND e.unit_path LIKE $3 || '%')
     SELECT
       (SELECT count(*)::int FROM event e WHERE e.created_at >= $1 AND e.created_at < $2 AND e.unit_path LIKE $3 || '%') AS reported,
       (SELECT count(*)::int FROM steps WHERE kind = 'accept') AS accepted,
       (SELECT count(*)::int FROM steps WHERE kind IN ('assign', 'reassign')) AS assigned,
       (SELECT count(*)::int FROM steps WHERE kind = 'resolve') AS resolved,
       (SELECT count(*)::int FROM steps WHERE to_state = 'closed') AS closed,
       (SELECT count(*)::int FROM steps WHERE to_state = 'reopened') AS reopened,
       (SELECT count(*)::int FROM event e WHERE ${OPEN_AT_END} AND e.unit_path LIKE $3 || '%') AS open,
       (SELECT count(*)::int FROM event e WHERE e.state IN ('assigned', 'in_progress')
          AND e.due_at < LEAST($2::timestamptz, $4::timestamptz) AND e.unit_path LIKE $3 || '%') AS overdue,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at) / 3600) FROM res) AS median_h,
       (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at) / 3600) FROM res) AS p90_h,
       (SELECT avg(CASE WHEN resolved_on_time THEN 1.0 ELSE 0.0 END) FROM res) AS on_time,
       (SELECT avg((details->>'rating')::numeric) FROM steps WHERE kind = 'rate') AS rating_avg,
       (SELECT count(*)::int FROM steps WHERE kind = 'rate') AS ratings`,
    [start, end, path, now],
  );
}

/** Counts of the day's reports by a column (category_group or state). */
export function dailyCounts(
  q: Queryable,
  column: 'category_group' | 'state',
  path: string,
  start: Date,
  end: Date,
): Promise<{ key: string; count: number }[]> {
  return q.query(
    `SELECT ${column} AS key, count(*)::int AS count FROM event e
     WHERE e.created_at >= $1 AND e.created_at < $2 AND e.unit_path LIKE $3 || '%'
     GROUP BY 1 ORDER BY 2 DESC, 1`,
    [start, end, path],
  );
}

/**
 * Per child of the subtree's root: reported that day, resolved that day, open and overdue at its end.
 * Three index-friendly parts (reported by created_at, resolved by resolved_at, open by OPEN_UNTIL; the
 * overdue are among the open), added up per child.
 */
export function dailyByChild(
  q: Queryable,
  path: string,
  start: Date,
  end: Date,
  now: Date,
): Promise<{ code: string; reported: number; resolved: number; open: number; overdue: number }[]> {
  const child = `split_part(substr(e.unit_path, length($3) + 1), '/', 1)`;
  const inSubtree = `e.unit_path LIKE $3 || '%' AND e.unit_path <> $3`;
  return q.query(
    `SELECT code, sum(reported)::int AS reported, sum(resolved)::int AS resolved, sum(open)::int AS open,
       sum(overdue)::int AS overdue
     FROM (
       SELECT ${child} AS code, count(*) AS reported, 0 AS resolved, 0 AS open, 0 AS overdue
       FROM event e WHERE e.created_at >= $1 AND e.created_at < $2 AND ${inSubtree} GROUP BY 1
       UNION ALL
       SELECT ${child}, 0, count(*), 0, 0
       FROM event e WHERE e.resolved_at >= $1 AND e.resolved_at < $2 AND e.created_at < $2 AND ${inSubtree}
       GROUP BY 1
       UNION ALL
       SELECT ${child}, 0, 0, count(*),
         count(*) FILTER (WHERE e.state IN ('assigned', 'in_progress') AND e.due_at < LEAST($2::timestamptz, $4::timestamptz))
       FROM event e WHERE ${OPEN_AT_END} AND ${inSubtree} GROUP BY 1) parts
     GROUP BY code`,
    [start, end, path, now],
  );
}

/**
 * Who handles what: open assignments now and resolutions that day, by assignee. Two disjoint parts (the
 * open ones through the partial index on assignees, the others resolved that day by resolved_at).
 */
export function dailyHandlers(
  q: Queryable,
  path: string,
  start: Date,
  end: Date,
): Promise<{ kind: 'unit' | 'department'; id: number; open: number; resolved: number }[]> {
  return q.query(
    `SELECT kind, id, sum(open)::int AS open, sum(resolved)::int AS resolved
     FROM (
       SELECT e.assignee_kind AS kind, e.assignee_id AS id, count(*) AS open,
         count(*) FILTER (WHERE e.resolved_at >= $1 AND e.resolved_at < $2) AS resolved
       FROM event e
       WHERE e.state IN ('assigned', 'in_progress') AND e.assignee_id IS NOT NULL AND e.unit_path LIKE $3 || '%'
       GROUP BY 1, 2
       UNION ALL
       SELECT e.assignee_kind, e.assignee_id, 0, count(*)
       FROM event e
       WHERE e.resolved_at >= $1 AND e.resolved_at < $2 AND e.state NOT IN ('assigned', 'in_progress')
         AND e.assignee_id IS NOT NULL AND e.unit_path LIKE $3 || '%'
       GROUP BY 1, 2) parts
     GROUP BY 1, 2 ORDER BY 3 DESC, 4 DESC LIMIT 50`,
    [start, end, path],
  );
}

export function overdueIn(q: Queryable, path: string, at: Date, limit: number): Promise<EventRow[]> {
  return q.query<EventRow>(
    `SELECT * FROM event e WHERE e.state IN ('assigned', 'in_progress') AND e.due_at < $2
       AND e.unit_path LIKE $1 || '%' ORDER BY e.due_at LIMIT $3`,
    [path, at, limit],
  );
}

export function dayPoints(
  q: Queryable,
  path: string,
  start: Date,
  end: Date,
  limit: number,
): Promise<
  {
    id: number;
    lng: number;
    lat: number;
    state: EventState;
    category_code: string;
    overdue: boolean;
    due_at: Date | null;
  }[]
> {
  return q.query(
    `SELECT id, lng, lat, state, category_code, overdue, due_at FROM event e
     WHERE e.created_at >= $1 AND e.created_at < $2 AND e.unit_path LIKE $3 || '%'
     ORDER BY e.created_at DESC LIMIT $4`,
    [start, end, path, limit],
  );
}

export type MetricsRow = {
  /** The unit's code at the depth; '' for events filed at a unit above it (they match no unit). */
  code: string;
  reported: number;
  /** Reports resolved at least once. */
  resolved: number;
  /** The figures below are null unless asked for (see MetricsAsk). */
  counted: number | null;
  on_time: number | null;
  median_h: number | null;
  rating_avg: number | null;
  reopen_rate: number | null;
  staff_quick: number | null;
  /** Reports per asked top-level category (0 when none). */
  groups: number[];
};

/** What the metrics query computes beyond the count of reports: each figure costs the pass an aggregate. */
export interface MetricsAsk {
  /** Reports not rejected or merged (the resolution rate's denominator). */
  resolution: boolean;
  onTime: boolean;
  satisfaction: boolean;
  reopen: boolean;
  /** Reports filed by staff and resolved within 10 minutes. */
  staffQuick: boolean;
  /** The median hours to the first resolution: an ordered-set aggregate, a sort of every resolved event. */
  median: boolean;
  /** Top-level categories whose reports are counted (one FILTER column each). */
  groups: readonly string[];
}

/**
 * The safety index's event metrics: the period's events grouped by the code of their unit at path depth
 * `depth` (3 = town, 4 = village, 5 = grid). One pass over the events, parallel and hashed like a bare
 * GROUP BY, with an aggregate per asked figure and a `count(*) FILTER` column per asked category group.
 * The median hours to the first resolution is an ordered-set aggregate (it sorts every resolved event and
 * cannot be aggregated in parallel), so it is computed apart, on the resolved events only, when asked for;
 * its hours are float8 (date_part), not numeric (extract), which sorts and divides several times faster.
 */
export function metrics(
  q: Queryable,
  withinPath: string,
  depth: number,
  from: Date,
  to: Date,
  ask: MetricsAsk,
): Promise<MetricsRow[]> {
  const code = `split_part(e.unit_path, '/', $4 + 1)`;
  const period = `e.created_at >= $1 AND e.created_at < $2 AND e.unit_path LIKE $3 || '%'`;
  const resolved = 'count(e.first_resolved_at)';
  const cols = [
    `${code} AS code`,
    'count(*)::int AS reported',
    `${resolved}::int AS resolved`,
    ask.resolution
      ? `count(*) FILTER (WHERE e.state NOT IN ('rejected', 'merged'))::int AS counted`
      : 'NULL::int AS counted',
    ask.onTime
      ? `count(*) FILTER (WHERE e.resolved_on_time AND e.resolved_at IS NOT NULL)::float8
           / NULLIF(count(e.resolved_at), 0) AS on_time`
      : 'NULL::float8 AS on_time',
    ask.satisfaction ? 'avg(e.rating)::float8 AS rating_avg' : 'NULL::float8 AS rating_avg',
    ask.reopen
      ? `count(*) FILTER (WHERE e.reopen_count > 0 AND e.first_resolved_at IS NOT NULL)::float8
           / NULLIF(${resolved}, 0) AS reopen_rate`
      : 'NULL::float8 AS reopen_rate',
    ask.staffQuick
      ? `count(*) FILTER (WHERE e.source = 'staff'
           AND e.first_resolved_at < e.created_at + interval '10 minutes')::int AS staff_quick`
      : 'NULL::int AS staff_quick',
    // the groups are parameters ($5 on): never spliced into the SQL
    `ARRAY[${ask.groups.map((_, i) => `count(*) FILTER (WHERE e.category_group = $${i + 5})::int`).join(', ')}]::int[] AS groups`,
  ];
  const counts = `SELECT ${cols.join(',\n    ')}\n  FROM event e WHERE ${period} GROUP BY 1`;
  const sql = ask.median
    ? `WITH c AS (${counts}),
       m AS (
         SELECT ${code} AS code,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', e.first_resolved_at - e.created_at) / 3600) AS median_h
         FROM event e WHERE ${period} AND e.first_resolved_at IS NOT NULL GROUP BY 1)
     SELECT c.*, m.median_h FROM c LEFT JOIN m ON m.code = c.code`
    : `SELECT c.*, NULL::float8 AS median_h FROM (${counts}) c`;
  return q.query<MetricsRow>(sql, [from, to, withinPath, depth, ...ask.groups]);
}

/** Which of these outside numbers of a source are already filed, with the tracking numbers they got. */
export async function takenExternalIds(
  q: Queryable,
  source: EventRow['source'],
  externalIds: readonly string[],
): Promise<Map<string, string>> {
  if (!externalIds.length) return new Map();
  const rows = await q.query<{ external_id: string; tracking_no: string }>(
    'SELECT external_id, tracking_no FROM event WHERE source = $1 AND external_id = ANY($2::text[])',
    [source, externalIds],
  );
  return new Map(rows.map((r) => [r.external_id, r.tracking_no]));
}

// ---- archive (finished events in bulk) ----

export type ArchiveRow = {
  county_code: string;
  category_id: number;
  category_version: number;
  category_code: string;
  category_group: string;
  priority: string;
  state: 'closed' | 'resolved' | 'rejected';
  source: string;
  description: string;
  lng: number;
  lat: number;
  unit_id: number;
  unit_path: string;
  assignee_kind: 'unit' | 'department' | null;
  assignee_id: number | null;
  assignee_level: string | null;
  assignee_path: string | null;
  created_at: Date;
  assigned_at: Date | null;
  due_at: Date | null;
  first_resolved_at: Date | null;
  resolved_on_time: boolean | null;
  closed_at: Date | null;
  rating: number | null;
  reopen_count: number;
  created_by: string;
};

/**
 * Inserts finished events in bulk with their first and last timeline steps; returns their ids.
 * Tracking numbers are made from the ids and the local report date, as intake makes them.
 */
export async function insertArchive(q: Queryable, rows: ArchiveRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const col = <K extends keyof ArchiveRow>(k: K) => rows.map((r) => r[k]);
  const ids = await q.query<{ id: number }>(
    `INSERT INTO event (id, county_code, tracking_no, category_id, category_version, category_code, category_group,
       priority, state, source, description, lng, lat, unit_id, unit_path, route_kind, route_id, route_level,
       assignee_kind, assignee_id, assignee_level, assignee_path, assigned_at, due_at, accepted_at,
       first_resolved_at, resolved_at, resolved_on_time, closed_at, rating, reopen_count, created_by, created_at, updated_at)
     SELECT id, c, to_char(ca AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad(id::text, 6, '0'),
       ci, cv, cc, cg, pr, st, so, de, ln, la, ui, up, ak, ai, al, ak, ai, al, ap, aa, du, aa, fr, fr, ot, cl, ra, rc, cb, ca,
       COALESCE(cl, fr, ca)
     FROM (SELECT nextval(pg_get_serial_sequence('event', 'id')) AS id, t.*
           FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                $9::text[], $10::float8[], $11::float8[], $12::bigint[], $13::text[], $14::text[], $15::bigint[],
                $16::text[], $17::text[], $18::timestamptz[], $19::timestamptz[], $20::timestamptz[], $21::boolean[],
                $22::timestamptz[], $23::smallint[], $24::int[], $25::text[], $26::timestamptz[])
             AS t(c, ci, cv, cc, cg, pr, st, so, de, ln, la, ui, up, ak, ai, al, ap, aa, du, fr, ot, cl, ra, rc, cb, ca)) x
     RETURNING id`,
    [
      col('county_code'),
      col('category_id'),
      col('category_version'),
      col('category_code'),
      col('category_group'),
      col('priority'),
      col('state'),
      col('source'),
      col('description'),
      col('lng'),
      col('lat'),
      col('unit_id'),
      col('unit_path'),
      col('assignee_kind'),
      col('assignee_id'),
      col('assignee_level'),
      col('assignee_path'),
      col('assigned_at'),
      col('due_at'),
      col('first_resolved_at'),
      col('resolved_on_time'),
      col('closed_at'),
      col('rating'),
      col('reopen_count'),
      col('created_by'),
      col('created_at'),
    ],
  );
  await q.query(
    `INSERT INTO event_timeline (event_id, seq, county_code, at, kind, from_state, to_state, by_name, as_role, details)
     SELECT e.id, 1, e.county_code, e.created_at, 'submit', NULL, 'submitted', 'reporter', 'reporter', '{"archived":true}'::jsonb
     FROM event e WHERE e.id = ANY($1::bigint[])
     UNION ALL
     SELECT e.id, 2, e.county_code, COALESCE(e.closed_at, e.resolved_at, e.updated_at),
       CASE e.state WHEN 'rejected' THEN 'reject' WHEN 'resolved' THEN 'resolve' ELSE 'close' END,
       'submitted', e.state, 'system', 'system', '{"archived":true}'::jsonb
     FROM event e WHERE e.id = ANY($1::bigint[])`,
    [ids.map((r) => r.id)],
  );
  return ids.map((r) => r.id);
}

/** Events per unit (the path segment at `depth`) and asked-for category (itself or below), rejected and merged left out. */
export function categoryCounts(
  q: Queryable,
  withinPath: string,
  depth: number,
  from: Date,
  to: Date,
  categories: readonly string[],
): Promise<{ code: string; category: string; n: number }[]> {
  return q.query(
    `SELECT split_part(e.unit_path, '/', $4 + 1) AS code, c.code AS category, count(*)::int AS n
     FROM event e JOIN unnest($5::text[]) AS c(code)
       ON e.category_code = c.code OR e.category_code LIKE c.code || '.%'
     WHERE e.created_at >= $1 AND e.created_at < $2 AND e.unit_path LIKE $3 || '%'
       AND e.state NOT IN ('rejected', 'merged')
     GROUP BY 1, 2`,
    [from, to, withinPath, depth, categories],
  );
}
