// External values (警情, fires, road deaths, 信访, survey rates …) from a spreadsheet (pure): the rows of a
// CSV or Excel file (read by lib/table-reader.ts) become {unitCode, indicator, value, source} rows, or a
// list of defects by spreadsheet row and column. Two layouts, told apart by the header:
//  - long: one value per row — 单位代码 unitCode, 指标 indicator, 数值 value, optionally 来源 source;
//  - wide: one row per unit — 单位代码 unitCode, then one column per indicator, headed by its code
//    (police_incidents) or its Chinese or English name in the scheme (万人刑事治安警情), optionally 来源 source.
// The header may sit below a title row or two (as exports from other systems put it). Units' names
// (单位名称) are accepted and ignored: the code decides.
import { type Cell, cellText } from '../../lib/table-reader.js';

export interface ExternalFileRow {
  unitCode: string;
  indicator: string;
  value: number;
  source: string;
  /** The spreadsheet row it came from (header = the row it is on, first row = 1). */
  line: number;
}

export interface ExternalFileError {
  row: number;
  column: string | null;
  code: 'no_header' | 'unit_code' | 'indicator' | 'value' | 'duplicate' | 'too_many' | 'empty';
  message: string;
}

export const MAX_EXTERNAL_ROWS = 50_000;
const HEADER_SEARCH_ROWS = 10;
const UNIT_CODE_RE = /^[0-9A-Za-z_-]{1,40}$/;
const INDICATOR_RE = /^[a-z][a-z0-9_]{0,39}$/;
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

const norm = (h: string) =>
  h
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[\s_（）()]/g, '');

const HEADINGS: Record<'unitCode' | 'unitName' | 'indicator' | 'value' | 'source', readonly string[]> = {
  unitCode: ['unitcode', 'code', '单位代码', '区划代码', '行政区划代码', '村社代码', '镇街代码', '代码'],
  unitName: ['unitname', 'name', '单位名称', '单位', '名称', '镇街', '村社', '村社区'],
  indicator: ['indicator', 'indicatorcode', '指标', '指标代码', '指标编码'],
  value: ['value', '数值', '值', '指标值'],
  source: ['source', '来源', '数据来源', '提供单位'],
};
type Known = keyof typeof HEADINGS;
const LOOKUP = new Map<string, Known>(
  (Object.entries(HEADINGS) as [Known, readonly string[]][]).flatMap(([k, names]) =>
    names.map((n) => [norm(n), k] as const),
  ),
);

/** The value of a cell as a number (a percentage like "95%" is 0.95), or null when it is not one. */
export function cellNumber(c: Cell | undefined): number | null {
  if (typeof c === 'number') return Number.isFinite(c) ? c : null;
  const t = cellText(c).replace(/,/g, '');
  if (t.endsWith('%') && NUMBER_RE.test(t.slice(0, -1))) return Number(t.slice(0, -1)) / 100;
  return NUMBER_RE.test(t) ? Number(t) : null;
}

/**
 * Reads the rows of a file. `indicatorNames` maps the scheme's indicator names (either language) to
 * codes, for wide files headed by names; `defaultSource` fills a missing or blank source.
 */
export function readExternalRows(
  rows: readonly Cell[][],
  opts: { indicatorNames: ReadonlyMap<string, string>; defaultSource: string },
): { rows: ExternalFileRow[]; errors: ExternalFileError[]; layout: 'long' | 'wide' | null } {
  const names = new Map([...opts.indicatorNames].map(([n, code]) => [norm(n), code]));
  let h = -1;
  for (let i = 0; i < Math.min(rows.length, HEADER_SEARCH_ROWS); i++) {
    if ((rows[i] ?? []).some((c) => LOOKUP.get(norm(cellText(c))) === 'unitCode')) {
      h = i;
      break;
    }
  }
  if (h < 0) {
    return {
      rows: [],
      layout: null,
      errors: [
        {
          row: 1,
          column: null,
          code: 'no_header',
          message: 'No header row naming the unit code column (单位代码 / unitCode) in the first 10 rows',
        },
      ],
    };
  }
  const header = (rows[h] ?? []).map((c) => cellText(c));
  const col: Partial<Record<Known, number>> = {};
  const indicatorCols: { at: number; code: string; heading: string }[] = [];
  for (const [j, heading] of header.entries()) {
    if (!heading) continue;
    const known = LOOKUP.get(norm(heading));
    if (known) {
      if (col[known] === undefined) col[known] = j;
      continue;
    }
    const code = names.get(norm(heading)) ?? (INDICATOR_RE.test(heading) ? heading : null);
    if (code) indicatorCols.push({ at: j, code, heading });
  }
  const long = col.indicator !== undefined && col.value !== undefined;
  const errors: ExternalFileError[] = [];
  const out: ExternalFileRow[] = [];
  const seen = new Map<string, number>();
  const colName = (j: number | undefined) => (j === undefined ? null : header[j] || null);
  if (!long && indicatorCols.length === 0) {
    errors.push({
      row: h + 1,
      column: null,
      code: 'no_header',
      message:
        'Name the columns 指标 indicator and 数值 value (one value per row), or head one column per indicator with its code or name',
    });
    return { rows: [], errors, layout: null };
  }
  const push = (
    line: number,
    unitCode: string,
    indicator: string,
    cell: Cell | undefined,
    heading: string | null,
    source: string,
  ) => {
    if (cellText(cell) === '') return; // a blank cell of a wide file: no value for this unit
    const value = cellNumber(cell);
    if (value === null) {
      errors.push({
        row: line,
        column: heading,
        code: 'value',
        message: `Not a number: ${cellText(cell).slice(0, 40)}`,
      });
      return;
    }
    const key = `${unitCode}\u0000${indicator}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({
        row: line,
        column: heading,
        code: 'duplicate',
        message: `${unitCode} / ${indicator} is given again (first on row ${first})`,
      });
      return;
    }
    seen.set(key, line);
    out.push({ unitCode, indicator, value, source, line });
  };
  for (let i = h + 1; i < rows.length; i++) {
    const r = rows[i] ?? [];
    if (r.every((c) => cellText(c) === '')) continue;
    const line = i + 1;
    if (out.length >= MAX_EXTERNAL_ROWS) {
      errors.push({
        row: line,
        column: null,
        code: 'too_many',
        message: `At most ${MAX_EXTERNAL_ROWS} values in one file`,
      });
      break;
    }
    const unitCode = cellText(r[col.unitCode!]);
    if (!UNIT_CODE_RE.test(unitCode)) {
      errors.push({
        row: line,
        column: colName(col.unitCode),
        code: 'unit_code',
        message: unitCode ? `Not a unit code: ${unitCode.slice(0, 40)}` : 'The unit code is missing',
      });
      continue;
    }
    const source = (col.source !== undefined ? cellText(r[col.source]) : '') || opts.defaultSource;
    if (long) {
      const raw = cellText(r[col.indicator!]);
      const indicator = names.get(norm(raw)) ?? raw;
      if (!INDICATOR_RE.test(indicator)) {
        errors.push({
          row: line,
          column: colName(col.indicator),
          code: 'indicator',
          message: raw ? `Not an indicator code or name: ${raw.slice(0, 40)}` : 'The indicator is missing',
        });
        continue;
      }
      if (cellText(r[col.value!]) === '') {
        errors.push({
          row: line,
          column: colName(col.value),
          code: 'value',
          message: 'The value is missing',
        });
        continue;
      }
      push(line, unitCode, indicator, r[col.value!], colName(col.value), source);
    } else {
      for (const c of indicatorCols) push(line, unitCode, c.code, r[c.at], c.heading, source);
    }
  }
  if (out.length === 0 && errors.length === 0)
    errors.push({
      row: h + 2,
      column: null,
      code: 'empty',
      message: 'The file holds no values below its header',
    });
  return { rows: out, errors, layout: long ? 'long' : 'wide' };
}
