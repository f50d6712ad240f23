// SQL for the hazard taxonomy, nothing else. A domain's rules live in immutable version rows; the
// domain row holds the code and the number of the current version.
import type { Queryable } from '../../../db/index.js';

export interface VersionRow {
  [k: string]: unknown;
  id: number;
  code: string;
  current_version: number;
  version: number;
  position: number;
  name_zh: string;
  name_en: string;
  description: { zh: string; en: string } | null;
  department_code: string;
  deadline_general_hours: number;
  deadline_major_hours: number;
  deadline_critical_hours: number;
  aspects: { code: string; name: { zh: string; en: string }; active: boolean }[];
  active: boolean;
  created_at: Date;
  created_by: string;
}

const SELECT = `
  SELECT d.id, d.code, d.current_version, v.version, v.position, v.name_zh, v.name_en, v.description,
         v.department_code, v.deadline_general_hours, v.deadline_major_hours, v.deadline_critical_hours,
         v.aspects, v.active, v.created_at, v.created_by
    FROM hazard_domain d
    JOIN hazard_domain_version v ON v.domain_id = d.id`;

/** One page of the domains at their current versions, in display order, with the total. */
export async function listCurrent(
  q: Queryable,
  o: { includeInactive: boolean; limit: number; offset: number },
): Promise<{ rows: VersionRow[]; total: number }> {
  const where = 'v.version = d.current_version AND ($1::boolean OR v.active)';
  const rows = await q.query<VersionRow>(
    `${SELECT} AND ${where} ORDER BY v.position, d.code LIMIT $2 OFFSET $3`,
    [o.includeInactive, o.limit, o.offset],
  );
  const [count] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM hazard_domain d JOIN hazard_domain_version v ON v.domain_id = d.id AND ${where}`,
    [o.includeInactive],
  );
  return { rows, total: count?.n ?? 0 };
}

export async function byCode(q: Queryable, code: string, version?: number): Promise<VersionRow | undefined> {
  const rows = await q.query<VersionRow>(
    `${SELECT} AND v.version = COALESCE($2::int, d.current_version) WHERE d.code = $1`,
    [code, version ?? null],
  );
  return rows[0];
}

export async function byIdVersion(
  q: Queryable,
  id: number,
  version: number,
): Promise<VersionRow | undefined> {
  const rows = await q.query<VersionRow>(`${SELECT} AND v.version = $2 WHERE d.id = $1`, [id, version]);
  return rows[0];
}

/** Inserts the domain row at version 1; undefined when the code is taken. */
export async function insertDomain(q: Queryable, code: string, at: Date): Promise<number | undefined> {
  const rows = await q.query<{ id: number }>(
    `INSERT INTO hazard_domain (code, current_version, created_at) VALUES ($1, 1, $2)
     ON CONFLICT (code) DO NOTHING RETURNING id`,
    [code, at],
  );
  return rows[0]?.id;
}

/** Moves the current version from `expected` to `expected + 1`; false when someone moved it first. */
export async function bumpVersion(q: Queryable, id: number, expected: number): Promise<boolean> {
  const rows = await q.query(
    'UPDATE hazard_domain SET current_version = current_version + 1 WHERE id = $1 AND current_version = $2 RETURNING id',
    [id, expected],
  );
  return rows.length === 1;
}

export interface NewVersion {
  domainId: number;
  version: number;
  position: number;
  nameZh: string;
  nameEn: string;
  description: { zh: string; en: string } | null;
  departmentCode: string;
  general: number;
  major: number;
  critical: number;
  aspects: unknown[];
  active: boolean;
  createdAt: Date;
  createdBy: string;
}

export async function insertVersion(q: Queryable, v: NewVersion): Promise<void> {
  await q.query(
    `INSERT INTO hazard_domain_version (domain_id, version, position, name_zh, name_en, description,
       department_code, deadline_general_hours, deadline_major_hours, deadline_critical_hours, aspects,
       active, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11::jsonb, $12, $13, $14)`,
    [
      v.domainId,
      v.version,
      v.position,
      v.nameZh,
      v.nameEn,
      v.description === null ? null : JSON.stringify(v.description),
      v.departmentCode,
      v.general,
      v.major,
      v.critical,
      JSON.stringify(v.aspects),
      v.active,
      v.createdAt,
      v.createdBy,
    ],
  );
}
