import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../../test/context.js';
import { inAmbientTransaction } from './ambient.js';
import type { Db } from './types.js';

describe('ambient transaction', () => {
  let db: Db;
  beforeAll(async () => {
    db = await createTestDb();
    await db.exec('CREATE TABLE probe_ambient (id int)');
  });
  afterAll(() => db.close());

  // a second service holding the same Db, as modules do when one calls another inside a transaction
  const count = async () => (await db.query<{ n: number }>('SELECT count(*) AS n FROM probe_ambient'))[0]!.n;

  it('lets a call through the plain handle join the running transaction (no deadlock on PGlite)', async () => {
    const seen = await db.tx(async (q) => {
      await q.query('INSERT INTO probe_ambient VALUES (1)');
      return count(); // through db, not q
    });
    expect(seen).toBe(1);
    expect(await count()).toBe(1);
  });

  it('rolls back what the joined call wrote', async () => {
    const before = await count();
    await expect(
      db.tx(async () => {
        await db.query('INSERT INTO probe_ambient VALUES (2)');
        await db.tx((inner) => inner.query('INSERT INTO probe_ambient VALUES (3)')); // nested joins too
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await count()).toBe(before);
  });

  it('keeps flows apart: a query from another flow does not join the transaction', async () => {
    const initial = await count();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let inserted!: () => void;
    const didInsert = new Promise<void>((r) => {
      inserted = r;
    });
    const running = db.tx(async (q) => {
      await q.query('INSERT INTO probe_ambient VALUES (4)');
      inserted();
      await gate;
    });
    await didInsert;
    // started outside the transaction's flow: PostgreSQL answers from committed data at once;
    // PGlite (one connection) answers once the transaction is over
    const outside = count();
    if (db.kind === 'postgres') expect(await outside).toBe(initial);
    release();
    await running;
    if (db.kind === 'pglite') expect(await outside).toBe(initial + 1);
    expect(await count()).toBe(initial + 1);
  });

  it('tells whether the current flow runs inside a transaction', async () => {
    expect(inAmbientTransaction()).toBe(false);
    const inside = await db.tx(async () => {
      await Promise.resolve();
      return inAmbientTransaction();
    });
    expect(inside).toBe(true);
    // a flow started before the transaction, running while it is open, is not inside it
    let resolveGate!: () => void;
    const gate = new Promise<void>((r) => {
      resolveGate = r;
    });
    const outside = gate.then(() => inAmbientTransaction());
    await db.tx(async () => {
      resolveGate();
      await outside;
    });
    expect(await outside).toBe(false);
  });
});
