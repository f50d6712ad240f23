// Intake's group commit against a real database: reports that arrive together are written together (one
// statement without media) and each is answered with its own event; idempotency keys still hold inside
// a batch (a retry in the same batch replays, the same key with another body is refused); a report
// refused inside the batch fails alone; a batch that may have committed is never written again; inside a
// caller's transaction a report joins it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { Db, Row } from '../../db/index.js';
import { interceptQueries } from '../../db/intercept.js';
import type { App } from '../../http/types.js';
import type { Actor } from '../access/actor.js';
import { SESSION_COOKIE } from '../access/routes.js';
import { type CreatedEvent, type CreateEventBody, createEventBody } from './schema.js';
import { EventsService } from './service.js';
import { type EventsAccount, type EventsDistrict, eventsAccounts, insertEventsDistrict } from './testing.js';

let ctx: TestContext;
let app: App;
let d: EventsDistrict;
let cookie: Record<EventsAccount, string>;
let resident: Actor;
let dispatcher: Actor;

beforeAll(async () => {
  ctx = await createTestContext();
  ctx.clock.set(new Date('2026-11-23T02:00:00Z')); // Monday 10:00 in Shanghai
  d = await insertEventsDistrict(ctx);
  app = await ctx.app();
  ({ cookie } = await eventsAccounts(ctx, app));
  const actorOf = (as: EventsAccount) =>
    ctx.services.access.authenticate({ sessionToken: cookie[as].slice(SESSION_COOKIE.length + 1) });
  resident = await actorOf('resident');
  dispatcher = await actorOf('dispatcher');
});
afterAll(async () => {
  await ctx?.close();
});

const count = async (sql: string, params: unknown[] = []) =>
  (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;

/**
 * The database as a second server process would use it, every statement and transaction seen: `around`
 * runs each statement (and may fail it, before or after it ran).
 */
function watched(
  db: Db,
  around: (text: string, run: () => Promise<Row[]>) => Promise<Row[]> = (_, run) => run(),
): { db: Db; statements: string[]; transactions: () => number } {
  const statements: string[] = [];
  let transactions = 0;
  const watching = interceptQueries(db, {
    query: (text, _params, run) => {
      statements.push(text);
      return around(text, run);
    },
    tx: () => {
      transactions++;
    },
  });
  return { db: watching, statements, transactions: () => transactions };
}

const otherProcess = (db: Db) => {
  const s = ctx.services;
  return new EventsService(db, s.audit, s.units, s.categories, s.media, s.notifications, s.clock, {
    registerMediaPolicy: false,
  });
};

/** The statement that writes a batch's events. */
const WRITES_EVENTS = /INSERT INTO event \(/;

const body = (n: number, extra: Partial<CreateEventBody> = {}): CreateEventBody =>
  createEventBody.parse({
    categoryCode: 'fire.ebike_charging',
    description: `批量报告 ${n}`,
    location: d.point(n % 4, Math.floor(n / 4) % 4),
    answers: { where: 'stairwell' },
    ...extra,
  });

describe('intake in batches (group commit)', () => {
  it('tells the staff of the county center in person of urgent reports, in the same batch', async () => {
    const events = ctx.services.events;
    const out = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        events.create(
          resident,
          createEventBody.parse({
            categoryCode: i % 2 ? 'fire.gas' : 'fire.ebike_charging',
            description: `燃气味 ${i}`,
            location: d.point(i % 4, 0),
            answers: i % 2 ? {} : { where: 'stairwell' },
          }),
          { idempotencyKey: `batch-urgent-${i}-key`, address: '127.0.0.1' },
        ),
      ),
    );
    expect(out.every((o) => o.status === 201)).toBe(true);
    const urgent = out.filter((_, i) => i % 2).map((o) => o.event.id);
    const other = out.filter((_, i) => i % 2 === 0).map((o) => o.event.id);
    // the county center's staff (the dispatcher and the leader): each urgent report, to each of them
    expect(
      await count(`notification WHERE kind = 'events.submitted' AND entity_id = ANY($1::bigint[])`, [urgent]),
    ).toBe(2 * urgent.length);
    expect(
      await count(`notification WHERE kind = 'events.submitted' AND entity_id = ANY($1::bigint[])`, [other]),
    ).toBe(0);
    // and every one of them to the live feed
    expect(
      await count(`feed WHERE kind = 'events.submitted' AND entity_id = ANY($1::bigint[])`, [
        [...urgent, ...other],
      ]),
    ).toBe(6);
  });

  it('writes concurrent reports together and answers each with its own event, once', async () => {
    const events = ctx.services.events;
    const before = { ...events.intakeStats };
    const n = 30;
    const out = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        events.create(resident, body(i), { idempotencyKey: `batch-a-${i}-key`, address: '127.0.0.1' }),
      ),
    );
    const stats = events.intakeStats;
    // they went in fewer transactions than reports
    expect(stats.items - before.items).toBe(n);
    expect(stats.batches - before.batches).toBeLessThan(n);
    expect(stats.largest).toBeGreaterThan(1);

    expect(out.every((o) => o.status === 201 && !o.replayed)).toBe(true);
    const ids = out.map((o) => o.event.id);
    const tracking = out.map((o) => o.event.trackingNo);
    expect(new Set(ids).size).toBe(n);
    expect(new Set(tracking).size).toBe(n);
    // each answer is its own report: its description, its place
    out.forEach((o, i) => {
      expect(o.event.description).toBe(`批量报告 ${i}`);
      expect(o.event.place.at(-1)?.code).toBe(d.lattice.microCode(i % 4, Math.floor(i / 4) % 4));
      expect(o.event.trackingNo).toBe(`20261123-${String(o.event.id).padStart(6, '0')}`);
    });
    // ids (and tracking numbers) follow the order the reports arrived in
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);

    // every event has its first step, its reporter, its audit entry, its notice and its key's answer
    const list = [ids];
    expect(await count('event WHERE id = ANY($1::bigint[])', list)).toBe(n);
    expect(
      await count(
        `event_timeline WHERE event_id = ANY($1::bigint[]) AND seq = 1 AND kind = 'submit' AND to_state = 'submitted'`,
        list,
      ),
    ).toBe(n);
    expect(await count('event_timeline WHERE event_id = ANY($1::bigint[])', list)).toBe(n);
    expect(await count('event_reporter WHERE event_id = ANY($1::bigint[])', list)).toBe(n);
    expect(
      await count(`audit_log WHERE action = 'event.create' AND entity_id = ANY($1::text[])`, [
        ids.map(String),
      ]),
    ).toBe(n);
    expect(await count(`feed WHERE kind = 'events.submitted' AND entity_id = ANY($1::bigint[])`, list)).toBe(
      n,
    );
    // reports that are not urgent reach the live feed only: no one is notified of each in person
    expect(
      await count(`notification WHERE kind = 'events.submitted' AND entity_id = ANY($1::bigint[])`, list),
    ).toBe(0);
    const keys = await ctx.db.query<{ status: number; id: number }>(
      `SELECT status, (response::jsonb->>'id')::bigint AS id FROM idempotency_key WHERE key LIKE 'batch-a-%' ORDER BY id`,
    );
    expect(keys.map((k) => k.status)).toEqual(Array(n).fill(201));
    expect(keys.map((k) => k.id)).toEqual(ids);

    // what each was answered is what it reads back later
    const again = await events.get(resident, ids[7]!);
    const { followToken: _, ...answered } = out[7]!.event;
    expect(again).toEqual(answered);
  });

  it('replays a retry that lands in the same batch as its first request, and refuses another body', async () => {
    const events = ctx.services.events;
    const before = await count('event');
    const key = { idempotencyKey: 'batch-retry-key', address: '127.0.0.1' };
    const [first, retry, other, unrelated] = await Promise.allSettled([
      events.create(resident, body(1), key),
      events.create(resident, body(1), key),
      events.create(resident, body(2), key),
      events.create(resident, body(3), { idempotencyKey: 'batch-retry-other', address: '127.0.0.1' }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(retry.status).toBe('fulfilled');
    expect(unrelated.status).toBe('fulfilled');
    const a = (first as PromiseFulfilledResult<{ event: CreatedEvent; replayed: boolean }>).value;
    const b = (retry as PromiseFulfilledResult<{ event: CreatedEvent; replayed: boolean }>).value;
    expect(a.replayed).toBe(false);
    expect(b.replayed).toBe(true);
    expect(b.event.id).toBe(a.event.id);
    expect(b.event.trackingNo).toBe(a.event.trackingNo);
    expect(other.status).toBe('rejected');
    expect((other as PromiseRejectedResult).reason).toMatchObject({
      code: 'events.idempotency_key_reused',
      status: 422,
    });
    expect(await count('event')).toBe(before + 2);
  });

  it('replays a retry that another process files at the same time: one event, the first answer', async () => {
    const s = ctx.services;
    // a second server process, in effect: its own group commit over the same database
    const other = otherProcess(s.db);
    const before = await count('event');
    const key = { idempotencyKey: 'batch-two-processes', address: '127.0.0.1' };
    const [a, b] = await Promise.all([
      s.events.create(resident, body(60), key),
      other.create(resident, body(60), key),
    ]);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(a.event.id).toBe(b.event.id);
    expect(a.event.trackingNo).toBe(b.event.trackingNo);
    expect(await count('event')).toBe(before + 1);
    expect(
      await count(`audit_log WHERE action = 'event.create' AND entity_id = $1`, [String(a.event.id)]),
    ).toBe(1);
    expect(await count(`feed WHERE kind = 'events.submitted' AND entity_id = $1`, [a.event.id])).toBe(1);
  });

  it('writes a batch without media in one statement that commits on its own: no BEGIN, no COMMIT', async () => {
    const w = watched(ctx.db);
    const events = otherProcess(w.db);
    await events.create(resident, body(70), { address: '127.0.0.1' }); // takes event ids ahead
    w.statements.length = 0;
    const before = events.intakeStats;
    const out = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        events.create(resident, body(71 + i), { idempotencyKey: `batch-one-${i}-key`, address: '127.0.0.1' }),
      ),
    );
    const batches = events.intakeStats.batches - before.batches;
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThan(8);
    expect(w.transactions()).toBe(0);
    // one statement per batch wrote; nothing else did
    expect(w.statements.filter((t) => /\b(INSERT|UPDATE|DELETE)\b/.test(t))).toHaveLength(batches);
    expect(w.statements.filter((t) => WRITES_EVENTS.test(t))).toHaveLength(batches);
    // and it wrote everything: events, steps, reporters, answers, audit entries, feed rows
    const ids = out.map((o) => o.event.id);
    expect(await count('event_timeline WHERE event_id = ANY($1::bigint[])', [ids])).toBe(8);
    expect(await count('event_reporter WHERE event_id = ANY($1::bigint[])', [ids])).toBe(8);
    expect(await count(`idempotency_key WHERE key LIKE 'batch-one-%' AND status = 201`)).toBe(8);
    expect(
      await count(`audit_log WHERE action = 'event.create' AND entity_id = ANY($1::text[])`, [
        ids.map(String),
      ]),
    ).toBe(8);
    expect(await count(`feed WHERE kind = 'events.submitted' AND entity_id = ANY($1::bigint[])`, [ids])).toBe(
      8,
    );
  });

  it('never writes again a batch whose statement may have committed (the connection lost while it ran)', async () => {
    let lose = true;
    const w = watched(ctx.db, async (text, run) => {
      if (!lose || !WRITES_EVENTS.test(text)) return run();
      lose = false;
      await run(); // it committed, but the answer never came back
      throw new Error('Connection terminated unexpectedly');
    });
    const events = otherProcess(w.db);
    const fallbacks = events.intakeStats.fallbacks;
    const keys = Array.from({ length: 4 }, (_, i) => `batch-lost-${i}-key`);
    const results = await Promise.allSettled(
      keys.map((k, i) => events.create(resident, body(80 + i), { idempotencyKey: k, address: '127.0.0.1' })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(4).fill('rejected'));
    expect(events.intakeStats.fallbacks).toBe(fallbacks); // not written again one by one
    expect(await count(`event WHERE description LIKE '批量报告 8_'`)).toBe(4); // each stored once
    // the phone retries with its key: the first answer, not a second event
    const again = await Promise.all(
      keys.map((k, i) => events.create(resident, body(80 + i), { idempotencyKey: k, address: '127.0.0.1' })),
    );
    expect(again.every((a) => a.status === 201 && a.replayed)).toBe(true);
    expect(await count(`event WHERE description LIKE '批量报告 8_'`)).toBe(4);
  });

  it('writes a batch again report by report when the database refused its statement', async () => {
    let refuse = true;
    const w = watched(ctx.db, async (text, run) => {
      if (!refuse || !WRITES_EVENTS.test(text)) return run();
      refuse = false;
      throw Object.assign(new Error('could not serialize access'), { code: '40001', severity: 'ERROR' });
    });
    const events = otherProcess(w.db);
    const fallbacks = events.intakeStats.fallbacks;
    const out = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        events.create(resident, body(90 + i), {
          idempotencyKey: `batch-refused-${i}-key`,
          address: '127.0.0.1',
        }),
      ),
    );
    expect(out.every((o) => o.status === 201 && !o.replayed)).toBe(true);
    expect(events.intakeStats.fallbacks).toBe(fallbacks + 1);
    expect(await count(`event WHERE description LIKE '批量报告 9_'`)).toBe(4);
  });

  it('writes the others of a batch when one report is refused inside it', async () => {
    const events = ctx.services.events;
    const before = await count('event');
    const fallbacks = events.intakeStats.fallbacks;
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        events.create(
          resident,
          // a media id nobody uploaded: refused when the batch attaches it, after the checks passed
          body(10 + i, i === 3 ? { mediaIds: [987654] } : {}),
          { idempotencyKey: `batch-bad-${i}-key`, address: '127.0.0.1' },
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'media.not_attachable' });
    expect(events.intakeStats.fallbacks).toBeGreaterThan(fallbacks);
    expect(await count('event')).toBe(before + 5);
    // the refused report's key is free: nothing was stored for it
    expect(await count(`idempotency_key WHERE key = 'batch-bad-3-key'`)).toBe(0);
    expect(await count(`idempotency_key WHERE key LIKE 'batch-bad-%' AND status = 201`)).toBe(5);
  });

  it('suggests duplicates to a dispatcher who files a report, from what was stored before', async () => {
    const events = ctx.services.events;
    const near = { ...d.point(3, 3), crs: 'wgs84' as const };
    const first = await events.create(resident, body(40, { location: near }), { address: '127.0.0.1' });
    const mine = await events.create(dispatcher, body(41, { location: near }), { address: '127.0.0.1' });
    expect(mine.event.duplicates.map((x) => x.id)).toContain(first.event.id);
    expect(mine.event.duplicates.map((x) => x.id)).not.toContain(mine.event.id);
    // the answer made without reading back is what a read gives
    const { followToken: _, ...answered } = mine.event;
    expect(await events.get(dispatcher, mine.event.id)).toEqual(answered);
  });

  it('answers concurrent reports over HTTP, each with 201 and its own tracking number', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/events',
          headers: { cookie: cookie.resident, 'idempotency-key': `batch-http-${i}-key` },
          payload: {
            categoryCode: 'fire.ebike_charging',
            description: `HTTP ${i}`,
            location: d.point(i % 4, 0),
            answers: { where: 'lobby' },
          },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(201));
    const events = answers.map((a) => a.json() as CreatedEvent);
    expect(new Set(events.map((e) => e.trackingNo)).size).toBe(12);
    events.forEach((e, i) => {
      expect(e.description).toBe(`HTTP ${i}`);
    });
  });

  it("joins a caller's transaction instead of batching: it rolls back with it", async () => {
    const events = ctx.services.events;
    const before = await count('event');
    const batches = events.intakeStats.batches;
    await expect(
      ctx.db.tx(async () => {
        await events.create(resident, body(50), { idempotencyKey: 'batch-in-tx-key', address: '127.0.0.1' });
        await events.create(resident, body(51), { address: '127.0.0.1' });
        throw new Error('the caller gives up');
      }),
    ).rejects.toThrow('the caller gives up');
    expect(events.intakeStats.batches).toBe(batches); // written in the caller's transaction
    expect(await count('event')).toBe(before);
    expect(await count(`idempotency_key WHERE key = 'batch-in-tx-key'`)).toBe(0);
  });
});
