// Reading a hazard list file (pure): the columns by their Chinese or English headings, and each row's
// values checked for shape (severity, source, coordinates, dates, lengths). What needs the database (the
// taxonomy's domains and aspects, locating, scope, places, tracking numbers already recorded) is checked by
// HazardsService.importFile. The file itself is read by lib/table-reader.ts. The export writes these
// headings first, so an exported list is an import file (its tracking numbers are refused as recorded).
import {
  type Cell,
  type Crs,
  cellText,
  normalizeHeading,
  parseCrs,
  parseNumber,
  type RowError,
} from '../../lib/table-reader.js';
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
/** Without these nothing can be imported (coordinates too: there is no geocoder). */
const REQUIRED_COLUMNS: readonly Field[] = ['domain', 'aspect', 'severity', 'description', 'lng', 'lat'];
/** Where the header row may be: an exported list often has a title row or two above it. */
const HEADER_SEARCH_ROWS = 10;
export const MAX_RULE = 500;
export const MAX_ADDRESS = 300;

const HEADING_TO_FIELD = new Map<string, Field>(
  FIELDS.flatMap((f) => COLUMN_NAMES[f].map((n) => [normalizeHeading(n), f] as const)),
);

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

export interface ColumnMap {
  headerRow: number;
  fields: Partial<Record<Field, { index: number; heading: string }>>;
  ignored: string[];
}

/** Finds the header row (the first of the top rows naming a description column) and maps its columns. */
export function mapColumns(rows: Cell[][]): { map: ColumnMap; errors: RowError[] } {
  const errors: RowError[] = [];
  let at = rows
    .slice(0, HEADER_SEARCH_ROWS)
    .findIndex((r) =>
      r.some((c) => typeof c === 'string' && HEADING_TO_FIELD.get(normalizeHeading(c)) === 'description'),
    );
  if (at < 0) at = rows.findIndex((r) => r.some((c) => cellText(c) !== ''));
  if (at < 0) at = 0;
  const map: ColumnMap = { headerRow: at + 1, fields: {}, ignored: [] };
  for (const [index, c] of (rows[at] ?? []).entries()) {
    const heading = cellText(c);
    if (!heading) continue;
    const field = HEADING_TO_FIELD.get(normalizeHeading(heading));
    if (!field) {
      map.ignored.push(heading);
      continue;
    }
    const seen = map.fields[field];
    if (seen)
      errors.push({
        row: at + 1,
        column: heading,
        code: 'duplicate_column',
        message: `两列都表示“${COLUMN_NAMES[field][0]}” / Two columns mean ${field}: "${seen.heading}" and "${heading}"`,
      });
    else map.fields[field] = { index, heading };
  }
  for (const f of REQUIRED_COLUMNS) {
    if (!map.fields[f])
      errors.push({
        row: at + 1,
        column: COLUMN_NAMES[f][0],
        code: 'missing_column',
        message: `缺少“${COLUMN_NAMES[f][0]}”列 / No column ${f}`,
      });
  }
  return { map, errors };
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
  const { map, errors } = mapColumns(rows);
  const out: ParsedRow[] = [];
  if (errors.length) return { map, rows: out, errors };
  const known = Object.values(map.fields).map((f) => f.index);
  for (let i = map.headerRow; i < rows.length; i++) {
    const cells = rows[i] ?? [];
    if (known.every((k) => cellText(cells[k]) === '')) continue;
    const rowNo = i + 1;
    const r: ParsedRow = { row: rowNo };
    const cell = (f: Field): Cell => {
      const col = map.fields[f];
      return col ? (cells[col.index] ?? null) : null;
    };
    const column = (f: Field) => map.fields[f]?.heading ?? COLUMN_NAMES[f][0]!;
    const fail = (f: Field, code: string, message: string) =>
      errors.push({ row: rowNo, column: column(f), code, message });
    const text = (f: Field, max: number): string | null | undefined => {
      const s = cellText(cell(f));
      if (!s) return null;
      if ([...s].length > max) {
        fail(f, 'too_long', `“${column(f)}”超过 ${max} 个字 / ${f} is longer than ${max} characters`);
        return undefined;
      }
      return s;
    };
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

    const lngText = cellText(cell('lng'));
    const latText = cellText(cell('lat'));
    if (!lngText || !latText) {
      fail(
        !lngText ? 'lng' : 'lat',
        'missing_coordinates',
        '缺少经纬度，无法定位 / No coordinates: the hazard cannot be located (there is no geocoder)',
      );
    } else {
      const lng = parseNumber(cell('lng'));
      const lat = parseNumber(cell('lat'));
      const crs = parseCrs(cell('crs'));
      if (lng === null || Math.abs(lng) > 180)
        fail('lng', 'invalid_coordinates', `经度“${lngText}”无效 / "${lngText}" is not a longitude`);
      if (lat === null || Math.abs(lat) > 90)
        fail('lat', 'invalid_coordinates', `纬度“${latText}”无效 / "${latText}" is not a latitude`);
      if (!crs)
        fail(
          'crs',
          'invalid_crs',
          `坐标系“${cellText(cell('crs'))}”应为 wgs84、gcj02 或 bd09 / The coordinate system is not wgs84, gcj02 or bd09`,
        );
      if (lng !== null && lat !== null && Math.abs(lng) <= 180 && Math.abs(lat) <= 90 && crs)
        r.point = { lng, lat, crs };
    }
    out.push(r);
  }
  return { map, rows: out, errors };
}
