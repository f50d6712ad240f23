// Writing CSV for spreadsheets (pure): RFC 4180 cells and records, and the formula guard every export
// applies to free text. db/csv-sql.ts writes the same cells in SQL, for exports the database formats.

/** Text for a spreadsheet cell: a leading = + - @ (or a tab/CR) would be read as a formula, so it is quoted away. */
export function csvText(s: string | null | undefined): string {
  if (!s) return '';
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** One cell (RFC 4180: a field with a quote, comma or line break is quoted, quotes doubled). */
export function csvCell(v: string | number | null | undefined): string {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV record, ended by CRLF. */
export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  let line = '';
  for (let i = 0; i < cells.length; i++) {
    if (i) line += ',';
    line += csvCell(cells[i]);
  }
  return `${line}\r\n`;
}
