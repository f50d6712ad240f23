// Reading a hazard list file (pure): the columns by their Chinese or English headings, and each row's
// values checked for shape (severity, source, coordinates, dates, lengths). What needs the database (the
// taxonomy's domains and aspects, locating, scope, places, tracking numbers already recorded) is checked by
// HazardsService.importFile. The file itself is read by lib/table-reader.ts. The export writes these
// headings first, so an exported list is an import file (its tracking numbers are refused as recorded).
import {
  type ColumnSpec,
  type ColumnMap as Columns,
  headingIndex,
  mapColumns as mapTableColumns,
  readPoint,
  readRows,
} from '../../lib/table-columns.js';
import { type Cell, type Crs, cellText, type RowError } from '../../lib/table-reader.js';
import { SEVERITIES, SEVERITY_LABELS, type Severity } from './domain/severity.js';
import { HAZARD_SOURCES, type HazardSource, MAX_DESCRIPTION } from './schema.js';

export const FIELDS = [
  'tracking_no',
  'domain',
  'aspect',
  'severity',
  'description',
  'rule_broken',
  'source',
  'lng',
  'lat',
  'crs',
  'address',
  'place',
  'found_on',
  'closed_on',
] as const;
export type Field = (typeof FIELDS)[number];

/** Each field's heading as the export writes it (first), and the other headings accepted. */
export const COLUMN_NAMES: Record<Field, readonly string[]> = {
  tracking_no: ['隐患编号', '编号', 'tracking_no'],
  domain: ['领域', '隐患领域', '行业领域', 'domain'],
  aspect: ['类别', '隐患类别', '隐患类型', 'aspect'],
  severity: ['等级', '隐患等级', 'severity'],
  description: ['隐患描述', '描述', '隐患内容', '问题描述', 'description'],
  rule_broken: ['违反条款', '违反规定', '依据', 'rule_broken'],
  source: ['来源', '发现方式', 'source'],
  lng: ['经度', 'lng', 'lon', 'longitude'],
  lat: ['纬度', 'lat', 'latitude'],
  crs: ['坐标系', 'crs'],
  address: ['地址', '详细地址', 'address'],
  place: ['场所编号', 'place', 'place_id'],
  found_on: ['发现日期', '发现时间', '上报日期', 'found_on'],
  closed_on: ['销号日期', '销号时间', 'closed_on'],
};
/** The header row is the one naming a description column; without the required columns (coordinates too:
 * there is no geocoder) nothing can be imported. */
const SPEC: ColumnSpec<Field> = {
  fields: FIELDS,
  names: COLUMN_NAMES,
  marker: 'description',
  required: ['domain', 'aspect', 'severity', 'description', 'lng', 'lat'],
};
export const MAX_RULE = 500;
export const MAX_ADDRESS = 300;

const HEADING_TO_FIELD = headingIndex(SPEC);

const SEVERITY_BY_WORD = new Map<string, Severity>(
  SEVERITIES.flatMap((s) => [
    [s, s] as const,
    [SEVERITY_LABELS[s].zh, s] as const,
    [`${SEVERITY_LABELS[s].zh}隐患`, s] as const,
  ]),
);
const SOURCE_WORDS: Record<HazardSource, readonly string[]> = {
  report: ['上报', '排查', '网格上报', '群众举报'],
  covert: ['暗访', '暗查暗访'],
  self: ['自查', '企业自查'],
  inspection: ['检查', '执法检查', '部门检查', '督查'],
};
const SOURCE_BY_WORD = new Map<string, HazardSource>(
  HAZARD_SOURCES.flatMap((s) => [[s, s] as const, ...SOURCE_WORDS[s].map((w) => [w, s] as const)]),
);

const norm = (c: Cell) => cellText(c).normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '');

export function parseSeverity(c: Cell): Severity | null {
  return SEVERITY_BY_WORD.get(norm(c)) ?? null;
}
export function parseSource(c: Cell): HazardSource | null {
  return SOURCE_BY_WORD.get(norm(c)) ?? null;
}

/** A local date as YYYY-MM-DD from a date cell (Excel) or text 2026-11-23, 2026/11/23, 2026.11.23, 2026年11月23日. */
export function parseLocalDate(c: Cell): string | null {
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? null : c.toISOString().slice(0, 10);
  const s = cellText(c).normalize('NFKC').trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$/.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

export type ColumnMap = Columns<Field>;

/** Finds the header row (the first of the top rows naming a description column) and maps its columns. */
export function mapColumns(rows: Cell[][]): { map: ColumnMap; errors: RowError[] } {
  return mapTableColumns(rows, SPEC, HEADING_TO_FIELD);
}

/** A row read from the file; each field present only when it was valid. */
export interface ParsedRow {
  row: number;
  trackingNo?: string;
  domain?: string;
  aspect?: string;
  severity?: Severity;
  description?: string;
  ruleBroken?: string | null;
  source?: HazardSource;
  point?: { lng: number; lat: number; crs: Crs };
  address?: string | null;
  placeId?: number | null;
  foundOn?: string | null;
  closedOn?: string | null;
}

export interface ParsedTable {
  map: ColumnMap;
  rows: ParsedRow[];
  errors: RowError[];
}

/** Reads every data row below the header; rows whose known columns are all empty are skipped. */
export function parseRows(rows: Cell[][]): ParsedTable {
  return readRows(rows, SPEC, HEADING_TO_FIELD, (c) => {
    const { cell, column, fail, text } = c;
    const r: ParsedRow = { row: c.row };
    const required = (f: Field, what: string): string | undefined => {
      const s = cellText(cell(f));
      if (!s) fail(f, 'missing_value', `“${column(f)}”为空 / The ${what} is empty`);
      return s || undefined;
    };

    const tn = cellText(cell('tracking_no'));
    if (tn) r.trackingNo = tn;
    const domain = required('domain', 'domain');
    if (domain) r.domain = domain;
    const aspect = required('aspect', 'aspect');
    if (aspect) r.aspect = aspect;
    const sev = required('severity', 'severity');
    if (sev) {
      const s = parseSeverity(cell('severity'));
      if (s) r.severity = s;
      else
        fail(
          'severity',
          'invalid_severity',
          `“${sev}”不是隐患等级（一般、较大、重大）/ Not a severity: general, major or critical`,
        );
    }
    const description = text('description', MAX_DESCRIPTION);
    if (description === null)
      fail('description', 'missing_value', `“${column('description')}”为空 / The description is empty`);
    else if (description !== undefined) r.description = description;
    const rule = text('rule_broken', MAX_RULE);
    if (rule !== undefined) r.ruleBroken = rule;
    const address = text('address', MAX_ADDRESS);
    if (address !== undefined) r.address = address;

    const src = cellText(cell('source'));
    if (!src) r.source = 'report';
    else {
      const s = parseSource(cell('source'));
      if (s) r.source = s;
      else
        fail(
          'source',
          'invalid_source',
          `“${src}”不是发现方式（上报、暗访、自查、检查）/ Not a source: report, covert, self or inspection`,
        );
    }

    const place = cellText(cell('place'));
    if (!place) r.placeId = null;
    else if (/^[1-9]\d{0,14}$/.test(place)) r.placeId = Number(place);
    else fail('place', 'unknown_place', `“${place}”不是场所编号 / Not a place number`);

    for (const f of ['found_on', 'closed_on'] as const) {
      const t = cellText(cell(f));
      if (!t) {
        r[f === 'found_on' ? 'foundOn' : 'closedOn'] = null;
        continue;
      }
      const d = parseLocalDate(cell(f));
      if (d) r[f === 'found_on' ? 'foundOn' : 'closedOn'] = d;
      else fail(f, 'invalid_date', `“${t}”不是日期（如 2026-11-23）/ Not a date YYYY-MM-DD`);
    }

    const point = readPoint(c, 'hazard');
    if (point) r.point = point;
    return r;
  });
}
