// PostgreSQL through node-postgres: a pool; a transaction holds one client from BEGIN to COMMIT.
import pg from 'pg';
import { withAmbientTransactions } from './ambient.js';
import type { Db, Queryable, QueryOptions, Row } from './types.js';

const toNumber = (v: string) => Number(v);
// int8, numeric → number; int8[]/numeric[] → number[] (ids are far below 2^53).
pg.types.setTypeParser(20, toNumber);
pg.types.setTypeParser(1700, toNumber);
const arrayParser = (s: string) =>
  s === '{}'
    ? []
    : s
        .slice(1, -1)
        .split(',')
        .map((x) => (x === 'NULL' ? null : Number(x)));
// int8[] (1016) and numeric[] (1231) are not in pg's TypeId list, hence the widened signature
const setParser = pg.types.setTypeParser as (oid: number, parse: (value: string) => unknown) => void;
setParser(1016, arrayParser);
setParser(1231, arrayParser);

/** node-postgres's query config: a named one is prepared once per connection (QueryOptions.name). */
function config(text: string, params: readonly unknown[] | undefined, opts: QueryOptions | undefined) {
  const values = params as unknown[] | undefined;
  return opts?.name ? { name: opts.name, text, values } : { text, values };
}

function wrapClient(client: pg.PoolClient): Queryable {
  const q: Queryable = {
    async query<R extends Row>(text: string, params?: readonly unknown[], opts?: QueryOptions) {
      const res = await client.query<R>(config(text, params, opts));
      return res.rows;
    },
    tx: (fn) => fn(q),
    async exec(sql) {
      await client.query(sql);
    },
  };
  return q;
}

export async function openPostgres(url: string, poolSize = 10): Promise<Db & { pool: pg.Pool }> {
  // JIT compilation costs 0.3–0.7 s per statement on the daily view and the metrics (measured in
  // bench/events) and pays back only on far larger scans: off for every connection of the pool
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: '-c jit=off' });
  pool.on('error', () => {}); // idle client errors surface on the next query
  const probe = await pool.connect(); // fail fast with a clear error when the server does not answer
  probe.release();
  const outside: Omit<Queryable, 'tx'> = {
    async query<R extends Row>(text: string, params?: readonly unknown[], opts?: QueryOptions) {
      const res = await pool.query<R>(config(text, params, opts));
      return res.rows;
    },
    async exec(sql) {
      await pool.query(sql);
    },
  };
  const q = withAmbientTransactions(outside, async (fn) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(wrapClient(client));
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  });
  return {
    kind: 'postgres',
    pool,
    query: q.query,
    tx: q.tx,
    exec: q.exec,
    async close() {
      await pool.end();
    },
  };
}
