// Opens the database the configuration names and brings its schema up to date.
import path from 'node:path';
import type { Config } from '../config.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import type { Db } from './types.js';

export { inAmbientTransaction } from './ambient.js';
export type { Db, Queryable, QueryOptions, Row } from './types.js';
export { maybeOne, one } from './types.js';

export async function openDb(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'>,
): Promise<Db> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, config.databasePoolSize);
  return openPglite({ dir: path.join(config.dataDir, 'pglite') });
}

/** Opens and migrates; what `serve` and every command that touches data use. */
export async function openMigratedDb(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'>) {
  const db = await openDb(config);
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  return db;
}
