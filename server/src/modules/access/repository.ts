// The access module's SQL, and nothing else: accounts, sessions, login failures, API keys, audit log.
// Secrets are only ever stored as hashes; callers hash before they call.
import { maybeOne, type Queryable } from '../../db/index.js';
import type { Params } from '../../db/statement.js';
import type { Role } from './actor.js';

export interface AccountRow {
  [k: string]: unknown;
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  roles: Role[];
  scope_unit_id: number | null;
  scope_department_id: number | null;
  scope_path: string | null;
  person_id: number | null;
  phone: string | null;
  disabled: boolean;
  created_at: Date;
  updated_at: Date;
  version: number;
}

// There is deliberately no last_login_at, login_count or last_seen column: the national rules against
// "fingertip formalism" (指尖上的形式主义) forbid measuring grid workers by log-ins or time online.
const ACCOUNT_COLS = `id, username, display_name, password_hash, roles, scope_unit_id, scope_department_id,
  scope_path, person_id, phone, disabled, created_at, updated_at, version`;

export function accountByUsername(q: Queryable, username: string) {
  return maybeOne<AccountRow>(q, `SELECT ${ACCOUNT_COLS} FROM account WHERE username = $1`, [username]);
}

export function accountById(q: Queryable, id: number, forUpdate = false) {
  return maybeOne<AccountRow>(
    q,
    `SELECT ${ACCOUNT_COLS} FROM account WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
}

export interface NewAccountRow {
  username: string;
  displayName: string;
  passwordHash: string;
  roles: Role[];
  scopeUnitId: number | null;
  scopeDepartmentId: number | null;
  scopePath: string | null;
  personId: number | null;
  phone: string | null;
  at: Date;
}

/** Inserts an account; undefined when the username is taken. */
export function insertAccount(q: Queryable, a: NewAccountRow) {
  return maybeOne<AccountRow>(
    q,
    `INSERT INTO account (username, display_name, password_hash, roles, scope_unit_id, scope_department_id,
       scope_path, person_id, phone, created_at, updated_at)
     VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8, $9, $10, $10)
     ON CONFLICT (username) DO NOTHING
     RETURNING ${ACCOUNT_COLS}`,
    [
      a.username,
      a.displayName,
      a.passwordHash,
      a.roles,
      a.scopeUnitId,
      a.scopeDepartmentId,
      a.scopePath,
      a.personId,
      a.phone,
      a.at,
    ],
  );
}

export interface AccountChange {
  displayName: string;
  roles: Role[];
  scopeUnitId: number | null;
  scopeDepartmentId: number | null;
  scopePath: string | null;
  disabled: boolean;
  phone: string | null;
}

/** Updates when the version still matches; undefined when someone else changed it first. */
export function updateAccount(q: Queryable, id: number, version: number, c: AccountChange, at: Date) {
  return maybeOne<AccountRow>(
    q,
    `UPDATE account SET display_name = $3, roles = $4::text[], scope_unit_id = $5, scope_department_id = $6,
       scope_path = $7, disabled = $8, phone = $9, updated_at = $10, version = version + 1
     WHERE id = $1 AND version = $2
     RETURNING ${ACCOUNT_COLS}`,
    [
      id,
      version,
      c.displayName,
      c.roles,
      c.scopeUnitId,
      c.scopeDepartmentId,
      c.scopePath,
      c.disabled,
      c.phone,
      at,
    ],
  );
}

export async function setPasswordHash(
  q: Queryable,
  id: number,
  hash: string,
  at: Date,
  bumpVersion: boolean,
) {
  await q.query(
    `UPDATE account SET password_hash = $2${bumpVersion ? ', updated_at = $3, version = version + 1' : ''} WHERE id = $1`,
    bumpVersion ? [id, hash, at] : [id, hash],
  );
}

export interface AccountListFilter {
  /** Subtree prefix the accounts must be anchored in; undefined: every anchored account. */
  pathPrefix: string | undefined;
  /** Include accounts with no anchor (residents). */
  includeUnanchored: boolean;
  q?: string | undefined;
  role?: Role | undefined;
  limit: number;
  offset: number;
}

export async function listAccounts(q: Queryable, f: AccountListFilter) {
  const params: unknown[] = [];
  const anchored =
    f.pathPrefix === undefined
      ? 'scope_path IS NOT NULL'
      : `scope_path LIKE $${params.push(`${f.pathPrefix}%`)}`;
  const where = [f.includeUnanchored ? `(${anchored} OR scope_path IS NULL)` : anchored];
  if (f.q) {
    const n = params.push(f.q.toLowerCase());
    where.push(`(strpos(username, $${n}) > 0 OR strpos(lower(display_name), $${n}) > 0)`);
  }
  if (f.role) where.push(`$${params.push(f.role)} = ANY (roles)`);
  const w = `WHERE ${where.join(' AND ')}`;
  const [count] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM account ${w}`, params);
  const rows = await q.query<AccountRow>(
    `SELECT ${ACCOUNT_COLS} FROM account ${w} ORDER BY username LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, f.limit, f.offset],
  );
  return { rows, total: count?.n ?? 0 };
}

/**
 * Active (not disabled) accounts: those named in `accountIds`, and those whose scope is exactly one of
 * `unitIds` or `departmentIds` (narrowed to accounts with one of `roles` when given). Ascending ids.
 */
export async function activeAccountIds(
  q: Queryable,
  f: { accountIds: number[]; unitIds: number[]; departmentIds: number[]; roles: Role[] | null },
): Promise<number[]> {
  const rows = await q.query<{ id: number }>(
    `SELECT id FROM account
     WHERE NOT disabled
       AND (id = ANY($1::bigint[])
            OR ((scope_unit_id = ANY($2::bigint[]) OR scope_department_id = ANY($3::bigint[]))
                AND ($4::text[] IS NULL OR roles && $4::text[])))
     ORDER BY id`,
    [f.accountIds, f.unitIds, f.departmentIds, f.roles],
    { name: 'access.activeAccountIds' },
  );
  return rows.map((r) => r.id);
}

// ---- sessions

export async function insertSession(
  q: Queryable,
  tokenHash: string,
  accountId: number,
  at: Date,
  expiresAt: Date,
) {
  await q.query(
    'INSERT INTO session (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
    [tokenHash, accountId, at, expiresAt],
  );
}

/** The one query behind every cookie-authenticated request (primary-key lookup joined to the account). */
export function sessionAccount(q: Queryable, tokenHash: string, now: Date) {
  return maybeOne<
    Pick<AccountRow, 'id' | 'username' | 'display_name' | 'roles' | 'scope_unit_id' | 'scope_department_id'>
  >(
    q,
    `SELECT a.id, a.username, a.display_name, a.roles, a.scope_unit_id, a.scope_department_id
     FROM session s JOIN account a ON a.id = s.account_id
     WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT a.disabled`,
    [tokenHash, now],
  );
}

/** sessionAccount for several sessions at once, each at its own instant: the account per lookup, in order. */
export async function sessionAccounts(q: Queryable, lookups: readonly { tokenHash: string; at: Date }[]) {
  type Found = Pick<
    AccountRow,
    'id' | 'username' | 'display_name' | 'roles' | 'scope_unit_id' | 'scope_department_id'
  >;
  const rows = await q.query<Found & { ord: number }>(
    `SELECT l.ord::int AS ord, a.id, a.username, a.display_name, a.roles, a.scope_unit_id, a.scope_department_id
     FROM unnest($1::text[], $2::timestamptz[]) WITH ORDINALITY AS l(token_hash, at, ord)
     JOIN session s ON s.token_hash = l.token_hash AND s.expires_at > l.at
     JOIN account a ON a.id = s.account_id
     WHERE NOT a.disabled`,
    [lookups.map((l) => l.tokenHash), lookups.map((l) => l.at)],
    { name: 'access.sessionAccounts' },
  );
  const out: (Found | undefined)[] = lookups.map(() => undefined);
  for (const { ord, ...account } of rows) out[ord - 1] = account;
  return out;
}

export async function deleteSession(q: Queryable, tokenHash: string) {
  await q.query('DELETE FROM session WHERE token_hash = $1', [tokenHash]);
}

/** Ends an account's sessions, except the one given (the caller's own, when it changes its password). */
export async function deleteSessionsOf(
  q: Queryable,
  accountId: number,
  exceptTokenHash: string | null = null,
) {
  await q.query('DELETE FROM session WHERE account_id = $1 AND token_hash IS DISTINCT FROM $2', [
    accountId,
    exceptTokenHash,
  ]);
}

export async function deleteExpiredSessions(q: Queryable, now: Date) {
  await q.query('DELETE FROM session WHERE expires_at <= $1', [now]);
}

// ---- login failures (rate limiting)

/** Failures for the key within the window that is still open, and when the oldest of them started. */
export async function recentFailures(q: Queryable, key: string, since: Date) {
  const row = await maybeOne<{ n: number; first: Date | null }>(
    q,
    `SELECT COALESCE(sum(failures), 0)::int AS n, min(window_start) AS first
     FROM login_failure WHERE key = $1 AND window_start > $2`,
    [key, since],
  );
  return { failures: row?.n ?? 0, firstAt: row?.first ?? null };
}

/** Counts one failure: in the open window of the key, or in a new window starting now. Returns the count. */
export async function addFailure(q: Queryable, key: string, since: Date, now: Date): Promise<number> {
  const updated = await q.query<{ failures: number }>(
    `UPDATE login_failure SET failures = failures + 1
     WHERE key = $1 AND window_start = (SELECT max(window_start) FROM login_failure WHERE key = $1 AND window_start > $2)
     RETURNING failures`,
    [key, since],
  );
  if (updated[0]) return updated[0].failures;
  const [row] = await q.query<{ failures: number }>(
    `INSERT INTO login_failure (key, window_start, failures) VALUES ($1, $2, 1)
     ON CONFLICT (key, window_start) DO UPDATE SET failures = login_failure.failures + 1
     RETURNING failures`,
    [key, now],
  );
  return row?.failures ?? 1;
}

export async function clearFailures(q: Queryable, key: string) {
  await q.query('DELETE FROM login_failure WHERE key = $1', [key]);
}

export async function deleteExpiredFailures(q: Queryable, since: Date) {
  await q.query('DELETE FROM login_failure WHERE window_start <= $1', [since]);
}

// ---- API keys

export interface ApiKeyRow {
  [k: string]: unknown;
  id: number;
  name: string;
  prefix: string;
  roles: Role[];
  scope_unit_id: number | null;
  scope_path: string | null;
  created_by: number | null;
  created_at: Date;
  revoked_at: Date | null;
}
const KEY_COLS = 'id, name, prefix, roles, scope_unit_id, scope_path, created_by, created_at, revoked_at';

export function insertApiKey(
  q: Queryable,
  k: {
    name: string;
    prefix: string;
    keyHash: string;
    roles: Role[];
    scopeUnitId: number | null;
    scopePath: string | null;
    createdBy: number | null;
    at: Date;
  },
) {
  return maybeOne<ApiKeyRow>(
    q,
    `INSERT INTO api_key (name, prefix, key_hash, roles, scope_unit_id, scope_path, created_by, created_at)
     VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8) RETURNING ${KEY_COLS}`,
    [k.name, k.prefix, k.keyHash, k.roles, k.scopeUnitId, k.scopePath, k.createdBy, k.at],
  );
}

/** The one query behind every key-authenticated request (unique index on key_hash). */
export function activeApiKey(q: Queryable, keyHash: string) {
  return maybeOne<Pick<ApiKeyRow, 'id' | 'name' | 'roles' | 'scope_unit_id'>>(
    q,
    'SELECT id, name, roles, scope_unit_id FROM api_key WHERE key_hash = $1 AND revoked_at IS NULL',
    [keyHash],
  );
}

export function apiKeyById(q: Queryable, id: number) {
  return maybeOne<ApiKeyRow>(q, `SELECT ${KEY_COLS} FROM api_key WHERE id = $1 FOR UPDATE`, [id]);
}

export function revokeApiKey(q: Queryable, id: number, at: Date) {
  return maybeOne<ApiKeyRow>(
    q,
    `UPDATE api_key SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING ${KEY_COLS}`,
    [id, at],
  );
}

export async function listApiKeys(
  q: Queryable,
  f: { pathPrefix: string | undefined; includeUnanchored: boolean; limit: number; offset: number },
) {
  const params: unknown[] = [];
  const anchored =
    f.pathPrefix === undefined
      ? 'scope_path IS NOT NULL'
      : `scope_path LIKE $${params.push(`${f.pathPrefix}%`)}`;
  const w = `WHERE ${f.includeUnanchored ? `(${anchored} OR scope_path IS NULL)` : anchored}`;
  const [count] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM api_key ${w}`, params);
  const rows = await q.query<ApiKeyRow>(
    `SELECT ${KEY_COLS} FROM api_key ${w} ORDER BY id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, f.limit, f.offset],
  );
  return { rows, total: count?.n ?? 0 };
}

// ---- audit log (append-only: there is no update or delete here, and the database refuses them)

export interface AuditRow {
  [k: string]: unknown;
  id: number;
  at: Date;
  actor_id: number | null;
  actor_name: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  unit_id: number | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
}

export async function insertAudit(
  q: Queryable,
  e: {
    at: Date;
    actorId: number | null;
    actorName: string;
    action: string;
    entityType: string;
    entityId: string | null;
    unitId: number | null;
    unitPath: string | null;
    before: string | null;
    after: string | null;
    requestId: string | null;
  },
) {
  // When only the unit id is known, the entry keeps its unit's path (read in the writer's transaction, so
  // units created in it count): the one place this module reads the units table, so that audit lists can
  // be scoped by subtree without a join at read time.
  await q.query(
    `INSERT INTO audit_log (at, actor_id, actor_name, action, entity_type, entity_id, unit_id, unit_path, before, after, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7::bigint,
       COALESCE($8::text, (SELECT path FROM unit WHERE id = $7::bigint)), $9::jsonb, $10::jsonb, $11)`,
    [
      e.at,
      e.actorId,
      e.actorName,
      e.action,
      e.entityType,
      e.entityId,
      e.unitId,
      e.unitPath,
      e.before,
      e.after,
      e.requestId,
    ],
  );
}

/** An audit entry as written (AuditService.row). */
export type AuditRowInput = Parameters<typeof insertAudit>[1];

/** The SQL appending entries given as eleven parallel arrays (`cols`: their placeholders), in order. */
function insertAuditsSql(cols: readonly string[], where = ''): string {
  const [at, actorId, actorName, action, entityType, entityId, unitId, unitPath, before, after, requestId] =
    cols;
  return `INSERT INTO audit_log (at, actor_id, actor_name, action, entity_type, entity_id, unit_id, unit_path, before, after, request_id)
     SELECT t.at, t.actor_id, t.actor_name, t.action, t.entity_type, t.entity_id, t.unit_id,
            COALESCE(t.unit_path, (SELECT path FROM unit WHERE id = t.unit_id)), t.before::jsonb, t.after::jsonb,
            t.request_id
       FROM unnest(${at}::timestamptz[], ${actorId}::bigint[], ${actorName}::text[], ${action}::text[],
                   ${entityType}::text[], ${entityId}::text[], ${unitId}::bigint[], ${unitPath}::text[],
                   ${before}::text[], ${after}::text[], ${requestId}::text[])
            WITH ORDINALITY AS t(at, actor_id, actor_name, action, entity_type, entity_id, unit_id, unit_path,
                                 before, after, request_id, ord)
      ${where}
      ORDER BY t.ord`;
}

/** The entries as eleven parallel arrays (column by column), as insertAuditsSql reads them. */
function auditColumns(es: readonly AuditRowInput[]): unknown[] {
  const col = <T>(f: (e: AuditRowInput) => T) => es.map(f);
  return [
    col((e) => e.at),
    col((e) => e.actorId),
    col((e) => e.actorName),
    col((e) => e.action),
    col((e) => e.entityType),
    col((e) => e.entityId),
    col((e) => e.unitId),
    col((e) => e.unitPath),
    col((e) => e.before),
    col((e) => e.after),
    col((e) => e.requestId),
  ];
}

/** Many entries in one statement, in the order given (bulk imports); unit paths as insertAudit finds them. */
export async function insertAudits(q: Queryable, es: readonly AuditRowInput[]) {
  if (!es.length) return;
  await q.query(insertAuditsSql(Array.from({ length: 11 }, (_, i) => `$${i + 1}`)), auditColumns(es), {
    name: 'audit.insertAudits',
  });
}

/**
 * The part of a composed statement (db/statement.ts) that appends these entries, in order, for the
 * entities whose ids `onlyFor` returns: CTE `audit_entries`.
 */
export function auditEntriesCte(params: Params, es: readonly AuditRowInput[], onlyFor: string): string {
  const cols = auditColumns(es).map((c) => params.add(c));
  return `audit_entries AS (
     ${insertAuditsSql(cols, `WHERE t.entity_id IN (SELECT id::text FROM ${onlyFor})`)}
   )`;
}

export interface AuditListFilter {
  entityType?: string | undefined;
  entityId?: string | undefined;
  actorId?: number | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Entries with a unit must lie under this path; undefined: no restriction. */
  unitPathPrefix: string | undefined | null;
  limit: number;
  offset: number;
}

export async function listAudit(q: Queryable, f: AuditListFilter) {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.entityType) where.push(`entity_type = $${params.push(f.entityType)}`);
  if (f.entityId) where.push(`entity_id = $${params.push(f.entityId)}`);
  if (f.actorId !== undefined) where.push(`actor_id = $${params.push(f.actorId)}`);
  if (f.from) where.push(`at >= $${params.push(f.from)}`);
  if (f.to) where.push(`at < $${params.push(f.to)}`);
  if (f.unitPathPrefix === null) where.push('unit_id IS NULL AND unit_path IS NULL');
  else if (f.unitPathPrefix !== undefined) {
    where.push(
      `((unit_id IS NULL AND unit_path IS NULL) OR unit_path LIKE $${params.push(`${f.unitPathPrefix}%`)})`,
    );
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [count] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log ${w}`, params);
  const rows = await q.query<AuditRow>(
    `SELECT id, at, actor_id, actor_name, action, entity_type, entity_id, unit_id, before, after, request_id
     FROM audit_log ${w} ORDER BY id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, f.limit, f.offset],
  );
  return { rows, total: count?.n ?? 0 };
}
