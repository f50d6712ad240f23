// The database seen by repositories: parameterised SQL over PGlite or PostgreSQL, with the same
// result types on both (int8 and numeric as JavaScript numbers, timestamptz as Date, jsonb parsed).

export type Row = Record<string, unknown>;

export interface QueryOptions {
  /**
   * A name for a statement of fixed text run very often (intake's): on PostgreSQL it is prepared under
   * this name once per connection, and from then on only bound and run, without being parsed and planned
   * each time (after five runs PostgreSQL keeps one generic plan when it costs no more than the custom
   * ones). One name, one text: a second text under the same name is an error. PGlite ignores it.
   */
  name?: string;
}

export interface Queryable {
  /** Runs one statement with $1… parameters and returns its rows. */
  query<R extends Row = Row>(text: string, params?: readonly unknown[], opts?: QueryOptions): Promise<R[]>;
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
  opts?: QueryOptions,
): Promise<R | undefined> {
  const rows = await q.query<R>(text, params, opts);
  return rows[0];
}

/** Returns the first row; throws when there is none (a programming error, not a user error). */
export async function one<R extends Row>(
  q: Queryable,
  text: string,
  params?: readonly unknown[],
  opts?: QueryOptions,
): Promise<R> {
  const row = await maybeOne<R>(q, text, params, opts);
  if (!row) throw new Error(`expected a row from: ${text.slice(0, 80)}`);
  return row;
}
