// The ambient transaction. While a transaction runs, every query made through the same Db from the
// same asynchronous flow joins it — also queries a service of another module makes with its own
// `db` handle. Without this, on PGlite (one connection) such a call would wait forever for the
// transaction that waits for it; on PostgreSQL it would run outside the transaction and could see
// or write half a change. Each Db has its own store, so two databases never mix.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Queryable, Row } from './types.js';

type Begin = <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>;

export function withAmbientTransactions(outside: Omit<Queryable, 'tx'>, begin: Begin): Queryable {
  const current = new AsyncLocalStorage<Queryable>();
  return {
    query<R extends Row>(text: string, params?: readonly unknown[]) {
      return (current.getStore() ?? outside).query<R>(text, params);
    },
    exec(sql: string) {
      return (current.getStore() ?? outside).exec(sql);
    },
    tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
      const inside = current.getStore();
      if (inside) return fn(inside); // nested: the outer transaction owns commit and rollback
      return begin((q) => current.run(q, () => fn(q)));
    },
  };
}
