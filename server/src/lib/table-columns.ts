// The columns of an import table (pure), shared by the importers that read a table of records by their
// headings (hazard lists, places): finding the header row, mapping headings (Chinese or English, as
// normalizeHeading compares them) to fields, the missing and duplicate columns, and each data row's cells
// with the checks every such importer repeats (optional text with a length limit, the coordinates).
import {
  type Cell,
  type Crs,
  cellText,
  normalizeHeading,
  parseCrs,
  parseNumber,
  type RowError,
} from './table-reader.js';

/** What an importer declares about its columns. */
export interface ColumnSpec<F extends string> {
  fields: readonly F[];
  /** Each field's heading as the export writes it (first), and the other headings accepted. */
  names: Record<F, readonly string[]>;
  /** The field whose heading marks the header row (searched for in the top rows). */
  marker: F;
  /** Without these nothing can be imported. */
  required: readonly F[];
  /** Words added to the message of a missing required column. */
  missingNote?: (f: F) => string;
}

export interface ColumnMap<F extends string> {
  /** The header's spreadsheet row. */
  headerRow: number;
  fields: Partial<Record<F, { index: number; heading: string }>>;
  ignored: string[];
}

/** Where the header row may be: an exported table often has a title row or two above it. */
const HEADER_SEARCH_ROWS = 10;

/** A spec's headings to their fields (build once per importer). */
export function headingIndex<F extends string>(spec: ColumnSpec<F>): Map<string, F> {
  return new Map<string, F>(
    spec.fields.flatMap((f) => spec.names[f].map((n) => [normalizeHeading(n), f] as const)),
  );
}

/** Finds the header row (the first of the top rows naming the marker column) and maps its columns. */
export function mapColumns<F extends string>(
  rows: Cell[][],
  spec: ColumnSpec<F>,
  headings: Map<string, F>,
): { map: ColumnMap<F>; errors: RowError[] } {
  const errors: RowError[] = [];
  let at = rows
    .slice(0, HEADER_SEARCH_ROWS)
    .findIndex((r) =>
      r.some((c) => typeof c === 'string' && headings.get(normalizeHeading(c)) === spec.marker),
    );
  if (at < 0) at = rows.findIndex((r) => r.some((c) => cellText(c) !== ''));
  if (at < 0) at = 0;
  const map: ColumnMap<F> = { headerRow: at + 1, fields: {}, ignored: [] };
  for (const [index, c] of (rows[at] ?? []).entries()) {
    const heading = cellText(c);
    if (!heading) continue;
    const field = headings.get(normalizeHeading(heading));
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
        message: `两列都表示“${spec.names[field][0]}” / Two columns mean ${field}: "${seen.heading}" and "${heading}"`,
      });
    else map.fields[field] = { index, heading };
  }
  for (const f of spec.required) {
    if (!map.fields[f])
      errors.push({
        row: at + 1,
        column: spec.names[f][0]!,
        code: 'missing_column',
        message: `缺少“${spec.names[f][0]}”列 / No column ${f}${spec.missingNote?.(f) ?? ''}`,
      });
  }
  return { map, errors };
}

/** One data row's cells by field, and the checks importers share; defects go to the table's errors. */
export interface RowCells<F extends string> {
  row: number;
  /** The field's cell (null when the file has no such column). */
  cell(f: F): Cell;
  /** Whether the file has the field's column. */
  has(f: F): boolean;
  /** The field's column as headed in the file (or its first heading). */
  column(f: F): string;
  fail(f: F, code: string, message: string): void;
  /** Optional text: null when empty, undefined when longer than `max` characters (reported). */
  text(f: F, max: number): string | null | undefined;
}

/**
 * Calls `read` for every data row below the header (rows whose known columns are all empty are skipped)
 * and collects what it returns; nothing is read when the header itself has defects.
 */
export function readRows<F extends string, R>(
  rows: Cell[][],
  spec: ColumnSpec<F>,
  headings: Map<string, F>,
  read: (r: RowCells<F>) => R,
): { map: ColumnMap<F>; rows: R[]; errors: RowError[] } {
  const { map, errors } = mapColumns(rows, spec, headings);
  const out: R[] = [];
  if (errors.length) return { map, rows: out, errors };
  const known = Object.values<{ index: number }>(map.fields as Record<F, { index: number }>).map(
    (f) => f.index,
  );
  for (let i = map.headerRow; i < rows.length; i++) {
    const cells = rows[i] ?? [];
    if (known.every((k) => cellText(cells[k]) === '')) continue;
    const rowNo = i + 1;
    const column = (f: F) => map.fields[f]?.heading ?? spec.names[f][0]!;
    const fail = (f: F, code: string, message: string) => {
      errors.push({ row: rowNo, column: column(f), code, message });
    };
    const cell = (f: F): Cell => {
      const col = map.fields[f];
      return col ? (cells[col.index] ?? null) : null;
    };
    out.push(
      read({
        row: rowNo,
        cell,
        has: (f) => map.fields[f] !== undefined,
        column,
        fail,
        text(f, max) {
          const s = cellText(cell(f));
          if (!s) return null;
          if ([...s].length > max) {
            fail(f, 'too_long', `“${column(f)}”超过 ${max} 个字 / ${f} is longer than ${max} characters`);
            return undefined;
          }
          return s;
        },
      }),
    );
  }
  return { map, rows: out, errors };
}

/**
 * The row's coordinates (fields lng, lat, crs): both present, each in range, a known coordinate system;
 * undefined (with the defects reported) otherwise. `subject` names what cannot be located without them;
 * `swapHint` says so when the two look swapped.
 */
export function readPoint<F extends string>(
  r: RowCells<F | 'lng' | 'lat' | 'crs'>,
  subject: string,
  swapHint = false,
): { lng: number; lat: number; crs: Crs } | undefined {
  const lngText = cellText(r.cell('lng'));
  const latText = cellText(r.cell('lat'));
  if (!lngText || !latText) {
    r.fail(
      !lngText ? 'lng' : 'lat',
      'missing_coordinates',
      `缺少经纬度，无法定位 / No coordinates: the ${subject} cannot be located (there is no geocoder)`,
    );
    return undefined;
  }
  const lng = parseNumber(r.cell('lng'));
  const lat = parseNumber(r.cell('lat'));
  const crs = parseCrs(r.cell('crs'));
  if (lng === null || Math.abs(lng) > 180)
    r.fail('lng', 'invalid_coordinates', `经度“${lngText}”无效 / "${lngText}" is not a longitude`);
  if (lat === null || Math.abs(lat) > 90)
    r.fail(
      'lat',
      'invalid_coordinates',
      swapHint && lat !== null && lng !== null && Math.abs(lat) <= 180 && Math.abs(lng) <= 90
        ? `纬度“${latText}”无效：经纬度似乎填反了 / "${latText}" is not a latitude: lng and lat look swapped`
        : `纬度“${latText}”无效 / "${latText}" is not a latitude`,
    );
  if (!crs)
    r.fail(
      'crs',
      'invalid_crs',
      `坐标系“${cellText(r.cell('crs'))}”应为 wgs84、gcj02 或 bd09 / The coordinate system is not wgs84, gcj02 or bd09`,
    );
  if (lng !== null && lat !== null && Math.abs(lng) <= 180 && Math.abs(lat) <= 90 && crs)
    return { lng, lat, crs };
  return undefined;
}
