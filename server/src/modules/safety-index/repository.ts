// The safety index's queries (no rules).
import { maybeOne, one, type Queryable } from '../../db/index.js';

export type SchemeRow = {
  id: number;
  code: string;
  current_version: number;
  version: number;
  body: unknown;
  created_at: Date;
  created_by: string;
};

export function schemeByCode(q: Queryable, code: string, version?: number): Promise<SchemeRow | undefined> {
  return maybeOne<SchemeRow>(
    q,
    `SELECT s.id, s.code, s.current_version, v.version, v.body, v.created_at, v.created_by
     FROM index_scheme s JOIN index_scheme_version v ON v.scheme_id = s.id
     WHERE s.code = $1 AND v.version = COALESCE($2, s.current_version)`,
    [code, version ?? null],
  );
}

export function schemeById(q: Queryable, id: number, version: number): Promise<SchemeRow | undefined> {
  return maybeOne<SchemeRow>(
    q,
    `SELECT s.id, s.code, s.current_version, v.version, v.body, v.created_at, v.created_by
     FROM index_scheme s JOIN index_scheme_version v ON v.scheme_id = s.id
     WHERE s.id = $1 AND v.version = $2`,
    [id, version],
  );
}

export function listSchemes(q: Queryable): Promise<SchemeRow[]> {
  return q.query<SchemeRow>(
    `SELECT s.id, s.code, s.current_version, v.version, v.body, v.created_at, v.created_by
     FROM index_scheme s JOIN index_scheme_version v ON v.scheme_id = s.id AND v.version = s.current_version
     ORDER BY s.code`,
  );
}

export async function insertScheme(q: Queryable, code: string, at: Date): Promise<number> {
  return (
    await one<{ id: number }>(q, 'INSERT INTO index_scheme (code, created_at) VALUES ($1, $2) RETURNING id', [
      code,
      at,
    ])
  ).id;
}

export async function insertSchemeVersion(
  q: Queryable,
  schemeId: number,
  version: number,
  body: unknown,
  at: Date,
  by: string,
): Promise<void> {
  await q.query(
    'INSERT INTO index_scheme_version (scheme_id, version, body, created_at, created_by) VALUES ($1, $2, $3, $4, $5)',
    [schemeId, version, JSON.stringify(body), at, by],
  );
}

/** Moves the current version on if it is still `expected`; false when someone else did first. */
export async function bumpScheme(q: Queryable, schemeId: number, expected: number): Promise<boolean> {
  const rows = await q.query(
    'UPDATE index_scheme SET current_version = current_version + 1 WHERE id = $1 AND current_version = $2 RETURNING id',
    [schemeId, expected],
  );
  return rows.length === 1;
}

// ---- external values ----

export async function upsertExternal(
  q: Queryable,
  rows: {
    county_code: string;
    period: string;
    unit_id: number;
    indicator: string;
    value: number;
    source: string;
  }[],
  at: Date,
  by: string,
): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO index_external_value (county_code, period, unit_id, indicator, value, source, imported_at, imported_by)
     SELECT c, p, u, i, v, s, $7, $8
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::float8[], $6::text[]) AS t(c, p, u, i, v, s)
     ON CONFLICT (period, unit_id, indicator) DO UPDATE
       SET value = EXCLUDED.value, source = EXCLUDED.source, imported_at = EXCLUDED.imported_at,
           imported_by = EXCLUDED.imported_by`,
    [
      rows.map((r) => r.county_code),
      rows.map((r) => r.period),
      rows.map((r) => r.unit_id),
      rows.map((r) => r.indicator),
      rows.map((r) => r.value),
      rows.map((r) => r.source),
      at,
      by,
    ],
  );
}

/** A period's external values of these indicators, for every unit. */
export function externalValues(
  q: Queryable,
  period: string,
  indicators: string[],
): Promise<{ unit_id: number; indicator: string; value: number; source: string }[]> {
  return q.query(
    `SELECT unit_id, indicator, value, source FROM index_external_value
     WHERE period = $1 AND indicator = ANY($2::text[])`,
    [period, indicators],
  );
}

// ---- runs ----

/** The uncertainty analysis of a computed run: its settings and each uncertain input's sensitivity. */
export interface RunUncertainty {
  runs: number;
  weightNoise: number;
  seed: number;
  /** Mean absolute shift of the units' ranks from the nominal ranking, over the replications. */
  meanRankShift: number;
  sensitivity: { input: string; kind: string; firstOrder: number }[];
}

export type RunRow = {
  id: number;
  county_code: string;
  period: string;
  scheme_id: number;
  scheme_version: number;
  level: 'town' | 'village';
  within_unit_id: number;
  state: 'collected' | 'computed' | 'confirmed' | 'published' | 'discarded';
  version: number;
  missing: { unitId: number; indicator: string }[];
  warnings: { code: string; message: string }[];
  anomalies: { unitId: number; indicator: string; kind: string; message: string }[];
  uncertainty: RunUncertainty | null;
  created_at: Date;
  created_by: string;
  computed_at: Date | null;
  confirmed_at: Date | null;
  published_at: Date | null;
};

export function insertRun(
  q: Queryable,
  r: Pick<
    RunRow,
    | 'county_code'
    | 'period'
    | 'scheme_id'
    | 'scheme_version'
    | 'level'
    | 'within_unit_id'
    | 'created_at'
    | 'created_by'
  >,
): Promise<RunRow> {
  return one<RunRow>(
    q,
    `INSERT INTO index_run (county_code, period, scheme_id, scheme_version, level, within_unit_id, state, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, 'collected', $7, $8) RETURNING *`,
    [
      r.county_code,
      r.period,
      r.scheme_id,
      r.scheme_version,
      r.level,
      r.within_unit_id,
      r.created_at,
      r.created_by,
    ],
  );
}

export function getRun(q: Queryable, id: number, lock = false): Promise<RunRow | undefined> {
  return maybeOne<RunRow>(q, `SELECT * FROM index_run WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
}

export function listRuns(q: Queryable, limit: number, offset: number): Promise<RunRow[]> {
  return q.query<RunRow>('SELECT * FROM index_run ORDER BY period DESC, id DESC LIMIT $1 OFFSET $2', [
    limit,
    offset,
  ]);
}

export async function countRuns(q: Queryable): Promise<number> {
  return (await one<{ n: number }>(q, 'SELECT count(*)::int AS n FROM index_run')).n;
}

export async function updateRun(
  q: Queryable,
  id: number,
  version: number,
  patch: Partial<
    Pick<
      RunRow,
      | 'state'
      | 'missing'
      | 'warnings'
      | 'anomalies'
      | 'uncertainty'
      | 'computed_at'
      | 'confirmed_at'
      | 'published_at'
    >
  >,
): Promise<RunRow | undefined> {
  const keys = Object.keys(patch) as (keyof typeof patch)[];
  const json = new Set(['missing', 'warnings', 'anomalies', 'uncertainty']);
  const values = keys.map((k) => (json.has(k) ? JSON.stringify(patch[k]) : patch[k]));
  return maybeOne<RunRow>(
    q,
    `UPDATE index_run SET ${[...keys.map((k, i) => `${k} = $${i + 3}`), 'version = version + 1'].join(', ')}
     WHERE id = $1 AND version = $2 RETURNING *`,
    [id, version, ...values],
  );
}

export function publishedRun(q: Queryable, period: string, level: string): Promise<RunRow | undefined> {
  return maybeOne<RunRow>(
    q,
    `SELECT * FROM index_run WHERE period = $1 AND level = $2 AND state = 'published' ORDER BY id DESC LIMIT 1`,
    [period, level],
  );
}

/**
 * Months published at every level the index is published at: towns and villages of a month go public
 * together, so a public page never offers a month whose villages (or towns) are still under review.
 */
export function publishedPeriods(q: Queryable): Promise<{ period: string }[]> {
  return q.query(
    `SELECT period FROM index_run WHERE state = 'published' GROUP BY period
     HAVING count(DISTINCT level) = (SELECT count(DISTINCT level) FROM index_run WHERE state = 'published')
     ORDER BY period DESC`,
  );
}

// ---- inputs ----

export type InputRow = {
  unit_id: number;
  indicator: string;
  value: number | null;
  source: string;
  original_value: number | null;
  corrected: boolean;
  reason: string | null;
  corrected_by: string | null;
  corrected_at: Date | null;
};

export async function insertInputs(
  q: Queryable,
  runId: number,
  rows: { unit_id: number; indicator: string; value: number | null; source: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO index_input (run_id, unit_id, indicator, value, source, original_value)
     SELECT $1, u, i, v, s, v FROM unnest($2::bigint[], $3::text[], $4::float8[], $5::text[]) AS t(u, i, v, s)`,
    [
      runId,
      rows.map((r) => r.unit_id),
      rows.map((r) => r.indicator),
      rows.map((r) => r.value),
      rows.map((r) => r.source),
    ],
  );
}

export function inputs(q: Queryable, runId: number): Promise<InputRow[]> {
  return q.query<InputRow>(
    `SELECT unit_id, indicator, value, source, original_value, corrected, reason, corrected_by, corrected_at
     FROM index_input WHERE run_id = $1 ORDER BY unit_id, indicator`,
    [runId],
  );
}

/** The run's corrected inputs only (a run's answer lists its corrections, not its every input). */
export function corrections(q: Queryable, runId: number): Promise<InputRow[]> {
  return q.query<InputRow>(
    `SELECT unit_id, indicator, value, source, original_value, corrected, reason, corrected_by, corrected_at
     FROM index_input WHERE run_id = $1 AND corrected ORDER BY unit_id, indicator`,
    [runId],
  );
}

export async function correctInput(
  q: Queryable,
  runId: number,
  unitId: number,
  indicator: string,
  value: number | null,
  reason: string,
  by: string,
  at: Date,
): Promise<InputRow | undefined> {
  return maybeOne<InputRow>(
    q,
    `UPDATE index_input SET value = $4, corrected = true, reason = $5, corrected_by = $6, corrected_at = $7
     WHERE run_id = $1 AND unit_id = $2 AND indicator = $3
     RETURNING unit_id, indicator, value, source, original_value, corrected, reason, corrected_by, corrected_at`,
    [runId, unitId, indicator, value, reason, by, at],
  );
}

/** Earlier published inputs of the same units and indicators (for the anomaly flags), newest period first. */
export function historyInputs(
  q: Queryable,
  level: string,
  beforePeriod: string,
  periods: number,
): Promise<{ period: string; unit_id: number; indicator: string; value: number | null }[]> {
  return q.query(
    `SELECT r.period, i.unit_id, i.indicator, i.value FROM index_input i JOIN index_run r ON r.id = i.run_id
     WHERE r.state = 'published' AND r.level = $1 AND r.period < $2
       AND r.period >= (SELECT COALESCE(min(p), $2) FROM (SELECT DISTINCT period AS p FROM index_run
           WHERE state = 'published' AND level = $1 AND period < $2 ORDER BY 1 DESC LIMIT $3) x)
     ORDER BY r.period DESC`,
    [level, beforePeriod, periods],
  );
}

// ---- results ----

export type ResultRow = {
  run_id: number;
  unit_id: number;
  code: string;
  name: string;
  score: number | null;
  rank: number | null;
  color: string | null;
  dimensions: Record<string, number | null>;
  indicators: Record<string, number | null>;
  contributions: Record<string, number>;
  /** The Monte Carlo rank interval (null when the scheme turns the analysis off). */
  rank_median: number | null;
  rank_p05: number | null;
  rank_p95: number | null;
};

export async function replaceResults(
  q: Queryable,
  runId: number,
  rows: Omit<ResultRow, 'run_id'>[],
): Promise<void> {
  await q.query('DELETE FROM index_result WHERE run_id = $1', [runId]);
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO index_result (run_id, unit_id, code, name, score, rank, color, dimensions, indicators, contributions,
                               rank_median, rank_p05, rank_p95)
     SELECT $1, u, c, n, s, r, col, d::jsonb, i::jsonb, ct::jsonb, rm, r5, r95
     FROM unnest($2::bigint[], $3::text[], $4::text[], $5::float8[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[],
                 $11::float8[], $12::float8[], $13::float8[])
       AS t(u, c, n, s, r, col, d, i, ct, rm, r5, r95)`,
    [
      runId,
      rows.map((r) => r.unit_id),
      rows.map((r) => r.code),
      rows.map((r) => r.name),
      rows.map((r) => r.score),
      rows.map((r) => r.rank),
      rows.map((r) => r.color),
      rows.map((r) => JSON.stringify(r.dimensions)),
      rows.map((r) => JSON.stringify(r.indicators)),
      rows.map((r) => JSON.stringify(r.contributions)),
      rows.map((r) => r.rank_median),
      rows.map((r) => r.rank_p05),
      rows.map((r) => r.rank_p95),
    ],
  );
}

export function results(q: Queryable, runId: number): Promise<ResultRow[]> {
  return q.query<ResultRow>('SELECT * FROM index_result WHERE run_id = $1 ORDER BY rank NULLS LAST, code', [
    runId,
  ]);
}

/** A run's results without the per-indicator columns (what a run's answer and the ladder read). */
export type ResultBrief = Omit<ResultRow, 'indicators' | 'contributions'>;

export function resultBriefs(q: Queryable, runId: number): Promise<ResultBrief[]> {
  return q.query<ResultBrief>(
    `SELECT run_id, unit_id, code, name, score, rank, color, dimensions, rank_median, rank_p05, rank_p95
     FROM index_result WHERE run_id = $1 ORDER BY rank NULLS LAST, code`,
    [runId],
  );
}

/** A run's score of every unit (a later run's change). */
export function scores(q: Queryable, runId: number): Promise<{ unit_id: number; score: number | null }[]> {
  return q.query('SELECT unit_id, score FROM index_result WHERE run_id = $1', [runId]);
}

/** A unit's published results, oldest first (its trend and its color history). */
export function unitHistory(
  q: Queryable,
  unitId: number,
  level: string,
): Promise<
  { period: string; run_id: number; score: number | null; rank: number | null; color: string | null }[]
> {
  return q.query(
    `SELECT r.period, r.id AS run_id, x.score, x.rank, x.color FROM index_result x JOIN index_run r ON r.id = x.run_id
     WHERE x.unit_id = $1 AND r.state = 'published' AND r.level = $2 ORDER BY r.period`,
    [unitId, level],
  );
}

// ---- accountability ----

export type ItemRow = {
  id: number;
  county_code: string;
  unit_id: number;
  unit_path: string;
  action: string;
  run_id: number;
  period: string;
  state: string;
  version: number;
  due_at: Date;
  answer: string | null;
  answered_at: Date | null;
  answered_by: string | null;
  accepted_at: Date | null;
  accepted_by: string | null;
  created_at: Date;
  escalated_to: number | null;
};

/**
 * Accountability items in one statement; an item the run already made for the unit and action is left
 * alone (ON CONFLICT). Returns the new items' ids by unit.
 */
export async function insertItems(
  q: Queryable,
  items: readonly Pick<
    ItemRow,
    'county_code' | 'unit_id' | 'unit_path' | 'action' | 'run_id' | 'period' | 'due_at' | 'created_at'
  >[],
): Promise<Map<number, number>> {
  if (items.length === 0) return new Map();
  const rows = await q.query<{ id: number; unit_id: number }>(
    `INSERT INTO accountability_item (county_code, unit_id, unit_path, action, run_id, period, state, due_at, created_at)
     SELECT c, u, p, a, r, pe, 'open', d, at
     FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::timestamptz[], $8::timestamptz[])
       AS t(c, u, p, a, r, pe, d, at)
     ON CONFLICT DO NOTHING RETURNING id, unit_id`,
    [
      items.map((i) => i.county_code),
      items.map((i) => i.unit_id),
      items.map((i) => i.unit_path),
      items.map((i) => i.action),
      items.map((i) => i.run_id),
      items.map((i) => i.period),
      items.map((i) => i.due_at),
      items.map((i) => i.created_at),
    ],
  );
  return new Map(rows.map((r) => [Number(r.unit_id), Number(r.id)]));
}

export type HistoryRow = {
  id: number;
  item_id: number;
  at: Date;
  kind: 'created' | 'answered' | 'returned' | 'accepted' | 'overdue' | 'escalated';
  by_name: string;
  note: string | null;
  details: Record<string, unknown>;
};

export async function appendHistory(q: Queryable, h: Omit<HistoryRow, 'id'>): Promise<void> {
  await appendHistories(q, [h]);
}

/** Several history entries in one statement, in the given order. */
export async function appendHistories(q: Queryable, hs: readonly Omit<HistoryRow, 'id'>[]): Promise<void> {
  if (hs.length === 0) return;
  await q.query(
    `INSERT INTO accountability_history (item_id, at, kind, by_name, note, details)
     SELECT i, at, k, b, n, d::jsonb
     FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY
       AS t(i, at, k, b, n, d, o)
     ORDER BY o`,
    [
      hs.map((h) => h.item_id),
      hs.map((h) => h.at),
      hs.map((h) => h.kind),
      hs.map((h) => h.by_name),
      hs.map((h) => h.note),
      hs.map((h) => JSON.stringify(h.details)),
    ],
  );
}

export function history(q: Queryable, itemId: number): Promise<HistoryRow[]> {
  return q.query<HistoryRow>('SELECT * FROM accountability_history WHERE item_id = $1 ORDER BY at, id', [
    itemId,
  ]);
}

/** An item without a lock (for reading). */
export function findItem(q: Queryable, id: number): Promise<ItemRow | undefined> {
  return maybeOne<ItemRow>(q, 'SELECT * FROM accountability_item WHERE id = $1', [id]);
}

export function items(
  q: Queryable,
  f: { unitPath: string; unitId?: number; state?: string },
  limit: number,
  offset: number,
): Promise<ItemRow[]> {
  return q.query<ItemRow>(
    `SELECT * FROM accountability_item WHERE unit_path LIKE $1 || '%'
       AND ($2::bigint IS NULL OR unit_id = $2) AND ($3::text IS NULL OR state = $3)
     ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5`,
    [f.unitPath, f.unitId ?? null, f.state ?? null, limit, offset],
  );
}

export async function countItems(
  q: Queryable,
  f: { unitPath: string; unitId?: number; state?: string },
): Promise<number> {
  return (
    await one<{ n: number }>(
      q,
      `SELECT count(*)::int AS n FROM accountability_item WHERE unit_path LIKE $1 || '%'
         AND ($2::bigint IS NULL OR unit_id = $2) AND ($3::text IS NULL OR state = $3)`,
      [f.unitPath, f.unitId ?? null, f.state ?? null],
    )
  ).n;
}

export function getItem(q: Queryable, id: number): Promise<ItemRow | undefined> {
  return maybeOne<ItemRow>(q, 'SELECT * FROM accountability_item WHERE id = $1 FOR UPDATE', [id]);
}

export function updateItem(
  q: Queryable,
  id: number,
  version: number,
  patch: Partial<
    Pick<
      ItemRow,
      | 'state'
      | 'answer'
      | 'answered_at'
      | 'answered_by'
      | 'accepted_at'
      | 'accepted_by'
      | 'due_at'
      | 'escalated_to'
    >
  >,
): Promise<ItemRow | undefined> {
  const keys = Object.keys(patch) as (keyof typeof patch)[];
  return maybeOne<ItemRow>(
    q,
    `UPDATE accountability_item SET ${[...keys.map((k, i) => `${k} = $${i + 3}`), 'version = version + 1'].join(', ')}
     WHERE id = $1 AND version = $2 RETURNING *`,
    [id, version, ...keys.map((k) => patch[k])],
  );
}

/** Published colors of many units at one level for the periods given (the ladder's look-back). */
export function colorHistories(
  q: Queryable,
  unitIds: readonly number[],
  level: string,
  periods: readonly string[],
): Promise<{ unit_id: number; period: string; color: string | null }[]> {
  return q.query(
    `SELECT x.unit_id, r.period, x.color FROM index_run r JOIN index_result x ON x.run_id = r.id
     WHERE r.state = 'published' AND r.level = $2 AND r.period = ANY($3::text[]) AND x.unit_id = ANY($1::bigint[])`,
    [unitIds, level, periods],
  );
}

/** Which of the units are publicly listed now (a listing not followed by an accepted delisting). */
export async function listedAmong(q: Queryable, unitIds: readonly number[]): Promise<Set<number>> {
  const rows = await q.query<{ unit_id: number }>(
    `SELECT unit_id FROM (
       SELECT DISTINCT ON (unit_id) unit_id, action FROM accountability_item
       WHERE unit_id = ANY($1::bigint[]) AND (action = 'listing' OR (action = 'delisting' AND state = 'accepted'))
       ORDER BY unit_id, created_at DESC, id DESC) last
     WHERE action = 'listing'`,
    [unitIds],
  );
  return new Set(rows.map((r) => Number(r.unit_id)));
}

/** Open items past their due time become overdue (claimed with SKIP LOCKED); answers the rows changed. */
export function markOverdueItems(q: Queryable, now: Date, limit = 500): Promise<ItemRow[]> {
  return q.query<ItemRow>(
    `UPDATE accountability_item SET state = 'overdue', version = version + 1
     WHERE id IN (SELECT id FROM accountability_item WHERE state = 'open' AND due_at < $1
                  ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [now, limit],
  );
}

/** Per unit and external code: the sum of a year's imported values and the months they cover. */
export function externalYear(
  q: Queryable,
  unitIds: readonly number[],
  year: number,
  codes: readonly string[],
): Promise<{ unit_id: number; indicator: string; sum: number; months: number }[]> {
  return q.query(
    `SELECT unit_id, indicator, sum(value)::float8 AS sum, count(DISTINCT period)::int AS months
     FROM index_external_value
     WHERE unit_id = ANY($1::bigint[]) AND period LIKE $2 || '-%' AND indicator = ANY($3::text[])
     GROUP BY 1, 2`,
    [unitIds, String(year), codes],
  );
}

/** Per unit: the published months of a year at a level and the worst color among them. */
export function yearColors(
  q: Queryable,
  unitIds: readonly number[],
  year: number,
  level: string,
): Promise<{ unit_id: number; months: number; worst: string | null }[]> {
  return q.query(
    `SELECT x.unit_id, count(*)::int AS months,
            (array_agg(x.color ORDER BY array_position(ARRAY['red','orange','yellow','green','dark_green'], x.color)))[1] AS worst
     FROM index_run r JOIN index_result x ON x.run_id = r.id
     WHERE r.state = 'published' AND r.level = $3 AND r.period LIKE $2 || '-%' AND x.unit_id = ANY($1::bigint[])
     GROUP BY 1`,
    [unitIds, String(year), level],
  );
}
