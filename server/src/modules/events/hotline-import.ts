// Importing 12345 hotline items as events, from CSV (UTF-8, with or without BOM; GBK/GB18030, which
// Chinese spreadsheets and the 12345 system write by default; UTF-16 with a BOM) or Excel .xlsx.
// All or nothing: every row is read and checked first (shape, category, the category's required answers,
// location, scope, routing, ticket numbers repeated in the file or already imported); one bad row and
// nothing is written, and the answer lists every defect with the spreadsheet row it is on (header = row 1).
// A clean file is filed through EventsService.create, row by row, inside one transaction (the ambient
// transaction makes each create join it), as source 'hotline' with the ticket number as external id.
//
// The first half of this file is pure (reading and parsing); HotlineImportService applies the rules.
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { Db } from '../../db/index.js';
import { AppError, defineErrors, HttpErrors } from '../../http/errors.js';
import * as reader from '../../lib/table-reader.js';
import {
  type Cell,
  type Crs,
  cellText,
  fromBd09,
  IMPORT_ERROR_DEFS,
  normalizeHeading,
  parseCrs,
  parseNumber,
  type RowError,
  type Table,
} from '../../lib/table-reader.js';
import { type Actor, SYSTEM } from '../access/actor.js';
import type { AuditService } from '../access/audit.js';
import { hasRole, unitInScope } from '../access/policy-kit.js';
import type { UnitsService } from '../units/service.js';
import type { CategoryDto } from './categories/schema.js';
import type { CategoriesService } from './categories/service.js';
import { type ChainUnit, route } from './domain/routing.js';
import * as repo from './repository.js';
import { type CreateEventBody, createEventBody, MAX_DESCRIPTION } from './schema.js';
import { checkAnswers, type EventsService } from './service.js';

// ---------------------------------------------------------------- limits, errors, shapes

/** Largest file accepted (bytes). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/**
 * Most data rows in one file. Every row is filed through EventsService.create (about 13 queries) in one
 * transaction, which on the embedded database holds its only connection: measured 10–25 ms a row on
 * PostgreSQL and ~40–50 ms on PGlite on a busy 2-core machine, so 5,000 rows take one to four minutes.
 */
export const MAX_IMPORT_ROWS = 5_000;
/** A call time later than now by more than this is a mistake. */
const FUTURE_TOLERANCE_MS = 10 * 60_000;
/** Call times before this are mistakes (an empty Excel date cell reads as 1899/1900). */
const EARLIEST = Date.UTC(2000, 0, 1);
/** Where the header row may be: the 12345 export puts a title row or two above it. */
const HEADER_SEARCH_ROWS = 10;
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

export const HotlineImportErrors = defineErrors('events', IMPORT_ERROR_DEFS);
const E = HotlineImportErrors;

export const importQuery = z.object({ dryRun: reader.dryRunField });

export const importResult = z.object({
  dryRun: z.boolean(),
  rows: z.number().int().describe('Data rows read (empty rows not counted)'),
  imported: z.number().int().describe('Events filed (0 on a dry run)'),
  firstTrackingNo: z.string().nullable().describe("The first row's event"),
  lastTrackingNo: z.string().nullable().describe("The last row's event"),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string().nullable().describe('The text encoding of a CSV file'),
  ignoredColumns: z.array(z.string()).describe('Columns the importer does not know and left alone'),
});
export type ImportResult = z.infer<typeof importResult>;

// ---------------------------------------------------------------- reading the file (pure)
// The generic reader lives in lib/table-reader.ts; these bind it to this import's limits and codes.

export {
  type Cell,
  MAX_REPORTED_ERRORS,
  MAX_XLSX_UNPACKED_BYTES,
  type RowError,
  rowError,
  sniff,
  type Table,
} from '../../lib/table-reader.js';
export { cellText, normalizeHeading, parseCrs, parseNumber };

const READER: reader.ReaderOptions = { errors: E, maxBytes: MAX_IMPORT_BYTES };

export const decodeText = (bytes: Uint8Array) => reader.decodeText(bytes, E);
export const checkXlsxArchive = (b: Buffer, limit?: number) => reader.checkXlsxArchive(b, E, limit);
export const readTable = (bytes: Buffer): Promise<Table> => reader.readTable(bytes, READER);
export const tooLarge = (): never => reader.tooLarge(E, MAX_IMPORT_BYTES);
export const describeRowError = reader.describeRowError;
const refuse = (errors: RowError[], rows: number): never => reader.refuseRows(E, errors, rows);

// ---------------------------------------------------------------- the columns (pure)

export const FIELDS = [
  'ticket_no',
  'reported_at',
  'category',
  'description',
  'address',
  'lng',
  'lat',
  'crs',
  'caller_name',
  'phone',
] as const;
export type Field = (typeof FIELDS)[number];

/** Each field's heading as the 12345 system writes it (first), and the other headings accepted. */
export const COLUMN_NAMES: Record<Field, readonly string[]> = {
  ticket_no: ['工单编号', '工单号', '工单号码', 'ticket_no', 'ticket'],
  reported_at: ['来电时间', '受理时间', 'reported_at', 'call_time'],
  category: ['事件类别', '事件类型', '诉求类别', 'category', 'category_code'],
  description: ['诉求内容', '事件描述', 'description'],
  address: ['事发地址', '地址', 'address'],
  lng: ['经度', 'lng', 'lon', 'longitude'],
  lat: ['纬度', 'lat', 'latitude'],
  crs: ['坐标系', 'crs'],
  caller_name: ['来电人', '来电人姓名', 'caller_name', 'caller'],
  phone: ['联系电话', '来电号码', 'phone'],
};
/** Without these columns nothing can be imported (coordinates too: there is no geocoder). */
const REQUIRED_COLUMNS: readonly Field[] = [
  'ticket_no',
  'reported_at',
  'category',
  'description',
  'lng',
  'lat',
];

const HEADING_TO_FIELD = new Map<string, Field>(
  FIELDS.flatMap((f) => COLUMN_NAMES[f].map((n) => [normalizeHeading(n), f] as const)),
);
const ANSWER_HEADING = /^(?:answer|答案|问题)[:：](.+)$/;

export interface ColumnMap {
  /** The header's spreadsheet row. */
  headerRow: number;
  fields: Partial<Record<Field, { index: number; heading: string }>>;
  answers: { code: string; index: number; heading: string }[];
  ignored: string[];
}

/** Finds the header row (the first of the top rows naming a ticket column) and maps its columns. */
export function mapColumns(rows: Cell[][]): { map: ColumnMap; errors: RowError[] } {
  const errors: RowError[] = [];
  let at = rows
    .slice(0, HEADER_SEARCH_ROWS)
    .findIndex((r) =>
      r.some((c) => typeof c === 'string' && HEADING_TO_FIELD.get(normalizeHeading(c)) === 'ticket_no'),
    );
  if (at < 0) at = rows.findIndex((r) => r.some((c) => cellText(c) !== ''));
  if (at < 0) at = 0;
  const map: ColumnMap = { headerRow: at + 1, fields: {}, answers: [], ignored: [] };
  for (const [index, c] of (rows[at] ?? []).entries()) {
    const heading = cellText(c);
    if (!heading) continue;
    const norm = normalizeHeading(heading);
    const field = HEADING_TO_FIELD.get(norm);
    const answer = ANSWER_HEADING.exec(norm)?.[1];
    if (field) {
      const seen = map.fields[field];
      if (seen)
        errors.push({
          row: at + 1,
          column: heading,
          code: 'duplicate_column',
          message: `Two columns mean ${COLUMN_NAMES[field][0]} (${field}): "${seen.heading}" and "${heading}"`,
        });
      else map.fields[field] = { index, heading };
    } else if (answer) {
      if (map.answers.some((a) => a.code === answer))
        errors.push({
          row: at + 1,
          column: heading,
          code: 'duplicate_column',
          message: `Two columns answer the question ${answer}`,
        });
      else map.answers.push({ code: answer, index, heading });
    } else map.ignored.push(heading);
  }
  for (const f of REQUIRED_COLUMNS) {
    if (!map.fields[f])
      errors.push({
        row: at + 1,
        column: COLUMN_NAMES[f][0],
        code: 'missing_column',
        message: `No column ${COLUMN_NAMES[f][0]} (${f})${f === 'lng' || f === 'lat' ? ': every row needs coordinates, there is no geocoder' : ''}`,
      });
  }
  return { map, errors };
}

// ---------------------------------------------------------------- the values (pure)

/** The instant of a wall-clock time in Asia/Shanghai; null when the fields are out of range. */
function shanghai(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Date | null {
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(utc);
  if (
    back.getUTCFullYear() !== y ||
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== d ||
    back.getUTCHours() !== h ||
    back.getUTCMinutes() !== mi ||
    back.getUTCSeconds() !== s
  )
    return null;
  return new Date(utc - SHANGHAI_OFFSET_MS);
}

const DATE_TIME =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[\sT]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?$/;
/** Chinese date words as separators: 2026年11月23日 9时15分30秒 → 2026-11-23 9:15:30. */
const dateWords = (s: string) =>
  s
    .replace(/\s*[年月]\s*/g, '-')
    .replace(/\s*日\s*/g, ' ')
    .replace(/\s*[时点分]\s*/g, ':')
    .replace(/\s*秒\s*/g, '')
    .replace(/\s*:\s*/g, ':')
    .replace(/:$/, '')
    .trim();

/**
 * A call time: "2026-11-23 09:15", "2026/11/23 9:15:00", "2026年11月23日 9时15分", an ISO time with an offset,
 * an Excel date cell, or an Excel serial number. Times without an offset are Asia/Shanghai.
 */
export function parseTime(c: Cell): Date | null {
  if (c instanceof Date) {
    if (Number.isNaN(c.getTime())) return null;
    // the library gives the cell's wall clock in the UTC fields; round away float noise of the serial
    const wall = Math.round(c.getTime() / 1000) * 1000;
    return new Date(wall - SHANGHAI_OFFSET_MS);
  }
  if (typeof c === 'number') {
    if (!(c > 36_526 && c < 73_051)) return null; // 2000 … 2100 as Excel serials
    const wall = Math.round((c - 25_569) * 86_400) * 1000;
    return new Date(wall - SHANGHAI_OFFSET_MS);
  }
  if (typeof c !== 'string') return null;
  const s = c.normalize('NFKC').trim();
  const m = DATE_TIME.exec(dateWords(s));
  if (m) {
    const [y, mo, d, h, mi, sec] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
    return shanghai(y!, mo!, d!, h, mi, sec);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : new Date(t);
  }
  if (/^\d+(\.\d+)?$/.test(s)) return parseTime(Number(s));
  return null;
}

/** A local date (YYYY-MM-DD) for a date question: a date cell, or text like 2026/11/23. */
export function parseLocalDate(c: Cell): string | null {
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? null : c.toISOString().slice(0, 10);
  const t = typeof c === 'number' || typeof c === 'string' ? parseTime(c) : null;
  if (!t) return null;
  return new Date(t.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** A ticket number: text of 1–64 visible characters; a numeric cell only while it keeps every digit. */
export function parseTicket(c: Cell): { ok: true; value: string } | { ok: false; message: string } {
  if (typeof c === 'number') {
    if (!Number.isSafeInteger(c) || c < 0)
      return {
        ok: false,
        message: 'The ticket number was stored as a number and lost digits: format the column as text',
      };
    return { ok: true, value: String(c) };
  }
  const s = cellText(c).normalize('NFKC');
  if (!/^[\x21-\x7e\u4e00-\u9fff]{1,64}$/.test(s))
    return { ok: false, message: 'A ticket number is 1–64 characters without spaces' };
  return { ok: true, value: s };
}

const PHONE = /^\+?[0-9-]{5,20}$/;

/** A row read from the file, each field present only when it was valid. */
export interface ParsedRow {
  row: number;
  ticketNo?: string;
  reportedAt?: Date;
  /** The category as written: a code, or a name (Chinese or English), or a path "消防隐患/…". */
  category?: string;
  description?: string;
  address?: string;
  point?: { lng: number; lat: number; crs: Crs };
  callerName?: string;
  phone?: string;
  /** The non-empty answer cells. */
  answers: { code: string; heading: string; value: Cell }[];
}

export interface ParsedTable {
  map: ColumnMap;
  rows: ParsedRow[];
  errors: RowError[];
}

/** Reads every data row below the header; rows whose known columns are all empty are skipped. */
export function parseRows(rows: Cell[][], now: Date): ParsedTable {
  const { map, errors } = mapColumns(rows);
  const out: ParsedRow[] = [];
  if (errors.some((e) => e.code === 'missing_column')) return { map, rows: out, errors };
  const known = [...Object.values(map.fields).map((f) => f.index), ...map.answers.map((a) => a.index)];
  for (let i = map.headerRow; i < rows.length; i++) {
    const cells = rows[i] ?? [];
    if (known.every((k) => cellText(cells[k]) === '')) continue;
    const rowNo = i + 1;
    const r: ParsedRow = { row: rowNo, answers: [] };
    const cell = (f: Field) => {
      const col = map.fields[f];
      return col ? (cells[col.index] ?? null) : null;
    };
    const fail = (f: Field, code: string, message: string) =>
      errors.push({ row: rowNo, column: map.fields[f]?.heading ?? COLUMN_NAMES[f][0], code, message });
    const text = (f: Field, max: number, required: boolean): string | undefined => {
      const s = cellText(cell(f));
      if (!s) {
        if (required) fail(f, 'missing_value', `${COLUMN_NAMES[f][0]} (${f}) is empty`);
        return undefined;
      }
      if ([...s].length > max) {
        fail(f, 'too_long', `${COLUMN_NAMES[f][0]} (${f}) is longer than ${max} characters`);
        return undefined;
      }
      return s;
    };

    if (cellText(cell('ticket_no')) === '')
      fail('ticket_no', 'missing_value', '工单编号 (ticket_no) is empty');
    else {
      const t = parseTicket(cell('ticket_no'));
      if (t.ok) r.ticketNo = t.value;
      else fail('ticket_no', 'invalid_ticket_no', t.message);
    }

    const rawTime = cell('reported_at');
    if (cellText(rawTime) === '') fail('reported_at', 'missing_value', '来电时间 (reported_at) is empty');
    else {
      const t = parseTime(rawTime);
      if (!t || t.getTime() < EARLIEST)
        fail(
          'reported_at',
          'invalid_time',
          `"${cellText(rawTime)}" is not a time: write e.g. 2026-11-23 09:15 (Beijing time)`,
        );
      else if (t.getTime() > now.getTime() + FUTURE_TOLERANCE_MS)
        fail('reported_at', 'future_time', `${cellText(rawTime)} lies in the future`);
      else r.reportedAt = t;
    }

    r.category = text('category', 200, true);
    r.description = text('description', MAX_DESCRIPTION, true);
    r.address = text('address', 200, false);
    r.callerName = text('caller_name', 50, false);

    const phone = cellText(cell('phone'))
      .normalize('NFKC')
      .replace(/[\s()]/g, '');
    if (phone) {
      if (PHONE.test(phone)) r.phone = phone;
      else
        fail(
          'phone',
          'invalid_phone',
          '联系电话 (phone) is not one phone number (digits, - and a leading +)',
        );
    }

    const lngText = cellText(cell('lng'));
    const latText = cellText(cell('lat'));
    if (!lngText || !latText) {
      errors.push({
        row: rowNo,
        column: !lngText ? map.fields.lng!.heading : map.fields.lat!.heading,
        code: 'missing_coordinates',
        message: 'No coordinates: the row cannot be located (add 经度 and 纬度; there is no geocoder)',
      });
    } else {
      const lng = parseNumber(cell('lng'));
      const lat = parseNumber(cell('lat'));
      const crs = parseCrs(cell('crs'));
      if (lng === null || Math.abs(lng) > 180)
        fail('lng', 'invalid_coordinates', `经度 (lng) "${lngText}" is not a longitude`);
      if (lat === null || Math.abs(lat) > 90)
        fail(
          'lat',
          'invalid_coordinates',
          `纬度 (lat) "${latText}" is not a latitude${lat !== null && lng !== null && Math.abs(lat) <= 180 && Math.abs(lng) <= 90 ? ': 经度 and 纬度 look swapped' : ''}`,
        );
      if (!crs)
        fail('crs', 'invalid_crs', `坐标系 (crs) "${cellText(cell('crs'))}" is not wgs84, gcj02 or bd09`);
      if (lng !== null && lat !== null && Math.abs(lng) <= 180 && Math.abs(lat) <= 90 && crs)
        r.point = { lng, lat, crs };
    }

    for (const a of map.answers) {
      const v = cells[a.index] ?? null;
      if (cellText(v) !== '') r.answers.push({ code: a.code, heading: a.heading, value: v });
    }
    out.push(r);
  }
  return { map, rows: out, errors };
}

type Question = CategoryDto['questions'][number];
type AnswerValue = string | number | string[];

/** An answer cell as the question's type wants it: choices by code or by label (Chinese or English). */
export function answerValue(
  q: Question,
  c: Cell,
): { ok: true; value: AnswerValue } | { ok: false; message: string } {
  const choice = (s: string) => {
    const t = s.normalize('NFKC').trim().toLowerCase();
    return (q.values ?? []).find(
      (v) => v.code === t || v.label.zh.normalize('NFKC') === t || v.label.en.toLowerCase() === t,
    )?.code;
  };
  const choices = () => (q.values ?? []).map((v) => `${v.code} (${v.label.zh})`).join(', ');
  switch (q.type) {
    case 'text': {
      const t = cellText(c);
      return t.length > 1000
        ? { ok: false, message: `${q.label.zh} (${q.code}): at most 1000 characters` }
        : { ok: true, value: t };
    }
    case 'number': {
      const n = parseNumber(c);
      return n === null
        ? { ok: false, message: `${q.label.zh} (${q.code}): a number expected` }
        : { ok: true, value: n };
    }
    case 'date': {
      const d = parseLocalDate(c);
      return d
        ? { ok: true, value: d }
        : { ok: false, message: `${q.label.zh} (${q.code}): a date expected, e.g. 2026-11-23` };
    }
    case 'single_choice': {
      const v = choice(cellText(c));
      return v
        ? { ok: true, value: v }
        : { ok: false, message: `${q.label.zh} (${q.code}): one of ${choices()}` };
    }
    case 'multi_choice': {
      const parts = cellText(c)
        .split(/[,，、;；/]/)
        .map((s) => s.trim())
        .filter(Boolean);
      const codes = parts.map(choice);
      if (codes.some((x) => !x))
        return {
          ok: false,
          message: `${q.label.zh} (${q.code}): values among ${choices()}, separated by 、 or ,`,
        };
      return { ok: true, value: [...new Set(codes as string[])] };
    }
  }
}

/** Categories by what a file may call them: code, Chinese name, English name (lower case). */
export function categoryIndex(categories: readonly CategoryDto[]): (written: string) => CategoryDto[] {
  const by = new Map<string, CategoryDto[]>();
  const add = (k: string, c: CategoryDto) => {
    const list = by.get(k) ?? [];
    if (!list.includes(c)) list.push(c);
    by.set(k, list);
  };
  for (const c of categories) {
    add(c.code, c);
    add(c.name.zh.normalize('NFKC'), c);
    add(c.name.en.toLowerCase(), c);
  }
  return (written) => {
    const s = written.normalize('NFKC').trim();
    const exact = by.get(s) ?? by.get(s.toLowerCase());
    if (exact) return exact;
    // a path such as "消防隐患/电动自行车违规停放充电" or "消防隐患>…": its last step
    const last = s.split(/[/>|]/).pop()?.trim() ?? '';
    return last && last !== s ? (by.get(last) ?? by.get(last.toLowerCase()) ?? []) : [];
  };
}

// ---------------------------------------------------------------- the service

/** Who may import hotline items (staff who file on a caller's behalf at the command center). */
export const hotlineImportPolicy = {
  import: (a: Actor): boolean => hasRole(a, 'dispatcher', 'admin'),
  /** Where: an administrator anywhere, a dispatcher within their unit subtree. */
  place: (a: Actor, unitPath: string): boolean => hasRole(a, 'admin') || unitInScope(a, unitPath),
};

/** What the importer needs; the composition root's Services satisfies it. */
export interface HotlineImportDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  units: UnitsService;
  categories: CategoriesService;
  events: EventsService;
}

export interface ImportOptions {
  dryRun?: boolean;
  requestId?: string;
  onProgress?: (done: number, total: number) => void;
}

/** A row that passed every check, ready to file. */
interface ReadyRow {
  row: number;
  ticketNo: string;
  reportedAt: Date;
  body: CreateEventBody;
  categoryCode: string;
}

export class HotlineImportService {
  constructor(private readonly deps: HotlineImportDeps) {}

  /** Refuses early (before the upload is read) who may not import. */
  authorize(actor: Actor): void {
    if (hotlineImportPolicy.import(actor)) return;
    if (actor.kind === 'anonymous') HttpErrors.unauthenticated.raise();
    HttpErrors.forbidden.raise('Only dispatchers and administrators import hotline items');
  }

  /**
   * Reads, checks and (unless a dry run) files every row, all or nothing. Refusals: 413/415/422 for the
   * file; 422 events.import_invalid with `errors` [{row, column, code, message}] for its rows.
   */
  async importFile(
    actor: Actor,
    read: () => Promise<Buffer>,
    opts: ImportOptions = {},
  ): Promise<ImportResult> {
    this.authorize(actor);
    const table = await readTable(await read());
    const parsed = parseRows(table.rows, this.deps.clock.now());
    if (parsed.errors.some((e) => e.code === 'missing_column' || e.code === 'duplicate_column'))
      return refuse(parsed.errors, 0);
    if (!parsed.rows.length) return E.importEmpty.raise('No data rows below the header');
    if (parsed.rows.length > MAX_IMPORT_ROWS)
      return E.importTooLarge.raise(`At most ${MAX_IMPORT_ROWS} rows per file; split it`, {
        limitRows: MAX_IMPORT_ROWS,
      });

    const { ready, errors } = await this.check(actor, parsed);
    if (errors.length) return refuse(errors, parsed.rows.length);

    const base = {
      rows: parsed.rows.length,
      format: table.format,
      encoding: table.encoding,
      ignoredColumns: parsed.map.ignored,
    };
    if (opts.dryRun)
      return { dryRun: true, imported: 0, firstTrackingNo: null, lastTrackingNo: null, ...base };

    const filed = await this.file(actor, ready, table, opts);
    return {
      dryRun: false,
      imported: filed.length,
      firstTrackingNo: filed[0] ?? null,
      lastTrackingNo: filed.at(-1) ?? null,
      ...base,
    };
  }

  /** Every rule a row must pass, over the whole file, collecting every defect. */
  private async check(actor: Actor, parsed: ParsedTable): Promise<{ ready: ReadyRow[]; errors: RowError[] }> {
    const { units } = this.deps;
    const errors = [...parsed.errors];
    const ticketColumn = parsed.map.fields.ticket_no!.heading;
    const categoryColumn = parsed.map.fields.category!.heading;
    const lngColumn = parsed.map.fields.lng!.heading;
    const findCategory = categoryIndex(await this.takingReports());
    const departments = new Map<string, boolean>();
    const seenTicket = new Map<string, number>();
    const taken = await repo.takenExternalIds(this.deps.db, 'hotline', [
      ...new Set(parsed.rows.flatMap((r) => (r.ticketNo ? [r.ticketNo] : []))),
    ]);
    const ready: ReadyRow[] = [];
    // rows with field errors still go through the checks below, on the fields that were valid
    const badRows = new Set(parsed.errors.map((e) => e.row));

    for (const r of parsed.rows) {
      const before = errors.length;
      const fail = (column: string | undefined, code: string, message: string) =>
        errors.push({ row: r.row, ...(column ? { column } : {}), code, message });

      if (r.ticketNo !== undefined) {
        const first = seenTicket.get(r.ticketNo);
        if (first !== undefined)
          fail(ticketColumn, 'duplicate_in_file', `Ticket ${r.ticketNo} is also on row ${first}`);
        else seenTicket.set(r.ticketNo, r.row);
        const trackingNo = taken.get(r.ticketNo);
        if (trackingNo)
          fail(
            ticketColumn,
            'already_imported',
            `Ticket ${r.ticketNo} was imported before, as event ${trackingNo}`,
          );
      }

      let category: CategoryDto | undefined;
      if (r.category !== undefined) {
        const found = findCategory(r.category);
        if (found.length === 1) category = found[0];
        else if (found.length > 1)
          fail(
            categoryColumn,
            'ambiguous_category',
            `"${r.category}" names several categories (${found.map((c) => c.code).join(', ')}): use the code`,
          );
        else
          fail(
            categoryColumn,
            'unknown_category',
            `"${r.category}" is no category that takes reports: use a code such as fire.ebike_charging or its Chinese name`,
          );
      }

      let answers: Record<string, AnswerValue> | undefined;
      if (category) answers = this.answers(category, r, fail);

      let chain: ChainUnit[] | undefined;
      let wgs: { lng: number; lat: number; crs: 'wgs84' | 'gcj02' } | undefined;
      if (r.point) {
        const p = r.point;
        wgs = fromBd09(p);
        const located = await units.resolvePoint(wgs.lng, wgs.lat, wgs.crs);
        if (!located) {
          const swapped =
            Math.abs(p.lat) <= 180 &&
            Math.abs(p.lng) <= 90 &&
            (await units.resolvePoint(p.lat, p.lng, wgs.crs));
          fail(
            lngColumn,
            'outside_district',
            swapped
              ? `(${p.lng}, ${p.lat}) lies outside the district; 经度 and 纬度 look swapped`
              : `(${p.lng}, ${p.lat}) lies outside the district${p.crs === 'wgs84' ? ' (if these are map-app coordinates, say gcj02 or bd09 in 坐标系)' : ''}`,
          );
        } else {
          chain = [...located.ancestors, located.unit].map((u) => ({
            id: u.id,
            code: u.code,
            name: u.name,
            level: u.level as ChainUnit['level'],
          }));
          const path = `/${chain.map((u) => u.code).join('/')}/`;
          if (!hotlineImportPolicy.place(actor, path))
            fail(
              lngColumn,
              'outside_scope',
              `(${p.lng}, ${p.lat}) lies in ${located.unit.name}, outside your area`,
            );
        }
      }

      if (category && chain) {
        const routed = route(category.handledBy, chain);
        if (!routed.ok) fail(categoryColumn, 'no_route', routed.message);
        else if (routed.target.kind === 'department') {
          const code = routed.target.departmentCode;
          if (!departments.has(code)) departments.set(code, !!(await units.findDepartmentByCode(code)));
          if (!departments.get(code))
            fail(categoryColumn, 'no_route', `The category's department ${code} does not exist`);
        }
      }

      if (errors.length > before || badRows.has(r.row)) continue;
      if (!category || !wgs || !answers || !r.ticketNo || !r.reportedAt || !r.description) continue;
      const onBehalfOf =
        r.callerName || r.phone
          ? { name: r.callerName ?? '12345来电人', ...(r.phone ? { phone: r.phone } : {}) }
          : undefined;
      const body = createEventBody.safeParse({
        categoryCode: category.code,
        description: r.description,
        location: wgs,
        ...(r.address ? { address: r.address } : {}),
        answers,
        // a caller who left neither name nor number stays anonymous
        ...(onBehalfOf ? { onBehalfOf } : { anonymous: true }),
      });
      if (!body.success) {
        fail(
          undefined,
          'invalid_row',
          body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        );
        continue;
      }
      ready.push({
        row: r.row,
        ticketNo: r.ticketNo,
        reportedAt: r.reportedAt,
        body: body.data,
        categoryCode: category.code,
      });
    }
    return { ready, errors };
  }

  /** The row's answers for its category: from the answer:<code> columns, each converted and checked. */
  private answers(
    category: CategoryDto,
    r: ParsedRow,
    fail: (column: string | undefined, code: string, message: string) => void,
  ): Record<string, AnswerValue> | undefined {
    const out: Record<string, AnswerValue> = {};
    let ok = true;
    for (const a of r.answers) {
      const q = category.questions.find((x) => x.code === a.code);
      if (!q) {
        ok = false;
        const asks = category.questions.map((x) => x.code).join(', ') || 'nothing';
        fail(a.heading, 'unknown_question', `${category.code} has no question ${a.code} (it asks: ${asks})`);
        continue;
      }
      const v = answerValue(q, a.value);
      if (v.ok) out[q.code] = v.value;
      else {
        ok = false;
        fail(a.heading, 'invalid_answer', v.message);
      }
    }
    for (const q of category.questions) {
      if (q.required && out[q.code] === undefined && !r.answers.some((a) => a.code === q.code)) {
        ok = false;
        fail(
          `answer:${q.code}`,
          'missing_answer',
          `${category.code} (${category.name.zh}) needs an answer to ${q.label.zh} (${q.code}): add a column answer:${q.code}`,
        );
      }
    }
    if (!ok) return undefined;
    try {
      return checkAnswers(category, out);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const problems = (err.extras.problems as string[] | undefined) ?? [err.message];
      for (const p of problems) {
        const code = p.split(':')[0] ?? '';
        fail(`answer:${code}`, 'invalid_answer', p);
      }
      return undefined;
    }
  }

  /** The categories that take reports now (active, not a group). */
  private async takingReports(): Promise<CategoryDto[]> {
    const out: CategoryDto[] = [];
    for (let page = 1; ; page++) {
      const p = await this.deps.categories.list(SYSTEM, { includeInactive: false, page, pageSize: 200 });
      out.push(...p.items);
      if (out.length >= p.total || p.items.length === 0) break;
    }
    return out.filter((c) => c.active && c.parentCode !== null);
  }

  /** Files the rows in one transaction; any refusal rolls all of them back. */
  private async file(actor: Actor, ready: ReadyRow[], table: Table, opts: ImportOptions): Promise<string[]> {
    const { db, events, audit } = this.deps;
    return db.tx(async (q) => {
      const tracking: string[] = [];
      const errors: RowError[] = [];
      const byCategory: Record<string, number> = {};
      for (const [i, r] of ready.entries()) {
        try {
          const out = await events.create(actor, r.body, {
            source: 'hotline',
            externalId: r.ticketNo,
            reportedAt: r.reportedAt,
          });
          tracking.push(out.event.trackingNo);
          byCategory[r.categoryCode] = (byCategory[r.categoryCode] ?? 0) + 1;
        } catch (err) {
          // a refusal of create() comes before it writes: collect it and go on, to report every row
          if (err instanceof AppError)
            errors.push({ row: r.row, code: err.code, message: err.detail ?? err.def.title });
          else if (isExternalIdConflict(err))
            return refuse(
              [
                {
                  row: r.row,
                  code: 'already_imported',
                  message: `Ticket ${r.ticketNo} was imported meanwhile by someone else`,
                },
              ],
              ready.length,
            );
          else throw err;
        }
        opts.onProgress?.(i + 1, ready.length);
      }
      if (errors.length) return refuse(errors, ready.length);
      await audit.record(q, {
        actor,
        action: 'event.import',
        entityType: 'event',
        unitId:
          actor.kind !== 'anonymous' && actor.scope.unit && actor.scope.unit.id > 0
            ? actor.scope.unit.id
            : null,
        after: {
          source: 'hotline',
          format: table.format,
          encoding: table.encoding,
          imported: tracking.length,
          firstTrackingNo: tracking[0] ?? null,
          lastTrackingNo: tracking.at(-1) ?? null,
          byCategory,
        },
        ...(opts.requestId ? { requestId: opts.requestId } : {}),
      });
      return tracking;
    });
  }
}

function isExternalIdConflict(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return (
    e?.code === '23505' && (e.constraint === 'event_external' || !!e.message?.includes('event_external'))
  );
}
