// CSV cells written by the database (SQL expression builders): an export that lets the database format
// its lines has the driver decode one text column per row instead of every typed column (the dates
// above all). Each builder is the SQL twin of lib/csv.ts (tested against it in csv-sql.db.test.ts).

/** `expr` (text, may be NULL → '') as one RFC 4180 cell: quoted when it holds a quote, comma or line break. */
export function sqlCsvCell(expr: string): string {
  return `(CASE WHEN (${expr}) ~ '[",\\r\\n]' THEN '"' || replace((${expr}), '"', '""') || '"'
    ELSE COALESCE((${expr}), '') END)`;
}

/** Free text as a cell with the formula guard (csvText): a leading = + - @ tab or CR gets an apostrophe. */
export function sqlCsvText(expr: string): string {
  return sqlCsvCell(`CASE WHEN (${expr}) ~ '^[=+\\-@\\t\\r]' THEN '''' || (${expr}) ELSE (${expr}) END`);
}

/** A timestamptz as JavaScript's toISOString() writes it (UTC, milliseconds, Z); NULL → ''. */
export function sqlIsoTime(expr: string): string {
  return `COALESCE(to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), '')`;
}

/** A timestamptz as the local date YYYY-MM-DD at a fixed UTC offset (minutes); NULL → ''. */
export function sqlLocalDate(expr: string, offsetMinutes: number): string {
  const m = Math.trunc(offsetMinutes);
  return `COALESCE(to_char((${expr}) AT TIME ZONE 'UTC' + make_interval(mins => ${m}), 'YYYY-MM-DD'), '')`;
}

/** Cells joined into the text of one record (no line end). */
export function sqlCsvJoin(cells: readonly string[]): string {
  return cells.join(` || ',' || `);
}
