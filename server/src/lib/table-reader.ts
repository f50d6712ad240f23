// Reading an uploaded table (pure): CSV in UTF-8 (with or without BOM), GBK/GB18030 (what Chinese spreadsheets
// and government systems write by default) or UTF-16 with a BOM, and Excel .xlsx (first sheet), the format
// decided from the content, never the file name. An .xlsx is checked before it is unpacked (a workbook
// inside, its real unpacked size within a limit: a guard against ZIP bombs). Used by every import (12345
// hotline items, the safety index's external data, places, hazard lists); each caller maps TableReadError's
// kind to its own error codes.
import { inflateRawSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/node';

/** An .xlsx may unpack to at most this much (a guard against ZIP bombs). */
export const MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024;

export type TableReadErrorKind = 'too_large' | 'empty' | 'unsupported_type' | 'unreadable' | 'malformed_csv';

/** Why a file cannot be read as a table; `row` for malformed CSV, `limitBytes` when too large. */
export class TableReadError extends Error {
  constructor(
    readonly kind: TableReadErrorKind,
    message: string,
    readonly row?: number,
    readonly limitBytes?: number,
  ) {
    super(message);
    this.name = 'TableReadError';
  }
}

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
export function decodeText(bytes: Uint8Array): { text: string; encoding: string } {
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
      throw new TableReadError('unsupported_type', 'The text is neither UTF-8 nor GBK/GB18030');
    }
  }
}

/** Rows of CSV text; the delimiter (comma, tab or semicolon) is the one the first line uses most. */
export function readCsvText(text: string): Cell[][] {
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
      throw new TableReadError('malformed_csv', `Row ${row}: ${e.message}`, row);
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
export function checkXlsxArchive(b: Buffer, limit = MAX_XLSX_UNPACKED_BYTES): number {
  const entries = zipEntries(b);
  if (!entries)
    throw new TableReadError('unreadable', 'The Excel file is damaged (its ZIP directory is unreadable)');
  if (!entries.some((e) => e.name === 'xl/workbook.xml'))
    throw new TableReadError('unsupported_type', 'A ZIP archive that is not an Excel workbook (.xlsx)');
  let total = 0;
  for (const e of entries) {
    const lh = e.localOffset;
    if (lh + 30 > b.length || b.readUInt32LE(lh) !== 0x04034b50)
      throw new TableReadError('unreadable', 'The Excel file is damaged');
    const start = lh + 30 + b.readUInt16LE(lh + 26) + b.readUInt16LE(lh + 28);
    const data = b.subarray(start, start + e.compressedSize);
    let size: number;
    if (e.method === 0) size = data.length;
    else if (e.method === 8) {
      try {
        size = inflateRawSync(data, { maxOutputLength: limit - total + 1 }).length;
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') size = limit + 1;
        else throw new TableReadError('unreadable', 'The Excel file is damaged');
      }
    } else throw new TableReadError('unreadable', 'The Excel file uses an unsupported compression');
    total += size;
    if (total > limit)
      throw new TableReadError(
        'too_large',
        `The workbook unpacks to more than ${Math.round(limit / 1024 / 1024)} MB`,
        undefined,
        limit,
      );
  }
  return total;
}

/** The first sheet of an .xlsx as rows of cells (date cells as Dates whose UTC fields are the wall clock). */
export async function readXlsx(bytes: Buffer): Promise<Cell[][]> {
  checkXlsxArchive(bytes);
  try {
    return (await readSheet(bytes)) as unknown as Cell[][];
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'InvalidInputError' || name === 'InvalidSpreadsheetError' || name === 'SheetNotFoundError')
      throw new TableReadError('unreadable', `The Excel file could not be read: ${(err as Error).message}`);
    throw err;
  }
}

/** Reads an upload into rows, deciding the format from the content. */
export async function readTable(bytes: Buffer, maxBytes: number): Promise<Table> {
  if (bytes.length > maxBytes)
    throw new TableReadError('too_large', `At most ${maxBytes / 1024 / 1024} MB`, undefined, maxBytes);
  if (bytes.length === 0) throw new TableReadError('empty', 'The file is empty');
  switch (sniff(bytes)) {
    case 'xlsx':
      return { format: 'xlsx', encoding: null, rows: await readXlsx(bytes) };
    case 'xls':
      throw new TableReadError(
        'unsupported_type',
        'A legacy Excel .xls file (or a password-protected workbook): save it as .xlsx or CSV',
      );
    case 'binary':
      throw new TableReadError('unsupported_type', 'A binary file that is neither CSV nor Excel .xlsx');
    case 'text': {
      const { text, encoding } = decodeText(bytes);
      return { format: 'csv', encoding, rows: readCsvText(text) };
    }
  }
}

/** A cell as trimmed text (dates as local "YYYY-MM-DD HH:mm:ss"). */
export function cellText(c: Cell | undefined): string {
  if (c === null || c === undefined) return '';
  if (c instanceof Date) return c.toISOString().slice(0, 19).replace('T', ' ');
  return String(c).trim();
}
