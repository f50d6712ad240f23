// Events against a real database, through the HTTP edge: intake (locate, route, idempotency, bad
// input changes nothing), the whole loop with its timeline and audit, scope (403), stale versions
// (409), duplicates and merge, supervision with a controllable clock, the daily view and the metrics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import type { App } from '../../http/types.js';
import { JobRunner } from '../../jobs/index.js';
import { SYSTEM } from '../access/actor.js';
import { makeJpeg, multipart } from '../media/testing.js';
import { type CreatedEvent, createdEvent, type EventDetail } from './schema.js';
import { type EventsAccount, type EventsDistrict, eventsAccounts, insertEventsDistrict } from './testing.js';

let ctx: TestContext;
let app: App;
let d: EventsDistrict;
let cookie: Record<EventsAccount, string>;

beforeAll(async () => {
  ctx = await createTestContext({ sessionHours: 24 * 365 }); // the clock travels weeks
  ctx.clock.set(new Date('2026-11-23T02:00:00Z')); // Monday 10:00 in Shanghai
  d = await insertEventsDistrict(ctx);
  app = await ctx.app();
  ({ cookie } = await eventsAccounts(ctx, app));
});
afterAll(async () => {
  await ctx?.close();
});

const count = async (sql: string, params: unknown[] = []) =>
  (await ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;

function send(
  method: 'GET' | 'POST',
  url: string,
  as?: EventsAccount,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  return app.inject({
    method,
    url,
    headers: { ...(as ? { cookie: cookie[as] } : {}), ...headers },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}

let keySeq = 0;
async function report(
  as: EventsAccount | undefined,
  body: Record<string, unknown> = {},
  key = `key-${++keySeq}-abcdef`,
): Promise<CreatedEvent> {
  const res = await send(
    'POST',
    '/api/v1/events',
    as,
    {
      categoryCode: 'fire.ebike_charging',
      description: '楼道里有电动车在充电',
      location: d.point(0, 0),
      ...(body.categoryCode === undefined || body.categoryCode === 'fire.ebike_charging'
        ? { answers: { where: 'stairwell' } }
        : {}),
      ...body,
    },
    { 'idempotency-key': key },
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as CreatedEvent;
}

async function act(
  as: EventsAccount | undefined,
  ev: { id: number; version: number },
  body: Record<string, unknown>,
) {
  return send('POST', `/api/v1/events/${ev.id}/transitions`, as, { version: ev.version, ...body });
}
async function step(
  as: EventsAccount | undefined,
  ev: { id: number; version: number },
  body: Record<string, unknown>,
) {
  const res = await act(as, ev, body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as EventDetail;
}

describe('intake', () => {
  it('locates the point to its micro-grid, routes it by the category and answers a tracking number', async () => {
    const ev = await report('resident');
    expect(ev.state).toBe('submitted');
    expect(ev.version).toBe(1);
    expect(ev.trackingNo).toMatch(/^20261123-\d{6}$/);
    expect(ev.place.map((u) => u.level)).toEqual(['town', 'village', 'grid', 'micro_grid']);
    expect(ev.place.at(-1)?.code).toBe(d.lattice.microCode(0, 0));
    // fire.ebike_charging is handled by the grid: the route suggests grid G1
    expect(ev.route).toMatchObject({ kind: 'unit', level: 'grid', code: '330304001001-G1' });
    expect(ev.timeline.map((t) => t.kind)).toEqual(['submit']);
    expect(ev.mine).toBe(true);
    expect(ev.followToken).toBeNull();
    const fire = await report('resident', { categoryCode: 'fire.blocked_exit', description: '消防通道被堵' });
    // a group without sub-categories (其他事项) takes reports itself
    expect((await report('resident', { categoryCode: 'other', description: '其他问题' })).category.code).toBe(
      'other',
    );
    expect(fire.route).toMatchObject({ kind: 'department', code: '330304-XF' });
  });

  it('answers a retry with the same Idempotency-Key with the first answer, never a second event', async () => {
    const before = await count('event');
    const first = await report('resident', { description: '重试的报告' }, 'retry-key-0001');
    const again = await send(
      'POST',
      '/api/v1/events',
      'resident',
      {
        categoryCode: 'fire.ebike_charging',
        description: '重试的报告',
        location: d.point(0, 0),
        answers: { where: 'stairwell' },
      },
      { 'idempotency-key': 'retry-key-0001' },
    );
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((again.json() as CreatedEvent).id).toBe(first.id);
    // the replay is the first answer itself
    expect(again.json()).toEqual(first);
    expect(await count('event')).toBe(before + 1);
    // the same key for another report is a client bug: 422, nothing stored
    const other = await send(
      'POST',
      '/api/v1/events',
      'resident',
      { categoryCode: 'fire.ebike_charging', description: '另一件事', location: d.point(0, 0) },
      { 'idempotency-key': 'retry-key-0001' },
    );
    expect(other.statusCode).toBe(422);
    expect(other.json().code).toBe('events.idempotency_key_reused');
    expect(await count('event')).toBe(before + 1);
  });

  it("answers a new report with JSON that holds to the response schema, as the key's answer keeps it", async () => {
    // the answer of a report just made is sent as the service made it (not encoded again by the schema):
    // a resident's, an anonymous one's (with its follow token), one routed to a department, and one a grid
    // worker files for a resident (the contact shown to the filer)
    const cases: [EventsAccount | undefined, Record<string, unknown>][] = [
      ['resident', {}],
      [undefined, {}],
      ['resident', { categoryCode: 'fire.blocked_exit', answers: {} }],
      ['grid1', { onBehalfOf: { name: '王小明', phone: '13812345678' } }],
    ];
    for (const [i, [as, extra]] of cases.entries()) {
      const key = `schema-key-${i}-abcdef`;
      const res = await send(
        'POST',
        '/api/v1/events',
        as,
        {
          categoryCode: 'fire.ebike_charging',
          description: '答复的形状',
          location: d.point(i % 4, 1),
          answers: { where: 'stairwell' },
          ...extra,
        },
        { 'idempotency-key': key },
      );
      expect(res.statusCode, res.body).toBe(201);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const answer = res.json();
      // nothing beyond the schema, nothing missing, nothing of another type
      expect(createdEvent.parse(answer)).toEqual(answer);
      expect(answer.followToken === null).toBe(as !== undefined);
      const [kept] = await ctx.db.query<{ response: string }>(
        'SELECT response FROM idempotency_key WHERE key = $1',
        [key],
      );
      // kept as the very text that was sent, for a replay to send again
      expect(kept?.response).toBe(res.body);
    }
  });

  it('files concurrent retries of one report once', async () => {
    const before = await count('event');
    const body = {
      categoryCode: 'fire.ebike_charging',
      description: '并发重试',
      location: d.point(1, 1),
      answers: { where: 'indoors' },
    };
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() =>
        send('POST', '/api/v1/events', 'resident', body, { 'idempotency-key': 'concurrent-key-1' }),
      ),
    );
    const ids = new Set(answers.map((a) => (a.json() as CreatedEvent).id));
    expect(answers.every((a) => a.statusCode === 201)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await count('event')).toBe(before + 1);
  });

  it('refuses bad input with a clear 4xx and stores nothing', async () => {
    const before = await count('event');
    const post = (payload: unknown, headers: Record<string, string> = {}) =>
      send('POST', '/api/v1/events', 'resident', payload, headers);
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { cookie: cookie.resident, 'content-type': 'application/json' },
      payload: '{"categoryCode": "fire.ebike_charging", ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.headers['content-type']).toContain('application/problem+json');
    const cases: [unknown, number, string?][] = [
      [{ categoryCode: 'fire.ebike_charging', description: 42, location: d.point(0, 0) }, 400],
      [{ categoryCode: 'fire.ebike_charging', description: 'x', location: { lng: 'east', lat: 1 } }, 400],
      [{ categoryCode: 'fire.ebike_charging', description: 'x', location: d.point(0, 0), extra: 1 }, 400],
      [{ categoryCode: 'fire.ebike_charging', description: '', location: d.point(0, 0) }, 400],
      [{ categoryCode: 'fire.ebike_charging', description: 'x', location: { lng: 200, lat: 0 } }, 400],
      [
        { categoryCode: 'fire.ebike_charging', description: 'x', location: { lng: 116.4, lat: 39.9 } },
        422,
        'events.outside_district',
      ],
      [{ categoryCode: 'fire.ebike_charging', description: 'x' }, 422, 'events.location_required'],
      [
        { categoryCode: 'no.such', description: 'x', location: d.point(0, 0) },
        422,
        'events.unknown_category',
      ],
      [{ categoryCode: 'fire', description: 'x', location: d.point(0, 0) }, 422, 'events.unknown_category'], // a group
      [
        {
          categoryCode: 'fire.ebike_charging',
          description: 'x',
          location: d.point(0, 0),
          answers: { nope: 'x' },
        },
        422,
        'events.invalid_answers',
      ],
      [
        {
          categoryCode: 'fire.ebike_charging',
          description: 'x',
          location: d.point(0, 0),
          mediaIds: [999999],
        },
        422,
        'media.not_attachable',
      ],
      [
        {
          categoryCode: 'fire.ebike_charging',
          description: 'x',
          location: d.point(0, 0),
          onBehalfOf: { name: '张三' },
        },
        403,
        'events.on_behalf_not_allowed',
      ],
    ];
    for (const [payload, status, code] of cases) {
      const p = payload as Record<string, unknown>;
      const res = await post(p.answers === undefined ? { ...p, answers: { where: 'stairwell' } } : p);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (code) expect(res.json().code).toBe(code);
    }
    const badKey = await post(
      { categoryCode: 'fire.ebike_charging', description: 'x', location: d.point(0, 0) },
      { 'idempotency-key': 'short' },
    );
    expect(badKey.statusCode).toBe(400);
    expect(await count('event')).toBe(before);
    expect(await count('idempotency_key WHERE key = $1', ['short'])).toBe(0);
  });

  it('lets a reporter without an account follow the report with the token given once', async () => {
    const res = await send('POST', '/api/v1/events', undefined, {
      categoryCode: 'fire.ebike_charging',
      answers: { where: 'lobby' },
      description: '匿名反映',
      location: d.point(0, 1),
    });
    expect(res.statusCode).toBe(201);
    const ev = res.json() as CreatedEvent;
    expect(ev.anonymous).toBe(true);
    expect(ev.followToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const mine = await send('POST', '/api/v1/events/followed', undefined, { tokens: [ev.followToken] });
    expect(mine.json().items.map((e: EventDetail) => e.id)).toEqual([ev.id]);
    const strangers = await send('POST', '/api/v1/events/followed', undefined, { tokens: ['not-a-token'] });
    expect(strangers.json().items).toEqual([]);
    // no identity kept: no account, no name; only keyed pseudonyms
    const [row] = await ctx.db.query<{
      reporter_account_id: number | null;
      reporter_name: string | null;
      abuse_key: string | null;
    }>('SELECT reporter_account_id, reporter_name, abuse_key FROM event WHERE id = $1', [ev.id]);
    expect(row).toMatchObject({ reporter_account_id: null, reporter_name: null });
    expect(row?.abuse_key).not.toContain('127.0.0.1');
    // the dispatcher sees no reporter at all
    const seen = (await send('GET', `/api/v1/events/${ev.id}`, 'dispatcher')).json() as EventDetail;
    expect(seen.reporter).toBeNull();
  });

  it('shows a follower without an account the photos of the report through urls that carry a read grant', async () => {
    const photo = await uploadAnonymously('IMG_0001.jpg');
    const res = await send('POST', '/api/v1/events', undefined, {
      categoryCode: 'fire.ebike_charging',
      answers: { where: 'lobby' },
      description: '匿名反映，附照片',
      location: d.point(0, 2),
      mediaIds: [photo.id],
    });
    expect(res.statusCode, res.body).toBe(201);
    const ev = res.json() as CreatedEvent;
    // the bare url is the owner policy's to decide, and an anonymous request cannot show it follows
    expect((await send('GET', `/api/v1/media/${photo.id}`)).statusCode).toBe(403);
    const [mine] = (
      await send('POST', '/api/v1/events/followed', undefined, { tokens: [ev.followToken] })
    ).json().items as EventDetail[];
    const [media] = mine!.media;
    expect(media?.url).toMatch(/\?exp=\d+&sig=/);
    expect((await send('GET', media!.url)).statusCode).toBe(200);
    expect((await send('GET', media!.thumbnailUrl as string)).statusCode).toBe(200);
    // staff read the plain urls by their own right
    const seen = (await send('GET', `/api/v1/events/${ev.id}`, 'dispatcher')).json() as EventDetail;
    expect(seen.media[0]?.url).toBe(`/api/v1/media/${photo.id}`);
    expect((await send('GET', seen.media[0]!.url, 'dispatcher')).statusCode).toBe(200);
  });

  it('answers a retry after the first grants expired with fresh ones (a phone that was offline for a day)', async () => {
    const photo = await uploadAnonymously('IMG_0002.jpg');
    const payload = {
      categoryCode: 'fire.ebike_charging',
      answers: { where: 'lobby' },
      description: '匿名反映，重发',
      location: d.point(0, 2),
      mediaIds: [photo.id],
    };
    const post = () =>
      app.inject({
        method: 'POST',
        url: '/api/v1/events',
        payload,
        headers: { 'idempotency-key': 'anon-retry-after-a-day-0001' },
      });
    const first = await post();
    expect(first.statusCode, first.body).toBe(201);
    const firstUrl = (first.json() as CreatedEvent).media[0]!.url;
    expect(firstUrl).toMatch(/\?exp=\d+&sig=/);
    const now = ctx.clock.now();
    try {
      ctx.clock.set(new Date(now.getTime() + 30 * 3600_000));
      expect((await send('GET', firstUrl)).statusCode).toBe(403);
      const again = await post();
      expect(again.statusCode, again.body).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      const ev = again.json() as CreatedEvent;
      expect(ev.trackingNo).toBe((first.json() as CreatedEvent).trackingNo);
      expect(ev.media[0]!.url).not.toBe(firstUrl);
      expect((await send('GET', ev.media[0]!.url)).statusCode).toBe(200);
      expect((await send('GET', ev.media[0]!.thumbnailUrl as string)).statusCode).toBe(200);
    } finally {
      ctx.clock.set(now);
    }
  });

  it('keeps a staff-filed resident’s contact for those who handle it, masked for others, and audits the read', async () => {
    const ev = await report('grid1', { onBehalfOf: { name: '王小明', phone: '13812345678' } });
    const byDispatcher = (await send('GET', `/api/v1/events/${ev.id}`, 'dispatcher')).json() as EventDetail;
    expect(byDispatcher.reporter).toEqual({ name: '王小明', phone: '13812345678', masked: false });
    const byLeader = (await send('GET', `/api/v1/events/${ev.id}`, 'leader')).json() as EventDetail;
    expect(byLeader.reporter).toEqual({ name: '王**', phone: '138****5678', masked: true });
    expect(
      await count(`audit_log WHERE action = 'event.reporter.read' AND entity_id = $1`, [String(ev.id)]),
    ).toBeGreaterThan(0);
  });
});

describe('the loop', () => {
  it('goes report → accept → assign → start → resolve → rate 1 (reopened) → … → rate 5 (closed)', async () => {
    let ev: EventDetail = await report('resident', { description: '楼道充电，完整闭环' });
    ev = await step('dispatcher', ev, { action: 'accept' });
    expect(ev.actions).toContain('assign');
    ev = await step('dispatcher', ev, { action: 'assign', assignee: { kind: 'unit', id: ev.route!.id } });
    expect(ev.state).toBe('assigned');
    expect(ev.dueAt).not.toBeNull();
    // the grid worker of G1 sees it in their queue
    const queue = (await send('GET', '/api/v1/events?view=queue', 'grid1')).json();
    expect(queue.items.map((e: EventDetail) => e.id)).toContain(ev.id);
    ev = (await send('GET', `/api/v1/events/${ev.id}`, 'grid1')).json();
    expect(ev.actions.sort()).toEqual(['return', 'start']);
    ev = await step('grid1', ev, { action: 'start' });
    ev = await step('grid1', ev, { action: 'resolve', note: '已劝导车主将电动车移至充电棚' });
    expect(ev.state).toBe('resolved');
    ev = (await send('GET', `/api/v1/events/${ev.id}`, 'resident')).json();
    expect(ev.actions.sort()).toEqual(['rate', 'reopen']);
    ev = await step('resident', ev, { action: 'rate', rating: 1, comment: '车还在' });
    expect(ev.state).toBe('reopened');
    expect(ev.reopenCount).toBe(1);
    ev = await step('dispatcher', ev, { action: 'assign', assignee: { kind: 'unit', id: ev.route!.id } });
    ev = await step('grid1', ev, { action: 'start' });
    ev = await step('grid1', ev, { action: 'resolve', note: '车已移走，楼道已清理' });
    ev = await step('resident', ev, { action: 'rate', rating: 5 });
    expect(ev.state).toBe('closed');
    expect(ev.actions).toEqual([]);
    expect(ev.timeline.map((t) => t.kind)).toEqual([
      'submit',
      'accept',
      'assign',
      'start',
      'resolve',
      'rate',
      'assign',
      'start',
      'resolve',
      'rate',
    ]);
    expect(ev.timeline[5]).toMatchObject({
      from: 'resolved',
      to: 'reopened',
      rating: 1,
      comment: '车还在',
      by: 'reporter',
    });
    expect(
      await count(
        `audit_log WHERE entity_type = 'event' AND entity_id = $1 AND action LIKE 'event.%' AND action <> 'event.reporter.read'`,
        [String(ev.id)],
      ),
    ).toBe(10);
  });

  it('lets a department handle its matters and return them with a reason', async () => {
    let ev: EventDetail = await report('resident', {
      categoryCode: 'fire.blocked_exit',
      description: '消防通道堆满杂物',
    });
    ev = await step('dispatcher', ev, { action: 'accept' });
    ev = await step('dispatcher', ev, {
      action: 'assign',
      assignee: { kind: 'department', id: ev.route!.id },
    });
    expect((await act('police', ev, { action: 'start' })).statusCode).toBe(403);
    const noReason = await act('fire', ev, { action: 'return' });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().reason).toBe('missing_reason');
    ev = await step('fire', ev, { action: 'return', reason: '属物业管理范围' });
    expect(ev.state).toBe('returned');
    ev = await step('dispatcher', ev, {
      action: 'assign',
      assignee: { kind: 'unit', id: d.ids.get('330304001001')! },
    });
    expect(ev.assignee).toMatchObject({ kind: 'unit', level: 'village' });
    ev = await step('village', ev, { action: 'start' });
  });

  it('answers a stale version 409, an action the state forbids 409, an actor without the role 403, out of scope 403', async () => {
    let ev: EventDetail = await report('resident', { description: '版本冲突测试' });
    const stale = { id: ev.id, version: ev.version };
    ev = await step('dispatcher', ev, { action: 'accept' });
    const again = await act('dispatcher', stale, { action: 'accept' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('events.version_conflict');
    const wrongState = await act('dispatcher', ev, { action: 'resolve', note: 'x' });
    expect(wrongState.statusCode).toBe(409);
    expect(wrongState.json().code).toBe('events.transition_not_allowed');
    const notTheirs = await act('resident', ev, { action: 'assign', assignee: { kind: 'unit', id: 1 } });
    expect(notTheirs.statusCode).toBe(403);
    const far = await act('farDispatcher', ev, {
      action: 'assign',
      assignee: { kind: 'unit', id: ev.route!.id },
    });
    expect(far.statusCode).toBe(403);
    expect((await send('GET', `/api/v1/events/${ev.id}`, 'grid2')).statusCode).toBe(403);
    expect((await send('GET', `/api/v1/events/${ev.id}`, 'resident2')).statusCode).toBe(403);
    expect((await send('GET', `/api/v1/events/${ev.id}`)).statusCode).toBe(401);
    // an assignee outside the event's place is refused and nothing changes
    const elsewhere = await act('dispatcher', ev, {
      action: 'assign',
      assignee: { kind: 'unit', id: d.ids.get('330304001001-G2')! },
    });
    expect(elsewhere.statusCode).toBe(422);
    expect(elsewhere.json().code).toBe('events.unknown_assignee');
    const now = (await send('GET', `/api/v1/events/${ev.id}`, 'dispatcher')).json() as EventDetail;
    expect(now.version).toBe(ev.version);
    expect(now.state).toBe('accepted');
  });

  it('suggests duplicates within 50 m and 7 days, and merging makes their reporters follow the survivor', async () => {
    const p = d.point(3, 3);
    const first = await report('resident', { description: '路灯下电动车充电 A', location: p });
    const second = await report('resident2', {
      description: '同一处电动车充电 B',
      location: { lng: p.lng + 0.0002, lat: p.lat + 0.0001 }, // about 22 m away
    });
    await report('resident2', { description: '远处 C', location: { lng: p.lng + 0.002, lat: p.lat } }); // ~200 m
    const seen = (await send('GET', `/api/v1/events/${second.id}`, 'dispatcher')).json() as EventDetail;
    expect(seen.duplicates.map((x) => x.id)).toEqual([first.id]);
    expect(seen.duplicates[0]!.distanceM).toBeGreaterThan(15);
    expect(seen.duplicates[0]!.distanceM).toBeLessThan(30);
    const merged = await step('dispatcher', seen, { action: 'merge', targetEventId: first.id });
    expect(merged.state).toBe('merged');
    expect(merged.mergedInto).toEqual({ id: first.id, trackingNo: first.trackingNo });
    const mine = (await send('GET', '/api/v1/events?view=mine', 'resident2')).json();
    expect(mine.items.map((e: EventDetail) => e.id)).toContain(first.id);
    const survivor = (await send('GET', `/api/v1/events/${first.id}`, 'resident2')).json() as EventDetail;
    expect(survivor.mine).toBe(true);
    expect(survivor.timeline.at(-1)).toMatchObject({ kind: 'follow' });
    const selfMerge = await act('dispatcher', survivor, { action: 'merge', targetEventId: first.id });
    expect(selfMerge.statusCode).toBe(422);
  });
});

describe('supervision (督办)', () => {
  it('reminds, then escalates an overdue assignment grid → village → town → center, and auto-closes unrated ones', async () => {
    ctx.clock.set(new Date('2026-11-24T02:00:00Z'));
    let ev: EventDetail = await report('resident', { description: '督办测试', location: d.point(1, 2) });
    ev = await step('dispatcher', ev, { action: 'accept' });
    ev = await step('dispatcher', ev, { action: 'assign', assignee: { kind: 'unit', id: ev.route!.id } });
    // fire.ebike_charging: 24 calendar hours; reminder at 75 %
    expect(ev.dueAt).toBe('2026-11-25T02:00:00.000Z');
    const sweep = () => ctx.db.tx((q) => ctx.services.events.supervise(q, ctx.clock.now()));
    ctx.clock.set(new Date('2026-11-24T19:00:00Z'));
    expect((await sweep()).reminded).toBeGreaterThanOrEqual(1);
    ctx.clock.set(new Date('2026-11-25T02:00:01Z'));
    await sweep();
    ev = (await send('GET', `/api/v1/events/${ev.id}`, 'dispatcher')).json();
    expect(ev.overdue).toBe(true);
    expect(ev.escalations).toBe(1);
    expect(ev.supervisor).toMatchObject({ level: 'village' });
    const overdue = (await send('GET', '/api/v1/events?view=overdue', 'dispatcher')).json();
    expect(overdue.items.map((e: EventDetail) => e.id)).toContain(ev.id);
    ctx.clock.set(new Date('2026-11-26T02:00:02Z'));
    await sweep();
    ctx.clock.set(new Date('2026-11-27T02:00:03Z'));
    await sweep();
    ctx.clock.set(new Date('2026-11-28T02:00:04Z'));
    await sweep();
    ev = (await send('GET', `/api/v1/events/${ev.id}`, 'dispatcher')).json();
    expect(ev.escalations).toBe(3);
    expect(ev.supervisor).toMatchObject({ level: 'center' });
    expect(ev.timeline.filter((t) => t.kind === 'escalate').map((t) => t.supervisor?.level)).toEqual([
      'village',
      'town',
      'center',
      undefined,
    ]);
    expect(ev.timeline.some((t) => t.kind === 'remind')).toBe(true);
    // the center keeps it flagged; no more escalation after that
    ctx.clock.set(new Date('2026-11-30T02:00:00Z'));
    expect((await sweep()).escalated).toBe(0);

    // resolved and never rated: closed by the system after 7 days, not before
    ev = await step('grid1', ev, { action: 'start' });
    ev = await step('grid1', ev, { action: 'resolve', note: '已处置' });
    ctx.clock.set(new Date('2026-12-07T01:59:00Z'));
    expect((await act('dispatcher', ev, { action: 'close' })).statusCode).toBe(409);
    ctx.clock.set(new Date('2026-12-07T02:00:01Z'));
    const runner = new JobRunner(ctx.services.jobs.queue, ctx.services.jobs.schedules, { workerId: 't' });
    await ctx.services.jobs.schedules.ensure('events.supervise');
    ctx.clock.set(new Date('2026-12-07T02:01:01Z'));
    await runner.runDue();
    await runner.runDue();
    ev = (await send('GET', `/api/v1/events/${ev.id}`, 'resident')).json();
    expect(ev.state).toBe('closed');
    expect(ev.timeline.at(-1)).toMatchObject({ kind: 'close', by: 'system' });
    ctx.clock.set(new Date('2026-11-23T02:00:00Z'));
  });
});

describe('overview', () => {
  it('counts the day and the period for any unit subtree in scope', async () => {
    const daily = await send('GET', '/api/v1/events/daily?date=2026-11-23', 'leader');
    expect(daily.statusCode, daily.body).toBe(200);
    const v = daily.json();
    const reported = await count(
      `event WHERE created_at >= '2026-11-22T16:00:00Z' AND created_at < '2026-11-23T16:00:00Z'`,
    );
    expect(v.totals.reported).toBe(reported);
    expect(v.byCategory.reduce((s: number, c: { count: number }) => s + c.count, 0)).toBe(reported);
    expect(v.byUnit.map((u: { unit: { level: string } }) => u.unit.level)).toEqual(['town']);
    expect(v.points.length).toBe(reported);
    expect(v.totals.resolved).toBeGreaterThan(0);
    expect(v.satisfaction.ratings).toBeGreaterThan(0);
    expect((await send('GET', '/api/v1/events/daily', 'resident')).statusCode).toBe(403);
    expect(
      (await send('GET', `/api/v1/events/daily?unit=${d.ids.get('330304001001-G1')}`, 'leader')).statusCode,
    ).toBe(200);

    const m = await send(
      'GET',
      '/api/v1/events/metrics?from=2026-11-01&to=2026-11-30&level=village',
      'leader',
    );
    expect(m.statusCode, m.body).toBe(200);
    const [village] = m.json().items;
    const all = await count(
      `event WHERE created_at >= '2026-10-31T16:00:00Z' AND created_at < '2026-11-30T16:00:00Z'`,
    );
    expect(village.reported).toBe(all);
    expect(village.perThousand).toBeCloseTo((all * 1000) / 1000, 5);
    expect(village.satisfaction).toBeGreaterThan(0);
    expect(Object.values(village.byCategory as Record<string, number>).reduce((s, n) => s + n, 0)).toBe(all);
    // the service method the safety index calls agrees with the route
    const direct = await ctx.services.events.metrics(SYSTEM, {
      from: '2026-11-01',
      to: '2026-11-30',
      level: 'village',
    });
    expect(direct.items[0]?.reported).toBe(all);
  });
});

/** A photo uploaded without an account (as the phone page of an anonymous resident does). */
async function uploadAnonymously(filename: string): Promise<{ id: number }> {
  const body = multipart([{ data: await makeJpeg(200, 150), filename }]);
  const up = await app.inject({
    method: 'POST',
    url: '/api/v1/media',
    payload: body.payload,
    headers: body.headers,
  });
  expect(up.statusCode, up.body).toBe(201);
  const [photo] = up.json().items as { id: number }[];
  return photo!;
}
