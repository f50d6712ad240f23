// SQL of the media module: queries only.
import { maybeOne, type Queryable } from '../../db/index.js';
import type { MediaKind } from './sniff.js';

export interface MediaRow {
  [k: string]: unknown;
  id: number;
  storage_key: string;
  thumbnail_key: string | null;
  thumbnail_bytes: number | null;
  mime: string;
  kind: MediaKind;
  bytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  taken_at: Date | null;
  lng: number | null;
  lat: number | null;
  uploaded_by: number | null;
  uploader_hash: string | null;
  owner_type: string | null;
  owner_id: number | null;
  attached_at: Date | null;
  created_at: Date;
}

export type NewMedia = Omit<MediaRow, 'id' | 'owner_type' | 'owner_id' | 'attached_at'>;

const COLS = `id, storage_key, thumbnail_key, thumbnail_bytes, mime, kind, bytes, sha256, width, height, taken_at, lng, lat,
  uploaded_by, uploader_hash, owner_type, owner_id, attached_at, created_at`;

export async function insertMedia(q: Queryable, m: NewMedia): Promise<MediaRow> {
  const rows = await q.query<MediaRow>(
    `INSERT INTO media (storage_key, thumbnail_key, thumbnail_bytes, mime, kind, bytes, sha256, width, height, taken_at, lng, lat,
       uploaded_by, uploader_hash, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     RETURNING ${COLS}`,
    [
      m.storage_key,
      m.thumbnail_key,
      m.thumbnail_bytes,
      m.mime,
      m.kind,
      m.bytes,
      m.sha256,
      m.width,
      m.height,
      m.taken_at,
      m.lng,
      m.lat,
      m.uploaded_by,
      m.uploader_hash,
      m.created_at,
    ],
  );
  return rows[0] as MediaRow;
}

export function findMedia(q: Queryable, id: number): Promise<MediaRow | undefined> {
  return maybeOne<MediaRow>(q, `SELECT ${COLS} FROM media WHERE id = $1`, [id]);
}

export function findMany(q: Queryable, ids: readonly number[]): Promise<MediaRow[]> {
  return q.query<MediaRow>(`SELECT ${COLS} FROM media WHERE id = ANY($1::bigint[]) ORDER BY id`, [ids]);
}

export function listByOwner(q: Queryable, ownerType: string, ownerId: number): Promise<MediaRow[]> {
  return q.query<MediaRow>(`SELECT ${COLS} FROM media WHERE owner_type = $1 AND owner_id = $2 ORDER BY id`, [
    ownerType,
    ownerId,
  ]);
}

/** Unattached rows among ids, locked for the caller's transaction. */
export function lockUnattached(q: Queryable, ids: number[]): Promise<MediaRow[]> {
  return q.query<MediaRow>(
    `SELECT ${COLS} FROM media WHERE id = ANY($1::bigint[]) AND owner_type IS NULL ORDER BY id FOR UPDATE`,
    [ids],
  );
}

export async function setOwner(
  q: Queryable,
  ids: number[],
  ownerType: string,
  ownerId: number,
  at: Date,
): Promise<number> {
  const rows = await q.query<{ id: number }>(
    `UPDATE media SET owner_type = $2, owner_id = $3, attached_at = $4
     WHERE id = ANY($1::bigint[]) AND owner_type IS NULL RETURNING id`,
    [ids, ownerType, ownerId, at],
  );
  return rows.length;
}

export async function countAnonymousSince(q: Queryable, uploaderHash: string, since: Date): Promise<number> {
  const row = await maybeOne<{ n: number }>(
    q,
    `SELECT count(*)::int AS n FROM media WHERE uploader_hash = $1 AND created_at >= $2`,
    [uploaderHash, since],
  );
  return row?.n ?? 0;
}

/** Deletes up to `limit` unattached rows created before `before` and returns their storage keys. */
export function deleteUnattachedBefore(
  q: Queryable,
  before: Date,
  limit: number,
): Promise<Pick<MediaRow, 'id' | 'storage_key' | 'thumbnail_key'>[]> {
  return q.query(
    `DELETE FROM media WHERE id IN (
       SELECT id FROM media WHERE owner_type IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2
       FOR UPDATE SKIP LOCKED)
     RETURNING id, storage_key, thumbnail_key`,
    [before, limit],
  );
}
