// Reading and checking units to import, from GeoJSON (with shapes) or CSV (without). Pure: the
// service supplies what the database already holds; this file reports EVERY defect, each with its
// feature index or CSV line, so that a whole file can be fixed in one pass.
import { parse as parseCsvText } from 'csv-parse/sync';
import {
  type Boundary,
  bboxesDisjoint,
  bboxOf,
  CONTAINMENT_TOLERANCE,
  outsideShare,
  selfIntersections,
  structuralDefects,
} from './geo.js';
import {
  CODE_RE,
  GRID_KINDS,
  type GridKind,
  LEVEL_DEPTH,
  LEVELS,
  type Level,
  type NewUnit,
} from './schema.js';

export interface ImportProblem {
  /** Index of the feature in the FeatureCollection's `features` array (from 0). */
  feature?: number;
  /** Line of the CSV file (the header is line 1). */
  line?: number;
  /** Position in the array given to UnitsService.insertUnits (from 0). */
  index?: number;
  code?: string;
  field?: string;
  message: string;
}

export type Ref = { feature: number } | { line: number } | { index: number };

/** A unit read from a file (or given by a caller), with where it came from. */
export interface Candidate {
  ref: Ref;
  unit: NewUnit;
  /** False when anything is wrong with it: the row still takes part in duplicate and parent checks. */
  ok: boolean;
  /** Fields found invalid while reading; checks that depend on them are skipped. */
  badFields?: string[];
}

/** What the database already knows about a code the file mentions. */
export interface ExistingUnit {
  code: string;
  level: Level;
  boundary: Boundary | null;
}

export const CSV_COLUMNS = [
  'code',
  'name',
  'level',
  'parent_code',
  'population',
  'households',
  'grid_kind',
] as const;
const REQUIRED_COLUMNS = ['code', 'name', 'level', 'parent_code'];

export interface ParseResult {
  candidates: Candidate[];
  problems: ImportProblem[];
}

export function problemAt(
  ref: Ref,
  message: string,
  extra: Omit<ImportProblem, 'message'> = {},
): ImportProblem {
  const where =
    'feature' in ref ? { feature: ref.feature } : 'line' in ref ? { line: ref.line } : { index: ref.index };
  return { ...where, ...extra, message };
}

export function parseGeoJSON(content: string): ParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (e) {
    return { candidates: [], problems: [{ message: `not valid JSON: ${(e as Error).message}` }] };
  }
  const fc = doc as { type?: unknown; features?: unknown };
  if (
    typeof doc !== 'object' ||
    doc === null ||
    fc.type !== 'FeatureCollection' ||
    !Array.isArray(fc.features)
  ) {
    return {
      candidates: [],
      problems: [{ message: 'expected a GeoJSON FeatureCollection with a features array' }],
    };
  }
  const candidates: Candidate[] = [];
  const problems: ImportProblem[] = [];
  fc.features.forEach((f: unknown, i: number) => {
    const ref = { feature: i };
    const feat = f as { type?: unknown; properties?: unknown; geometry?: unknown };
    if (typeof f !== 'object' || f === null || feat.type !== 'Feature') {
      problems.push(problemAt(ref, 'not a GeoJSON Feature'));
      return;
    }
    const props = (
      typeof feat.properties === 'object' && feat.properties !== null ? feat.properties : {}
    ) as Record<string, unknown>;
    const geometry = feat.geometry ?? null;
    const c = readFields(ref, props, problems);
    if (geometry !== null) {
      const defects = structuralDefects(geometry);
      for (const d of defects) problems.push(problemAt(ref, `invalid polygon: ${d}`, codeOf(c, 'geometry')));
      if (defects.length === 0) c.unit.boundary = geometry as Boundary;
      else {
        c.ok = false;
        c.badFields = [...(c.badFields ?? []), 'geometry'];
      }
    }
    candidates.push(c);
  });
  return { candidates, problems };
}

export function parseCsv(content: string): ParseResult {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsvText(content, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
    }) as unknown as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    return {
      candidates: [],
      problems: [{ ...(err.lines ? { line: err.lines } : {}), message: err.message }],
    };
  }
  const [header, ...rows] = records;
  if (!header) return { candidates: [], problems: [{ line: 1, message: 'the file is empty' }] };
  const columns = header.record.map((h) => h.toLowerCase());
  const problems: ImportProblem[] = [];
  for (const col of columns) {
    if (!(CSV_COLUMNS as readonly string[]).includes(col)) {
      problems.push({ line: header.info.lines, field: col, message: `unknown column '${col}'` });
    }
  }
  for (const col of REQUIRED_COLUMNS) {
    if (!columns.includes(col)) problems.push({ line: 1, field: col, message: `missing column '${col}'` });
  }
  if (problems.length) return { candidates: [], problems };
  const candidates: Candidate[] = [];
  for (const { record, info } of rows) {
    const ref = { line: info.lines };
    if (record.length !== columns.length) {
      problems.push(problemAt(ref, `has ${record.length} values; the header has ${columns.length} columns`));
      continue;
    }
    const props: Record<string, unknown> = {};
    columns.forEach((col, i) => {
      props[col] = record[i] === '' ? null : record[i];
    });
    candidates.push(readFields(ref, props, problems));
  }
  return { candidates, problems };
}

/** Checks the fields of one unit and turns them into a candidate. */
export function readFields(ref: Ref, p: Record<string, unknown>, problems: ImportProblem[]): Candidate {
  const badFields: string[] = [];
  const bad = (field: string, message: string, code?: string) => {
    badFields.push(field);
    problems.push(problemAt(ref, message, { ...(code ? { code } : {}), field }));
  };
  const code = typeof p.code === 'number' ? String(p.code) : p.code;
  const validCode = typeof code === 'string' && CODE_RE.test(code);
  if (!validCode) bad('code', 'code is missing or not 1–32 letters, digits or hyphens');
  const c = validCode ? (code as string) : undefined;
  const name = typeof p.name === 'string' ? p.name.trim() : '';
  if (name.length < 1 || name.length > 100) bad('name', 'name is missing or longer than 100 characters', c);
  const level = p.level;
  const validLevel = typeof level === 'string' && (LEVELS as readonly string[]).includes(level);
  if (!validLevel) bad('level', `level must be one of ${LEVELS.join(', ')}`, c);
  const rawParent = typeof p.parent_code === 'number' ? String(p.parent_code) : p.parent_code;
  let parentCode: string | null = null;
  if (rawParent !== undefined && rawParent !== null && rawParent !== '') {
    if (typeof rawParent === 'string' && CODE_RE.test(rawParent)) parentCode = rawParent;
    else bad('parent_code', 'parent_code is not a valid code', c);
  }
  const count = (field: 'population' | 'households'): number | null => {
    const v = p[field];
    if (v === undefined || v === null || v === '') return null;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 0 || n > 2_147_483_647) {
      bad(field, `${field} must be a whole number ≥ 0`, c);
      return null;
    }
    return n;
  };
  const population = count('population');
  const households = count('households');
  let gridKind: GridKind | undefined;
  const gk = p.grid_kind;
  if (gk !== undefined && gk !== null && gk !== '') {
    if (!(GRID_KINDS as readonly unknown[]).includes(gk))
      bad('grid_kind', `grid_kind must be general or dedicated`, c);
    else if (level !== 'grid') bad('grid_kind', 'grid_kind is only for units of level grid', c);
    else gridKind = gk as GridKind;
  } else if (level === 'grid') gridKind = 'general';
  return {
    ref,
    ok: badFields.length === 0,
    badFields,
    unit: {
      code: c ?? '',
      name,
      level: (validLevel ? level : 'city') as Level,
      parentCode,
      ...(gridKind ? { gridKind } : {}),
      population,
      households,
      boundary: null,
    },
  };
}

function codeOf(c: Candidate, field?: string): Omit<ImportProblem, 'message'> {
  return { ...(c.unit.code ? { code: c.unit.code } : {}), ...(field ? { field } : {}) };
}

export interface ValidateOptions {
  /** Run the expensive shape checks (self-intersection, containment). Default true. */
  shapes?: boolean;
}

/**
 * Checks candidates against each other and against the database: duplicate codes, unknown parents,
 * level order, self-intersecting shapes, children reaching outside their parent. Returns every problem.
 */
export function validateCandidates(
  candidates: Candidate[],
  existing: ReadonlyMap<string, ExistingUnit>,
  opts: ValidateOptions = {},
): ImportProblem[] {
  const problems: ImportProblem[] = [];
  const firstByCode = new Map<string, Candidate>();
  for (const c of candidates) {
    const code = c.unit.code;
    if (!code) continue;
    const first = firstByCode.get(code);
    if (first) {
      problems.push(
        problemAt(c.ref, `duplicate code ${code}: also at ${describeRef(first.ref)}`, codeOf(c, 'code')),
      );
      c.ok = false;
    } else firstByCode.set(code, c);
    if (existing.has(code)) {
      problems.push(
        problemAt(c.ref, `duplicate code ${code}: a unit with this code already exists`, codeOf(c, 'code')),
      );
      c.ok = false;
    }
  }
  const shapes = opts.shapes ?? true;
  if (shapes) {
    for (const c of candidates) {
      if (!c.unit.boundary) continue;
      const kinks = selfIntersections(c.unit.boundary);
      if (kinks.length === 0) continue;
      const at = kinks[0]!;
      problems.push(
        problemAt(
          c.ref,
          `self-intersecting polygon: crosses itself at ${kinks.length} point(s), first near ${at[0]}, ${at[1]}`,
          codeOf(c, 'geometry'),
        ),
      );
      c.ok = false;
      c.badFields = [...(c.badFields ?? []), 'geometry'];
    }
  }
  for (const c of candidates) {
    const u = c.unit;
    if (u.parentCode === null) continue;
    const inFile = firstByCode.get(u.parentCode);
    const inDb = existing.get(u.parentCode);
    const parent = inFile
      ? {
          level: inFile.unit.level,
          boundary: inFile.badFields?.includes('geometry') ? null : (inFile.unit.boundary ?? null),
          known: !inFile.badFields?.includes('level'),
        }
      : inDb
        ? { level: inDb.level, boundary: inDb.boundary, known: true }
        : null;
    if (!parent) {
      problems.push(
        problemAt(
          c.ref,
          `unknown parent ${u.parentCode}: neither in the file nor in the database`,
          codeOf(c, 'parent_code'),
        ),
      );
      c.ok = false;
      continue;
    }
    // a parent or child whose level is unreadable has its own problem already; do not pile on
    if (!parent.known || c.badFields?.includes('level')) continue;
    if (LEVEL_DEPTH[u.level] !== LEVEL_DEPTH[parent.level] + 1) {
      const expected = LEVELS[LEVEL_DEPTH[parent.level] + 1];
      problems.push(
        problemAt(
          c.ref,
          `wrong level order: a ${u.level} cannot be a child of a ${parent.level}` +
            (expected ? ` (its children are ${expected})` : ''),
          codeOf(c, 'level'),
        ),
      );
      c.ok = false;
      continue;
    }
    if (shapes && u.boundary && parent.boundary && !c.badFields?.includes('geometry')) {
      const share = containmentExcess(u.boundary, parent.boundary);
      if (share > CONTAINMENT_TOLERANCE) {
        problems.push(
          problemAt(
            c.ref,
            `outside its parent ${u.parentCode}: ${(share * 100).toFixed(1)}% of its area lies outside (tolerance ${CONTAINMENT_TOLERANCE * 100}%)`,
            codeOf(c, 'geometry'),
          ),
        );
        c.ok = false;
      }
    }
  }
  return problems;
}

function containmentExcess(child: Boundary, parent: Boundary): number {
  if (bboxesDisjoint(bboxOf(child), bboxOf(parent))) return 1;
  try {
    return outsideShare(child, parent);
  } catch {
    return 1; // the clipper could not make sense of the shapes: treat as outside
  }
}

/** One line for a person reading the defects, e.g. `line 7 (code 330304001, field level): …`. */
export function describeProblem(p: ImportProblem): string {
  const where =
    p.feature !== undefined
      ? `feature ${p.feature}`
      : p.line !== undefined
        ? `line ${p.line}`
        : p.index !== undefined
          ? `item ${p.index}`
          : 'file';
  const what = [p.code ? `code ${p.code}` : '', p.field ? `field ${p.field}` : ''].filter(Boolean).join(', ');
  return `${where}${what ? ` (${what})` : ''}: ${p.message}`;
}

export function describeRef(ref: Ref): string {
  return 'feature' in ref
    ? `feature ${ref.feature}`
    : 'line' in ref
      ? `line ${ref.line}`
      : `item ${ref.index}`;
}

/** Orders units so that every parent comes before its children (levels are strictly ordered). */
export function parentsFirst<T extends { unit: NewUnit }>(items: T[]): T[] {
  return [...items].sort((a, b) => LEVEL_DEPTH[a.unit.level] - LEVEL_DEPTH[b.unit.level]);
}
