// Reading an uploaded table for an import: CSV (UTF-8 with or without BOM; GBK/GB18030, which Chinese
// spreadsheets and government systems write by default; UTF-16 with a BOM) or Excel .xlsx (first sheet),
// recognised from the content, never the file name; with the guards every importer needs (size, ZIP
// bombs, legacy .xls) and the shape of the per-row error report (row as the spreadsheet shows it, header =
// row 1; the column as headed in the file; a stable code; a message).
//
// Pure apart from decompression: no database, no module. Each importer declares the refusals under its
// own module's codes — `defineErrors('<module>', IMPORT_ERROR_DEFS)` — and passes them in, so a refusal
// of the hotline import stays `events.import_*` and one of the places import is `hazards.import_*`.
// (Moved here from modules/events/hotline-import.ts, which now uses it.)
import { inflateRawSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import gcoordModule from 'gcoord';
import { readSheet } from 'read-excel-file/node';
import { z } from 'zod';
import type { ErrorDef } from '../http/errors.js';

// the package's types describe its CommonJS wrapper: the default export is the module itself
const gcoord = gcoordModule as unknown as (typeof gcoordModule)['default'];

/** An .xlsx may unpack to at most this much by default (a guard against ZIP bombs). */
export const MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024;
/** At most this many defects are listed (the count says how many there were). */
export const MAX_REPORTED_ERRORS = 1000;

/** The refusals of an upload, declared by each importer under its module: defineErrors(m, IMPORT_ERROR_DEFS). */
export const IMPORT_ERROR_DEFS = {
  importNotMultipart: [415, 'Send the file as multipart/form-data'],
  importNoFile: [400, 'Send exactly one file (CSV or Excel .xlsx)'],
  importTooLarge: [413, 'The file is too large to import'],
  importUnsupportedType: [415, 'Only CSV (UTF-8, GBK/GB18030) and Excel .xlsx files can be imported'],
  importUnreadable: [422, 'The file could not be read'],
  importEmpty: [422, 'The file holds no rows to import'],
  importInvalid: [422, 'Nothing was imported: some rows are wrong'],
} as const satisfies Record<string, readonly [number, string]>;

type Raising = ErrorDef & { raise: (detail?: string, extras?: Record<string, unknown>) => never };
export type ImportErrors = Record<keyof typeof IMPORT_ERROR_DEFS, Raising>;

export interface ReaderOptions {
  errors: ImportErrors;
  /** Largest file accepted (bytes). */
  maxBytes: number;
  /** What an .xlsx may unpack to (default MAX_XLSX_UNPACKED_BYTES). */
  maxUnpackedBytes?: number;
}

/** One defect: the spreadsheet row (header = row 1), the column as headed in the file, a stable code. */
export const rowError = z.object({
  row: z.number().int().describe('The row as the spreadsheet shows it (the header is row 1)'),
  column: z.string().optional().describe('The column, as headed in the file'),
  code: z.string().describe('A stable code, e.g. missing_value, invalid_credit_code, duplicate_in_file'),
  message: z.string(),
});
export type RowError = z.infer<typeof rowError>;

/** The dry-run switch of every import route's query. */
export const dryRunField = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true')
  .describe('Check the file and report, but import nothing');

// ---------------------------------------------------------------- reading the file

export type Cell = string | number | boolean | Date | null;

export interface Table {
  format: 'csv' | 'xlsx';
  encoding: string | null;
  /** rows[i] is spreadsheet row i + 1. */
  rows: Cell[][];
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const startsWith = (b: Uint8Array, magic: number[]) => magic.every((m, i) => b[i] === m);

/** What the bytes are, from their content (never the file name). */
export function sniff(bytes: Uint8Array): 'xlsx' | 'xls' | 'text' | 'binary' {
  if (startsWith(bytes, ZIP_MAGIC)) return 'xlsx';
  if (startsWith(bytes, OLE2_MAGIC)) return 'xls';
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return 'text';
  const head = bytes.subarray(0, 8192);
  return head.includes(0) ? 'binary' : 'text';
}

/** Text from bytes: a BOM decides; else valid UTF-8 is UTF-8, and anything else is tried as GB18030 (⊃ GBK). */
export function decodeText(bytes: Uint8Array, E: ImportErrors): { text: string; encoding: string } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    try {
      return { text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), encoding: 'gb18030' };
    } catch {
      return E.importUnsupportedType.raise('The text is neither UTF-8 nor GBK/GB18030');
    }
  }
}

/** Rows of CSV text; the delimiter (comma, tab or semicolon) is the one the first line uses most. */
export function readCsvText(text: string, E: ImportErrors): Cell[][] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length] as const);
  const delimiter = counts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  try {
    return parseCsv(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: false,
      max_record_size: 64 * 1024,
    }) as string[][];
  } catch (err) {
    const e = err as { code?: string; records?: number; message: string };
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
      const row = (e.records ?? 0) + 1;
      return E.importInvalid.raise(`Row ${row}: ${e.message}`, {
        errors: [{ row, code: 'malformed_csv', message: e.message }],
        errorCount: 1,
      });
    }
    throw err;
  }
}

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** The entries of a ZIP archive's central directory; null when it cannot be found or is ZIP64. */
function zipEntries(b: Buffer): ZipEntry[] | null {
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65_535); i--) {
    if (b.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = b.readUInt16LE(eocd + 10);
  let p = b.readUInt32LE(eocd + 16);
  const out: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > b.length || b.readUInt32LE(p) !== 0x02014b50) return null;
    const nameLen = b.readUInt16LE(p + 28);
    const entry = {
      method: b.readUInt16LE(p + 10),
      compressedSize: b.readUInt32LE(p + 20),
      size: b.readUInt32LE(p + 24),
      localOffset: b.readUInt32LE(p + 42),
      name: b.toString('utf8', p + 46, p + 46 + nameLen),
    };
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff) return null; // ZIP64
    out.push(entry);
    p += 46 + nameLen + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
  }
  return out;
}

/**
 * Checks an .xlsx before the library unpacks it: a workbook inside, and what it really unpacks to (each
 * entry inflated with a cap, not its declared size, which a crafted file can understate) within the limit.
 * Answers the unpacked size.
 */
export function checkXlsxArchive(b: Buffer, E: ImportErrors, limit = MAX_XLSX_UNPACKED_BYTES): number {
  const entries = zipEntries(b);
  if (!entries)
    return E.importUnreadable.raise('The Excel file is damaged (its ZIP directory is unreadable)');
  if (!entries.some((e) => e.name === 'xl/workbook.xml'))
    return E.importUnsupportedType.raise('A ZIP archive that is not an Excel workbook (.xlsx)');
  let total = 0;
  for (const e of entries) {
    const lh = e.localOffset;
    if (lh + 30 > b.length || b.readUInt32LE(lh) !== 0x04034b50)
      return E.importUnreadable.raise('The Excel file is damaged');
    const start = lh + 30 + b.readUInt16LE(lh + 26) + b.readUInt16LE(lh + 28);
    const data = b.subarray(start, start + e.compressedSize);
    let size: number;
    if (e.method === 0) size = data.length;
    else if (e.method === 8) {
      try {
        size = inflateRawSync(data, { maxOutputLength: limit - total + 1 }).length;
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') size = limit + 1;
        else return E.importUnreadable.raise('The Excel file is damaged');
      }
    } else return E.importUnreadable.raise('The Excel file uses an unsupported compression');
    total += size;
    if (total > limit)
      return E.importTooLarge.raise(
        `The workbook unpacks to more than ${Math.round(limit / 1024 / 1024)} MB`,
        { limitBytes: limit },
      );
  }
  return total;
}

/** The first sheet of an .xlsx as rows of cells (date cells as Dates whose UTC fields are the wall clock). */
export async function readXlsx(
  bytes: Buffer,
  E: ImportErrors,
  limit = MAX_XLSX_UNPACKED_BYTES,
): Promise<Cell[][]> {
  checkXlsxArchive(bytes, E, limit);
  try {
    return (await readSheet(bytes)) as unknown as Cell[][];
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'InvalidInputError' || name === 'InvalidSpreadsheetError' || name === 'SheetNotFoundError')
      return E.importUnreadable.raise(`The Excel file could not be read: ${(err as Error).message}`);
    throw err;
  }
}

/** Reads an upload into rows, deciding the format from the content. */
export async function readTable(bytes: Buffer, o: ReaderOptions): Promise<Table> {
  const E = o.errors;
  if (bytes.length > o.maxBytes) return tooLarge(E, o.maxBytes);
  if (bytes.length === 0) return E.importEmpty.raise('The file is empty');
  switch (sniff(bytes)) {
    case 'xlsx':
      return { format: 'xlsx', encoding: null, rows: await readXlsx(bytes, E, o.maxUnpackedBytes) };
    case 'xls':
      return E.importUnsupportedType.raise(
        'A legacy Excel .xls file (or a password-protected workbook): save it as .xlsx or CSV',
      );
    case 'binary':
      return E.importUnsupportedType.raise('A binary file that is neither CSV nor Excel .xlsx');
    case 'text': {
      const { text, encoding } = decodeText(bytes, E);
      return { format: 'csv', encoding, rows: readCsvText(text, E) };
    }
  }
}

export function tooLarge(E: ImportErrors, maxBytes: number): never {
  return E.importTooLarge.raise(`At most ${maxBytes / 1024 / 1024} MB`, { limitBytes: maxBytes });
}

// ---------------------------------------------------------------- headings and values

/** A heading as compared: NFKC (full-width → half-width), no spaces, no * marks, no "(…)" note, lower case. */
export function normalizeHeading(h: string): string {
  return h
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/^\*+|\*+$/g, '')
    .replace(/\([^)]*\)$/, '')
    .toLowerCase();
}

/** A cell as trimmed text (dates as local "YYYY-MM-DD HH:mm:ss"). */
export function cellText(c: Cell | undefined): string {
  if (c === null || c === undefined) return '';
  if (c instanceof Date) return c.toISOString().slice(0, 19).replace('T', ' ');
  return String(c).trim();
}

export function parseNumber(c: Cell): number | null {
  if (typeof c === 'number') return Number.isFinite(c) ? c : null;
  if (typeof c !== 'string') return null;
  const s = c.normalize('NFKC').trim();
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s) ? Number(s) : null;
}

export type Crs = 'wgs84' | 'gcj02' | 'bd09';
/** A 坐标系 cell: WGS84 (GPS) by default; GCJ-02 (高德, 腾讯); BD-09 (百度). */
export function parseCrs(c: Cell): Crs | null {
  const s = cellText(c)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  if (s === '' || s === 'wgs84' || s === 'gps' || s === 'wgs') return 'wgs84';
  if (s === 'gcj02' || s === 'gcj' || s.includes('高德') || s.includes('腾讯') || s.includes('火星'))
    return 'gcj02';
  if (s === 'bd09' || s === 'bd09ll' || s.includes('百度')) return 'bd09';
  return null;
}

/** A BD-09 point as WGS84; other systems as they are (the units service converts GCJ-02 itself). */
export function fromBd09(p: { lng: number; lat: number; crs: Crs }): {
  lng: number;
  lat: number;
  crs: 'wgs84' | 'gcj02';
} {
  if (p.crs !== 'bd09') return { lng: p.lng, lat: p.lat, crs: p.crs };
  const [x, y] = gcoord.transform([p.lng, p.lat], gcoord.BD09, gcoord.WGS84);
  return { lng: x, lat: y, crs: 'wgs84' };
}

/** Any of the three as WGS84 (for storing a point that was not located). */
export function toWgs84(p: { lng: number; lat: number; crs: Crs }): { lng: number; lat: number } {
  if (p.crs === 'wgs84') return { lng: p.lng, lat: p.lat };
  const [x, y] = gcoord.transform(
    [p.lng, p.lat],
    p.crs === 'bd09' ? gcoord.BD09 : gcoord.GCJ02,
    gcoord.WGS84,
  );
  return { lng: x, lat: y };
}

// ---------------------------------------------------------------- the report

/** The 422 answer: every defect (up to MAX_REPORTED_ERRORS), by row; nothing was stored. */
export function refuseRows(E: ImportErrors, errors: RowError[], rows: number): never {
  const sorted = [...errors].sort((a, b) => a.row - b.row);
  const shown = sorted.slice(0, MAX_REPORTED_ERRORS);
  const badRows = new Set(sorted.map((e) => e.row)).size;
  return E.importInvalid.raise(`${badRows} row(s) with ${errors.length} problem(s); nothing was imported`, {
    errors: shown,
    errorCount: errors.length,
    rows,
    ...(shown.length < sorted.length ? { truncated: true } : {}),
  });
}

/** One line of a defect, for the command line. */
export function describeRowError(e: RowError): string {
  return `row ${e.row}${e.column ? ` (${e.column})` : ''}: ${e.message} [${e.code}]`;
}
