// Publishing and reading notifications against a real database: who receives a notice (only active
// accounts whose scope is exactly the named unit or department, no duplicates), that it commits with the
// caller's change, unread counts and marking read through the HTTP edge, other people's notifications
// (404), who may call what (401/403), and the live feed's list by scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { SYSTEM } from '../access/actor.js';
import { login, makeAccount, seedSmallTree } from '../access/testing.js';
import type { Notice } from './service.js';
import { notificationsTestbed, type Testbed } from './testing.js';

let ctx: TestContext;
let bed: Testbed;
let app: App;
const ids: Record<string, number> = {};
const acc: Record<string, number> = {};
const cookie: Record<string, string> = {};

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSmallTree(ctx);
  for (const code of ['C1', 'T1', 'T2', 'V1', 'V2'])
    ids[code] = (await ctx.services.units.findByCode(code))!.id;
  ids.D1 = (await ctx.services.units.findDepartmentByCode('D1'))!.id;
  const make = async (name: string, o: Parameters<typeof makeAccount>[1]) => {
    acc[name] = (await makeAccount(ctx, { username: name, ...o })).id;
  };
  await make('t1-a', { roles: ['town_staff'], unit: 'T1' });
  await make('t1-b', { roles: ['town_staff', 'dispatcher'], unit: 'T1' });
  await make('t1-off', { roles: ['town_staff'], unit: 'T1' });
  await make('v1-staff', { roles: ['village_staff'], unit: 'V1' });
  await make('t2-staff', { roles: ['town_staff'], unit: 'T2' });
  await make('d1-staff', { roles: ['department_staff'], department: 'D1' });
  await make('d1-c1', { roles: ['department_staff'], unit: 'C1', department: 'D1' });
  await make('leader', { roles: ['leader'], unit: 'C1' });
  await make('resident', { roles: ['resident'] });
  await make('resident-off', { roles: ['resident'] });
  for (const off of ['t1-off', 'resident-off']) {
    const a = await ctx.services.access.getAccount(SYSTEM, acc[off]!);
    await ctx.services.access.updateAccount(SYSTEM, a.id, { version: a.version, disabled: true });
  }
  bed = notificationsTestbed(ctx);
  app = await bed.app();
  for (const u of ['t1-a', 't1-b', 't2-staff', 'd1-staff', 'leader', 'resident'])
    cookie[u] = await login(app, u);
});
afterAll(async () => {
  await bed?.close();
  await ctx?.close();
});

let seq = 0;
const notice = (o: Partial<Notice> = {}): Notice => {
  seq++;
  return {
    kind: 'events.assigned',
    entityType: 'event',
    entityId: seq,
    title: {
      zh: `事件 20261123-${String(seq).padStart(6, '0')} 已派遣给 甲街道`,
      en: `Event ${seq} assigned`,
    },
    link: `/events/${seq}`,
    to: {},
    unitPath: '/C1/T1/V1/',
    ...o,
  };
};

const publish = (n: Notice) => ctx.db.tx((q) => bed.service.publish(q, n));

const recipientsOf = async (entityId: number) =>
  (
    await ctx.db.query<{ account_id: number }>(
      'SELECT account_id FROM notification WHERE entity_id = $1 ORDER BY account_id',
      [entityId],
    )
  ).map((r) => r.account_id);

const send = (method: 'GET' | 'POST', url: string, as?: string) =>
  app.inject({ method, url, ...(as ? { headers: { cookie: cookie[as]! } } : {}) });

const expectProblem = (res: Awaited<ReturnType<typeof send>>, status: number, code: string) => {
  expect(res.statusCode, res.body).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code });
};

describe('publish: who receives a notice', () => {
  it('a unit: the active accounts whose scope is exactly that unit (not the units below, not disabled)', async () => {
    const n = notice({ to: { unitIds: [ids.T1!] } });
    await publish(n);
    expect(await recipientsOf(n.entityId)).toEqual([acc['t1-a'], acc['t1-b']].sort((a, b) => a! - b!));
  });

  it('a department: its staff, with or without a unit scope as well', async () => {
    const n = notice({ to: { departmentIds: [ids.D1!] } });
    await publish(n);
    expect(await recipientsOf(n.entityId)).toEqual([acc['d1-staff'], acc['d1-c1']].sort((a, b) => a! - b!));
  });

  it('named accounts: active ones only; someone named twice, or also reached by unit, gets one', async () => {
    const n = notice({
      to: {
        accountIds: [acc.resident!, acc.resident!, acc['resident-off']!, acc['t1-a']!],
        unitIds: [ids.T1!, ids.T1!],
      },
    });
    await publish(n);
    expect(await recipientsOf(n.entityId)).toEqual(
      [acc['t1-a'], acc['t1-b'], acc.resident].sort((a, b) => a! - b!),
    );
    const [feed] = await ctx.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM feed WHERE entity_id = $1',
      [n.entityId],
    );
    expect(feed!.n).toBe(1);
  });

  it('a unit with nobody in it, or no recipients at all: the feed row only', async () => {
    const empty = notice({ to: { unitIds: [ids.V2!] } });
    const none = notice({ to: {} });
    await publish(empty);
    await publish(none);
    for (const n of [empty, none]) {
      expect(await recipientsOf(n.entityId)).toEqual([]);
      expect(await ctx.db.query('SELECT kind FROM feed WHERE entity_id = $1', [n.entityId])).toEqual([
        { kind: 'events.assigned' },
      ]);
    }
  });

  it('publishMany with recipients read ahead tells whom it would tell without; addressees not read ahead are read in it', async () => {
    const a = notice({ to: { unitIds: [ids.T1!, ids.T1!], accountIds: [acc['resident-off']!] } });
    const b = notice({ to: { departmentIds: [ids.D1!] } });
    const c = notice({ to: { accountIds: [acc.resident!, acc['t1-a']!] } }); // not read ahead
    const ahead =
      ctx.db.kind === 'postgres'
        ? bed.service.readRecipients([a.to, { departmentIds: [ids.D1!, ids.D1!] }])
        : // PGlite: read before the transaction (its one connection would queue a read beside it)
          await (async () => {
            const r = bed.service.readRecipients([a.to, { departmentIds: [ids.D1!] }]);
            await Promise.all(r.reads.values());
            return r;
          })();
    expect(ahead.reads.size).toBe(2);
    await ctx.db.tx((q) => bed.service.publishMany(q, [a, b, c], ahead));
    expect(await recipientsOf(a.entityId)).toEqual([acc['t1-a'], acc['t1-b']].sort((x, y) => x! - y!));
    expect(await recipientsOf(b.entityId)).toEqual([acc['d1-staff'], acc['d1-c1']].sort((x, y) => x! - y!));
    expect(await recipientsOf(c.entityId)).toEqual([acc.resident, acc['t1-a']].sort((x, y) => x! - y!));
  });

  it('roles narrow the staff of a unit (access.accountIdsFor)', async () => {
    expect(await ctx.services.access.accountIdsFor({ unitIds: [ids.T1!], roles: ['dispatcher'] })).toEqual([
      acc['t1-b'],
    ]);
    expect(await ctx.services.access.accountIdsFor({})).toEqual([]);
  });

  it('rolls back with the caller’s change', async () => {
    const n = notice({ to: { unitIds: [ids.T1!] }, external: true });
    const jobsQueued = async () =>
      (
        await ctx.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM job WHERE kind = 'notifications.deliver' AND state = 'queued'",
        )
      )[0]!.n;
    const queuedBefore = await jobsQueued();
    await expect(
      ctx.db.tx(async (q) => {
        await bed.service.publish(q, n);
        throw new Error('the event change fails');
      }),
    ).rejects.toThrow('the event change fails');
    expect(await recipientsOf(n.entityId)).toEqual([]);
    expect(await ctx.db.query('SELECT 1 FROM feed WHERE entity_id = $1', [n.entityId])).toEqual([]);
    expect(await jobsQueued()).toBe(queuedBefore);
  });

  it('carries the county code: given, or the unit path’s second code', async () => {
    const a = notice({ to: { unitIds: [ids.T1!] }, unitPath: '/3303/330304/330304001/' });
    const b = notice({ to: { unitIds: [ids.T1!] }, countyCode: 'C1' });
    await publish(a);
    await publish(b);
    const rows = await ctx.db.query<{ entity_id: number; county_code: string }>(
      `SELECT DISTINCT entity_id, county_code FROM notification WHERE entity_id = ANY($1::bigint[])
       UNION SELECT entity_id, county_code FROM feed WHERE entity_id = ANY($1::bigint[]) ORDER BY entity_id`,
      [[a.entityId, b.entityId]],
    );
    expect(rows).toEqual([
      { entity_id: a.entityId, county_code: '330304' },
      { entity_id: b.entityId, county_code: 'C1' },
    ]);
  });

  it('refuses a malformed notice (a programming error), writing nothing', async () => {
    for (const bad of [
      notice({ link: '//evil.example/x' }),
      notice({ link: 'https://evil.example/x' }),
      notice({ unitPath: 'C1/T1' }),
      notice({ kind: 'Events Assigned' }),
      notice({ title: { zh: '', en: 'x' } }),
    ]) {
      await expect(publish(bad)).rejects.toThrow(/invalid notice/);
      expect(await ctx.db.query('SELECT 1 FROM feed WHERE entity_id = $1', [bad.entityId])).toEqual([]);
    }
  });
});

describe('my notifications over HTTP', () => {
  let mine: number[] = [];
  beforeAll(async () => {
    await ctx.db.query('UPDATE notification SET read_at = now() WHERE account_id = $1', [acc['t2-staff']]);
    mine = [];
    for (let i = 0; i < 3; i++) {
      const n = notice({ to: { accountIds: [acc['t2-staff']!] }, unitPath: '/C1/T2/' });
      await publish(n);
      ctx.clock.advance(1000);
      mine.push(
        (
          await ctx.db.query<{ id: number }>('SELECT id FROM notification WHERE entity_id = $1', [n.entityId])
        )[0]!.id,
      );
    }
  });

  it('lists mine newest first, paginated; unread=true only the unread', async () => {
    const res = await send('GET', '/api/v1/notifications?page=1&pageSize=2', 't2-staff');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.total).toBe(3);
    expect(body.items.map((i: { id: number }) => i.id)).toEqual([mine[2], mine[1]]);
    expect(body.items[0]).toMatchObject({
      kind: 'events.assigned',
      entityType: 'event',
      link: expect.stringMatching(/^\/events\/\d+$/),
      title: { zh: expect.stringContaining('已派遣给'), en: expect.any(String) },
      readAt: null,
    });
    const page2 = (await send('GET', '/api/v1/notifications?page=2&pageSize=2', 't2-staff')).json();
    expect(page2.items.map((i: { id: number }) => i.id)).toEqual([mine[0]]);
  });

  it('counts the unread, marks one read (idempotently), then all', async () => {
    const count = async () =>
      (await send('GET', '/api/v1/notifications/unread-count', 't2-staff')).json().count;
    expect(await count()).toBe(3);
    const read = await send('POST', `/api/v1/notifications/${mine[1]}/read`, 't2-staff');
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ id: mine[1], readAt: ctx.clock.now().toISOString() });
    ctx.clock.advance(60_000);
    const again = await send('POST', `/api/v1/notifications/${mine[1]}/read`, 't2-staff');
    expect(again.json().readAt).toBe(read.json().readAt); // the first read time stays
    expect(await count()).toBe(2);
    const unread = (await send('GET', '/api/v1/notifications?unread=true', 't2-staff')).json();
    expect(unread.items.map((i: { id: number }) => i.id)).toEqual([mine[2], mine[0]]);
    const all = await send('POST', '/api/v1/notifications/read-all', 't2-staff');
    expect(all.json()).toEqual({ updated: 2 });
    expect(await count()).toBe(0);
  });

  it('someone else’s notification is 404, and stays unread', async () => {
    const n = notice({ to: { accountIds: [acc['t1-a']!] } });
    await publish(n);
    const [row] = await ctx.db.query<{ id: number }>('SELECT id FROM notification WHERE entity_id = $1', [
      n.entityId,
    ]);
    expectProblem(
      await send('POST', `/api/v1/notifications/${row!.id}/read`, 't2-staff'),
      404,
      'notifications.not_found',
    );
    expectProblem(
      await send('POST', '/api/v1/notifications/999999999/read', 't2-staff'),
      404,
      'notifications.not_found',
    );
    const list = (await send('GET', '/api/v1/notifications?pageSize=200', 't2-staff')).json();
    expect(list.items.some((i: { id: number }) => i.id === row!.id)).toBe(false);
    expect((await ctx.db.query('SELECT read_at FROM notification WHERE id = $1', [row!.id]))[0]).toEqual({
      read_at: null,
    });
  });

  it('residents have their own notifications too', async () => {
    const res = (await send('GET', '/api/v1/notifications', 'resident')).json();
    expect(res.total).toBeGreaterThanOrEqual(1);
    expect(res.items.every((i: { kind: string }) => i.kind === 'events.assigned')).toBe(true);
  });

  it('anonymous 401; an API key 403 (keys have no inbox)', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/notifications'],
      ['GET', '/api/v1/notifications/unread-count'],
      ['POST', `/api/v1/notifications/${mine[0]}/read`],
      ['POST', '/api/v1/notifications/read-all'],
      ['GET', '/api/v1/notifications/feed'],
      ['GET', '/api/v1/notifications/stream'],
    ] as const) {
      expectProblem(await send(method, url), 401, 'http.unauthenticated');
    }
    const key = await ctx.services.access.createApiKey(SYSTEM, {
      name: 'bridge',
      roles: ['dispatcher'],
      scopeUnitCode: 'C1',
    });
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/notifications',
      headers: { authorization: `Bearer ${key.key}` },
    });
    expectProblem(res, 403, 'notifications.accounts_only');
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await send('GET', '/api/docs/openapi.json')).json();
    for (const path of [
      '/api/v1/notifications',
      '/api/v1/notifications/unread-count',
      '/api/v1/notifications/{id}/read',
      '/api/v1/notifications/read-all',
      '/api/v1/notifications/feed',
      '/api/v1/notifications/stream',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
  });

  it('validates the query', async () => {
    expectProblem(
      await send('GET', '/api/v1/notifications?unread=yes', 't2-staff'),
      400,
      'http.validation_failed',
    );
    expectProblem(
      await send('GET', '/api/v1/notifications?pageSize=500', 't2-staff'),
      400,
      'http.validation_failed',
    );
    expectProblem(
      await send('POST', '/api/v1/notifications/abc/read', 't2-staff'),
      400,
      'http.validation_failed',
    );
  });
});

describe('the live feed list', () => {
  let inT1: Notice;
  let inT2: Notice;
  let toD1: Notice;
  beforeAll(async () => {
    inT1 = notice({ unitPath: '/C1/T1/V1/G1/', kind: 'events.submitted' });
    inT2 = notice({ unitPath: '/C1/T2/V2/', kind: 'events.submitted' });
    toD1 = notice({ unitPath: '/C1/T2/', to: { departmentIds: [ids.D1!] }, kind: 'events.assigned' });
    for (const n of [inT1, inT2, toD1]) await publish(n);
  });

  const feedIds = async (as: string) => {
    const res = await send('GET', '/api/v1/notifications/feed?pageSize=200', as);
    expect(res.statusCode, res.body).toBe(200);
    return new Set(res.json().items.map((i: { entityId: number }) => i.entityId));
  };

  it('shows staff what lies in their unit subtree or was addressed to their department', async () => {
    const t1 = await feedIds('t1-a');
    expect([t1.has(inT1.entityId), t1.has(inT2.entityId), t1.has(toD1.entityId)]).toEqual([
      true,
      false,
      false,
    ]);
    const t2 = await feedIds('t2-staff');
    expect([t2.has(inT1.entityId), t2.has(inT2.entityId), t2.has(toD1.entityId)]).toEqual([
      false,
      true,
      true,
    ]);
    const d1 = await feedIds('d1-staff');
    expect([d1.has(inT1.entityId), d1.has(inT2.entityId), d1.has(toD1.entityId)]).toEqual([
      false,
      false,
      true,
    ]);
    const leader = await feedIds('leader');
    expect([leader.has(inT1.entityId), leader.has(inT2.entityId), leader.has(toD1.entityId)]).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('newest first, with the entry’s fields', async () => {
    const items = (await send('GET', '/api/v1/notifications/feed?pageSize=3', 'leader')).json().items;
    expect(items[0]).toMatchObject({
      entityId: toD1.entityId,
      kind: 'events.assigned',
      unitPath: '/C1/T2/',
      link: toD1.link,
      title: toD1.title,
    });
    expect(items.map((i: { id: number }) => i.id)).toEqual(
      [...items.map((i: { id: number }) => i.id)].sort((a, b) => b - a),
    );
  });

  it('is not for residents', async () => {
    expectProblem(await send('GET', '/api/v1/notifications/feed', 'resident'), 403, 'http.forbidden');
  });
});
