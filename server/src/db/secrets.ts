// Per-deployment secrets (table app_secret): made on first use, never exported, the same for every server
// process of a deployment (the first to insert wins; the others read its value). Each is read once per
// process and kept.
import { randomBytes } from 'node:crypto';
import { one, type Queryable } from './types.js';

const cache = new WeakMap<Queryable, Map<string, Promise<string>>>();

export function deploymentSecret(db: Queryable, name: string): Promise<string> {
  let byName = cache.get(db);
  if (!byName) {
    byName = new Map();
    cache.set(db, byName);
  }
  let value = byName.get(name);
  if (!value) {
    value = readOrMake(db, name);
    // a failed read (the database was away) is tried again next time, not kept
    value.catch(() => byName.delete(name));
    byName.set(name, value);
  }
  return value;
}

async function readOrMake(q: Queryable, name: string): Promise<string> {
  await q.query('INSERT INTO app_secret (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
    name,
    randomBytes(32).toString('base64url'),
  ]);
  return (await one<{ value: string }>(q, 'SELECT value FROM app_secret WHERE name = $1', [name])).value;
}
