// A fresh, migrated database and the services over it, for one test file (or one test).
//   const ctx = await createTestContext();   …   await ctx.close();
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { ManualClock } from '../src/clock.js';
import { type Config, loadConfig } from '../src/config.js';
import type { Db } from '../src/db/index.js';
import { openPglite } from '../src/db/pglite.js';
import { openPostgres } from '../src/db/postgres.js';
import type { App } from '../src/http/types.js';
import { createServices, type Services } from '../src/services.js';
import { adminUrl, templateDb, testDbKind } from './env.js';

export async function createTestDb(): Promise<Db> {
  if (testDbKind() === 'postgres') {
    const name = `anwang_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateDb()}`);
    } finally {
      await admin.end();
    }
    const db = await openPostgres(adminUrl(name), 5);
    return {
      ...db,
      async close() {
        await db.close();
        const a = new pg.Client({ connectionString: adminUrl() });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => a.end());
      },
    };
  }
  const snapshot = process.env.ANWANG_TEST_SNAPSHOT;
  if (!snapshot)
    throw new Error('ANWANG_TEST_SNAPSHOT is not set: run the tests through vitest (global setup)');
  return openPglite({ loadDataDir: new Blob([fs.readFileSync(snapshot)]) });
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ANWANG_DATA_DIR: '/tmp/anwang-test' }),
    ...overrides,
  };
}

export interface TestContext {
  db: Db;
  clock: ManualClock;
  config: Config;
  services: Services;
  /** Builds (once) the HTTP app over the same services; use app.inject for requests. */
  app(): Promise<App>;
  close(): Promise<void>;
}

export async function createTestContext(configOverrides: Partial<Config> = {}): Promise<TestContext> {
  const db = await createTestDb();
  const clock = new ManualClock(new Date());
  const config = testConfig(configOverrides);
  const services = createServices(db, config, clock);
  let app: App | undefined;
  return {
    db,
    clock,
    config,
    services,
    async app() {
      app ??= await buildApp({ config, services, serveWeb: false });
      return app;
    },
    async close() {
      await app?.close();
      await db.close();
    },
  };
}
