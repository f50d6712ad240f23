// The ambient transaction. While a transaction runs, every query made through the same Db from the
// same asynchronous flow joins it — also queries a service of another module makes with its own
// `db` handle. Without this, on PGlite (one connection) such a call would wait forever for the
// transaction that waits for it; on PostgreSQL it would run outside the transaction and could see
// or write half a change. Each Db has its own store, so two databases never mix.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Queryable, QueryOptions, Row } from './types.js';

type Begin = <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>;

/** The stores of every Db made here (a handful per process; tests make one per file). */
const stores = new Set<WeakRef<AsyncLocalStorage<Queryable>>>();

/**
 * Whether the current asynchronous flow runs inside a transaction of any Db. A service that would
 * hand work to another flow (intake's group commit) asks this first: inside a caller's transaction
 * the work must join that transaction instead (and on PGlite another flow would wait for it forever).
 */
export function inAmbientTransaction(): boolean {
  for (const ref of stores) {
    const store = ref.deref();
    if (!store) stores.delete(ref);
    else if (store.getStore()) return true;
  }
  return false;
}

export function withAmbientTransactions(outside: Omit<Queryable, 'tx'>, begin: Begin): Queryable {
  const current = new AsyncLocalStorage<Queryable>();
  stores.add(new WeakRef(current));
  return {
    query<R extends Row>(text: string, params?: readonly unknown[], opts?: QueryOptions) {
      return (current.getStore() ?? outside).query<R>(text, params, opts);
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
