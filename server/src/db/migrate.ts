// One migration history for PGlite and PostgreSQL: the numbered .sql files in ./migrations, applied
// in order, each in its own transaction, recorded with a checksum so that an edited, already applied
// migration is refused instead of silently diverging. On PostgreSQL an advisory lock makes concurrent
// starts of several server processes safe.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './types.js';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const LOCK_KEY = 7_340_304; // arbitrary, constant: the advisory lock that serialises migrations

export interface Migration {
  id: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = fs.readFileSync(path.join(dir, f), 'utf8');
      return { id: f.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export interface MigrateResult {
  applied: string[];
  total: number;
}

export async function migrate(db: Db, migrations = loadMigrations()): Promise<MigrateResult> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    id text PRIMARY KEY,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await db.tx(async (q) => {
      if (db.kind === 'postgres') await q.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const [row] = await q.query<{ checksum: string }>(
        'SELECT checksum FROM schema_migration WHERE id = $1',
        [m.id],
      );
      if (row) {
        if (row.checksum !== m.checksum) {
          throw new Error(
            `Migration ${m.id} was changed after it was applied (checksum differs). ` +
              'Add a new migration instead of editing an applied one.',
          );
        }
        return false;
      }
      await q.exec(m.sql);
      await q.query('INSERT INTO schema_migration (id, checksum) VALUES ($1, $2)', [m.id, m.checksum]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return { applied, total: migrations.length };
}
