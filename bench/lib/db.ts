// Throwaway databases for a benchmark: a PGlite data folder under the system temp folder, or a fresh
// database on the PostgreSQL server (created here, dropped afterwards). A target is handed to child
// processes as environment variables, so that they open it exactly as the `anwang` CLI would.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Backend, loadavg } from './report.js';

export const BACKENDS: readonly Backend[] = ['pglite', 'postgres'];

/** Where benchmarks may create and drop databases (a superuser, or a role with CREATEDB). */
export function adminUrl(database?: string): string {
  const url = new URL(process.env.ANWANG_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  if (database) url.pathname = `/${database}`;
  return url.toString();
}

export interface BenchTarget {
  backend: Backend;
  /** The folder or the database name, for messages. */
  label: string;
  /** The variables that point config.ts (loadConfig) at this database. */
  env: { DATABASE_URL?: string; ANWANG_DATA_DIR?: string };
  drop(): Promise<void>;
}

/** Whether the PostgreSQL server answers (a short connect, no retries). */
export async function postgresAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function createTarget(backend: Backend, purpose: string): Promise<BenchTarget> {
  if (backend === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `anwang-bench-${purpose}-`));
    return {
      backend,
      label: dir,
      env: { ANWANG_DATA_DIR: dir },
      async drop() {
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  // names are generated here (no user input), so interpolating them into DDL is safe
  const name = `anwang_bench_${purpose}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    backend,
    label: name,
    env: { DATABASE_URL: adminUrl(name) },
    async drop() {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * Runs a benchmark's figures on each wanted backend, each on its own throwaway database (dropped after,
 * whatever happened, unless ANWANG_BENCH_KEEP=1). A backend that fails, or a PostgreSQL that does not answer, is reported and makes the
 * answer true (the benchmark exits 1); the other backends still run.
 */
export async function onEachBackend(
  wanted: readonly Backend[],
  purpose: string,
  run: (backend: Backend, target: BenchTarget) => Promise<void>,
): Promise<boolean> {
  let failed = false;
  for (const backend of wanted) {
    if (backend === 'postgres' && !(await postgresAvailable())) {
      console.log('\npostgres: no server answers at ANWANG_BENCH_PG_URL (default 127.0.0.1:5432): skipped');
      failed = true;
      continue;
    }
    console.log(`\n== ${backend} (load average ${loadavg().join(' ')}) ==`);
    const target = await createTarget(backend, purpose);
    try {
      await run(backend, target);
    } catch (e) {
      failed = true;
      console.error(`${backend}: ${(e as Error).stack ?? e}`);
    } finally {
      // ANWANG_BENCH_KEEP=1 leaves the database (or folder) for a closer look, and says where it is
      if (process.env.ANWANG_BENCH_KEEP === '1') console.log(`${backend}: kept ${target.label}`);
      else await target.drop();
    }
  }
  return failed;
}
