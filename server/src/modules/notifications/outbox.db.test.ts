// The outbox: an external notice is sent through every configured channel by jobs, retried with backoff
// (time from the injected clock), failed after the last attempt or at once for a permanent refusal; the
// outbox keeps short error codes, never messages; the log channel logs account id and kind only. Also the
// nightly prune.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../../test/context.js';
import { recordingLogger } from '../../jobs/testing.js';
import { makeAccount, seedSmallTree } from '../access/testing.js';
import * as repo from './repository.js';
import type { Notice } from './service.js';
import { notificationsTestbed, RecordingChannel, type Testbed } from './testing.js';

let ctx: TestContext;
let bed: Testbed;
const logger = recordingLogger();
const channel = new RecordingChannel('test');
const acc: Record<string, number> = {};
let t1: number;

const PHONE = '13912345678';
const NAME = '王小明';

beforeAll(async () => {
  ctx = await createTestContext();
  await seedSmallTree(ctx);
  t1 = (await ctx.services.units.findByCode('T1'))!.id;
  acc.a = (await makeAccount(ctx, { roles: ['town_staff'], unit: 'T1', phone: PHONE })).id;
  acc.b = (await makeAccount(ctx, { roles: ['town_staff'], unit: 'T1' })).id;
  acc.resident = (await makeAccount(ctx, { username: 'wang-xm', roles: ['resident'], phone: PHONE })).id;
  await ctx.db.query('UPDATE account SET display_name = $1 WHERE id = $2', [NAME, acc.resident]);
  bed = notificationsTestbed(ctx, {
    channels: ['log', 'test'],
    maxAttempts: 3,
    backoffBaseMs: 60_000,
    sendTimeoutMs: 200,
    logger: () => logger,
  });
  bed.service.channels.register(channel);
});
afterAll(async () => {
  await bed?.close();
  await ctx?.close();
});
beforeEach(() => {
  channel.sent.length = 0;
  channel.failNext = 0;
  channel.permanent = false;
  channel.plainErrorMessage = null;
  channel.delayMs = 0;
  logger.lines.length = 0;
});

let seq = 0;
const notice = (o: Partial<Notice> = {}): Notice => {
  seq++;
  return {
    kind: 'events.assigned',
    entityType: 'event',
    entityId: seq,
    title: { zh: `事件 ${seq} 已派遣给 甲街道`, en: `Event ${seq} assigned` },
    link: `/events/${seq}`,
    to: { accountIds: [acc.a!] },
    unitPath: '/C1/T1/',
    external: true,
    ...o,
  };
};
const publish = (n: Notice) => ctx.db.tx((q) => bed.service.publish(q, n));

const outboxOf = (entityId: number) =>
  ctx.db.query<{
    id: number;
    account_id: number;
    channel: string;
    state: string;
    attempts: number;
    last_error_code: string | null;
    sent_at: Date | null;
  }>(
    `SELECT o.id, o.account_id, o.channel, o.state, o.attempts, o.last_error_code, o.sent_at
     FROM notification_outbox o JOIN notification n ON n.id = o.notification_id
     WHERE n.entity_id = $1 ORDER BY o.account_id, o.channel`,
    [entityId],
  );

describe('delivery', () => {
  it('writes a row per recipient and channel, and the jobs send them', async () => {
    const n = notice({ to: { unitIds: [t1] } });
    await publish(n);
    const queued = await outboxOf(n.entityId);
    expect(queued.map((r) => [r.account_id, r.channel, r.state, r.attempts])).toEqual([
      [acc.a, 'log', 'queued', 0],
      [acc.a, 'test', 'queued', 0],
      [acc.b, 'log', 'queued', 0],
      [acc.b, 'test', 'queued', 0],
    ]);
    const jobs = await ctx.db.query<{ dedupe_key: string }>(
      "SELECT dedupe_key FROM job WHERE kind = 'notifications.deliver' AND state = 'queued' ORDER BY id",
    );
    expect(jobs.map((j) => j.dedupe_key)).toEqual(queued.map((r) => `notifications.deliver:${r.id}:1`));

    expect(await bed.runner.runDue()).toMatchObject({ done: 4, retry: 0, failed: 0 });
    const sent = await outboxOf(n.entityId);
    expect(sent.every((r) => r.state === 'sent' && r.attempts === 1 && r.last_error_code === null)).toBe(
      true,
    );
    expect(sent[0]!.sent_at).toEqual(ctx.clock.now());
    const [note] = await ctx.db.query<{ id: number }>(
      'SELECT id FROM notification WHERE entity_id = $1 AND account_id = $2',
      [n.entityId, acc.a],
    );
    expect(channel.sent.find((m) => m.accountId === acc.a)).toEqual({
      outboxId: sent.find((r) => r.account_id === acc.a && r.channel === 'test')!.id,
      notificationId: note!.id,
      accountId: acc.a,
      kind: 'events.assigned',
      title: n.title,
      link: n.link,
    });
    expect(channel.sent.map((m) => m.accountId).sort()).toEqual([acc.a, acc.b].sort());
    // sent once: nothing more to run
    expect(await bed.runner.runDue()).toMatchObject({ done: 0 });
  });

  it('in-app only (external not set): no outbox rows, no jobs', async () => {
    const n = notice({ external: false });
    await publish(n);
    expect(await outboxOf(n.entityId)).toEqual([]);
    expect(await bed.runner.runDue()).toMatchObject({ done: 0 });
  });

  it('retries with backoff, then succeeds', async () => {
    channel.failNext = 1;
    const n = notice();
    await publish(n);
    await bed.runner.runDue();
    const test = async () => (await outboxOf(n.entityId)).find((r) => r.channel === 'test')!;
    expect(await test()).toMatchObject({ state: 'queued', attempts: 1, last_error_code: 'gateway_down' });
    expect((await outboxOf(n.entityId)).find((r) => r.channel === 'log')).toMatchObject({ state: 'sent' });
    ctx.clock.advance(59_999);
    expect(await bed.runner.runDue()).toMatchObject({ done: 0 });
    ctx.clock.advance(1);
    expect(await bed.runner.runDue()).toMatchObject({ done: 1 });
    expect(await test()).toMatchObject({ state: 'sent', attempts: 2, last_error_code: 'gateway_down' });
    expect(channel.sent).toHaveLength(1);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', channel: 'test', attempt: 1, code: 'gateway_down' }),
    );
  });

  it('fails after the last attempt; the backoff doubles', async () => {
    channel.failNext = 100;
    const n = notice();
    await publish(n);
    const test = async () => (await outboxOf(n.entityId)).find((r) => r.channel === 'test')!;
    await bed.runner.runDue();
    expect(await test()).toMatchObject({ state: 'queued', attempts: 1 });
    ctx.clock.advance(60_000);
    await bed.runner.runDue();
    expect(await test()).toMatchObject({ state: 'queued', attempts: 2 });
    ctx.clock.advance(119_999);
    expect(await bed.runner.runDue()).toMatchObject({ done: 0 });
    ctx.clock.advance(1);
    await bed.runner.runDue();
    expect(await test()).toMatchObject({ state: 'failed', attempts: 3, last_error_code: 'gateway_down' });
    ctx.clock.advance(24 * 3_600_000);
    expect(await bed.runner.runDue()).toMatchObject({ done: 0 });
    expect(channel.calls).toBeGreaterThanOrEqual(3);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        channel: 'test',
        attempt: 3,
        code: 'gateway_down',
        msg: 'notification could not be sent',
      }),
    );
    // the jobs themselves succeeded: the failure is the outbox row's, not a broken job
    expect(
      await ctx.db.query("SELECT 1 FROM job WHERE kind = 'notifications.deliver' AND state = 'failed'"),
    ).toEqual([]);
  });

  it('a permanent refusal fails at once', async () => {
    channel.failNext = 1;
    channel.failCode = 'no_phone';
    channel.permanent = true;
    const n = notice();
    await publish(n);
    await bed.runner.runDue();
    expect((await outboxOf(n.entityId)).find((r) => r.channel === 'test')).toMatchObject({
      state: 'failed',
      attempts: 1,
      last_error_code: 'no_phone',
    });
    channel.failCode = 'gateway_down';
  });

  it('keeps the class of an unexpected error, never its message; a slow send is a timeout', async () => {
    channel.failNext = 1;
    channel.plainErrorMessage = `cannot reach ${PHONE}`;
    const n = notice();
    await publish(n);
    await bed.runner.runDue();
    expect((await outboxOf(n.entityId)).find((r) => r.channel === 'test')).toMatchObject({
      state: 'queued',
      last_error_code: 'Error',
    });
    const everything = JSON.stringify([
      await ctx.db.query('SELECT * FROM notification_outbox'),
      await ctx.db.query("SELECT last_error, payload FROM job WHERE kind = 'notifications.deliver'"),
      logger.lines,
    ]);
    expect(everything).not.toContain(PHONE);

    channel.delayMs = 1000;
    const slow = notice();
    await publish(slow);
    ctx.clock.advance(3_600_000); // the retry of the first one is due too
    await bed.runner.runDue();
    expect((await outboxOf(slow.entityId)).find((r) => r.channel === 'test')).toMatchObject({
      state: 'queued',
      attempts: 1,
      last_error_code: 'timeout',
    });
  });
});

describe('the log channel', () => {
  it('logs the account id and the kind, and nothing personal', async () => {
    const n = notice({ to: { accountIds: [acc.resident!] }, kind: 'events.resolved' });
    await publish(n);
    await bed.runner.runDue();
    const lines = logger.lines.filter((l) => (l as { channel?: string }).channel === 'log');
    expect(lines).toHaveLength(1);
    const [line] = lines as Record<string, unknown>[];
    expect(Object.keys(line!).sort()).toEqual(['account', 'channel', 'kind', 'level', 'msg', 'outbox']);
    expect(line).toMatchObject({ account: acc.resident, kind: 'events.resolved', msg: 'notification sent' });
    const text = JSON.stringify(logger.lines);
    for (const secret of [PHONE, NAME, 'wang-xm', n.title.zh, n.title.en, n.link])
      expect(text).not.toContain(secret);
  });
});

describe('a channel that is configured but not registered', () => {
  it('fails its rows at once with unknown_channel and says so once in the log', async () => {
    ctx.clock.advance(10 * 3_600_000);
    await bed.runner.runDue(); // the first service's retries are done: the second runner finds none of them
    expect(
      await ctx.db.query("SELECT 1 FROM job WHERE kind = 'notifications.deliver' AND state = 'queued'"),
    ).toEqual([]);
    // a second service over the same database whose configuration names an SMS gateway nobody registered
    const other = notificationsTestbed(ctx, { channels: ['sms'], logger: () => logger });
    try {
      const a = notice();
      const b = notice();
      await ctx.db.tx(async (q) => {
        await other.service.publish(q, a);
        await other.service.publish(q, b);
      });
      await other.runner.runDue();
      for (const n of [a, b])
        expect(await outboxOf(n.entityId)).toEqual([
          expect.objectContaining({
            channel: 'sms',
            state: 'failed',
            attempts: 1,
            last_error_code: 'unknown_channel',
          }),
        ]);
      expect(logger.lines.filter((l) => (l as { msg: string }).msg.includes('not registered'))).toHaveLength(
        1,
      );
    } finally {
      await other.close();
    }
  });
});

describe('pruning', () => {
  it('deletes feed rows and finished outbox rows past the retention; notifications stay', async () => {
    await bed.runner.runDue();
    const old = notice();
    await publish(old);
    ctx.clock.advance(60_000);
    channel.failNext = 0;
    await bed.runner.runDue(); // old's outbox rows sent
    ctx.clock.advance(31 * 86_400_000);
    const recent = notice({ external: false });
    await publish(recent);
    const pending = notice();
    await publish(pending); // queued, not yet sent
    await bed.service.pruneNow();
    const feedOf = async (n: Notice) =>
      (await ctx.db.query('SELECT 1 FROM feed WHERE entity_id = $1', [n.entityId])).length;
    expect([await feedOf(old), await feedOf(recent), await feedOf(pending)]).toEqual([0, 1, 1]);
    expect(await outboxOf(old.entityId)).toEqual([]);
    expect((await outboxOf(pending.entityId)).map((r) => r.state)).toEqual(['queued', 'queued']);
    expect(
      await ctx.db.query('SELECT 1 FROM notification WHERE entity_id = $1', [old.entityId]),
    ).toHaveLength(1);
    expect(await repo.unreadCount(ctx.db, acc.a!)).toBeGreaterThan(0);
  });
});
