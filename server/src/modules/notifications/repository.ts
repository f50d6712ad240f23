// The notifications module's SQL, and nothing else: the feed, notifications and the outbox.
import { maybeOne, one, type Queryable } from '../../db/index.js';
import type { Params } from '../../db/statement.js';

/** A place in the feed's (tx, id) order; tx is an xid8 in decimal. */
export interface FeedPos {
  tx: string;
  id: number;
}

export const FEED_START: FeedPos = { tx: '0', id: 0 };

export interface FeedRow {
  [k: string]: unknown;
  id: number;
  tx: string;
  at: Date;
  kind: string;
  entity_type: string;
  entity_id: number;
  title_zh: string;
  title_en: string;
  link: string;
  unit_path: string;
  /** int8[] as JSON: both drivers read it as numbers */
  department_ids: number[];
}

const FEED_COLS = `id, tx::text AS tx, at, kind, entity_type, entity_id, title_zh, title_en, link, unit_path,
  to_json(department_ids) AS department_ids`;

export interface NotificationRow {
  [k: string]: unknown;
  id: number;
  account_id: number;
  feed_id: number;
  kind: string;
  entity_type: string;
  entity_id: number;
  title_zh: string;
  title_en: string;
  link: string;
  created_at: Date;
  read_at: Date | null;
}

const NOTIFICATION_COLS = `id, account_id, feed_id, kind, entity_type, entity_id, title_zh, title_en, link,
  created_at, read_at`;

// ---- writing an announcement

export interface NewFeedRow {
  at: Date;
  countyCode: string | null;
  kind: string;
  entityType: string;
  entityId: number;
  titleZh: string;
  titleEn: string;
  link: string;
  unitPath: string;
  departmentIds: number[];
}

export async function insertFeed(q: Queryable, f: NewFeedRow): Promise<number> {
  const row = await one<{ id: number }>(
    q,
    `INSERT INTO feed (at, county_code, kind, entity_type, entity_id, title_zh, title_en, link, unit_path,
       department_ids)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::bigint[])
     RETURNING id`,
    [
      f.at,
      f.countyCode,
      f.kind,
      f.entityType,
      f.entityId,
      f.titleZh,
      f.titleEn,
      f.link,
      f.unitPath,
      f.departmentIds,
    ],
  );
  return row.id;
}

/** One notification per account (the accounts are distinct), copying the feed row's fields. */
export function insertNotifications(q: Queryable, feedId: number, accountIds: number[]) {
  return q.query<{ id: number; account_id: number }>(
    `INSERT INTO notification (account_id, feed_id, county_code, kind, entity_type, entity_id, title_zh,
       title_en, link, created_at)
     SELECT a.id, f.id, f.county_code, f.kind, f.entity_type, f.entity_id, f.title_zh, f.title_en, f.link, f.at
     FROM feed f CROSS JOIN unnest($2::bigint[]) AS a(id)
     WHERE f.id = $1
     ORDER BY a.id
     RETURNING id, account_id`,
    [feedId, accountIds],
  );
}

/** Feed rows with their recipients, as the feed CTEs read them (one JSON parameter). */
function feedInput(rows: readonly (NewFeedRow & { recipients: number[] })[]): string {
  return JSON.stringify(rows.map((r, ord) => ({ ...r, at: r.at.toISOString(), ord })));
}

/**
 * The CTEs that write feed rows (`feed_rows`) and their notifications (`feed_notifications`) from the
 * rows in the parameter `input` (feedInput), in order; `where`: which of them (on the input's columns).
 */
function feedCtes(input: string, where = ''): string {
  return `feed_input AS MATERIALIZED (
       SELECT nextval(pg_get_serial_sequence('feed', 'id')) AS id, t.*
       FROM (SELECT * FROM jsonb_to_recordset(${input}::jsonb) AS r("at" timestamptz, "countyCode" text, kind text,
               "entityType" text, "entityId" bigint, "titleZh" text, "titleEn" text, link text, "unitPath" text,
               "departmentIds" bigint[], recipients bigint[], ord int)
             ${where}
             ORDER BY ord) t
     ), feed_rows AS (
       INSERT INTO feed (id, at, county_code, kind, entity_type, entity_id, title_zh, title_en, link, unit_path,
         department_ids)
       SELECT id, "at", "countyCode", kind, "entityType", "entityId", "titleZh", "titleEn", link, "unitPath",
         "departmentIds"
       FROM feed_input ORDER BY id
     ), feed_notifications AS (
       INSERT INTO notification (account_id, feed_id, county_code, kind, entity_type, entity_id, title_zh,
         title_en, link, created_at)
       SELECT a.id, i.id, i."countyCode", i.kind, i."entityType", i."entityId", i."titleZh", i."titleEn", i.link,
         i."at"
       FROM feed_input i CROSS JOIN LATERAL unnest(i.recipients) AS a(id)
       ORDER BY i.id, a.id
     )`;
}

/**
 * Several feed rows, each with one notification per recipient account (distinct per row), in one
 * statement; feed rows and notifications in the order given.
 */
export async function insertFeedsWithNotifications(
  q: Queryable,
  rows: readonly (NewFeedRow & { recipients: number[] })[],
): Promise<void> {
  if (rows.length === 0) return;
  await q.query(`WITH ${feedCtes('$1')} SELECT NULL`, [feedInput(rows)], {
    name: 'notifications.insertFeedsWithNotifications',
  });
}

/**
 * The part of a composed statement (db/statement.ts) that writes these feed rows with their
 * notifications, for the entities whose ids `onlyFor` returns: CTEs `feed_input`, `feed_rows`,
 * `feed_notifications`.
 */
export function feedsWithNotificationsCtes(
  params: Params,
  rows: readonly (NewFeedRow & { recipients: number[] })[],
  onlyFor: string,
): string {
  return feedCtes(params.add(feedInput(rows)), `WHERE r."entityId" IN (SELECT id FROM ${onlyFor})`);
}

/** An outbox row per (notification, channel); returns their ids. */
export async function insertOutbox(
  q: Queryable,
  notifications: { id: number; account_id: number }[],
  channels: readonly string[],
  countyCode: string | null,
  at: Date,
): Promise<number[]> {
  const pairs = notifications.flatMap((n) => channels.map((c) => ({ n, c })));
  const rows = await q.query<{ id: number }>(
    `INSERT INTO notification_outbox (notification_id, account_id, channel, county_code, created_at)
     SELECT n, a, c, $4::text, $5::timestamptz FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS t(n, a, c)
     RETURNING id`,
    [pairs.map((p) => p.n.id), pairs.map((p) => p.n.account_id), pairs.map((p) => p.c), countyCode, at],
  );
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

// ---- an account's notifications

export async function listMine(
  q: Queryable,
  accountId: number,
  unreadOnly: boolean,
  limit: number,
  offset: number,
) {
  const where = `account_id = $1${unreadOnly ? ' AND read_at IS NULL' : ''}`;
  const [count] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification WHERE ${where}`, [
    accountId,
  ]);
  const rows = await q.query<NotificationRow>(
    `SELECT ${NOTIFICATION_COLS} FROM notification WHERE ${where} ORDER BY id DESC LIMIT $2 OFFSET $3`,
    [accountId, limit, offset],
  );
  return { rows, total: count?.n ?? 0 };
}

export async function unreadCount(q: Queryable, accountId: number): Promise<number> {
  const row = await one<{ n: number }>(
    q,
    'SELECT count(*)::int AS n FROM notification WHERE account_id = $1 AND read_at IS NULL',
    [accountId],
  );
  return row.n;
}

export function notificationById(q: Queryable, id: number) {
  return maybeOne<NotificationRow>(q, `SELECT ${NOTIFICATION_COLS} FROM notification WHERE id = $1`, [id]);
}

/** Marks the account's notification read (keeping an earlier read time); undefined when it is not theirs. */
export function markRead(q: Queryable, id: number, accountId: number, at: Date) {
  return maybeOne<NotificationRow>(
    q,
    `UPDATE notification SET read_at = coalesce(read_at, $3)
     WHERE id = $1 AND account_id = $2
     RETURNING ${NOTIFICATION_COLS}`,
    [id, accountId, at],
  );
}

export async function markAllRead(q: Queryable, accountId: number, at: Date): Promise<number> {
  const rows = await q.query<{ id: number }>(
    'UPDATE notification SET read_at = $2 WHERE account_id = $1 AND read_at IS NULL RETURNING id',
    [accountId, at],
  );
  return rows.length;
}

// ---- the feed

export interface FeedFilter {
  unitPrefix: string | null;
  departmentId: number | null;
}

const FEED_WHERE = `(($1::text IS NOT NULL AND starts_with(unit_path, $1::text))
  OR ($2::bigint IS NOT NULL AND $2::bigint = ANY (department_ids)))`;

/** Feed entries visible through the filter, newest first. */
export async function listFeed(q: Queryable, f: FeedFilter, limit: number, offset: number) {
  const [count] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM feed WHERE ${FEED_WHERE}`, [
    f.unitPrefix,
    f.departmentId,
  ]);
  const rows = await q.query<FeedRow>(
    `SELECT ${FEED_COLS} FROM feed WHERE ${FEED_WHERE} ORDER BY id DESC LIMIT $3 OFFSET $4`,
    [f.unitPrefix, f.departmentId, limit, offset],
  );
  return { rows, total: count?.n ?? 0 };
}

/** The last settled row (below every transaction still running); FEED_START when there is none. */
export async function feedTail(q: Queryable): Promise<FeedPos> {
  const row = await maybeOne<{ tx: string; id: number }>(
    q,
    `SELECT tx::text AS tx, id FROM feed WHERE tx < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY tx DESC, id DESC LIMIT 1`,
  );
  return row ? { tx: row.tx, id: row.id } : FEED_START;
}

/**
 * Feed rows after `after` in (tx, id) order, at most up to `upTo`. `settled` rows lie below every
 * transaction still running: no row can appear before them any more. The settled rows come first.
 */
export function feedAfter(q: Queryable, after: FeedPos, upTo: FeedPos | null, limit: number) {
  return q.query<FeedRow & { settled: boolean }>(
    `SELECT ${FEED_COLS}, tx < pg_snapshot_xmin(pg_current_snapshot()) AS settled
     FROM feed
     WHERE (tx, id) > ($1::xid8, $2::bigint)
       AND ($3::xid8 IS NULL OR (tx, id) <= ($3::xid8, $4::bigint))
     ORDER BY tx, id
     LIMIT $5`,
    [after.tx, after.id, upTo?.tx ?? null, upTo?.id ?? null, limit],
  );
}

/** The notifications written with these feed rows for these accounts. */
export function notificationsOfFeed(q: Queryable, feedIds: number[], accountIds: number[]) {
  if (feedIds.length === 0 || accountIds.length === 0) return Promise.resolve([] as NotificationRow[]);
  return q.query<NotificationRow>(
    `SELECT ${NOTIFICATION_COLS} FROM notification
     WHERE feed_id = ANY($1::bigint[]) AND account_id = ANY($2::bigint[])`,
    [feedIds, accountIds],
  );
}

// ---- the outbox

export interface OutboxRow {
  [k: string]: unknown;
  id: number;
  notification_id: number;
  account_id: number;
  channel: string;
  state: 'queued' | 'sent' | 'failed';
  attempts: number;
  last_error_code: string | null;
  created_at: Date;
  last_attempt_at: Date | null;
  sent_at: Date | null;
  kind: string;
  title_zh: string;
  title_en: string;
  link: string;
}

/** The outbox row with its notification's text, locked for this attempt. */
export function lockOutbox(q: Queryable, id: number) {
  return maybeOne<OutboxRow>(
    q,
    `SELECT o.id, o.notification_id, o.account_id, o.channel, o.state, o.attempts, o.last_error_code,
       o.created_at, o.last_attempt_at, o.sent_at, n.kind, n.title_zh, n.title_en, n.link
     FROM notification_outbox o JOIN notification n ON n.id = o.notification_id
     WHERE o.id = $1
     FOR UPDATE OF o`,
    [id],
  );
}

/** Records an attempt; a success keeps the code of the failure before it (it took retries). */
export async function recordAttempt(
  q: Queryable,
  id: number,
  r: { state: 'queued' | 'sent' | 'failed'; errorCode: string | null; at: Date },
): Promise<void> {
  await q.query(
    `UPDATE notification_outbox
     SET state = $2, attempts = attempts + 1, last_error_code = coalesce($3, last_error_code), last_attempt_at = $4,
         sent_at = CASE WHEN $2 = 'sent' THEN $4::timestamptz END
     WHERE id = $1`,
    [id, r.state, r.errorCode, r.at],
  );
}

// ---- housekeeping

/** Deletes feed rows older than `before`, in batches; returns how many. */
export async function pruneFeed(q: Queryable, before: Date, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await q.query<{ id: number }>(
      `DELETE FROM feed WHERE id IN (SELECT id FROM feed WHERE at < $1 ORDER BY id LIMIT $2) RETURNING id`,
      [before, batch],
    );
    total += rows.length;
    if (rows.length < batch) return total;
  }
}

/** Deletes outbox rows that were sent or failed before `before` (the notifications stay). */
export async function pruneOutbox(q: Queryable, before: Date, batch: number): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await q.query<{ id: number }>(
      `DELETE FROM notification_outbox WHERE id IN (
         SELECT id FROM notification_outbox
         WHERE state <> 'queued' AND coalesce(last_attempt_at, created_at) < $1
         ORDER BY id LIMIT $2)
       RETURNING id`,
      [before, batch],
    );
    total += rows.length;
    if (rows.length < batch) return total;
  }
}
