// SQL for event categories, nothing else. A category's rules live in immutable version rows; the
// category row holds the code and the number of the current version.
import type { Queryable } from '../../../db/index.js';

export interface VersionRow {
  [k: string]: unknown;
  id: number;
  code: string;
  current_version: number;
  version: number;
  parent_id: number | null;
  parent_code: string | null;
  name_zh: string;
  name_en: string;
  description: { zh: string; en: string } | null;
  handled_by: 'grid' | 'village' | 'town' | 'center' | 'department';
  department_code: string | null;
  deadline_hours: number;
  working_hours: boolean;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  questions: unknown[];
  keywords: string[];
  active: boolean;
  created_at: Date;
  created_by: string;
}

const SELECT = `
  SELECT c.id, c.code, c.current_version, v.version, v.parent_id, p.code AS parent_code,
         v.name_zh, v.name_en, v.description, v.handled_by, v.department_code, v.deadline_hours,
         v.working_hours, v.priority, v.questions, v.keywords, v.active, v.created_at, v.created_by
    FROM event_category c
    JOIN event_category_version v ON v.category_id = c.id`;
const LEFT_PARENT = 'LEFT JOIN event_category p ON p.id = v.parent_id';

/** Every category at its current version (the tree is small: tens to a few hundred rows). */
export function listCurrent(q: Queryable): Promise<VersionRow[]> {
  return q.query<VersionRow>(`${SELECT} AND v.version = c.current_version ${LEFT_PARENT} ORDER BY c.code`);
}

export async function byCode(q: Queryable, code: string, version?: number): Promise<VersionRow | undefined> {
  const rows = await q.query<VersionRow>(
    `${SELECT} AND v.version = COALESCE($2::int, c.current_version) ${LEFT_PARENT} WHERE c.code = $1`,
    [code, version ?? null],
  );
  return rows[0];
}

export async function byIdVersion(
  q: Queryable,
  id: number,
  version: number,
): Promise<VersionRow | undefined> {
  const rows = await q.query<VersionRow>(`${SELECT} AND v.version = $2 ${LEFT_PARENT} WHERE c.id = $1`, [
    id,
    version,
  ]);
  return rows[0];
}

export async function idsByCode(q: Queryable, codes: string[]): Promise<Map<string, number>> {
  const rows = await q.query<{ id: number; code: string }>(
    'SELECT id, code FROM event_category WHERE code = ANY($1::text[])',
    [codes],
  );
  return new Map(rows.map((r) => [r.code, r.id]));
}

/** Inserts the category row at version 1; undefined when the code is taken. */
export async function insertCategory(q: Queryable, code: string, at: Date): Promise<number | undefined> {
  const rows = await q.query<{ id: number }>(
    `INSERT INTO event_category (code, current_version, created_at) VALUES ($1, 1, $2)
     ON CONFLICT (code) DO NOTHING RETURNING id`,
    [code, at],
  );
  return rows[0]?.id;
}

/** Moves the current version from `expected` to `expected + 1`; false when someone moved it first. */
export async function bumpVersion(q: Queryable, id: number, expected: number): Promise<boolean> {
  const rows = await q.query(
    'UPDATE event_category SET current_version = current_version + 1 WHERE id = $1 AND current_version = $2 RETURNING id',
    [id, expected],
  );
  return rows.length === 1;
}

export interface NewVersion {
  categoryId: number;
  version: number;
  parentId: number | null;
  nameZh: string;
  nameEn: string;
  description: { zh: string; en: string } | null;
  handledBy: string;
  departmentCode: string | null;
  deadlineHours: number;
  workingHours: boolean;
  priority: string;
  questions: unknown[];
  keywords: string[];
  active: boolean;
  createdAt: Date;
  createdBy: string;
}

export async function insertVersion(q: Queryable, v: NewVersion): Promise<void> {
  await q.query(
    `INSERT INTO event_category_version (category_id, version, parent_id, name_zh, name_en, description,
       handled_by, department_code, deadline_hours, working_hours, priority, questions, keywords, active,
       created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12::jsonb, $13::text[], $14, $15, $16)`,
    [
      v.categoryId,
      v.version,
      v.parentId,
      v.nameZh,
      v.nameEn,
      v.description === null ? null : JSON.stringify(v.description),
      v.handledBy,
      v.departmentCode,
      v.deadlineHours,
      v.workingHours,
      v.priority,
      JSON.stringify(v.questions),
      v.keywords,
      v.active,
      v.createdAt,
      v.createdBy,
    ],
  );
}
