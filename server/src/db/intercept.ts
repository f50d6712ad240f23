// The same database with every statement passing through a hook (those run in its transactions too): for
// benchmarks that count, time or capture statements, and tests that fail one on purpose.
import type { Db, Queryable, QueryOptions, Row } from './types.js';

export interface Interceptor {
  /** Runs (or does not run, or fails) one statement: `run` sends it as given. */
  query?(text: string, params: readonly unknown[], run: () => Promise<Row[]>): Promise<Row[]>;
  /** Called as a transaction begins. */
  tx?(): void;
}

export function interceptQueries(db: Db, hook: Interceptor): Db {
  const wrap = (q: Queryable): Queryable => ({
    query<R extends Row>(text: string, params?: readonly unknown[], opts?: QueryOptions) {
      const run = () => q.query<R>(text, params, opts);
      return (hook.query ? hook.query(text, params ?? [], run) : run()) as Promise<R[]>;
    },
    tx: (fn) => {
      hook.tx?.();
      return q.tx((inner) => fn(wrap(inner)));
    },
    exec: (sql) => q.exec(sql),
  });
  return { kind: db.kind, close: () => db.close(), ...wrap(db) };
}
