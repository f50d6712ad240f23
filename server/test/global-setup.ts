// Runs once per test run: prepares a migrated database that every test file clones, so that no
// file pays for creating and migrating its own (3 s on PGlite).
//  - PGlite: a dump of a migrated in-memory database, written to a temporary file.
//  - PostgreSQL: a template database `anwang_test_template_<pid>` that files copy with CREATE DATABASE … TEMPLATE.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { openPglite } from '../src/db/pglite.js';
import { openPostgres } from '../src/db/postgres.js';
import { adminUrl, testDbKind } from './env.js';

export default async function setup() {
  if (testDbKind() === 'postgres') {
    const template = `anwang_test_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${template}`);
    } finally {
      await admin.end();
    }
    const db = await openPostgres(adminUrl(template), 1);
    await migrate(db);
    await db.close();
    process.env.ANWANG_TEST_TEMPLATE = template;
    return async () => {
      const a = new pg.Client({ connectionString: adminUrl() });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).finally(() => a.end());
    };
  }
  const db = await openPglite();
  await migrate(db);
  const dump = await db.pglite.dumpDataDir('none');
  await db.close();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'anwang-test-')), 'migrated.tar');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  process.env.ANWANG_TEST_SNAPSHOT = file;
  return () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
