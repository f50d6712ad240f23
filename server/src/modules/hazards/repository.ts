// Hazards' queries (no rules). Set-based SQL for the weekly consolidation and the metrics.
import { sqlCsvCell, sqlCsvJoin, sqlCsvText, sqlIsoTime, sqlLocalDate } from '../../db/csv-sql.js';
import { maybeOne, one, type Queryable } from '../../db/index.js';
import { appendTimelineStep, type TimelineTable, timelineSteps } from '../../db/timeline.js';
import { Where } from '../../db/where.js';
import type { Severity } from './domain/severity.js';
import type { HazardState } from './domain/state-machine.js';
import type { HazardSource } from './schema.js';

export type AssigneeKind = 'unit' | 'department' | 'place';

export type HazardRow = {
  id: number;
  county_code: string;
  tracking_no: string;
  unit_id: number;
  unit_path: string;
  place_id: number | null;
  address: string | null;
  lng: number;
  lat: number;
  domain_id: number;
  domain_version: number;
  domain_code: string;
  aspect_code: string;
  severity: Severity;
  description: string;
  rule_broken: string | null;
  source: HazardSource;
  state: HazardState;
  version: number;
  suggested_town_id: number | null;
  suggested_department_id: number | null;
  town_id: number | null;
  town_path: string | null;
  department_id: number | null;
  triaged_at: Date | null;
  confirmed_at: Date | null;
  batch: string | null;
  consolidated_at: Date | null;
  assignee_kind: AssigneeKind | null;
  assignee_id: number | null;
  assignee_path: string | null;
  assigned_at: Date | null;
  due_at: Date | null;
  remind_at: Date | null;
  escalation: number;
  next_escalation_at: Date | null;
  submitted_at: Date | null;
  closed_out_at: Date | null;
  merged_into: number | null;
  listed: boolean;
  reporter_account_id: number | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
};

const INSERT_COLS = [
  'id',
  'county_code',
  'tracking_no',
  'unit_id',
  'unit_path',
  'place_id',
  'address',
  'lng',
  'lat',
  'domain_id',
  'domain_version',
  'domain_code',
  'aspect_code',
  'severity',
  'description',
  'rule_broken',
  'source',
  'state',
  'suggested_town_id',
  'suggested_department_id',
  'reporter_account_id',
  'created_by',
  'created_at',
] as const;
export type NewHazard = Pick<HazardRow, (typeof INSERT_COLS)[number]>;

/** The next hazard id (taken before the insert: the tracking number is made from it). */
export async function nextId(q: Queryable): Promise<number> {
  const r = await one<{ id: number }>(
    q,
    `SELECT nextval(pg_get_serial_sequence('hazard', 'id'))::bigint AS id`,
  );
  return r.id;
}

export function insertHazard(q: Queryable, h: NewHazard): Promise<HazardRow> {
  const params = INSERT_COLS.map((_, i) => `$${i + 1}`).join(', ');
  return one<HazardRow>(
    q,
    `INSERT INTO hazard (${INSERT_COLS.join(', ')}, updated_at) VALUES (${params}, $${INSERT_COLS.length})
     RETURNING *`,
    INSERT_COLS.map((c) => h[c]),
  );
}

export function getHazard(q: Queryable, id: number, lock = false): Promise<HazardRow | undefined> {
  return maybeOne<HazardRow>(q, `SELECT * FROM hazard WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
}

export function trackingNos(q: Queryable, ids: number[]): Promise<{ id: number; tracking_no: string }[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return q.query('SELECT id, tracking_no FROM hazard WHERE id = ANY($1::bigint[])', [ids]);
}

/** The state, tracking number and deadline of these hazards (for inspections' progress). */
export function statesOf(
  q: Queryable,
  ids: readonly number[],
): Promise<{ id: number; tracking_no: string; state: HazardState; due_at: Date | null }[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return q.query('SELECT id, tracking_no, state, due_at FROM hazard WHERE id = ANY($1::bigint[])', [ids]);
}

export type HazardPatch = Partial<
  Omit<HazardRow, 'id' | 'version' | 'county_code' | 'tracking_no' | 'created_at' | 'created_by'>
>;

/** Applies a patch if the row is still at `version`; bumps the version. Undefined when the version moved on. */
export function updateHazard(
  q: Queryable,
  id: number,
  version: number,
  patch: HazardPatch,
): Promise<HazardRow | undefined> {
  const keys = Object.keys(patch) as (keyof HazardPatch)[];
  const sets = keys.map((k, i) => `${k} = $${i + 3}`);
  return maybeOne<HazardRow>(
    q,
    `UPDATE hazard SET ${[...sets, 'version = version + 1'].join(', ')}
     WHERE id = $1 AND version = $2 RETURNING *`,
    [id, version, ...keys.map((k) => patch[k])],
  );
}

/** Sets the listed flag (挂牌) when it differs; bumps the version. */
export async function setListed(q: Queryable, id: number, listed: boolean, at: Date): Promise<boolean> {
  const rows = await q.query(
    `UPDATE hazard SET listed = $2, updated_at = $3, version = version + 1
     WHERE id = $1 AND listed <> $2 RETURNING id`,
    [id, listed, at],
  );
  return rows.length > 0;
}

// ---- timeline ----

export type TimelineRow = {
  hazard_id: number;
  seq: number;
  at: Date;
  kind: string;
  from_state: HazardState | null;
  to_state: HazardState | null;
  by_name: string;
  as_role: string | null;
  details: Record<string, unknown>;
};

const TIMELINE: TimelineTable = { table: 'hazard_timeline', owner: 'hazard_id' };

/** Appends a step (the caller holds the hazard's row lock, so seq cannot race). */
export function appendTimeline(
  q: Queryable,
  t: Omit<TimelineRow, 'seq'> & { county_code: string },
): Promise<void> {
  return appendTimelineStep(q, TIMELINE, { ...t, ownerId: t.hazard_id });
}

export function timeline(q: Queryable, hazardId: number): Promise<TimelineRow[]> {
  return timelineSteps<TimelineRow>(q, TIMELINE, hazardId);
}

// ---- lists ----

export interface ListFilter {
  /** Located in the subtree of this path. */
  unitPath?: string;
  /** What a department's staff see: routed to it, assigned to it, or recorded by them. */
  department?: { id: number; accountId: number | null };
  states?: HazardState[];
  domainCode?: string;
  aspectCode?: string;
  severities?: Severity[];
  sources?: HazardSource[];
  townId?: number;
  departmentId?: number;
  placeId?: number;
  batch?: string;
  listed?: boolean;
  from?: Date;
  to?: Date;
  reporterAccountId?: number;
  /** Waiting for a reviewer of this town (by path) or department. */
  review?: { townPath: string | null; departmentId: number | null };
  /** Assigned (assigned / rectifying / verifying) to a unit or place under this path, or to this department. */
  rectify?: { unitPath: string | null; placePath: string | null; departmentId: number | null };
  overdueAt?: Date;
  /** Tracking number, or words of the description. */
  text?: string;
}

const REVIEW_STATES = `('triaged', 'confirmed', 'consolidated', 'verifying')`;
const RECTIFY_STATES = `('assigned', 'rectifying', 'verifying')`;

function where(f: ListFilter): Where {
  const w = new Where();
  if (f.unitPath) w.add(`h.unit_path LIKE ? || '%'`, f.unitPath);
  if (f.department) {
    const d = w.$(f.department.id);
    const mine =
      f.department.accountId === null ? '' : ` OR h.reporter_account_id = ${w.$(f.department.accountId)}`;
    w.add(`(h.department_id = ${d} OR (h.assignee_kind = 'department' AND h.assignee_id = ${d})${mine})`);
  }
  if (f.states?.length) w.add('h.state = ANY(?::text[])', f.states);
  if (f.domainCode) w.add('h.domain_code = ?', f.domainCode);
  if (f.aspectCode) w.add('h.aspect_code = ?', f.aspectCode);
  if (f.severities?.length) w.add('h.severity = ANY(?::text[])', f.severities);
  if (f.sources?.length) w.add('h.source = ANY(?::text[])', f.sources);
  if (f.townId !== undefined) w.add('h.town_id = ?', f.townId);
  if (f.departmentId !== undefined) w.add('h.department_id = ?', f.departmentId);
  if (f.placeId !== undefined) w.add('h.place_id = ?', f.placeId);
  if (f.batch) w.add('h.batch = ?', f.batch);
  if (f.listed !== undefined) w.add('h.listed = ?', f.listed);
  if (f.from) w.add('h.created_at >= ?', f.from);
  if (f.to) w.add('h.created_at < ?', f.to);
  if (f.reporterAccountId !== undefined) w.add('h.reporter_account_id = ?', f.reporterAccountId);
  if (f.review) {
    const parts: string[] = [];
    if (f.review.townPath !== null) parts.push(`h.town_path LIKE ${w.$(f.review.townPath)} || '%'`);
    if (f.review.departmentId !== null) parts.push(`h.department_id = ${w.$(f.review.departmentId)}`);
    w.add(parts.length ? `h.state IN ${REVIEW_STATES} AND (${parts.join(' OR ')})` : 'false');
  }
  if (f.rectify) {
    const parts: string[] = [];
    if (f.rectify.unitPath !== null)
      parts.push(`(h.assignee_kind = 'unit' AND h.assignee_path LIKE ${w.$(f.rectify.unitPath)} || '%')`);
    if (f.rectify.placePath !== null)
      parts.push(`(h.assignee_kind = 'place' AND h.assignee_path LIKE ${w.$(f.rectify.placePath)} || '%')`);
    if (f.rectify.departmentId !== null)
      parts.push(`(h.assignee_kind = 'department' AND h.assignee_id = ${w.$(f.rectify.departmentId)})`);
    w.add(parts.length ? `h.state IN ${RECTIFY_STATES} AND (${parts.join(' OR ')})` : 'false');
  }
  if (f.overdueAt) w.add(`h.state IN ('assigned', 'rectifying') AND h.due_at < ?`, f.overdueAt);
  if (f.text) w.add(`(h.tracking_no = ? OR h.description ILIKE '%' || ? || '%')`, f.text);
  return w;
}

/**
 * One page, newest first, and the number of matches, in one statement (one round trip: the count in a
 * subquery, the page joined to it laterally, so an empty page still answers its count). The count stops
 * at `countCap` matches when one is given (the exact count(*) of a 100,000-row scope costs ten times the
 * page: bench/hazards): `capped` then says the total is a lower bound.
 */
export async function listHazards(
  q: Queryable,
  f: ListFilter,
  limit: number,
  offset: number,
  countCap: number | null | 'none' = null,
): Promise<{ rows: HazardRow[]; total: number | null; capped: boolean }> {
  const w = where(f);
  const n = w.params.length;
  if (countCap === 'none') {
    const rows = await q.query<HazardRow>(
      `SELECT h.* FROM hazard h ${w.sql} ORDER BY h.created_at DESC, h.id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...w.params, limit, offset],
    );
    return { rows, total: null, capped: false };
  }
  const matches =
    countCap !== null ? `(SELECT 1 FROM hazard h ${w.sql} LIMIT $${n + 3}) m` : `hazard h ${w.sql}`;
  const found = await q.query<HazardRow & { list_total: number }>(
    `SELECT c.list_total, p.*
     FROM (SELECT count(*)::int AS list_total FROM ${matches}) c
     LEFT JOIN LATERAL (
       SELECT h.* FROM hazard h ${w.sql} ORDER BY h.created_at DESC, h.id DESC LIMIT $${n + 1} OFFSET $${n + 2}
     ) p ON true`,
    countCap !== null ? [...w.params, limit, offset, countCap + 1] : [...w.params, limit, offset],
  );
  const total = found[0]?.list_total ?? 0;
  const rows: HazardRow[] = [];
  for (const { list_total: _, ...row } of found) if (row.id !== null) rows.push(row);
  if (countCap !== null && total > countCap) return { rows, total: countCap, capped: true };
  return { rows, total, capped: false };
}

/** What the export reads per row: its line's own cells formatted by the database, and the keys to name. */
export type ExportLine = {
  /** The cells before the names: tracking number … state. */
  head: string;
  domain_id: number;
  domain_version: number;
  aspect_code: string;
  /** The code of the unit the hazard lies in (the last of its path). */
  unit_code: string;
  /** The cells after the names: the town routed to … updated at. */
  tail: string;
  /** The keyset: created_at as text (microseconds kept) and the id. */
  key_at: string;
  id: number;
};

/**
 * The export's keyset: up to `limit` rows after `before` (created_at as text, id) in the list's order
 * (newest first), so a list of any size is read a batch at a time through the (created_at, id) index.
 * The database writes each row's cells (RFC 4180 quoting, the formula guard, dates): the driver decodes a
 * few text columns per row, not two dozen typed ones. `labels` names the severities; `offsetMinutes` is
 * the local time's offset for the found and closed-out dates.
 */
export function exportLines(
  q: Queryable,
  f: ListFilter,
  before: { at: string; id: number } | null,
  limit: number,
  labels: Record<Severity, string>,
  offsetMinutes: number,
): Promise<ExportLine[]> {
  const w = where(f);
  const n = w.params.length;
  const params: unknown[] = [...w.params, limit, JSON.stringify(labels)];
  let keyset = '';
  if (before) {
    keyset = `${w.sql ? ' AND' : 'WHERE'} (h.created_at, h.id) < ($${n + 3}::timestamptz, $${n + 4})`;
    params.push(before.at, before.id);
  }
  const head = sqlCsvJoin([
    sqlCsvCell('h.tracking_no'),
    sqlCsvCell('h.domain_code'),
    sqlCsvCell('h.aspect_code'),
    sqlCsvCell(`$${n + 2}::jsonb ->> h.severity`),
    sqlCsvText('h.description'),
    sqlCsvText('h.rule_broken'),
    sqlCsvCell('h.source'),
    'h.lng::text',
    'h.lat::text',
    sqlCsvText('h.address'),
    `COALESCE(h.place_id::text, '')`,
    sqlLocalDate('h.created_at', offsetMinutes),
    sqlLocalDate('h.closed_out_at', offsetMinutes),
    sqlCsvCell('h.state'),
  ]);
  const tail = sqlCsvJoin([
    sqlCsvCell(`split_part(h.town_path, '/', -2)`),
    `COALESCE(h.department_id::text, '')`,
    sqlIsoTime('h.due_at'),
    `CASE WHEN h.listed THEN '是' ELSE '否' END`,
    'h.version::text',
    sqlIsoTime('h.updated_at'),
  ]);
  return q.query<ExportLine>(
    `SELECT ${head} AS head, h.domain_id, h.domain_version, h.aspect_code,
       split_part(h.unit_path, '/', -2) AS unit_code, ${tail} AS tail, h.created_at::text AS key_at, h.id
     FROM hazard h ${w.sql}${keyset}
     ORDER BY h.created_at DESC, h.id DESC LIMIT $${n + 1}`,
    params,
  );
}

// ---- bulk (the import) ----

/** `n` new hazard ids (taken before the insert: the tracking numbers are made from them). */
export async function nextIds(q: Queryable, n: number): Promise<number[]> {
  const rows = await q.query<{ id: number }>(
    `SELECT nextval(pg_get_serial_sequence('hazard', 'id'))::bigint AS id FROM generate_series(1, $1)`,
    [n],
  );
  return rows.map((r) => Number(r.id));
}

/** Tracking numbers of these that are recorded already. */
export async function recordedTrackingNos(q: Queryable, nos: string[]): Promise<Set<string>> {
  if (!nos.length) return new Set();
  const rows = await q.query<{ tracking_no: string }>(
    'SELECT tracking_no FROM hazard WHERE tracking_no = ANY($1::text[])',
    [nos],
  );
  return new Set(rows.map((r) => r.tracking_no));
}

export type NewImportedHazard = NewHazard & { closed_out_at: Date | null };
const BULK_COLS = [...INSERT_COLS, 'closed_out_at'] as const;

/** Inserts hazards in one statement (the import, in batches), each with its first timeline step. */
export async function insertHazards(
  q: Queryable,
  hs: NewImportedHazard[],
  step: { at: Date; by_name: string; details: Record<string, unknown> },
): Promise<void> {
  if (!hs.length) return;
  const params: unknown[] = [];
  const tuples = hs.map((h) => {
    const ph = BULK_COLS.map((c) => {
      params.push(h[c]);
      return `$${params.length}`;
    });
    return `(${ph.join(', ')}, $${params.length - 1 /* created_at */})`;
  });
  await q.query(
    `INSERT INTO hazard (${BULK_COLS.join(', ')}, updated_at) VALUES ${tuples.join(', ')}`,
    params,
  );
  await q.query(
    `INSERT INTO hazard_timeline (hazard_id, seq, county_code, at, kind, from_state, to_state, by_name, as_role, details)
     SELECT h.id, 1, h.county_code, $2, 'record', NULL, h.state, $3, 'reporter',
       $4::jsonb || jsonb_build_object('source', h.source, 'severity', h.severity)
         || CASE WHEN h.closed_out_at IS NULL THEN '{}'::jsonb
                 ELSE jsonb_build_object('closedOutAt', h.closed_out_at) END
     FROM hazard h WHERE h.id = ANY($1::bigint[])`,
    [hs.map((h) => h.id), step.at, step.by_name, JSON.stringify(step.details)],
  );
}

// ---- supervision (claimed FOR UPDATE SKIP LOCKED: several processes share the sweep) ----

export function dueReminders(q: Queryable, now: Date, limit: number): Promise<HazardRow[]> {
  return q.query<HazardRow>(
    `SELECT * FROM hazard WHERE state IN ('assigned', 'rectifying') AND remind_at <= $1
     ORDER BY remind_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
}

export function dueEscalations(q: Queryable, now: Date, limit: number): Promise<HazardRow[]> {
  return q.query<HazardRow>(
    `SELECT * FROM hazard WHERE state IN ('assigned', 'rectifying') AND next_escalation_at <= $1
     ORDER BY next_escalation_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
}

// ---- the weekly consolidation (汇总) ----

/** Confirmed items confirmed before `before`, locked, by domain and town (the lists they go on). */
export function dueConsolidation(q: Queryable, before: Date, limit: number): Promise<HazardRow[]> {
  return q.query<HazardRow>(
    `SELECT * FROM hazard WHERE state = 'confirmed' AND confirmed_at < $1
     ORDER BY confirmed_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [before, limit],
  );
}

/**
 * Puts the items (locked by the caller, all 'confirmed') on the weekly list `batch` in two statements:
 * the state change with the version bumped, and one timeline step each.
 */
export async function consolidate(
  q: Queryable,
  ids: number[],
  batch: string,
  at: Date,
  step: { by_name: string; as_role: string; details: Record<string, unknown> },
): Promise<number> {
  const rows = await q.query<{ id: number }>(
    `UPDATE hazard SET state = 'consolidated', batch = $2, consolidated_at = $3, updated_at = $3,
       version = version + 1
     WHERE id = ANY($1::bigint[]) AND state = 'confirmed' RETURNING id`,
    [ids, batch, at],
  );
  await q.query(
    `INSERT INTO hazard_timeline (hazard_id, seq, county_code, at, kind, from_state, to_state, by_name, as_role, details)
     SELECT h.id, COALESCE((SELECT max(t.seq) FROM hazard_timeline t WHERE t.hazard_id = h.id), 0) + 1,
       h.county_code, $2, 'consolidate', 'confirmed', 'consolidated', $3, $4, $5
     FROM hazard h WHERE h.id = ANY($1::bigint[])`,
    [rows.map((r) => r.id), at, step.by_name, step.as_role, JSON.stringify(step.details)],
  );
  return rows.length;
}

// ---- metrics (set-based) ----

export type MetricsRow = {
  code: string;
  /** null: the unit's total over every domain */
  domain_code: string | null;
  found: number;
  closed_out: number;
  due: number;
  due_closed_out: number;
  closed_on_time: number;
};

/**
 * Counts per unit at path depth `depth` (3 town, 4 village, 5 grid) and domain, in one statement (the
 * service sums a unit's domains into its total). The close-out terms follow domain/deadlines.ts closeoutMetrics: of the items
 * whose deadline fell in [from, to), those closed out before `to` and those closed out by their deadline.
 */
export function metrics(
  q: Queryable,
  withinPath: string,
  depth: number,
  from: Date,
  to: Date,
  domainCode: string | null,
): Promise<MetricsRow[]> {
  return q.query<MetricsRow>(
    `WITH h AS (
       SELECT split_part(h.unit_path, '/', $4 + 1) AS code, h.domain_code, h.state, h.created_at,
              h.due_at, h.closed_out_at
       FROM hazard h
       WHERE h.unit_path LIKE $3 || '%' AND ($5::text IS NULL OR h.domain_code = $5)
         AND ((h.created_at >= $1 AND h.created_at < $2)
              OR (h.due_at >= $1 AND h.due_at < $2)
              OR (h.closed_out_at >= $1 AND h.closed_out_at < $2)))
     SELECT code, domain_code,
       count(*) FILTER (WHERE created_at >= $1 AND created_at < $2
                          AND state NOT IN ('rejected', 'merged'))::int AS found,
       count(*) FILTER (WHERE closed_out_at >= $1 AND closed_out_at < $2)::int AS closed_out,
       count(*) FILTER (WHERE due_at >= $1 AND due_at < $2)::int AS due,
       count(*) FILTER (WHERE due_at >= $1 AND due_at < $2 AND closed_out_at < $2)::int AS due_closed_out,
       count(*) FILTER (WHERE due_at >= $1 AND due_at < $2 AND closed_out_at <= due_at)::int AS closed_on_time
     FROM h WHERE code <> ''
     GROUP BY code, domain_code`,
    [from, to, withinPath, depth, domainCode],
  );
}

/** The same counts per routed department (hazards routed to it in a county path), for the ranking board. */
export function metricsByDepartment(
  q: Queryable,
  withinPath: string,
  from: Date,
  to: Date,
): Promise<(Omit<MetricsRow, 'code' | 'domain_code'> & { department_id: number })[]> {
  return q.query(
    `SELECT h.department_id,
       count(*) FILTER (WHERE created_at >= $1 AND created_at < $2
                          AND state NOT IN ('rejected', 'merged'))::int AS found,
       count(*) FILTER (WHERE closed_out_at >= $1 AND closed_out_at < $2)::int AS closed_out,
       count(*) FILTER (WHERE due_at >= $1 AND due_at < $2)::int AS due,
       count(*) FILTER (WHERE due_at >= $1 AND due_at < $2 AND closed_out_at < $2)::int AS due_closed_out,
       count(*) FILTER (WHERE due_at >= $1 AND due_at < $2 AND closed_out_at <= due_at)::int AS closed_on_time
     FROM hazard h
     WHERE h.department_id IS NOT NULL AND h.unit_path LIKE $3 || '%'
       AND ((h.created_at >= $1 AND h.created_at < $2) OR (h.due_at >= $1 AND h.due_at < $2)
            OR (h.closed_out_at >= $1 AND h.closed_out_at < $2))
     GROUP BY h.department_id`,
    [from, to, withinPath],
  );
}
