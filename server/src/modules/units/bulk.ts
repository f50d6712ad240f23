// Bulk writes: units (import and seed), departments, police beats, people and their assignments.
// Each is validated in full first (every defect reported), then written in ONE transaction in batches
// through unnest, with one summary audit entry. All or nothing.
import type { Db, Queryable } from '../../db/index.js';
import { HttpErrors } from '../../http/errors.js';
import type { Actor } from '../access/actor.js';
import type { AuditService } from '../access/audit.js';
import { UnitErrors } from './errors.js';
import { derive } from './geo.js';
import {
  type Candidate,
  type ExistingUnit,
  type ImportProblem,
  parentsFirst,
  readFields,
  validateCandidates,
} from './import.js';
import { unitPolicy } from './policy.js';
import * as repo from './repository.js';
import { CODE_RE, DUTIES, type Duty, type NewUnit } from './schema.js';

const UNIT_BATCH = 2000;
const ROW_BATCH = 5000;

export type Progress = (done: number, total: number) => void;

export function requireAdmin(actor: Actor) {
  if (actor.kind === 'anonymous') HttpErrors.unauthenticated.raise();
  if (!unitPolicy.create(actor, []))
    HttpErrors.forbidden.raise('Only administrators may write units in bulk');
}

function refuseOutOfScope(actor: Actor, paths: Iterable<string>) {
  if (!unitPolicy.bulkWrite(actor, paths))
    HttpErrors.forbidden.raise('Some of these units lie outside your scope');
}

/** Turns callers' NewUnit objects into candidates through the same field checks as a file. */
export function candidatesOf(units: NewUnit[], problems: ImportProblem[]): Candidate[] {
  return units.map((u, index) => {
    const c = readFields(
      { index },
      {
        code: u.code,
        name: u.name,
        level: u.level,
        parent_code: u.parentCode,
        population: u.population,
        households: u.households,
        grid_kind: u.gridKind,
      },
      problems,
    );
    if (u.boundary) c.unit.boundary = u.boundary;
    return c;
  });
}

export async function insertUnitCandidates(
  db: Db,
  audit: AuditService,
  actor: Actor,
  candidates: Candidate[],
  problems: ImportProblem[],
  opts: { onProgress?: Progress | undefined; shapes?: boolean | undefined; action: string },
): Promise<{ inserted: number }> {
  requireAdmin(actor);
  if (candidates.length === 0 && problems.length === 0) return { inserted: 0 };
  return uniqueViolationAsConflict(() =>
    db.tx(async (q) => {
      const codes = candidates.map((c) => c.unit.code).filter(Boolean);
      const parentCodes = [
        ...new Set(candidates.map((c) => c.unit.parentCode).filter((c): c is string => !!c)),
      ];
      const rows = await repo.existingForImport(q, codes.concat(parentCodes), parentCodes);
      const existing = new Map<string, ExistingUnit>(
        rows.map((r) => [r.code, { code: r.code, level: r.level, boundary: r.boundary }]),
      );
      problems.push(...validateCandidates(candidates, existing, { shapes: opts.shapes ?? true }));
      if (problems.length) {
        UnitErrors.importInvalid.raise(`${problems.length} problem(s); nothing was imported`, {
          errors: sortProblems(problems),
        });
      }

      // ids, paths and counties, parents first
      const ordered = parentsFirst(candidates);
      const total = ordered.length;
      const ids = await repo.allocateIds(q, 'unit', total);
      const known = new Map(rows.map((r) => [r.code, { id: r.id, path: r.path, countyCode: r.county_code }]));
      const inserts = ordered.map((c, i): repo.UnitInsert => {
        const u = c.unit;
        const parent = u.parentCode ? known.get(u.parentCode)! : null;
        const path = `${parent?.path ?? '/'}${u.code}/`;
        const countyCode = u.level === 'county' ? u.code : (parent?.countyCode ?? null);
        known.set(u.code, { id: ids[i]!, path, countyCode });
        return {
          id: ids[i]!,
          code: u.code,
          name: u.name,
          level: u.level,
          parentId: parent?.id ?? null,
          path,
          countyCode,
          gridKind: u.level === 'grid' ? (u.gridKind ?? 'general') : null,
          population: u.population ?? null,
          households: u.households ?? null,
          boundary: null,
          areaM2: null,
          centroid: null,
          bbox: null,
        };
      });
      refuseOutOfScope(
        actor,
        inserts.map((r) => r.path),
      );

      for (let start = 0; start < total; start += UNIT_BATCH) {
        const batch = inserts.slice(start, start + UNIT_BATCH).map((r, k) => {
          const b = ordered[start + k]!.unit.boundary;
          if (!b) return r;
          const d = derive(b);
          return { ...r, boundary: JSON.stringify(b), areaM2: d.areaM2, centroid: d.centroid, bbox: d.bbox };
        });
        await repo.insertUnits(q, batch);
        opts.onProgress?.(Math.min(start + UNIT_BATCH, total), total);
      }
      await repo.bumpTreeVersion(q);
      await audit.record(q, {
        actor,
        action: opts.action,
        entityType: 'unit',
        entityId: null,
        unitId: null,
        unitPath: commonPath(inserts.map((r) => r.path)),
        after: {
          inserted: total,
          byLevel: countBy(ordered.map((c) => c.unit.level)),
          roots: rootsOf(ordered),
        },
      });
      return { inserted: total };
    }),
  );
}

/** A concurrent writer took a code between our check and our insert: ask the caller to retry. */
async function uniqueViolationAsConflict<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if ((e as { code?: unknown }).code === '23505') {
      HttpErrors.conflict.raise('A unit with one of these codes was created meanwhile; try again');
    }
    throw e;
  }
}

/** The deepest path every one of these paths lies under ('/' at worst). */
export function commonPath(paths: string[]): string {
  if (paths.length === 0) return '/';
  let prefix = paths[0]!;
  for (const p of paths) {
    while (!p.startsWith(prefix)) prefix = prefix.slice(0, prefix.lastIndexOf('/', prefix.length - 2) + 1);
  }
  return prefix || '/';
}

function rootsOf(cands: Candidate[]): string[] {
  const inBatch = new Set(cands.map((c) => c.unit.code));
  return cands
    .filter((c) => !c.unit.parentCode || !inBatch.has(c.unit.parentCode))
    .slice(0, 20)
    .map((c) => c.unit.code);
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

export function sortProblems(ps: ImportProblem[]): ImportProblem[] {
  const key = (p: ImportProblem) => p.feature ?? p.line ?? p.index ?? -1;
  return [...ps].sort((a, b) => key(a) - key(b));
}

type RowProblem = { index: number; field?: string; message: string };

function fail(problems: RowProblem[]): never {
  return UnitErrors.invalidRecords.raise(`${problems.length} problem(s); nothing was written`, {
    errors: problems,
  });
}

async function unitRefs(q: Queryable, codes: string[]) {
  const rows = await repo.refsByCodes(q, [...new Set(codes)]);
  return new Map(rows.map((r) => [r.code, r]));
}

export async function insertDepartments(
  db: Db,
  audit: AuditService,
  actor: Actor,
  deps: { code: string; name: string; unitCode: string }[],
) {
  requireAdmin(actor);
  const units = await unitRefs(
    db,
    deps.map((d) => d.unitCode),
  );
  const taken = new Set(
    await repo.departmentCodesTaken(
      db,
      'department',
      deps.map((d) => d.code),
    ),
  );
  const problems = checkCodes(deps, taken);
  deps.forEach((d, index) => {
    if (!units.has(d.unitCode))
      problems.push({ index, field: 'unitCode', message: `unknown unit ${d.unitCode}` });
  });
  if (problems.length) fail(problems);
  refuseOutOfScope(
    actor,
    deps.map((d) => units.get(d.unitCode)!.path),
  );
  await db.tx(async (q) => {
    for (let s = 0; s < deps.length; s += ROW_BATCH) {
      await repo.insertDepartments(
        q,
        deps.slice(s, s + ROW_BATCH).map((d) => {
          const u = units.get(d.unitCode)!;
          return { code: d.code, name: d.name, unitId: u.id, countyCode: u.county_code };
        }),
      );
    }
    await audit.record(q, {
      actor,
      action: 'department.bulk_insert',
      entityType: 'department',
      after: { inserted: deps.length },
    });
  });
}

export async function insertPoliceBeats(
  db: Db,
  audit: AuditService,
  actor: Actor,
  beats: { code: string; name: string; stationName: string; unitCode: string; gridCodes: string[] }[],
) {
  requireAdmin(actor);
  const units = await unitRefs(
    db,
    beats.flatMap((b) => [b.unitCode, ...b.gridCodes]),
  );
  const taken = new Set(
    await repo.departmentCodesTaken(
      db,
      'police_beat',
      beats.map((b) => b.code),
    ),
  );
  const problems = checkCodes(beats, taken);
  beats.forEach((b, index) => {
    if (!b.stationName?.trim())
      problems.push({ index, field: 'stationName', message: 'stationName is missing' });
    if (!units.has(b.unitCode))
      problems.push({ index, field: 'unitCode', message: `unknown unit ${b.unitCode}` });
    for (const g of b.gridCodes) {
      const u = units.get(g);
      if (u?.level !== 'grid') problems.push({ index, field: 'gridCodes', message: `${g} is not a grid` });
    }
  });
  if (problems.length) fail(problems);
  refuseOutOfScope(
    actor,
    beats.flatMap((b) => [b.unitCode, ...b.gridCodes].map((c) => units.get(c)!.path)),
  );
  await db.tx(async (q) => {
    const ids = await repo.allocateIds(q, 'police_beat', beats.length);
    const rows = beats.map((b, i) => {
      const u = units.get(b.unitCode)!;
      return {
        id: ids[i]!,
        code: b.code,
        name: b.name,
        stationName: b.stationName,
        unitId: u.id,
        countyCode: u.county_code,
      };
    });
    const links = beats.flatMap((b, i) =>
      [...new Set(b.gridCodes)].map((g) => ({ beatId: ids[i]!, gridId: units.get(g)!.id })),
    );
    await repo.insertPoliceBeats(q, rows, links);
    await audit.record(q, {
      actor,
      action: 'police_beat.bulk_insert',
      entityType: 'police_beat',
      after: { inserted: beats.length },
    });
  });
}

function checkCodes(items: { code: string; name: string }[], taken: Set<string>): RowProblem[] {
  const problems: RowProblem[] = [];
  const seen = new Set<string>();
  items.forEach((d, index) => {
    if (!CODE_RE.test(d.code))
      problems.push({ index, field: 'code', message: 'code is not 1–32 letters, digits or hyphens' });
    else if (seen.has(d.code) || taken.has(d.code))
      problems.push({ index, field: 'code', message: `duplicate code ${d.code}` });
    seen.add(d.code);
    if (!d.name?.trim()) problems.push({ index, field: 'name', message: 'name is missing' });
  });
  return problems;
}

export interface NewPerson {
  name: string;
  phone?: string | null | undefined;
  assignments: { unitCode: string; duty: Duty; rank: number }[];
}

const PHONE_RE = /^[0-9+ -]{5,20}$/;

export async function insertPeople(
  db: Db,
  audit: AuditService,
  actor: Actor,
  people: NewPerson[],
  onProgress?: Progress,
): Promise<number[]> {
  requireAdmin(actor);
  const units = await unitRefs(
    db,
    people.flatMap((p) => p.assignments.map((a) => a.unitCode)),
  );
  const problems: RowProblem[] = [];
  people.forEach((p, index) => {
    if (!p.name?.trim() || p.name.length > 100)
      problems.push({ index, field: 'name', message: 'name is missing or too long' });
    if (p.phone && !PHONE_RE.test(p.phone))
      problems.push({ index, field: 'phone', message: 'phone is not valid' });
    const seen = new Set<string>();
    for (const a of p.assignments) {
      if (!units.has(a.unitCode))
        problems.push({ index, field: 'assignments', message: `unknown unit ${a.unitCode}` });
      if (!(DUTIES as readonly string[]).includes(a.duty))
        problems.push({ index, field: 'assignments', message: `unknown duty ${a.duty}` });
      if (!Number.isInteger(a.rank) || a.rank < 1 || a.rank > 99)
        problems.push({ index, field: 'assignments', message: 'rank must be 1–99' });
      const key = `${a.unitCode}/${a.duty}`;
      if (seen.has(key))
        problems.push({
          index,
          field: 'assignments',
          message: `assigned twice as ${a.duty} to ${a.unitCode}`,
        });
      seen.add(key);
    }
  });
  if (problems.length) fail(problems);
  refuseOutOfScope(
    actor,
    people.flatMap((p) => p.assignments.map((a) => units.get(a.unitCode)!.path)),
  );
  return db.tx(async (q) => {
    const ids = await repo.allocateIds(q, 'person', people.length);
    for (let s = 0; s < people.length; s += ROW_BATCH) {
      const slice = people.slice(s, s + ROW_BATCH);
      await repo.insertPersons(
        q,
        slice.map((p, k) => ({
          id: ids[s + k]!,
          name: p.name.trim(),
          phone: p.phone ?? null,
          countyCode: p.assignments[0] ? (units.get(p.assignments[0].unitCode)!.county_code ?? null) : null,
        })),
      );
      const assignments = slice.flatMap((p, k) =>
        p.assignments.map((a) => ({
          unitId: units.get(a.unitCode)!.id,
          personId: ids[s + k]!,
          duty: a.duty,
          rank: a.rank,
        })),
      );
      if (assignments.length) await repo.insertAssignments(q, assignments);
      onProgress?.(Math.min(s + ROW_BATCH, people.length), people.length);
    }
    await audit.record(q, {
      actor,
      action: 'person.bulk_insert',
      entityType: 'person',
      after: { inserted: people.length },
    });
    return ids;
  });
}
