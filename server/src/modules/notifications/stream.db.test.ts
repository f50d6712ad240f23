// The live stream (Server-Sent Events) over a real loopback connection: a published notice arrives
// within ~2 s, each viewer gets only its own notifications and the feed entries in its scope, a client
// resumes with Last-Event-ID, heartbeats, the stream's end (lifetime, disconnect, server shutdown), and
// — on PostgreSQL — several processes and a transaction that commits late.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { adminUrl, testDbKind } from '../../../test/env.js';
import type { Db } from '../../db/index.js';
import { openPostgres } from '../../db/postgres.js';
import { createJobs } from '../../jobs/index.js';
import { login, makeAccount, seedSmallTree } from '../access/testing.js';
import { comparePos, parseEventId } from './feed.js';
import { createNotificationsService, type Notice } from './service.js';
import { notificationsTestbed, openSse, type SseClient, type SseEvent, type Testbed } from './testing.js';

const onPostgres = testDbKind() === 'postgres';
let ctx: TestContext;
const ids: Record<string, number> = {};
const acc: Record<string, number> = {};
const cookie: Record<string, string> = {};
const beds: Testbed[] = [];
const clients: SseClient[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSmallTree(ctx);
  for (const code of ['C1', 'T1', 'T2']) ids[code] = (await ctx.services.units.findByCode(code))!.id;
  ids.D1 = (await ctx.services.units.findDepartmentByCode('D1'))!.id;
  const make = async (name: string, o: Parameters<typeof makeAccount>[1]) => {
    acc[name] = (await makeAccount(ctx, { username: name, ...o })).id;
  };
  await make('t1', { roles: ['town_staff'], unit: 'T1' });
  await make('t2', { roles: ['town_staff'], unit: 'T2' });
  await make('d1', { roles: ['department_staff'], department: 'D1' });
  await make('leader', { roles: ['leader'], unit: 'C1' });
  await make('resident', { roles: ['resident'] });
  const app = await ctx.app();
  for (const u of Object.keys(acc)) cookie[u] = await login(app, u);
});
afterAll(async () => {
  for (const c of clients) c.close();
  for (const b of beds) await b.close();
  await ctx?.close();
});

/** A testbed whose app listens on 127.0.0.1 at a free port. */
async function serve(config: Parameters<typeof notificationsTestbed>[1] = {}) {
  const bed = notificationsTestbed(ctx, config);
  beds.push(bed);
  const app = await bed.app();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const open = async (as: string, headers: Record<string, string> = {}, query = '') => {
    const c = await openSse(`http://127.0.0.1:${port}/api/v1/notifications/stream${query}`, {
      ...(as ? { cookie: cookie[as]! } : {}),
      ...headers,
    });
    clients.push(c);
    return c;
  };
  return { bed, app, port, open };
}

let seq = 0;
const notice = (o: Partial<Notice> = {}): Notice => {
  seq++;
  return {
    kind: 'events.assigned',
    entityType: 'event',
    entityId: seq,
    title: { zh: `事件 ${seq} 已派遣`, en: `Event ${seq} assigned` },
    link: `/events/${seq}`,
    to: {},
    unitPath: '/C1/T1/',
    ...o,
  };
};

const about = (kind: 'notification' | 'feed', entityId: number) => (e: SseEvent) =>
  e.event === kind && (e.data as { entityId: number }).entityId === entityId;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the client's resume point lies at or past the feed row of `entityId`: at once, unless a
 * transaction elsewhere in the cluster runs long (the row is then sent before it settles, without an id).
 */
async function settledPast(c: SseClient, entityId: number) {
  const [pos] = await ctx.db.query<{ tx: string; id: number }>(
    'SELECT tx::text AS tx, id FROM feed WHERE entity_id = $1',
    [entityId],
  );
  const past = () => {
    const p = parseEventId(c.lastEventId);
    return p !== undefined && comparePos(p, pos!) >= 0;
  };
  for (let i = 0; i < 150 && !past(); i++) await sleep(100);
  expect(past()).toBe(true);
}

describe('the live stream', () => {
  let s: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    s = await serve({ heartbeatMs: 300 }); // the default poll interval: 1 s
  });

  it('pushes a published notice within 2 s, as SSE with ids', async () => {
    const c = await s.open('t1');
    expect(c.status).toBe(200);
    expect(c.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(c.headers['cache-control']).toMatch(/no-cache/);
    const ready = await c.waitFor((e) => e.event === 'ready');
    expect(parseEventId(ready.id)).toBeDefined();
    const n = notice({ to: { unitIds: [ids.T1!] } });
    const t0 = performance.now();
    await ctx.db.tx((q) => s.bed.service.publish(q, n));
    const got = await c.waitFor(about('notification', n.entityId), 2500);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);
    expect(got.data).toMatchObject({
      kind: 'events.assigned',
      entityType: 'event',
      entityId: n.entityId,
      title: n.title,
      link: n.link,
      readAt: null,
    });
    // a resume point once it settled; sent earlier without one while another transaction of the
    // cluster was still running (see feed.ts)
    if (got.id !== undefined) expect(got.id).toMatch(/^\d+\.\d+$/);
    const feed = await c.waitFor(about('feed', n.entityId), 2500);
    expect(feed.data).toMatchObject({ unitPath: '/C1/T1/', kind: 'events.assigned', title: n.title });
    expect(c.retry).toBe(3000);
    console.log(`notice → stream: ${ms.toFixed(0)} ms (poll interval 1 s)`);
  });

  it('sends heartbeats as comment lines, and moves the resume point past what the viewer was not sent', async () => {
    const c = await s.open('t2');
    await c.waitFor((e) => e.event === 'ready');
    const before = c.lastEventId;
    const elsewhere = notice({ unitPath: '/C1/T1/' }); // not in t2's scope, not addressed to t2
    await ctx.db.tx((q) => s.bed.service.publish(q, elsewhere));
    // (it moves once the row settled: at once, unless a transaction elsewhere in the cluster runs long)
    for (let i = 0; i < 150 && c.lastEventId === before; i++) await sleep(100);
    expect(c.comments).toContain('heartbeat');
    expect(c.lastEventId).not.toBe(before);
    expect(c.events.filter((e) => e.event !== 'ready')).toEqual([]);
  });

  it('each viewer gets its own notifications and the feed in its scope; residents no feed', async () => {
    const viewers = ['t1', 't2', 'd1', 'leader', 'resident'] as const;
    const streams = Object.fromEntries(
      await Promise.all(viewers.map(async (v) => [v, await s.open(v)])),
    ) as Record<(typeof viewers)[number], SseClient>;
    await Promise.all(viewers.map((v) => streams[v].waitFor((e) => e.event === 'ready')));
    const a = notice({ unitPath: '/C1/T1/', to: { unitIds: [ids.T1!] } });
    const b = notice({ unitPath: '/C1/T2/', to: { departmentIds: [ids.D1!] } });
    const c = notice({ unitPath: '/C1/T1/', to: { accountIds: [acc.resident!] }, kind: 'events.resolved' });
    const last = notice({ unitPath: '/C1/', to: { accountIds: viewers.map((v) => acc[v]!) } });
    await ctx.db.tx(async (q) => {
      for (const n of [a, b]) await s.bed.service.publish(q, n);
    });
    await ctx.db.tx((q) => s.bed.service.publish(q, c));
    await ctx.db.tx((q) => s.bed.service.publish(q, last));
    await Promise.all(viewers.map((v) => streams[v].waitFor(about('notification', last.entityId), 8000)));
    const seen = (v: (typeof viewers)[number]) =>
      streams[v].events
        .filter((e) => e.event === 'notification' || e.event === 'feed')
        .filter((e) => (e.data as { entityId: number }).entityId !== last.entityId)
        .map(
          (e) =>
            `${e.event}:${[a, b, c].findIndex((n) => n.entityId === (e.data as { entityId: number }).entityId)}`,
        )
        .sort();
    const [A, B, C] = [0, 1, 2];
    expect(seen('t1')).toEqual([`feed:${A}`, `feed:${C}`, `notification:${A}`].sort());
    expect(seen('t2')).toEqual([`feed:${B}`]);
    expect(seen('d1')).toEqual([`feed:${B}`, `notification:${B}`].sort());
    expect(seen('leader')).toEqual([`feed:${A}`, `feed:${B}`, `feed:${C}`].sort());
    expect(seen('resident')).toEqual([`notification:${C}`]);
    // no feed entry at all for the resident, not even the one addressed to everyone
    expect(streams.resident.events.some((e) => e.event === 'feed')).toBe(false);
  });

  it('resumes with Last-Event-ID: what was missed, once; a bad id starts from now', async () => {
    const c1 = await s.open('t1');
    await c1.waitFor((e) => e.event === 'ready');
    const first = notice({ to: { accountIds: [acc.t1!] } });
    await ctx.db.tx((q) => s.bed.service.publish(q, first));
    await c1.waitFor(about('notification', first.entityId), 8000);
    await settledPast(c1, first.entityId);
    c1.close();
    await c1.ended;
    const missed = notice({ to: { accountIds: [acc.t1!] }, kind: 'events.overdue' });
    const notMine = notice({ to: { accountIds: [acc.t2!] }, unitPath: '/C1/T2/' });
    const watcher = await s.open('leader'); // keeps the hub reading while t1 is away
    await watcher.waitFor((e) => e.event === 'ready');
    for (const n of [missed, notMine]) await ctx.db.tx((q) => s.bed.service.publish(q, n));
    await watcher.waitFor(about('feed', notMine.entityId), 8000);
    await settledPast(watcher, notMine.entityId);
    // the hub has moved past both: t1 catches up from its own place, then is live
    const c2 = await s.open('t1', { 'last-event-id': c1.lastEventId });
    await c2.waitFor((e) => e.event === 'ready');
    const back = c2.events.filter((e) => e.event === 'notification');
    expect(back.map((e) => (e.data as { entityId: number }).entityId)).toEqual([missed.entityId]);
    expect(c2.events.map((e) => e.event)).toEqual(['notification', 'feed', 'ready']);
    expect(c2.events.some((e) => (e.data as { entityId?: number }).entityId === notMine.entityId)).toBe(
      false,
    );
    // the query parameter works the same (for clients that cannot set the header)
    const c3 = await s.open('t1', {}, `?lastEventId=${encodeURIComponent(c1.lastEventId)}`);
    await c3.waitFor(about('notification', missed.entityId));
    const c4 = await s.open('t1', { 'last-event-id': 'garbage' });
    await c4.waitFor((e) => e.event === 'ready');
    await sleep(1200);
    expect(c4.events.map((e) => e.event)).toEqual(['ready']);
    for (const c of [c2, c3, c4, watcher]) c.close();
  });

  it('a closed client is dropped from the hub', async () => {
    for (let i = 0; i < 50 && s.bed.service.streamCount > 0; i++) await sleep(20);
    const before = s.bed.service.streamCount;
    const c = await s.open('leader');
    await c.waitFor((e) => e.event === 'ready');
    expect(s.bed.service.streamCount).toBe(before + 1);
    c.close();
    for (let i = 0; i < 50 && s.bed.service.streamCount > before; i++) await sleep(20);
    expect(s.bed.service.streamCount).toBe(before);
  });

  it('401 without a session, before any stream starts', async () => {
    const c = await s.open('');
    expect(c.status).toBe(401);
    expect(c.events[0]?.data).toMatchObject({ code: 'http.unauthenticated' });
  });
});

describe('limits and shutdown', () => {
  it('refuses more streams per account than allowed (429)', async () => {
    const s = await serve({ maxStreamsPerAccount: 2, pollMs: 100 });
    const a = await s.open('t2');
    const b = await s.open('t2');
    const c = await s.open('t2');
    expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
    expect(c.events[0]?.data).toMatchObject({ code: 'notifications.too_many_streams' });
    a.close();
    b.close();
  });

  it('ends a stream after its lifetime; the client resumes where it was', async () => {
    const s = await serve({ maxStreamMs: 600, pollMs: 100 });
    const c = await s.open('t1');
    await c.waitFor((e) => e.event === 'ready');
    await c.ended;
    const n = notice({ to: { accountIds: [acc.t1!] } });
    await ctx.db.tx((q) => s.bed.service.publish(q, n));
    const again = await s.open('t1', { 'last-event-id': c.lastEventId });
    await again.waitFor(about('notification', n.entityId));
    again.close();
  });

  it('closing the server ends open streams promptly', async () => {
    const s = await serve({ pollMs: 100 });
    const streams = await Promise.all([s.open('t1'), s.open('leader')]);
    await Promise.all(streams.map((c) => c.waitFor((e) => e.event === 'ready')));
    const t0 = performance.now();
    await s.app.close();
    await Promise.all(streams.map((c) => c.ended));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(s.bed.service.streamCount).toBe(0);
  });
});

describe.skipIf(!onPostgres)('several processes (PostgreSQL)', () => {
  let dbB: Db;
  beforeAll(async () => {
    const [{ name }] = (await ctx.db.query<{ name: string }>('SELECT current_database() AS name')) as [
      { name: string },
    ];
    dbB = await openPostgres(adminUrl(name), 3);
  });
  afterAll(async () => {
    await dbB?.close();
  });

  function otherProcess() {
    // its own pool, job queue and service: nothing shared with the process that serves the stream
    return createNotificationsService(
      dbB,
      ctx.services.audit,
      ctx.services.access,
      createJobs(dbB, ctx.clock),
      ctx.clock,
    );
  }

  it('a notice published by another process reaches this process’s clients', async () => {
    const s = await serve({ pollMs: 200 });
    const c = await s.open('t1');
    await c.waitFor((e) => e.event === 'ready');
    const n = notice({ to: { unitIds: [ids.T1!] } });
    await dbB.tx((q) => otherProcess().publish(q, n));
    await c.waitFor(about('notification', n.entityId), 3000);
    c.close();
  });

  it('a transaction that commits after a later one is not skipped, and nothing is sent twice', async () => {
    const s = await serve({ pollMs: 100, heartbeatMs: 300 });
    const c = await s.open('t1');
    await c.waitFor((e) => e.event === 'ready');
    const slow = notice({ to: { accountIds: [acc.t1!] }, kind: 'events.escalated' });
    const fast = notice({ to: { accountIds: [acc.t1!] } });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const other = otherProcess();
    let written!: () => void;
    const slowWritten = new Promise<void>((r) => {
      written = r;
    });
    const slowTx = dbB.tx(async (q) => {
      await other.publish(q, slow); // its ids come first …
      written();
      await gate; // … but it commits last
    });
    await slowWritten;
    await ctx.db.tx((q) => s.bed.service.publish(q, fast));
    const early = await c.waitFor(about('notification', fast.entityId), 3000);
    expect(early.id).toBeUndefined(); // sent before it settled: no resume point yet
    const idBefore = c.lastEventId;
    release();
    await slowTx;
    await c.waitFor(about('notification', slow.entityId), 3000);
    await settledPast(c, fast.entityId); // and the fast one is not sent again
    expect(c.events.filter(about('notification', fast.entityId))).toHaveLength(1);
    expect(c.events.filter(about('notification', slow.entityId))).toHaveLength(1);
    // a client resuming from before both gets both, in commit-safe order
    const again = await s.open('t1', { 'last-event-id': idBefore });
    await again.waitFor((e) => e.event === 'ready');
    const order = again.events
      .filter((e) => e.event === 'notification')
      .map((e) => (e.data as { entityId: number }).entityId);
    expect(order).toEqual([slow.entityId, fast.entityId]);
    c.close();
    again.close();
  });
});
