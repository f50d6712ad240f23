// The audit log: append-only in the database itself, written in the caller's transaction, listed
// newest first and cut to the reader's subtree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { SYSTEM } from './actor.js';
import { login, makeAccount, seedSmallTree } from './testing.js';

describe('audit log', () => {
  let ctx: TestContext;
  let app: App;
  let unitId: (code: string) => Promise<number>;
  beforeAll(async () => {
    ctx = await createTestContext();
    await seedSmallTree(ctx);
    app = await ctx.app();
    unitId = async (code) => (await ctx.services.units.findByCode(code))!.id;
  });
  afterAll(() => ctx.close());

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    await ctx.services.audit.record(ctx.db, {
      actor: SYSTEM,
      action: 'test.entry',
      entityType: 'test',
      entityId: 1,
    });
    const n = async () =>
      (await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0]!.n;
    const before = await n();
    expect(before).toBeGreaterThan(0);
    await expect(ctx.db.query("UPDATE audit_log SET action = 'forged'")).rejects.toThrow(/append-only/);
    await expect(ctx.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(ctx.db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect(await n()).toBe(before);
    expect(await ctx.db.query("SELECT 1 FROM audit_log WHERE action = 'forged'")).toEqual([]);
  });

  it("is written in the caller's transaction: a rolled-back change leaves no entry", async () => {
    await expect(
      ctx.db.tx(async (q) => {
        await ctx.services.audit.record(q, { actor: SYSTEM, action: 'test.rolled_back', entityType: 'test' });
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    expect(await ctx.db.query("SELECT 1 FROM audit_log WHERE action = 'test.rolled_back'")).toEqual([]);
  });

  it('appends many entries in one statement, in order, with unit paths and secrets redacted', async () => {
    const t1 = await unitId('T1');
    await ctx.services.audit.recordMany(ctx.db, [
      { actor: SYSTEM, action: 'test.bulk', entityType: 'test', entityId: 1, unitId: t1, after: { n: 1 } },
      {
        actor: SYSTEM,
        action: 'test.bulk',
        entityType: 'test',
        entityId: 2,
        unitPath: '/C1/T2/',
        after: { token: 'tok-x' },
      },
      { actor: SYSTEM, action: 'test.bulk', entityType: 'test', entityId: 3 },
    ]);
    await ctx.services.audit.recordMany(ctx.db, []);
    const rows = await ctx.db.query<{ entity_id: string; unit_path: string | null; after: unknown }>(
      "SELECT entity_id, unit_path, after FROM audit_log WHERE action = 'test.bulk' ORDER BY id",
    );
    expect(rows).toEqual([
      { entity_id: '1', unit_path: '/C1/T1/', after: { n: 1 } },
      { entity_id: '2', unit_path: '/C1/T2/', after: { token: '[redacted]' } },
      { entity_id: '3', unit_path: null, after: null },
    ]);
  });

  it('keeps secrets out whatever the caller passes', async () => {
    await ctx.services.audit.record(ctx.db, {
      actor: SYSTEM,
      action: 'test.secret',
      entityType: 'test',
      after: { name: 'x', password: 'hunter2-pass', token: 'tok-abc', nested: { keyHash: 'deadbeef' } },
    });
    const [row] = await ctx.db.query<{ text: string }>(
      "SELECT after::text AS text FROM audit_log WHERE action = 'test.secret'",
    );
    expect(row!.text).not.toMatch(/hunter2|tok-abc|deadbeef/);
    expect(row!.text).toContain('[redacted]');
  });

  it('lists newest first for admins and the safety office, cut to their subtree; 401/403 for others', async () => {
    const [t1, t2] = [await unitId('T1'), await unitId('T2')];
    for (const [action, u] of [
      ['test.in_t1', t1],
      ['test.in_t2', t2],
      ['test.no_unit', null],
    ] as const) {
      await ctx.services.audit.record(ctx.db, {
        actor: SYSTEM,
        action,
        entityType: 'probe',
        entityId: 'p1',
        unitId: u,
      });
    }
    await makeAccount(ctx, { username: 'aud.town.admin', roles: ['admin'], unit: 'T1' });
    await makeAccount(ctx, { username: 'aud.so', roles: ['safety_office'], unit: 'C1' });
    await makeAccount(ctx, { username: 'aud.gw', roles: ['grid_worker'], unit: 'G1' });
    const list = async (who: string | null, query = 'entityType=probe') =>
      app.inject({
        method: 'GET',
        url: `/api/v1/audit?${query}`,
        headers: who ? { cookie: await login(app, who) } : {},
      });

    const town = await list('aud.town.admin');
    expect(town.statusCode).toBe(200);
    expect(town.json().items.map((e: { action: string }) => e.action)).toEqual([
      'test.no_unit',
      'test.in_t1',
    ]);
    const so = await list('aud.so');
    expect(so.json()).toMatchObject({ total: 3, page: 1, pageSize: 20 });
    expect(so.json().items[0]).toMatchObject({
      action: 'test.no_unit',
      actorName: 'system',
      actorId: null,
      entityType: 'probe',
      entityId: 'p1',
      unitId: null,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect((await list('aud.so', 'entityType=probe&page=2&pageSize=2')).json().items).toHaveLength(1);
    expect((await list('aud.so', 'entityType=probe&entityId=nope')).json().total).toBe(0);

    const gw = await list('aud.gw');
    expect(gw.statusCode).toBe(403);
    expect(gw.json()).toMatchObject({ code: 'http.forbidden' });
    expect((await list(null)).statusCode).toBe(401);
    expect((await list('aud.so', 'from=not-a-date')).statusCode).toBe(400);
  });

  it('filters by actor and time', async () => {
    const admin = await makeAccount(ctx, { username: 'aud.admin', roles: ['admin'], unit: 'C1' });
    const cookie = await login(app, 'aud.admin');
    await app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      headers: { cookie },
      payload: {
        username: 'aud.made',
        displayName: 'm',
        password: 'Made-pass1',
        roles: ['leader'],
        scopeUnitCode: 'C1',
      },
    });
    const mine = await app.inject({
      method: 'GET',
      url: `/api/v1/audit?actorId=${admin.id}`,
      headers: { cookie },
    });
    expect(mine.json().items.map((e: { action: string }) => e.action)).toEqual(['account.create']);
    const future = new Date(ctx.clock.now().getTime() + 60_000).toISOString();
    const none = await app.inject({
      method: 'GET',
      url: `/api/v1/audit?actorId=${admin.id}&from=${future}`,
      headers: { cookie },
    });
    expect(none.json().total).toBe(0);
  });
});
