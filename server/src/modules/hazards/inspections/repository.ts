// SQL for inspections, nothing else: checklist templates and their immutable versions, campaigns, targets
// and the visits or forms filled at them.
import type { Queryable } from '../../../db/index.js';
import type { ResultItem, TemplateItem } from './schema.js';

export interface TemplateRow {
  [k: string]: unknown;
  id: number;
  code: string;
  current_version: number;
  version: number;
  name_zh: string;
  name_en: string;
  kind: 'covert' | 'self';
  subject_type: 'place' | 'unit';
  subject: string;
  items: TemplateItem[];
  active: boolean;
  created_at: Date;
  created_by: string;
}

const T_COLUMNS =
  't.id, t.code, t.current_version, v.version, v.name_zh, v.name_en, v.kind, v.subject_type, v.subject, ' +
  'v.items, v.active, v.created_at, v.created_by';

export async function templateByCode(
  q: Queryable,
  code: string,
  version?: number,
): Promise<TemplateRow | undefined> {
  const rows = await q.query<TemplateRow>(
    `SELECT ${T_COLUMNS} FROM inspection_template t
       JOIN inspection_template_version v ON v.template_id = t.id
      WHERE t.code = $1 AND v.version = COALESCE($2::int, t.current_version)`,
    [code, version ?? null],
  );
  return rows[0];
}

export async function templateAt(
  q: Queryable,
  id: number,
  version: number,
): Promise<TemplateRow | undefined> {
  const rows = await q.query<TemplateRow>(
    `SELECT ${T_COLUMNS} FROM inspection_template t
       JOIN inspection_template_version v ON v.template_id = t.id
      WHERE t.id = $1 AND v.version = $2`,
    [id, version],
  );
  return rows[0];
}

export async function listTemplates(
  q: Queryable,
  f: { kind?: string | undefined; includeInactive: boolean; limit: number; offset: number },
): Promise<{ rows: TemplateRow[]; total: number }> {
  const where = `WHERE ($1::text IS NULL OR v.kind = $1) AND ($2 OR v.active)`;
  const from = `FROM inspection_template t
    JOIN inspection_template_version v ON v.template_id = t.id AND v.version = t.current_version`;
  const [rows, n] = await Promise.all([
    q.query<TemplateRow>(`SELECT ${T_COLUMNS} ${from} ${where} ORDER BY t.code LIMIT $3 OFFSET $4`, [
      f.kind ?? null,
      f.includeInactive,
      f.limit,
      f.offset,
    ]),
    q.query<{ n: number }>(`SELECT count(*)::int AS n ${from} ${where}`, [f.kind ?? null, f.includeInactive]),
  ]);
  return { rows, total: n[0]?.n ?? 0 };
}

/** Creates the template's head row; undefined when the code exists. */
export async function insertTemplate(q: Queryable, code: string, at: Date): Promise<number | undefined> {
  const rows = await q.query<{ id: number }>(
    `INSERT INTO inspection_template (code, created_at) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING RETURNING id`,
    [code, at],
  );
  return rows[0]?.id;
}

export interface NewTemplateVersion {
  templateId: number;
  version: number;
  nameZh: string;
  nameEn: string;
  kind: string;
  subjectType: string;
  subject: string;
  items: TemplateItem[];
  active: boolean;
  createdAt: Date;
  createdBy: string;
}

export async function insertTemplateVersion(q: Queryable, v: NewTemplateVersion): Promise<void> {
  await q.query(
    `INSERT INTO inspection_template_version
       (template_id, version, name_zh, name_en, kind, subject_type, subject, items, active, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11)`,
    [
      v.templateId,
      v.version,
      v.nameZh,
      v.nameEn,
      v.kind,
      v.subjectType,
      v.subject,
      JSON.stringify(v.items),
      v.active,
      v.createdAt,
      v.createdBy,
    ],
  );
}

/** Moves the current version on from `expected`; false when it moved first. */
export async function bumpTemplateVersion(q: Queryable, id: number, expected: number): Promise<boolean> {
  const rows = await q.query(
    `UPDATE inspection_template SET current_version = current_version + 1
      WHERE id = $1 AND current_version = $2 RETURNING id`,
    [id, expected],
  );
  return rows.length === 1;
}

// ---------------------------------------------------------------- campaigns

export interface CampaignTemplateRef {
  id: number;
  code: string;
  version: number;
  subjectType: 'place' | 'unit';
  subject: string;
}

/** A snapshotted candidate: what the draw chose from, with what a target needs. */
export interface CandidateSnap {
  id: string;
  town: string;
  kind: string;
  name: string;
  unitId: number;
  unitPath: string;
  countyCode: string;
  lng: number | null;
  lat: number | null;
}

export interface CampaignRow {
  [k: string]: unknown;
  id: number;
  county_code: string;
  name: string;
  kind: 'covert' | 'self';
  state: 'planned' | 'drawn' | 'closed';
  unit_id: number;
  unit_path: string;
  starts_on: string;
  ends_on: string;
  templates: CampaignTemplateRef[];
  sample_size: number | null;
  inspector_ids: number[];
  seed: string | null;
  algorithm: string | null;
  /** Loaded only when asked for (getCampaign with the snapshot): it can hold tens of thousands. */
  candidates: CandidateSnap[] | null;
  candidate_count: number | null;
  draw: { strata: unknown[]; selected: string[] } | null;
  drawn_at: Date | null;
  drawn_by: string | null;
  closed_at: Date | null;
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

// dates as text so both drivers answer the same; inspector ids as numbers
const C_COLUMNS =
  'id, county_code, name, kind, state, unit_id, unit_path, starts_on::text AS starts_on, ends_on::text AS ends_on, ' +
  'templates, sample_size, ARRAY(SELECT x::float8 FROM unnest(inspector_ids) x) AS inspector_ids, seed, algorithm, ' +
  'candidates, jsonb_array_length(candidates) AS candidate_count, draw, drawn_at, drawn_by, closed_at, version, ' +
  'created_by, created_at, updated_at';
/** Without the candidate snapshot (it can hold tens of thousands of candidates). */
const C_LIST_COLUMNS = C_COLUMNS.replace('candidates, ', 'NULL::jsonb AS candidates, ');

export interface NewCampaign {
  countyCode: string;
  name: string;
  kind: string;
  unitId: number;
  unitPath: string;
  startsOn: string;
  endsOn: string;
  templates: CampaignTemplateRef[];
  sampleSize: number | null;
  inspectorIds: number[];
  createdBy: string;
  at: Date;
}

export async function insertCampaign(q: Queryable, c: NewCampaign): Promise<CampaignRow> {
  const rows = await q.query<CampaignRow>(
    `INSERT INTO inspection_campaign (county_code, name, kind, state, unit_id, unit_path, starts_on, ends_on,
        templates, sample_size, inspector_ids, created_by, created_at, updated_at)
     VALUES ($1, $2, $3, 'planned', $4, $5, $6::date, $7::date, $8::jsonb, $9, $10::bigint[], $11, $12, $12)
     RETURNING ${C_COLUMNS}`,
    [
      c.countyCode,
      c.name,
      c.kind,
      c.unitId,
      c.unitPath,
      c.startsOn,
      c.endsOn,
      JSON.stringify(c.templates),
      c.sampleSize,
      c.inspectorIds,
      c.createdBy,
      c.at,
    ],
  );
  return rows[0]!;
}

export async function getCampaign(
  q: Queryable,
  id: number,
  opts: { lock?: boolean; snapshot?: boolean } = {},
): Promise<CampaignRow | undefined> {
  const rows = await q.query<CampaignRow>(
    `SELECT ${opts.snapshot ? C_COLUMNS : C_LIST_COLUMNS} FROM inspection_campaign WHERE id = $1${opts.lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

/**
 * Campaigns a viewer may list: planned in their subtree (planners), where they inspect, or (self, or
 * covert once closed) overlapping their subtree. Newest first.
 */
export async function listCampaigns(
  q: Queryable,
  f: {
    planPath: string | null;
    accountId: number | null;
    overlapPath: string | null;
    kind?: string | undefined;
    state?: string | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ rows: CampaignRow[]; total: number }> {
  const where = `WHERE ($1::text IS NOT NULL AND unit_path LIKE $1 || '%'
        OR $2::bigint IS NOT NULL AND $2::bigint = ANY(inspector_ids)
        OR $3::text IS NOT NULL AND (kind = 'self' OR state = 'closed')
           AND (unit_path LIKE $3 || '%' OR $3 LIKE unit_path || '%'))
      AND ($4::text IS NULL OR kind = $4) AND ($5::text IS NULL OR state = $5)`;
  const params = [f.planPath, f.accountId, f.overlapPath, f.kind ?? null, f.state ?? null];
  const [rows, n] = await Promise.all([
    q.query<CampaignRow>(
      `SELECT ${C_LIST_COLUMNS} FROM inspection_campaign ${where} ORDER BY id DESC LIMIT $6 OFFSET $7`,
      [...params, f.limit, f.offset],
    ),
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM inspection_campaign ${where}`, params),
  ]);
  return { rows, total: n[0]?.n ?? 0 };
}

export async function recordDraw(
  q: Queryable,
  id: number,
  expected: number,
  d: { seed: string; algorithm: string; candidates: CandidateSnap[]; draw: unknown; by: string; at: Date },
): Promise<boolean> {
  const rows = await q.query(
    `UPDATE inspection_campaign SET state = 'drawn', seed = $3, algorithm = $4, candidates = $5::jsonb,
        draw = $6::jsonb, drawn_by = $7, drawn_at = $8, updated_at = $8, version = version + 1
      WHERE id = $1 AND version = $2 RETURNING id`,
    [id, expected, d.seed, d.algorithm, JSON.stringify(d.candidates), JSON.stringify(d.draw), d.by, d.at],
  );
  return rows.length === 1;
}

export async function closeCampaign(q: Queryable, id: number, expected: number, at: Date): Promise<boolean> {
  const rows = await q.query(
    `UPDATE inspection_campaign SET state = 'closed', closed_at = $3, updated_at = $3, version = version + 1
      WHERE id = $1 AND version = $2 RETURNING id`,
    [id, expected, at],
  );
  return rows.length === 1;
}

// ---------------------------------------------------------------- targets

export interface TargetRow {
  [k: string]: unknown;
  id: number;
  campaign_id: number;
  county_code: string;
  position: number;
  target_type: 'place' | 'unit';
  place_id: number | null;
  unit_id: number;
  unit_path: string;
  name: string;
  kind: string;
  lng: number | null;
  lat: number | null;
  template_id: number;
  template_version: number;
  state: 'pending' | 'done';
  done_at: Date | null;
  inspection_id: number | null;
}

const TG_COLUMNS =
  'g.id, g.campaign_id, g.county_code, g.position, g.target_type, g.place_id, g.unit_id, g.unit_path, g.name, ' +
  'g.kind, g.lng, g.lat, g.template_id, g.template_version, g.state, g.done_at, i.id AS inspection_id';

export interface NewTarget {
  position: number;
  type: 'place' | 'unit';
  placeId: number | null;
  unitId: number;
  unitPath: string;
  countyCode: string;
  name: string;
  kind: string;
  lng: number | null;
  lat: number | null;
  templateId: number;
  templateVersion: number;
}

export async function insertTargets(
  q: Queryable,
  campaignId: number,
  ts: readonly NewTarget[],
): Promise<void> {
  if (!ts.length) return;
  const col = <T>(f: (t: NewTarget) => T) => ts.map(f);
  await q.query(
    `INSERT INTO inspection_target (campaign_id, county_code, position, target_type, place_id, unit_id, unit_path,
        name, kind, lng, lat, template_id, template_version)
     SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::bigint[], $6::bigint[], $7::text[],
        $8::text[], $9::text[], $10::float8[], $11::float8[], $12::bigint[], $13::int[])`,
    [
      campaignId,
      col((t) => t.countyCode),
      col((t) => t.position),
      col((t) => t.type),
      col((t) => t.placeId),
      col((t) => t.unitId),
      col((t) => t.unitPath),
      col((t) => t.name),
      col((t) => t.kind),
      col((t) => t.lng),
      col((t) => t.lat),
      col((t) => t.templateId),
      col((t) => t.templateVersion),
    ],
  );
}

/** A campaign's targets in draw order, optionally only those in a subtree. */
export function targets(q: Queryable, campaignId: number, withinPath: string | null): Promise<TargetRow[]> {
  return q.query<TargetRow>(
    `SELECT ${TG_COLUMNS} FROM inspection_target g LEFT JOIN inspection i ON i.target_id = g.id
      WHERE g.campaign_id = $1 AND ($2::text IS NULL OR g.unit_path LIKE $2 || '%') ORDER BY g.position`,
    [campaignId, withinPath],
  );
}

export async function getTarget(q: Queryable, id: number, lock = false): Promise<TargetRow | undefined> {
  const rows = await q.query<TargetRow>(
    `SELECT ${TG_COLUMNS} FROM inspection_target g LEFT JOIN inspection i ON i.target_id = g.id
      WHERE g.id = $1${lock ? ' FOR UPDATE OF g' : ''}`,
    [id],
  );
  return rows[0];
}

export async function markTargetDone(q: Queryable, id: number, at: Date): Promise<void> {
  await q.query(`UPDATE inspection_target SET state = 'done', done_at = $2 WHERE id = $1`, [id, at]);
}

// ---------------------------------------------------------------- visits and forms

export interface InspectionRow {
  [k: string]: unknown;
  id: number;
  campaign_id: number;
  target_id: number;
  county_code: string;
  state: 'checked_in' | 'submitted';
  template_id: number;
  template_version: number;
  account_id: number | null;
  by_name: string;
  checked_in_at: Date;
  lng: number | null;
  lat: number | null;
  distance_m: number | null;
  location_flag: 'too_far' | 'outside_unit' | 'no_location' | null;
  results: ResultItem[] | null;
  submitted_at: Date | null;
  version: number;
}

const I_COLUMNS =
  'id, campaign_id, target_id, county_code, state, template_id, template_version, account_id, by_name, ' +
  'checked_in_at, lng, lat, distance_m, location_flag, results, submitted_at, version';

export async function insertInspection(
  q: Queryable,
  i: Omit<InspectionRow, 'id' | 'state' | 'results' | 'submitted_at' | 'version'>,
): Promise<InspectionRow | undefined> {
  const rows = await q.query<InspectionRow>(
    `INSERT INTO inspection (campaign_id, target_id, county_code, state, template_id, template_version, account_id,
        by_name, checked_in_at, lng, lat, distance_m, location_flag)
     VALUES ($1, $2, $3, 'checked_in', $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (target_id) DO NOTHING RETURNING ${I_COLUMNS}`,
    [
      i.campaign_id,
      i.target_id,
      i.county_code,
      i.template_id,
      i.template_version,
      i.account_id,
      i.by_name,
      i.checked_in_at,
      i.lng,
      i.lat,
      i.distance_m,
      i.location_flag,
    ],
  );
  return rows[0];
}

export async function getInspection(
  q: Queryable,
  id: number,
  lock = false,
): Promise<InspectionRow | undefined> {
  const rows = await q.query<InspectionRow>(
    `SELECT ${I_COLUMNS} FROM inspection WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

export async function submitInspection(
  q: Queryable,
  id: number,
  expected: number,
  results: ResultItem[],
  at: Date,
): Promise<InspectionRow | undefined> {
  const rows = await q.query<InspectionRow>(
    `UPDATE inspection SET state = 'submitted', results = $3::jsonb, submitted_at = $4, version = version + 1
      WHERE id = $1 AND version = $2 AND state = 'checked_in' RETURNING ${I_COLUMNS}`,
    [id, expected, JSON.stringify(results), at],
  );
  return rows[0];
}

/** A campaign's submitted results and location flags (its progress). */
export function campaignInspections(
  q: Queryable,
  campaignId: number,
): Promise<Pick<InspectionRow, 'target_id' | 'location_flag' | 'results'>[]> {
  return q.query(`SELECT target_id, location_flag, results FROM inspection WHERE campaign_id = $1`, [
    campaignId,
  ]);
}
