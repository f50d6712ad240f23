// Listing (挂牌整治) and admonition (约谈) queries (no rules).
import { maybeOne, one, type Queryable } from '../../../db/index.js';

export type PartyKind = 'unit' | 'department' | 'place';

export type ListingRow = {
  id: number;
  subject_kind: 'hazard' | 'place';
  hazard_id: number | null;
  place_id: number | null;
  unit_id: number;
  unit_path: string;
  county_code: string;
  title: string;
  reason: string;
  responsible_kind: PartyKind;
  responsible_id: number;
  responsible_name: string;
  deadline: Date;
  criteria: string;
  state: 'listed' | 'delisted';
  listed_at: Date;
  listed_by: string;
  delisted_at: Date | null;
  delisted_by: string | null;
  delisting_evidence: string | null;
  version: number;
  updated_at: Date;
};

export type NewListing = Omit<
  ListingRow,
  'id' | 'state' | 'delisted_at' | 'delisted_by' | 'delisting_evidence' | 'version' | 'updated_at'
>;

const LISTING_COLS = [
  'subject_kind',
  'hazard_id',
  'place_id',
  'unit_id',
  'unit_path',
  'county_code',
  'title',
  'reason',
  'responsible_kind',
  'responsible_id',
  'responsible_name',
  'deadline',
  'criteria',
  'listed_at',
  'listed_by',
] as const;

export function insertListing(q: Queryable, l: NewListing): Promise<ListingRow> {
  return one<ListingRow>(
    q,
    `INSERT INTO hazard_listing (${LISTING_COLS.join(', ')}, state, updated_at)
     VALUES (${LISTING_COLS.map((_, i) => `$${i + 1}`).join(', ')}, 'listed', $14) RETURNING *`,
    LISTING_COLS.map((c) => l[c]),
  );
}

export function getListing(q: Queryable, id: number, lock = false): Promise<ListingRow | undefined> {
  return maybeOne<ListingRow>(q, `SELECT * FROM hazard_listing WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [
    id,
  ]);
}

export function delist(
  q: Queryable,
  id: number,
  version: number,
  by: string,
  evidence: string,
  at: Date,
): Promise<ListingRow | undefined> {
  return maybeOne<ListingRow>(
    q,
    `UPDATE hazard_listing SET state = 'delisted', delisted_at = $3, delisted_by = $4, delisting_evidence = $5,
       updated_at = $3, version = version + 1
     WHERE id = $1 AND version = $2 AND state = 'listed' RETURNING *`,
    [id, version, at, by, evidence],
  );
}

export async function appendHistory(
  q: Queryable,
  h: {
    listing_id: number;
    at: Date;
    kind: 'list' | 'delist';
    by_name: string;
    details: Record<string, unknown>;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO hazard_listing_history (listing_id, seq, at, kind, by_name, details)
     SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5 FROM hazard_listing_history WHERE listing_id = $1`,
    [h.listing_id, h.at, h.kind, h.by_name, JSON.stringify(h.details)],
  );
}

export type HistoryRow = {
  seq: number;
  at: Date;
  kind: 'list' | 'delist';
  by_name: string;
  details: Record<string, unknown>;
};
export function history(q: Queryable, id: number): Promise<HistoryRow[]> {
  return q.query<HistoryRow>(
    'SELECT seq, at, kind, by_name, details FROM hazard_listing_history WHERE listing_id = $1 ORDER BY seq',
    [id],
  );
}

export interface ListingFilter {
  /** In this subtree (null: everywhere, the public list). */
  pathPrefix: string | null;
  state?: 'listed' | 'delisted';
  subject?: 'hazard' | 'place';
  overdueAt?: Date;
}

export async function listListings(
  q: Queryable,
  f: ListingFilter,
  limit: number,
  offset: number,
): Promise<{ rows: ListingRow[]; total: number }> {
  const c: string[] = [];
  const p: unknown[] = [];
  const $ = (v: unknown) => {
    p.push(v);
    return `$${p.length}`;
  };
  if (f.pathPrefix) c.push(`unit_path LIKE ${$(f.pathPrefix)} || '%'`);
  if (f.state) c.push(`state = ${$(f.state)}`);
  if (f.subject) c.push(`subject_kind = ${$(f.subject)}`);
  if (f.overdueAt) c.push(`state = 'listed' AND deadline < ${$(f.overdueAt)}`);
  const w = c.length ? `WHERE ${c.join(' AND ')}` : '';
  const rows = await q.query<ListingRow>(
    `SELECT * FROM hazard_listing ${w} ORDER BY listed_at DESC, id DESC LIMIT ${$(limit)} OFFSET ${$(offset)}`,
    p,
  );
  const n = await one<{ n: number }>(q, `SELECT count(*)::int AS n FROM hazard_listing ${w}`, p.slice(0, -2));
  return { rows, total: n.n };
}

// ---- admonitions ----

export type AdmonitionRow = {
  id: number;
  party_kind: PartyKind;
  party_id: number;
  party_name: string;
  unit_path: string;
  county_code: string;
  town_id: number | null;
  held_at: Date;
  held_by: string;
  subject: string;
  hazard_ids: (number | string)[];
  listing_id: number | null;
  commitments: string;
  follow_up_due: Date;
  follow_up_state: 'pending' | 'done' | 'not_done';
  follow_up_note: string | null;
  follow_up_at: Date | null;
  follow_up_by: string | null;
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
};

const ADMONITION_COLS = [
  'party_kind',
  'party_id',
  'party_name',
  'unit_path',
  'county_code',
  'town_id',
  'held_at',
  'held_by',
  'subject',
  'hazard_ids',
  'listing_id',
  'commitments',
  'follow_up_due',
  'created_by',
  'created_at',
] as const;
export type NewAdmonition = Pick<AdmonitionRow, (typeof ADMONITION_COLS)[number]>;

export function insertAdmonition(q: Queryable, a: NewAdmonition): Promise<AdmonitionRow> {
  return one<AdmonitionRow>(
    q,
    `INSERT INTO admonition (${ADMONITION_COLS.join(', ')}, updated_at)
     VALUES (${ADMONITION_COLS.map((_, i) => `$${i + 1}`).join(', ')}, $15) RETURNING *`,
    ADMONITION_COLS.map((c) => a[c]),
  );
}

export function getAdmonition(q: Queryable, id: number, lock = false): Promise<AdmonitionRow | undefined> {
  return maybeOne<AdmonitionRow>(q, `SELECT * FROM admonition WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [
    id,
  ]);
}

export function recordFollowUp(
  q: Queryable,
  id: number,
  version: number,
  state: 'done' | 'not_done',
  note: string | null,
  by: string,
  at: Date,
): Promise<AdmonitionRow | undefined> {
  return maybeOne<AdmonitionRow>(
    q,
    `UPDATE admonition SET follow_up_state = $3, follow_up_note = $4, follow_up_by = $5, follow_up_at = $6,
       updated_at = $6, version = version + 1
     WHERE id = $1 AND version = $2 AND follow_up_state = 'pending' RETURNING *`,
    [id, version, state, note, by, at],
  );
}

export interface AdmonitionFilter {
  pathPrefix: string;
  followUp?: 'pending' | 'done' | 'not_done';
  overdueAt?: Date;
  from?: Date;
  to?: Date;
  listingId?: number;
}

export async function listAdmonitions(
  q: Queryable,
  f: AdmonitionFilter,
  limit: number,
  offset: number,
): Promise<{ rows: AdmonitionRow[]; total: number }> {
  const c: string[] = [];
  const p: unknown[] = [];
  const $ = (v: unknown) => {
    p.push(v);
    return `$${p.length}`;
  };
  c.push(`unit_path LIKE ${$(f.pathPrefix)} || '%'`);
  if (f.followUp) c.push(`follow_up_state = ${$(f.followUp)}`);
  if (f.overdueAt) c.push(`follow_up_state = 'pending' AND follow_up_due < ${$(f.overdueAt)}`);
  if (f.from) c.push(`held_at >= ${$(f.from)}`);
  if (f.to) c.push(`held_at < ${$(f.to)}`);
  if (f.listingId) c.push(`listing_id = ${$(f.listingId)}`);
  const w = `WHERE ${c.join(' AND ')}`;
  const rows = await q.query<AdmonitionRow>(
    `SELECT * FROM admonition ${w} ORDER BY held_at DESC, id DESC LIMIT ${$(limit)} OFFSET ${$(offset)}`,
    p,
  );
  const n = await one<{ n: number }>(q, `SELECT count(*)::int AS n FROM admonition ${w}`, p.slice(0, -2));
  return { rows, total: n.n };
}

// ---- the ranking board (晾晒) ----

/**
 * Per unit at path depth `depth` (3 = town): listings in force at `to`, and admonitions held in [from, to),
 * in one statement.
 */
export function rankingCounts(
  q: Queryable,
  withinPath: string,
  depth: number,
  from: Date,
  to: Date,
): Promise<{ code: string; listed: number; admonitions: number }[]> {
  return q.query(
    `SELECT code, sum(listed)::int AS listed, sum(admonitions)::int AS admonitions FROM (
       SELECT split_part(unit_path, '/', $4 + 1) AS code, 1 AS listed, 0 AS admonitions
       FROM hazard_listing
       WHERE unit_path LIKE $3 || '%' AND listed_at < $2 AND (delisted_at IS NULL OR delisted_at >= $2)
       UNION ALL
       SELECT split_part(unit_path, '/', $4 + 1), 0, 1
       FROM admonition WHERE unit_path LIKE $3 || '%' AND held_at >= $1 AND held_at < $2
     ) x WHERE code <> '' GROUP BY code`,
    [from, to, withinPath, depth],
  );
}

/** Per department: listings in force at `to` naming it responsible, and talks held with it in [from, to). */
export function rankingCountsByDepartment(
  q: Queryable,
  withinPath: string,
  from: Date,
  to: Date,
): Promise<{ id: number; listed: number; admonitions: number }[]> {
  return q.query(
    `SELECT id, sum(listed)::int AS listed, sum(admonitions)::int AS admonitions FROM (
       SELECT responsible_id AS id, 1 AS listed, 0 AS admonitions FROM hazard_listing
       WHERE responsible_kind = 'department' AND unit_path LIKE $3 || '%' AND listed_at < $2
         AND (delisted_at IS NULL OR delisted_at >= $2)
       UNION ALL
       SELECT party_id, 0, 1 FROM admonition
       WHERE party_kind = 'department' AND unit_path LIKE $3 || '%' AND held_at >= $1 AND held_at < $2
     ) x GROUP BY id`,
    [from, to, withinPath],
  );
}
