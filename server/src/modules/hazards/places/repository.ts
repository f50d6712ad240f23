// SQL for the places registry, nothing else: places, and the append-only history of their list status.
import type { Queryable } from '../../../db/index.js';

export interface PlaceRow {
  [k: string]: unknown;
  id: number;
  county_code: string;
  unit_id: number;
  unit_path: string;
  name: string;
  credit_code: string | null;
  kind: string;
  address: string | null;
  lng: number;
  lat: number;
  contact_name: string | null;
  contact_phone: string | null;
  list_status: 'none' | 'black' | 'white';
  list_reason: string | null;
  listed_at: Date | null;
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, county_code, unit_id, unit_path, name, credit_code, kind, address, lng, lat, contact_name, ' +
  'contact_phone, list_status, list_reason, listed_at, version, created_by, created_at, updated_at';

const P_COLUMNS = COLUMNS.split(', ')
  .map((c) => `p.${c}`)
  .join(', ');

export interface PlaceFields {
  countyCode: string;
  unitId: number;
  unitPath: string;
  name: string;
  creditCode: string | null;
  kind: string;
  address: string | null;
  lng: number;
  lat: number;
  contactName: string | null;
  contactPhone: string | null;
}

export interface NewPlace extends PlaceFields {
  createdBy: string;
  at: Date;
}

/** Inserts places in one statement (arrays unnested), with ids drawn first; answers them in input order. */
export async function insertPlaces(q: Queryable, ps: readonly NewPlace[]): Promise<PlaceRow[]> {
  if (!ps.length) return [];
  const ids = await q.query<{ id: number }>(
    `SELECT nextval(pg_get_serial_sequence('place', 'id'))::bigint AS id FROM generate_series(1, $1)`,
    [ps.length],
  );
  const col = <T>(f: (p: NewPlace) => T) => ps.map(f);
  const rows = await q.query<PlaceRow>(
    `INSERT INTO place (id, county_code, unit_id, unit_path, name, credit_code, kind, address, lng, lat,
                        contact_name, contact_phone, created_by, created_at, updated_at)
     SELECT id, county_code, unit_id, unit_path, name, credit_code, kind, address, lng, lat,
            contact_name, contact_phone, created_by, at, at
       FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
                   $8::text[], $9::float8[], $10::float8[], $11::text[], $12::text[], $13::text[],
                   $14::timestamptz[])
         AS t(id, county_code, unit_id, unit_path, name, credit_code, kind, address, lng, lat,
              contact_name, contact_phone, created_by, at)
     RETURNING ${COLUMNS}`,
    [
      ids.map((r) => r.id),
      col((p) => p.countyCode),
      col((p) => p.unitId),
      col((p) => p.unitPath),
      col((p) => p.name),
      col((p) => p.creditCode),
      col((p) => p.kind),
      col((p) => p.address),
      col((p) => p.lng),
      col((p) => p.lat),
      col((p) => p.contactName),
      col((p) => p.contactPhone),
      col((p) => p.createdBy),
      col((p) => p.at),
    ],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((r) => byId.get(r.id)!);
}

export function getPlaces(q: Queryable, ids: readonly number[]): Promise<PlaceRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return q.query<PlaceRow>(`SELECT ${COLUMNS} FROM place WHERE id = ANY($1::bigint[])`, [ids]);
}

export async function getPlace(q: Queryable, id: number, lock = false): Promise<PlaceRow | undefined> {
  const rows = await q.query<PlaceRow>(
    `SELECT ${COLUMNS} FROM place WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

/** The places holding these credit codes, by code. */
export async function byCreditCodes(q: Queryable, codes: readonly string[]): Promise<Map<string, PlaceRow>> {
  if (!codes.length) return new Map();
  const rows = await q.query<PlaceRow>(`SELECT ${COLUMNS} FROM place WHERE credit_code = ANY($1::text[])`, [
    codes,
  ]);
  return new Map(rows.map((r) => [r.credit_code!, r]));
}

/** Writes every field at `expected` version, moving it on; undefined when the version moved first. */
export async function updatePlace(
  q: Queryable,
  id: number,
  expected: number,
  f: PlaceFields,
  at: Date,
): Promise<PlaceRow | undefined> {
  const rows = await q.query<PlaceRow>(
    `UPDATE place SET county_code = $3, unit_id = $4, unit_path = $5, name = $6, credit_code = $7, kind = $8,
            address = $9, lng = $10, lat = $11, contact_name = $12, contact_phone = $13, updated_at = $14,
            version = version + 1
      WHERE id = $1 AND version = $2
      RETURNING ${COLUMNS}`,
    [
      id,
      expected,
      f.countyCode,
      f.unitId,
      f.unitPath,
      f.name,
      f.creditCode,
      f.kind,
      f.address,
      f.lng,
      f.lat,
      f.contactName,
      f.contactPhone,
      at,
    ],
  );
  return rows[0];
}

export async function setListStatus(
  q: Queryable,
  id: number,
  expected: number,
  s: { status: 'none' | 'black' | 'white'; reason: string | null; at: Date },
): Promise<PlaceRow | undefined> {
  const rows = await q.query<PlaceRow>(
    `UPDATE place SET list_status = $3, list_reason = $4,
            listed_at = CASE WHEN $3 = 'none' THEN NULL ELSE $5::timestamptz END,
            updated_at = $5, version = version + 1
      WHERE id = $1 AND version = $2
      RETURNING ${COLUMNS}`,
    [id, expected, s.status, s.reason, s.at],
  );
  return rows[0];
}

export interface HistoryRow {
  [k: string]: unknown;
  place_id: number;
  from_status: 'none' | 'black' | 'white';
  to_status: 'none' | 'black' | 'white';
  reason: string;
  by_name: string;
  as_role: string | null;
  at: Date;
}

export async function appendHistory(
  q: Queryable,
  h: {
    placeId: number;
    countyCode: string;
    from: string;
    to: string;
    reason: string;
    byName: string;
    byAccount: number | null;
    asRole: string;
    at: Date;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO place_list_history (place_id, county_code, from_status, to_status, reason, by_name,
                                     by_account, as_role, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [h.placeId, h.countyCode, h.from, h.to, h.reason, h.byName, h.byAccount, h.asRole, h.at],
  );
}

export function history(q: Queryable, placeId: number): Promise<HistoryRow[]> {
  return q.query<HistoryRow>(
    `SELECT place_id, from_status, to_status, reason, by_name, as_role, at
       FROM place_list_history WHERE place_id = $1 ORDER BY id`,
    [placeId],
  );
}

export interface PlaceFilter {
  /** Places whose unit path starts with this (a subtree). */
  pathPrefix?: string | undefined;
  kinds?: readonly string[] | undefined;
  statuses?: readonly string[] | undefined;
  /** Words of the name, or the start of the credit code. */
  text?: string | undefined;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function where(f: PlaceFilter): { sql: string; params: unknown[] } {
  const c: string[] = [];
  const p: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    p.push(v);
    c.push(sql.replaceAll('?', `$${p.length}`));
  };
  if (f.pathPrefix && f.pathPrefix !== '/') add(`p.unit_path LIKE ? || '%'`, likeEscape(f.pathPrefix));
  if (f.kinds?.length) add('p.kind = ANY(?::text[])', f.kinds);
  if (f.statuses?.length) add('p.list_status = ANY(?::text[])', f.statuses);
  if (f.text) {
    p.push(likeEscape(f.text));
    const n = p.length;
    c.push(`(p.name ILIKE '%' || $${n} || '%' OR p.credit_code LIKE upper($${n}) || '%')`);
  }
  return { sql: c.length ? `WHERE ${c.join(' AND ')}` : '', params: p };
}

/** Places of these kinds in a subtree, in id order (candidates of an inspection campaign's draw). */
export function candidatePlaces(
  q: Queryable,
  pathPrefix: string,
  kinds: readonly string[],
  limit: number,
): Promise<
  Pick<PlaceRow, 'id' | 'name' | 'kind' | 'unit_id' | 'unit_path' | 'county_code' | 'lng' | 'lat'>[]
> {
  return q.query(
    `SELECT id, name, kind, unit_id, unit_path, county_code, lng, lat FROM place
      WHERE unit_path LIKE $1 || '%' AND kind = ANY($2::text[]) ORDER BY id LIMIT $3`,
    [pathPrefix, kinds, limit],
  );
}

/** One page, newest first, with the total. */
export async function listPlaces(
  q: Queryable,
  f: PlaceFilter,
  limit: number,
  offset: number,
): Promise<{ rows: PlaceRow[]; total: number }> {
  const w = where(f);
  const n = w.params.length;
  const [rows, count] = await Promise.all([
    q.query<PlaceRow>(
      `SELECT ${P_COLUMNS} FROM place p ${w.sql} ORDER BY p.id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...w.params, limit, offset],
    ),
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM place p ${w.sql}`, w.params),
  ]);
  return { rows, total: count[0]?.n ?? 0 };
}

/** The next rows after `afterId` in id order (the export's keyset pages). */
export function placesAfter(
  q: Queryable,
  f: PlaceFilter,
  afterId: number,
  limit: number,
): Promise<PlaceRow[]> {
  const w = where(f);
  const n = w.params.length;
  const cond = `${w.sql ? `${w.sql} AND` : 'WHERE'} p.id > $${n + 1}`;
  return q.query<PlaceRow>(`SELECT ${P_COLUMNS} FROM place p ${cond} ORDER BY p.id LIMIT $${n + 2}`, [
    ...w.params,
    afterId,
    limit,
  ]);
}
