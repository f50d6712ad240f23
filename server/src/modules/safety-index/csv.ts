// Reading and writing the safety-index CSV files (COINr-style META and DATA, and OUT) with errors that
// name the file, line and column. Kept outside engine/ because it deals in text; it does no I/O itself.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { MetaRow, MetaType } from './engine/index.js';

export class CsvError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly column: string | null,
    detail: string,
  ) {
    super(`${file}${line !== null ? ` line ${line}` : ''}${column ? `, column ${column}` : ''}: ${detail}`);
    this.name = 'CsvError';
  }
}

interface Table {
  header: string[];
  rows: { line: number; cells: string[] }[];
}

function readTable(text: string, file: string): Table {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      info: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    throw new CsvError(file, err.lines ?? null, null, err.message.replace(/^Invalid Record Length: /, ''));
  }
  if (!records.length) throw new CsvError(file, null, null, 'the file is empty');
  const header = records[0]!.record;
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) throw new CsvError(file, 1, dup, 'the column appears twice in the header');
  return { header, rows: records.slice(1).map((r) => ({ line: r.info.lines, cells: r.record })) };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A cell as a number; blank (or NA, as R writes it) is missing. */
function numberCell(raw: string, file: string, line: number, column: string): number | null {
  if (raw === '' || raw === 'NA') return null;
  if (!NUMBER.test(raw)) throw new CsvError(file, line, column, `'${raw}' is not a number`);
  return Number(raw);
}

const META_TYPES: MetaType[] = ['Indicator', 'Aggregate', 'Group', 'Denominator', 'Other'];

export interface MetaFile {
  meta: MetaRow[];
  /** File line of each meta row, for engine errors that name a row. */
  lines: number[];
}

export function readMetaCsv(text: string, file = 'META.csv'): MetaFile {
  const t = readTable(text, file);
  const required = ['iCode', 'Level', 'Direction', 'Weight', 'Parent', 'Type'];
  const missing = required.filter((c) => !t.header.includes(c));
  if (missing.length)
    throw new CsvError(
      file,
      1,
      null,
      `missing column(s) ${missing.join(', ')} (expected iCode,Level,Direction,Weight,Parent,Type and optional Target,Denominator)`,
    );
  const col = (name: string) => t.header.indexOf(name);
  const meta: MetaRow[] = [];
  const lines: number[] = [];
  for (const { line, cells } of t.rows) {
    const get = (name: string) => (col(name) >= 0 ? (cells[col(name)] ?? '') : '');
    const type = get('Type') as MetaType;
    if (!META_TYPES.includes(type))
      throw new CsvError(file, line, 'Type', `'${get('Type')}' is not one of ${META_TYPES.join(', ')}`);
    const num = (name: string) => numberCell(get(name), file, line, name);
    meta.push({
      iCode: get('iCode'),
      Level: num('Level'),
      Direction: num('Direction'),
      Weight: num('Weight'),
      Parent: get('Parent') || null,
      Type: type,
      Target: num('Target'),
      Denominator: get('Denominator') || null,
    });
    lines.push(line);
  }
  return { meta, lines };
}

export interface DataFile {
  units: string[];
  data: Record<string, (number | null)[]>;
  /** Text columns kept as labels (group columns, ParentCode). */
  labels: Record<string, string[]>;
  /** File line of each unit. */
  lines: number[];
  ignored: string[];
}

/**
 * Reads DATA.csv: `UnitCode`, then the `numeric` columns (indicators and denominators, all required)
 * and the `label` columns (required); anything else is ignored and listed.
 */
export function readDataCsv(
  text: string,
  numeric: readonly string[],
  label: readonly string[],
  file = 'DATA.csv',
): DataFile {
  const t = readTable(text, file);
  const at = new Map(t.header.map((h, i) => [h, i]));
  if (!at.has('UnitCode')) throw new CsvError(file, 1, null, "the first row must name a 'UnitCode' column");
  const missing = [...numeric, ...label].filter((c) => !at.has(c));
  if (missing.length)
    throw new CsvError(file, 1, null, `missing column(s) ${missing.join(', ')} named in the meta or method`);
  const units: string[] = [];
  const lines: number[] = [];
  const data: Record<string, (number | null)[]> = Object.fromEntries(numeric.map((c) => [c, []]));
  const labels: Record<string, string[]> = Object.fromEntries(label.map((c) => [c, []]));
  const seen = new Map<string, number>();
  for (const { line, cells } of t.rows) {
    const code = cells[at.get('UnitCode')!] ?? '';
    if (!code) throw new CsvError(file, line, 'UnitCode', 'the unit code is empty');
    const first = seen.get(code);
    if (first !== undefined)
      throw new CsvError(file, line, 'UnitCode', `unit '${code}' already appears on line ${first}`);
    seen.set(code, line);
    units.push(code);
    lines.push(line);
    for (const c of numeric) data[c]!.push(numberCell(cells[at.get(c)!] ?? '', file, line, c));
    for (const c of label) labels[c]!.push(cells[at.get(c)!] ?? '');
  }
  const used = new Set(['UnitCode', ...numeric, ...label]);
  return { units, data, labels, lines, ignored: t.header.filter((h) => !used.has(h)) };
}

/** A CSV text with a header row; numbers at full precision, missing (NaN/null) as blank. */
export function writeCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  const cells = rows.map((r) =>
    r.map((v) => (v === null || (typeof v === 'number' && Number.isNaN(v)) ? '' : String(v))),
  );
  return stringify([header as string[], ...cells]);
}
