// The units module's SQL, and nothing else. Plain parameterised queries that run the same on
// PGlite and PostgreSQL; subtrees are `path LIKE '<path>%'` (codes hold no LIKE wildcards).
import type { Queryable } from '../../db/index.js';
import type { Boundary } from './geo.js';
import type { Duty, GridKind, Level } from './schema.js';

export interface UnitRow {
  [k: string]: unknown;
  id: number;
  code: string;
  name: string;
  level: Level;
  parent_id: number | null;
  path: string;
  county_code: string | null;
  grid_kind: GridKind | null;
  population: number | null;
  households: number | null;
  area_m2: number | null;
  centroid_lng: number | null;
  centroid_lat: number | null;
  min_lng: number | null;
  min_lat: number | null;
  max_lng: number | null;
  max_lat: number | null;
  version: number;
}

const COLS = `id, code, name, level, parent_id, path, county_code, grid_kind, population, households,
  area_m2, centroid_lng, centroid_lat, min_lng, min_lat, max_lng, max_lat, version`;

export async function hasAnyUnit(q: Queryable): Promise<boolean> {
  return (await q.query('SELECT 1 FROM unit LIMIT 1')).length > 0;
}

export interface ListFilter {
  level?: Level | undefined;
  parent?: number | undefined;
  /** Path of a unit: only its subtree (itself included). */
  withinPath?: string | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

export async function list(q: Queryable, f: ListFilter): Promise<{ rows: UnitRow[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.level) where.push(`level = $${params.push(f.level)}`);
  if (f.parent !== undefined) where.push(`parent_id = $${params.push(f.parent)}`);
  if (f.withinPath !== undefined) where.push(`path LIKE $${params.push(`${f.withinPath}%`)}`);
  if (f.q) {
    const n = params.push(f.q);
    where.push(
      `(strpos(name, $${n}) > 0 OR code LIKE $${params.push(`${f.q.replace(/[\\%_]/g, '\\$&')}%`)})`,
    );
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [count] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM unit ${w}`, params);
  const rows = await q.query<UnitRow>(
    `SELECT ${COLS} FROM unit ${w} ORDER BY code LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, f.limit, f.offset],
  );
  return { rows, total: count?.n ?? 0 };
}

/** Every unit of one level in a subtree, in code order (no count, no paging). */
/** The units of a level in a subtree, with only what lists of them need (a city has 60,000 micro-grids). */
export function atLevel(
  q: Queryable,
  level: string,
  withinPath: string,
): Promise<Pick<UnitRow, 'id' | 'code' | 'name' | 'level' | 'path' | 'population'>[]> {
  return q.query(
    'SELECT id, code, name, level, path, population FROM unit WHERE level = $1 AND path LIKE $2 ORDER BY code',
    [level, `${withinPath}%`],
  );
}

export async function byId(q: Queryable, id: number): Promise<UnitRow | undefined> {
  return (await q.query<UnitRow>(`SELECT ${COLS} FROM unit WHERE id = $1`, [id]))[0];
}

/** Units with these ids, in no particular order. */
export async function byIds(q: Queryable, ids: readonly number[]): Promise<UnitRow[]> {
  if (ids.length === 0) return [];
  return q.query<UnitRow>(`SELECT ${COLS} FROM unit WHERE id = ANY($1::bigint[])`, [ids]);
}

/** Units with these codes, shallowest first (an ancestor chain when the codes come from a path). */
export async function byCodes(q: Queryable, codes: string[]): Promise<UnitRow[]> {
  if (codes.length === 0) return [];
  return q.query<UnitRow>(`SELECT ${COLS} FROM unit WHERE code = ANY($1::text[]) ORDER BY length(path)`, [
    codes,
  ]);
}

/** Every unit (no boundaries), for a snapshot of names and figures by code. */
export function allUnits(q: Queryable): Promise<UnitRow[]> {
  return q.query<UnitRow>(`SELECT ${COLS} FROM unit`);
}

export async function childCount(q: Queryable, id: number): Promise<number> {
  const [r] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM unit WHERE parent_id = $1', [id]);
  return r?.n ?? 0;
}

/** How many units a GeoJSON request would return (only units with a boundary). */
export async function countShapes(q: Queryable, level: Level | undefined, withinPath: string | undefined) {
  const [r] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM unit WHERE boundary IS NOT NULL
       AND ($1::text IS NULL OR level = $1) AND ($2::text IS NULL OR path LIKE $2)`,
    [level ?? null, withinPath ? `${withinPath}%` : null],
  );
  return r?.n ?? 0;
}

/** Each unit as a GeoJSON Feature, serialised by the database (no parse/stringify round trip). */
export async function features(q: Queryable, level: Level | undefined, withinPath: string | undefined) {
  return q.query<{ f: string }>(
    `SELECT json_build_object(
       'type', 'Feature',
       'id', id,
       'geometry', boundary,
       'properties', json_build_object(
         'id', id, 'code', code, 'name', name, 'level', level, 'parentId', parent_id,
         'population', population, 'households', households, 'gridKind', grid_kind,
         'centroid', CASE WHEN centroid_lng IS NULL THEN NULL ELSE json_build_array(centroid_lng, centroid_lat) END)
     )::text AS f
     FROM unit WHERE boundary IS NOT NULL
       AND ($1::text IS NULL OR level = $1) AND ($2::text IS NULL OR path LIKE $2)
     ORDER BY path`,
    [level ?? null, withinPath ? `${withinPath}%` : null],
  );
}

export async function treeVersion(q: Queryable): Promise<number> {
  const [r] = await q.query<{ version: number }>('SELECT version FROM unit_tree_version');
  return r?.version ?? 0;
}

export async function bumpTreeVersion(q: Queryable): Promise<number> {
  const [r] = await q.query<{ version: number }>(
    'UPDATE unit_tree_version SET version = version + 1 RETURNING version',
  );
  return r?.version ?? 0;
}

export interface ShapeRow {
  [k: string]: unknown;
  id: number;
  code: string;
  level: Level;
  path: string;
  boundary: Boundary;
  min_lng: number | null;
  min_lat: number | null;
  max_lng: number | null;
  max_lat: number | null;
}

/** Every unit with a boundary, for the in-memory locate index. */
export async function shapes(q: Queryable): Promise<ShapeRow[]> {
  return q.query<ShapeRow>(
    `SELECT id, code, level, path, boundary, min_lng, min_lat, max_lng, max_lat FROM unit WHERE boundary IS NOT NULL`,
  );
}

export async function people(q: Queryable, unitId: number, limit: number, offset: number) {
  const [c] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM assignment WHERE unit_id = $1', [
    unitId,
  ]);
  const rows = await q.query<{
    person_id: number;
    name: string;
    phone: string | null;
    duty: Duty;
    rank: number;
  }>(
    `SELECT a.person_id, p.name, p.phone, a.duty, a.rank
       FROM assignment a JOIN person p ON p.id = a.person_id
      WHERE a.unit_id = $1 ORDER BY a.rank, a.duty, a.person_id LIMIT $2 OFFSET $3`,
    [unitId, limit, offset],
  );
  return { rows, total: c?.n ?? 0 };
}

export async function update(
  q: Queryable,
  id: number,
  version: number,
  patch: {
    name?: string | undefined;
    population?: number | null | undefined;
    households?: number | null | undefined;
  },
): Promise<UnitRow | undefined> {
  const [row] = await q.query<UnitRow>(
    `UPDATE unit SET
       name = CASE WHEN $3 THEN $4 ELSE name END,
       population = CASE WHEN $5 THEN $6::int ELSE population END,
       households = CASE WHEN $7 THEN $8::int ELSE households END,
       version = version + 1, updated_at = now()
     WHERE id = $1 AND version = $2
     RETURNING ${COLS}`,
    [
      id,
      version,
      patch.name !== undefined,
      patch.name ?? null,
      patch.population !== undefined,
      patch.population ?? null,
      patch.households !== undefined,
      patch.households ?? null,
    ],
  );
  return row;
}

export async function departmentWithPath(q: Queryable, id: number) {
  const [r] = await q.query<{ id: number; code: string; name: string; unit_path: string }>(
    `SELECT d.id, d.code, d.name, u.path AS unit_path FROM department d JOIN unit u ON u.id = d.unit_id WHERE d.id = $1`,
    [id],
  );
  return r;
}

export async function departmentByCode(q: Queryable, code: string) {
  const [r] = await q.query<{ id: number; code: string; name: string }>(
    'SELECT id, code, name FROM department WHERE code = $1',
    [code],
  );
  return r;
}

export async function departments(q: Queryable, limit: number, offset: number) {
  const [c] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM department');
  const rows = await q.query<{ id: number; code: string; name: string; unit_id: number }>(
    'SELECT id, code, name, unit_id FROM department ORDER BY code LIMIT $1 OFFSET $2',
    [limit, offset],
  );
  return { rows, total: c?.n ?? 0 };
}

export async function policeBeats(q: Queryable, grid: number | undefined, limit: number, offset: number) {
  const filter =
    'WHERE $1::bigint IS NULL OR b.id IN (SELECT police_beat_id FROM police_beat_grid WHERE grid_id = $1)';
  const [c] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM police_beat b ${filter}`, [
    grid ?? null,
  ]);
  const rows = await q.query<{
    id: number;
    code: string;
    name: string;
    station_name: string;
    unit_id: number;
    grid_ids: number[] | null;
  }>(
    `SELECT b.id, b.code, b.name, b.station_name, b.unit_id,
            (SELECT array_agg(g.grid_id ORDER BY g.grid_id) FROM police_beat_grid g WHERE g.police_beat_id = b.id)
              AS grid_ids
       FROM police_beat b ${filter} ORDER BY b.code LIMIT $2 OFFSET $3`,
    [grid ?? null, limit, offset],
  );
  return { rows, total: c?.n ?? 0 };
}

/** What the database knows about codes an import mentions; boundaries only for the parents. */
export async function existingForImport(q: Queryable, codes: string[], parentCodes: string[]) {
  return q.query<{
    id: number;
    code: string;
    level: Level;
    path: string;
    county_code: string | null;
    boundary: Boundary | null;
  }>(
    `SELECT id, code, level, path, county_code, CASE WHEN code = ANY($2::text[]) THEN boundary END AS boundary
       FROM unit WHERE code = ANY($1::text[])`,
    [codes, parentCodes],
  );
}

/**
 * Reserves n consecutive ids from a table's identity sequence, so that rows can reference each other
 * before they are inserted. Must run inside a transaction: the table lock keeps other writers (whose
 * default ids come from the same sequence) out until it commits; one setval instead of n nextval calls.
 */
export async function allocateIds(
  q: Queryable,
  table: 'unit' | 'person' | 'department' | 'police_beat',
  n: number,
) {
  if (n === 0) return [];
  await q.query(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`);
  const [r] = await q.query<{ last: number }>(
    `SELECT setval(pg_get_serial_sequence($1, 'id'), nextval(pg_get_serial_sequence($1, 'id')) + $2 - 1) AS last`,
    [table, n],
  );
  const first = r!.last - n + 1;
  return Array.from({ length: n }, (_, i) => first + i);
}

export interface UnitInsert {
  id: number;
  code: string;
  name: string;
  level: Level;
  parentId: number | null;
  path: string;
  countyCode: string | null;
  gridKind: GridKind | null;
  population: number | null;
  households: number | null;
  boundary: string | null;
  areaM2: number | null;
  centroid: [number, number] | null;
  bbox: [number, number, number, number] | null;
}

export async function insertUnits(q: Queryable, rows: UnitInsert[]): Promise<void> {
  await q.query(
    `INSERT INTO unit (id, code, name, level, parent_id, path, county_code, grid_kind, population, households,
                       boundary, area_m2, centroid_lng, centroid_lat, min_lng, min_lat, max_lng, max_lat)
     SELECT id, code, name, level, parent_id, path, county_code, grid_kind, population, households,
            boundary::jsonb, area_m2, c_lng, c_lat, min_lng, min_lat, max_lng, max_lat
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[],
                   $9::int[], $10::int[], $11::text[], $12::float8[], $13::float8[], $14::float8[], $15::float8[],
                   $16::float8[], $17::float8[], $18::float8[])
         AS t(id, code, name, level, parent_id, path, county_code, grid_kind, population, households,
              boundary, area_m2, c_lng, c_lat, min_lng, min_lat, max_lng, max_lat)`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.code),
      rows.map((r) => r.name),
      rows.map((r) => r.level),
      rows.map((r) => r.parentId),
      rows.map((r) => r.path),
      rows.map((r) => r.countyCode),
      rows.map((r) => r.gridKind),
      rows.map((r) => r.population),
      rows.map((r) => r.households),
      rows.map((r) => r.boundary),
      rows.map((r) => r.areaM2),
      rows.map((r) => r.centroid?.[0] ?? null),
      rows.map((r) => r.centroid?.[1] ?? null),
      rows.map((r) => r.bbox?.[0] ?? null),
      rows.map((r) => r.bbox?.[1] ?? null),
      rows.map((r) => r.bbox?.[2] ?? null),
      rows.map((r) => r.bbox?.[3] ?? null),
    ],
  );
}

/** id, level, path and county of units by code, for resolving references in bulk writes. */
export async function refsByCodes(q: Queryable, codes: string[]) {
  if (codes.length === 0) return [];
  return q.query<{ id: number; code: string; level: Level; path: string; county_code: string | null }>(
    'SELECT id, code, level, path, county_code FROM unit WHERE code = ANY($1::text[])',
    [codes],
  );
}

export async function departmentCodesTaken(
  q: Queryable,
  table: 'department' | 'police_beat',
  codes: string[],
) {
  const rows = await q.query<{ code: string }>(`SELECT code FROM ${table} WHERE code = ANY($1::text[])`, [
    codes,
  ]);
  return rows.map((r) => r.code);
}

export async function insertDepartments(
  q: Queryable,
  rows: { code: string; name: string; unitId: number; countyCode: string | null }[],
) {
  await q.query(
    `INSERT INTO department (code, name, unit_id, county_code)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[])`,
    [
      rows.map((r) => r.code),
      rows.map((r) => r.name),
      rows.map((r) => r.unitId),
      rows.map((r) => r.countyCode),
    ],
  );
}

export async function insertPoliceBeats(
  q: Queryable,
  rows: {
    id: number;
    code: string;
    name: string;
    stationName: string;
    unitId: number;
    countyCode: string | null;
  }[],
  links: { beatId: number; gridId: number }[],
) {
  await q.query(
    `INSERT INTO police_beat (id, code, name, station_name, unit_id, county_code)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.code),
      rows.map((r) => r.name),
      rows.map((r) => r.stationName),
      rows.map((r) => r.unitId),
      rows.map((r) => r.countyCode),
    ],
  );
  await q.query(
    `INSERT INTO police_beat_grid (police_beat_id, grid_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])`,
    [links.map((l) => l.beatId), links.map((l) => l.gridId)],
  );
}

export async function insertPersons(
  q: Queryable,
  rows: { id: number; name: string; phone: string | null; countyCode: string | null }[],
) {
  await q.query(
    `INSERT INTO person (id, name, phone, county_code) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])`,
    [rows.map((r) => r.id), rows.map((r) => r.name), rows.map((r) => r.phone), rows.map((r) => r.countyCode)],
  );
}

export async function insertAssignments(
  q: Queryable,
  rows: { unitId: number; personId: number; duty: Duty; rank: number }[],
) {
  await q.query(
    `INSERT INTO assignment (unit_id, person_id, duty, rank)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::smallint[])`,
    [
      rows.map((r) => r.unitId),
      rows.map((r) => r.personId),
      rows.map((r) => r.duty),
      rows.map((r) => r.rank),
    ],
  );
}

/** A subtree in tree order, with the parent's code, for export. */
export async function exportRows(q: Queryable, withinPath: string) {
  return q.query<{
    code: string;
    name: string;
    level: Level;
    parent_code: string | null;
    population: number | null;
    households: number | null;
    grid_kind: GridKind | null;
    boundary: Boundary | null;
  }>(
    `SELECT u.code, u.name, u.level, p.code AS parent_code, u.population, u.households, u.grid_kind, u.boundary
       FROM unit u LEFT JOIN unit p ON p.id = u.parent_id
      WHERE u.path LIKE $1 ORDER BY u.path`,
    [`${withinPath}%`],
  );
}
