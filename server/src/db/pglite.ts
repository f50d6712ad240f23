// The embedded database: PGlite (PostgreSQL in WebAssembly) in a local folder, one connection,
// guarded by a lock file so that a second process cannot open the same folder.
import fs from 'node:fs';
import path from 'node:path';
import { PGlite, type Transaction, types } from '@electric-sql/pglite';
import { withAmbientTransactions } from './ambient.js';
import type { Db, Queryable, Row } from './types.js';

const toNumber = (v: string) => (v === null ? v : Number(v));
const parsers = { [types.NUMERIC]: toNumber, [types.INT8]: toNumber };

export class DataDirLockedError extends Error {}

function acquireLock(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, 'anwang.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(lockPath, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(lockPath, 'utf8'));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLockedError(
          `The embedded database in ${dir} is in use by process ${pid}. PGlite allows one process at a time: ` +
            'stop that process, or run this command through the running server, or use PostgreSQL (DATABASE_URL).',
        );
      }
      fs.rmSync(lockPath, { force: true }); // stale lock from a process that died
    }
  }
  throw new DataDirLockedError(`Could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function wrap(exec: PGlite | Transaction): Queryable {
  const q: Queryable = {
    // a statement's name (QueryOptions) is not used: PGlite parses each statement, named or not
    async query<R extends Row>(text: string, params?: readonly unknown[]) {
      const res = await exec.query<R>(text, params as unknown[] | undefined, { parsers });
      return res.rows;
    },
    tx: (fn) => fn(q),
    async exec(sql) {
      await exec.exec(sql);
    },
  };
  return q;
}

export interface PgliteOptions {
  /** Folder to keep the database in; undefined keeps it in memory. */
  dir?: string;
  /** A data-folder dump to start from (tests load a migrated snapshot this way). */
  loadDataDir?: Blob;
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Db & { pglite: PGlite }> {
  const release = opts.dir ? acquireLock(opts.dir) : () => {};
  let pg: PGlite;
  try {
    pg = await PGlite.create({
      ...(opts.dir ? { dataDir: path.join(opts.dir, 'pgdata') } : {}),
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
      parsers,
    });
  } catch (e) {
    release();
    throw e;
  }
  const q = withAmbientTransactions(wrap(pg), (fn) => pg.transaction((t) => fn(wrap(t))));
  return {
    kind: 'pglite',
    pglite: pg,
    query: q.query,
    tx: q.tx,
    exec: q.exec,
    async close() {
      try {
        await pg.close();
      } finally {
        release();
      }
    },
  };
}
