// The database seen by repositories: parameterised SQL over PGlite or PostgreSQL, with the same
// result types on both (int8 and numeric as JavaScript numbers, timestamptz as Date, jsonb parsed).

export type Row = Record<string, unknown>;

export interface Queryable {
  /** Runs one statement with $1… parameters and returns its rows. */
  query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs fn in a transaction; inside a transaction it simply runs fn on the same connection. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations, bulk DDL). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/** Returns the only row, or undefined. */
export async function maybeOne<R extends Row>(
  q: Queryable,
  text: string,
  params?: readonly unknown[],
): Promise<R | undefined> {
  const rows = await q.query<R>(text, params);
  return rows[0];
}

/** Returns the first row; throws when there is none (a programming error, not a user error). */
export async function one<R extends Row>(
  q: Queryable,
  text: string,
  params?: readonly unknown[],
): Promise<R> {
  const row = await maybeOne<R>(q, text, params);
  if (!row) throw new Error(`expected a row from: ${text.slice(0, 80)}`);
  return row;
}
