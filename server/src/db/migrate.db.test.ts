import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../test/context.js';
import { loadMigrations, migrate } from './migrate.js';
import type { Db } from './types.js';

describe('migrations', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(() => db.close());

  it('the test database is fully migrated and a second run applies nothing', async () => {
    const r = await migrate(db);
    expect(r.applied).toEqual([]);
    expect(r.total).toBe(loadMigrations().length);
    const rows = await db.query<{ id: string }>('SELECT id FROM schema_migration ORDER BY id');
    expect(rows.map((x) => x.id)).toEqual(loadMigrations().map((m) => m.id));
  });

  it('migration files are numbered, in order, without gaps', () => {
    const ids = loadMigrations().map((m) => Number(m.id.slice(0, 4)));
    expect(ids).toEqual(ids.map((_, i) => i + 1));
  });

  it('refuses an applied migration whose text changed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anwang-mig-'));
    fs.writeFileSync(path.join(dir, '0001_probe.sql'), 'CREATE TABLE probe_a (id int);');
    await migrate(db, loadMigrations(dir));
    fs.writeFileSync(path.join(dir, '0001_probe.sql'), 'CREATE TABLE probe_a (id int, x int);');
    await expect(migrate(db, loadMigrations(dir))).rejects.toThrow(/was changed after it was applied/);
    fs.rmSync(dir, { recursive: true });
  });

  it('a failing migration leaves nothing behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anwang-mig-'));
    fs.writeFileSync(
      path.join(dir, '0001_bad.sql'),
      'CREATE TABLE probe_b (id int);\nSELECT no_such_function();',
    );
    await expect(migrate(db, loadMigrations(dir))).rejects.toThrow();
    const [t] = await db.query<{ n: number }>(
      "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'probe_b'",
    );
    expect(t?.n).toBe(0);
    const [m] = await db.query<{ n: number }>(
      "SELECT count(*) AS n FROM schema_migration WHERE id = '0001_bad'",
    );
    expect(m?.n).toBe(0);
    fs.rmSync(dir, { recursive: true });
  });

  it('returns the same types on both databases', async () => {
    const [r] = await db.query<{ a: unknown; b: unknown; c: unknown; d: unknown; e: unknown }>(
      `SELECT 9007199254740::int8 AS a, 2.5::numeric AS b, now() AS c, '{"x":1}'::jsonb AS e, ARRAY[1,2]::int8[] AS d`,
    );
    expect(r).toMatchObject({ a: 9007199254740, b: 2.5, e: { x: 1 }, d: [1, 2] });
    expect(r?.c).toBeInstanceOf(Date);
  });

  it('rolls a transaction back on error', async () => {
    await db.exec('CREATE TABLE probe_tx (id int)');
    await expect(
      db.tx(async (q) => {
        await q.query('INSERT INTO probe_tx VALUES (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const [r] = await db.query<{ n: number }>('SELECT count(*) AS n FROM probe_tx');
    expect(r?.n).toBe(0);
  });
});
